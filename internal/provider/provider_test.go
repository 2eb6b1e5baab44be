package provider_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
	"github.com/amicopy/terraform-provider-amicopy/internal/provider"
)

// TestMain starts a local EC2 (moto behind the test proxy) for the
// acceptance tests, or points them at real AWS when AMICOPY_TEST_TARGET=aws.
func TestMain(m *testing.M) {
	if !acctest.IsRealAWS() {
		// The local EC2 lists a new copy at once, so a copy it never lists
		// (a spent client token) needs no five-minute grace to be told.
		ami.NotFoundGrace = time.Minute
	}
	os.Exit(acctest.Run(m))
}

// protoV6ProviderFactories serves the provider in-process to Terraform.
var protoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"amicopy": func() (tfprotov6.ProviderServer, error) { return provider.NewServer("test")(), nil },
}

// randomName returns an AMI name that no other test uses.
func randomName() string {
	return sdkacctest.RandomWithPrefix("tf-acc-amicopy")
}

// providerConfig is the provider block for the shared endpoint.
func providerConfig() string {
	return acctest.ProviderBlock(acctest.Endpoint())
}

// checkImagesDestroyed is a CheckDestroy that asks EC2 whether any
// amicopy_image in the state, or any of its snapshots, still exists.
func checkImagesDestroyed(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "amicopy_image" {
				continue
			}
			if rs.Primary.Attributes["skip_destroy"] == "true" {
				continue
			}
			region := rs.Primary.Attributes["region"]
			if err := checkImageGone(t, region, rs.Primary.ID, snapshotIDsOf(rs.Primary.Attributes)); err != nil {
				return err
			}
		}
		return nil
	}
}

// checkImageGone returns an error when the image or any of the snapshots
// still exists in region.
func checkImageGone(t *testing.T, region, imageID string, snapshotIDs []string) error {
	client := acctest.EC2Client(t, region)
	ctx := context.Background()
	out, err := client.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Filters:           []ec2types.Filter{{Name: aws.String("image-id"), Values: []string{imageID}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		return fmt.Errorf("DescribeImages %s: %w", imageID, err)
	}
	for _, img := range out.Images {
		if img.State != ec2types.ImageStateDeregistered {
			return fmt.Errorf("image %s in %s still exists (%s)", imageID, region, img.State)
		}
	}
	if len(snapshotIDs) == 0 {
		return nil
	}
	snaps, err := client.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		Filters: []ec2types.Filter{{Name: aws.String("snapshot-id"), Values: snapshotIDs}},
	})
	if err != nil {
		return fmt.Errorf("DescribeSnapshots %v: %w", snapshotIDs, err)
	}
	if len(snaps.Snapshots) > 0 {
		return fmt.Errorf("snapshot %s of image %s in %s still exists", aws.ToString(snaps.Snapshots[0].SnapshotId), imageID, region)
	}
	return nil
}

// snapshotIDsOf reads snapshot_ids from flatmapped state attributes.
func snapshotIDsOf(attrs map[string]string) []string {
	var ids []string
	for k, v := range attrs {
		if strings.HasPrefix(k, "snapshot_ids.") && k != "snapshot_ids.#" {
			ids = append(ids, v)
		}
	}
	return ids
}

// captureImage stores a resource's ID and snapshots, for later steps.
func captureImage(name string, image *capturedImage) func(*terraform.State) error {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[name]
		if !ok {
			return fmt.Errorf("%s not in state", name)
		}
		image.id = rs.Primary.ID
		image.region = rs.Primary.Attributes["region"]
		image.snapshotIDs = snapshotIDsOf(rs.Primary.Attributes)
		return nil
	}
}

// capturedImage is an image remembered between test steps.
type capturedImage struct {
	id          string
	region      string
	snapshotIDs []string
}

// copyOutsideTerraform makes a copy with the SDK, as a user would by hand,
// and deregisters it when the test ends if it is still there.
func copyOutsideTerraform(t *testing.T, region, name string, tags map[string]string) string {
	t.Helper()
	client := acctest.EC2Client(t, region)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	in := &ec2.CopyImageInput{
		Name:          aws.String(name),
		SourceImageId: aws.String(acctest.SourceImageID()),
		SourceRegion:  aws.String(acctest.SourceRegion()),
		Description:   aws.String("copied by hand"),
	}
	if len(tags) > 0 {
		var ec2Tags []ec2types.Tag
		for k, v := range tags {
			ec2Tags = append(ec2Tags, ec2types.Tag{Key: aws.String(k), Value: aws.String(v)})
		}
		in.TagSpecifications = []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeImage, Tags: ec2Tags}}
	}
	out, err := client.CopyImage(ctx, in)
	if err != nil {
		t.Fatalf("CopyImage by hand: %v", err)
	}
	id := aws.ToString(out.ImageId)
	waiter := ec2.NewImageAvailableWaiter(client)
	if err := waiter.Wait(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}}, 30*time.Minute); err != nil {
		t.Fatalf("waiting for the hand-made copy %s: %v", id, err)
	}
	t.Cleanup(func() {
		_, _ = client.DeregisterImage(context.Background(), &ec2.DeregisterImageInput{ImageId: aws.String(id), DeleteAssociatedSnapshots: aws.Bool(true)})
	})
	return id
}
