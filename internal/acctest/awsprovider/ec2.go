package awsprovider

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// EC2 error codes that mean the image does not exist (any more).
const (
	errCodeInvalidAMIIDNotFound    = "InvalidAMIID.NotFound"
	errCodeInvalidAMIIDUnavailable = "InvalidAMIID.Unavailable"
)

// imagePollInterval is how often the waiters ask DescribeImages. The real
// provider waits 5 s before its first poll; a local EC2 API answers at once.
const imagePollInterval = 2 * time.Second

// errImageNotFound marks an image that is absent, deregistered, or not the one
// asked for.
var errImageNotFound = errors.New("EC2 AMI not found")

// arnPattern matches anything shaped like an ARN.
var arnPattern = regexp.MustCompile(`^arn:[\w-]+:[\w-]+:[\w-]*:\d{0,12}:.+$`)

// findImageByID returns the image, or an error wrapping errImageNotFound
// when EC2 does not have it in a usable state, as FindImageByID does.
func findImageByID(ctx context.Context, conn *ec2.Client, imageID string) (*ec2types.Image, error) {
	output, err := conn.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{imageID}})
	if hasErrorCode(err, errCodeInvalidAMIIDNotFound) {
		return nil, fmt.Errorf("%w: %s: %w", errImageNotFound, imageID, err)
	}
	if err != nil {
		return nil, err
	}

	if len(output.Images) == 0 {
		return nil, fmt.Errorf("%w: %s", errImageNotFound, imageID)
	}
	if len(output.Images) > 1 {
		return nil, fmt.Errorf("DescribeImages for %s returned %d images", imageID, len(output.Images))
	}

	image := output.Images[0]
	if image.State == ec2types.ImageStateDeregistered || aws.ToString(image.ImageId) != imageID {
		return nil, fmt.Errorf("%w: %s", errImageNotFound, imageID)
	}

	return &image, nil
}

// isNotFound reports whether err says the image is gone.
func isNotFound(err error) bool {
	return errors.Is(err, errImageNotFound)
}

// hasErrorCode reports whether err is an AWS API error with one of codes.
func hasErrorCode(err error, codes ...string) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	for _, code := range codes {
		if apiErr.ErrorCode() == code {
			return true
		}
	}
	return false
}

// waitImageAvailable polls until the image is available, and fails when it
// fails or ctx ends.
func waitImageAvailable(ctx context.Context, conn *ec2.Client, imageID string) (*ec2types.Image, error) {
	for {
		image, err := findImageByID(ctx, conn, imageID)
		switch {
		case isNotFound(err):
			// A new image can lag behind CopyImage; keep polling.
		case err != nil:
			return nil, err
		case image.State == ec2types.ImageStateAvailable:
			return image, nil
		case image.State == ec2types.ImageStateFailed || image.State == ec2types.ImageStateError:
			reason := ""
			if image.StateReason != nil {
				reason = fmt.Sprintf(": %s: %s", aws.ToString(image.StateReason.Code), aws.ToString(image.StateReason.Message))
			}
			return nil, fmt.Errorf("EC2 AMI (%s) reached state %s%s", imageID, image.State, reason)
		}

		if err := sleep(ctx, imagePollInterval); err != nil {
			return nil, fmt.Errorf("EC2 AMI (%s) did not become available: %w", imageID, err)
		}
	}
}

// waitImageDeleted polls until EC2 no longer reports the image.
func waitImageDeleted(ctx context.Context, conn *ec2.Client, imageID string) error {
	for {
		_, err := findImageByID(ctx, conn, imageID)
		if isNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := sleep(ctx, imagePollInterval); err != nil {
			return fmt.Errorf("EC2 AMI (%s) was not deleted: %w", imageID, err)
		}
	}
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// enableImageDeprecation schedules the image's deprecation at an RFC 3339
// time.
func enableImageDeprecation(ctx context.Context, conn *ec2.Client, imageID, deprecateAt string) error {
	at, err := time.Parse(time.RFC3339, deprecateAt)
	if err != nil {
		return fmt.Errorf("parsing deprecation_time: %w", err)
	}
	if _, err := conn.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{
		ImageId:     aws.String(imageID),
		DeprecateAt: aws.Time(at),
	}); err != nil {
		return fmt.Errorf("enabling deprecation: %w", err)
	}
	return nil
}

// updateTags brings the image's tags from oldTags to newTags.
func updateTags(ctx context.Context, conn *ec2.Client, imageID string, oldTags, newTags map[string]string) error {
	var removed []ec2types.Tag
	for k := range oldTags {
		if _, ok := newTags[k]; !ok {
			removed = append(removed, ec2types.Tag{Key: aws.String(k)})
		}
	}
	if len(removed) > 0 {
		if _, err := conn.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: []string{imageID}, Tags: removed}); err != nil {
			return fmt.Errorf("untagging: %w", err)
		}
	}

	changed := map[string]string{}
	for k, v := range newTags {
		if old, ok := oldTags[k]; !ok || old != v {
			changed[k] = v
		}
	}
	if len(changed) > 0 {
		if _, err := conn.CreateTags(ctx, &ec2.CreateTagsInput{Resources: []string{imageID}, Tags: ec2Tags(changed)}); err != nil {
			return fmt.Errorf("tagging: %w", err)
		}
	}
	return nil
}

// ec2Tags converts a tag map to EC2 tags in key order, so requests are
// deterministic.
func ec2Tags(tags map[string]string) []ec2types.Tag {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	out := make([]ec2types.Tag, 0, len(keys))
	for _, k := range keys {
		out = append(out, ec2types.Tag{Key: aws.String(k), Value: aws.String(tags[k])})
	}
	return out
}

// tagsFromEC2 converts EC2 tags to a map, dropping the aws: prefix that the
// real provider ignores.
func tagsFromEC2(tags []ec2types.Tag) map[string]string {
	out := map[string]string{}
	for _, tag := range tags {
		key := aws.ToString(tag.Key)
		if strings.HasPrefix(key, "aws:") {
			continue
		}
		out[key] = aws.ToString(tag.Value)
	}
	return out
}

// rfc3339Validator accepts RFC 3339 times, as validation.IsRFC3339Time does.
type rfc3339Validator struct{}

var _ validator.String = rfc3339Validator{}

// Description says what the validator accepts.
func (rfc3339Validator) Description(context.Context) string {
	return "value must be an RFC 3339 time, such as 2006-01-02T15:04:05Z"
}

// MarkdownDescription says what the validator accepts.
func (v rfc3339Validator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

// ValidateString rejects values that time.Parse cannot read as RFC 3339.
func (v rfc3339Validator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid RFC 3339 Time",
			fmt.Sprintf("%q: %s", req.ConfigValue.ValueString(), err))
	}
}
