package bench

import (
	"fmt"
	"strings"
)

// AmicopyConfig is a configuration of count amicopy_image copies of one
// source, in one resource with count, named prefix-0, prefix-1, and so on.
// EC2 calls go to endpoint.
func AmicopyConfig(endpoint string, count int, prefix, sourceImageID, sourceRegion string) string {
	return amicopyConfig(endpoint, count, prefix, sourceImageID, sourceRegion, "")
}

// AmicopySharedConfig is AmicopyConfig with every copy shared with
// accountID: it may launch the copy and create volumes from its snapshots.
func AmicopySharedConfig(endpoint string, count int, prefix, sourceImageID, sourceRegion, accountID string) string {
	return amicopyConfig(endpoint, count, prefix, sourceImageID, sourceRegion, fmt.Sprintf(
		"  launch_permission = { account_ids = [%q] }\n  snapshot_create_volume_permission_account_ids = [%q]\n", accountID, accountID))
}

// amicopyConfig is AmicopyConfig with extra lines in the resource body.
func amicopyConfig(endpoint string, count int, prefix, sourceImageID, sourceRegion, extra string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    amicopy = { source = \"amicopy/amicopy\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "provider \"amicopy\" {\n  endpoints {\n    ec2 = %q\n  }\n}\n\n", endpoint)
	fmt.Fprintf(&b, "resource \"amicopy_image\" \"bench\" {\n  count           = %d\n  name            = \"%s-${count.index}\"\n  source_image_id = %q\n  source_region   = %q\n%s}\n",
		count, prefix, sourceImageID, sourceRegion, extra)
	return b.String()
}

// MinimalConfig is a configuration of count minimal_item resources whose
// arguments look like an amicopy_image's.
func MinimalConfig(count int, prefix, sourceImageID, sourceRegion string) string {
	var b strings.Builder
	b.WriteString("terraform {\n  required_providers {\n    minimal = { source = \"bench/minimal\" }\n  }\n}\n\n")
	fmt.Fprintf(&b, "resource \"minimal_item\" \"bench\" {\n  count         = %d\n  name          = \"%s-${count.index}\"\n  source_id     = %q\n  source_region = %q\n}\n",
		count, prefix, sourceImageID, sourceRegion)
	return b.String()
}

// TerraformDataConfig is a configuration of count terraform_data resources,
// which Terraform serves itself: the floor of any plan over that many
// resources.
func TerraformDataConfig(count int, prefix string) string {
	return fmt.Sprintf("resource \"terraform_data\" \"bench\" {\n  count = %d\n  input = \"%s-${count.index}\"\n}\n", count, prefix)
}
