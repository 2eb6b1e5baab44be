package acctest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// copySourceTags gives a new copy the user-defined tags of its source, as
// CopyImage's CopyImageTags asks (EC2 API Reference, CopyImage:
// CopyImageTags "Indicates whether to include your user-defined AMI tags
// when copying the AMI. The following tags will not be copied: System tags
// (prefixed with aws:); For public and shared AMIs, user-defined tags that
// are attached by other AWS accounts"). A key that TagSpecifications set
// keeps the requested value. Moto ignores CopyImageTags.
func (e *emulator) copySourceTags(ctx context.Context, req *ec2Request, specs []tagSpec, imageID string) (*answer, error) {
	if !req.boolParam("CopyImageTags") {
		return nil, nil
	}
	sourceRegion := req.form.Get("SourceRegion")
	if sourceRegion == "" {
		sourceRegion = req.region
	}
	source, failure, err := e.describeImage(ctx, sourceRegion, req.akid, req.form.Get("SourceImageId"))
	if err != nil || failure != nil {
		return failure, err
	}
	requested := map[string]bool{}
	for _, spec := range specs {
		if spec.resourceType == "image" {
			for _, tag := range spec.tags {
				requested[tag[0]] = true
			}
		}
	}
	params := url.Values{}
	params.Set("ResourceId.1", imageID)
	n := 0
	if tagSet := source.Child("tagSet"); tagSet != nil {
		for _, item := range tagSet.ChildrenNamed("item") {
			key := item.ChildText("key")
			if key == "" || strings.HasPrefix(key, "aws:") || requested[key] {
				continue
			}
			n++
			params.Set(fmt.Sprintf("Tag.%d.Key", n), key)
			params.Set(fmt.Sprintf("Tag.%d.Value", n), item.ChildText("value"))
		}
	}
	if n == 0 {
		return nil, nil
	}
	ans, err := e.call(ctx, req.region, req.akid, "CreateTags", params)
	if err != nil || ans.status == http.StatusOK {
		return nil, err
	}
	return ans, nil
}
