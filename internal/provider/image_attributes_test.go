package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// TestAccImage_reportsEC2Attributes creates a copy and imports it, and
// checks that every attribute that aws_ami_copy reports carries what
// DescribeImages reports about the copy, both after create and after
// import.
func TestAccImage_reportsEC2Attributes(t *testing.T) {
	address := "amicopy_image.x"
	resource.ParallelTest(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: protoV6ProviderFactories,
		CheckDestroy:             checkImagesDestroyed(t),
		Steps: []resource.TestStep{
			{
				Config: providerConfig() + fmt.Sprintf(`
resource "amicopy_image" "x" {
  name            = %[1]q
  source_image_id = %[2]q
  source_region   = %[3]q
}
`, randomName(), acctest.SourceImageID(), acctest.SourceRegion()),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					reportsWhatEC2Reports(t, address),
					// EC2 reports these for every AMI, so none may be null.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("usage_operation"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("hypervisor"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("image_type"), knownvalue.StringExact("machine")),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("image_location"), knownvalue.NotNull()),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("public"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(address, tfjsonpath.New("root_snapshot_id"), knownvalue.StringRegexp(snapshotIDPattern)),
					// A copy belongs to this account, which has no owner alias.
					statecheck.ExpectKnownValue(address, tfjsonpath.New("image_owner_alias"), knownvalue.Null()),
				},
			},
			{
				ResourceName:            address,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"client_token", "timeouts"},
			},
		},
	})
}

// reportsWhatEC2Reports checks each attribute that amicopy_image shares with
// aws_ami_copy against DescribeImages: null where EC2 reports nothing.
func reportsWhatEC2Reports(t *testing.T, address string) statecheck.StateCheck {
	return resourceStateCheck{address: address, check: func(values map[string]any) error {
		imageID, _ := values["id"].(string)
		region, _ := values["region"].(string)
		return compareWithEC2(values, describeImageByID(t, region, imageID))
	}}
}

// compareWithEC2 compares a resource's state values (as terraform show
// -json gives them) with what EC2 reports for the image.
func compareWithEC2(values map[string]any, img ec2types.Image) error {
	var mismatches []string
	for name, want := range ec2ReportedValues(img) {
		if got := values[name]; !sameJSON(got, want) {
			mismatches = append(mismatches, fmt.Sprintf("%s = %#v, EC2 reports %#v", name, got, want))
		}
	}
	if len(mismatches) > 0 {
		sort.Strings(mismatches)
		return fmt.Errorf("%s differs from DescribeImages: %v", aws.ToString(img.ImageId), mismatches)
	}
	return nil
}

// ec2ReportedValues is what amicopy_image should hold for an image, as
// JSON values: nil for a field EC2 leaves out.
func ec2ReportedValues(img ec2types.Image) map[string]any {
	optional := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	optionalInt := func(v *int32) any {
		if v == nil {
			return nil
		}
		return int(*v)
	}
	var rootSnapshot string
	mappings := []any{}
	for _, m := range img.BlockDeviceMappings {
		mapping := map[string]any{
			"delete_on_termination": nil, "device_name": aws.ToString(m.DeviceName), "encrypted": nil, "iops": nil,
			"snapshot_id": nil, "throughput": nil, "virtual_name": optional(aws.ToString(m.VirtualName)), "volume_size": nil, "volume_type": nil,
		}
		if m.Ebs != nil {
			mapping["delete_on_termination"] = aws.ToBool(m.Ebs.DeleteOnTermination)
			mapping["encrypted"] = aws.ToBool(m.Ebs.Encrypted)
			mapping["iops"] = optionalInt(m.Ebs.Iops)
			mapping["snapshot_id"] = aws.ToString(m.Ebs.SnapshotId)
			mapping["throughput"] = optionalInt(m.Ebs.Throughput)
			mapping["volume_size"] = int(aws.ToInt32(m.Ebs.VolumeSize))
			mapping["volume_type"] = string(m.Ebs.VolumeType)
			if aws.ToString(m.DeviceName) == aws.ToString(img.RootDeviceName) {
				rootSnapshot = aws.ToString(m.Ebs.SnapshotId)
			}
		}
		mappings = append(mappings, mapping)
	}
	return map[string]any{
		"block_device_mappings": mappings,
		"hypervisor":            optional(string(img.Hypervisor)),
		"image_location":        optional(aws.ToString(img.ImageLocation)),
		"image_owner_alias":     optional(aws.ToString(img.ImageOwnerAlias)),
		"image_type":            optional(string(img.ImageType)),
		"imds_support":          optional(string(img.ImdsSupport)),
		"kernel_id":             optional(aws.ToString(img.KernelId)),
		"platform":              optional(string(img.Platform)),
		"platform_details":      aws.ToString(img.PlatformDetails),
		"public":                aws.ToBool(img.Public),
		"ramdisk_id":            optional(aws.ToString(img.RamdiskId)),
		"root_snapshot_id":      optional(rootSnapshot),
		"sriov_net_support":     optional(aws.ToString(img.SriovNetSupport)),
		"tpm_support":           optional(string(img.TpmSupport)),
		"usage_operation":       optional(aws.ToString(img.UsageOperation)),
	}
}

// snapshotIDPattern matches an EBS snapshot ID.
var snapshotIDPattern = regexp.MustCompile(`^snap-[0-9a-f]{8,17}$`)

// stateCheckFunc runs check on one resource's values in state.
type stateCheckFunc func(values map[string]any) error

// resourceStateCheck adapts a stateCheckFunc to statecheck.StateCheck.
type resourceStateCheck struct {
	address string
	check   stateCheckFunc
}

// CheckState finds the resource and runs the check on its values.
func (c resourceStateCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state to find %s in", c.address)
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address == c.address {
			resp.Error = c.check(r.AttributeValues)
			return
		}
	}
	resp.Error = fmt.Errorf("%s is not in state", c.address)
}
