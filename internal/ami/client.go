package ami

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// EC2API is the part of *ec2.Client that the provider uses. Calling EC2
// through this small interface keeps the tests simple and lets the linker drop
// the hundreds of EC2 operations the provider never calls.
type EC2API interface {
	DescribeImagesAPI
	CopyImage(ctx context.Context, in *ec2.CopyImageInput, optFns ...func(*ec2.Options)) (*ec2.CopyImageOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	DeregisterImage(ctx context.Context, in *ec2.DeregisterImageInput, optFns ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error)
	DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
	DeleteSnapshot(ctx context.Context, in *ec2.DeleteSnapshotInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error)
	ModifyImageAttribute(ctx context.Context, in *ec2.ModifyImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error)
	EnableImageDeprecation(ctx context.Context, in *ec2.EnableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error)
	DisableImageDeprecation(ctx context.Context, in *ec2.DisableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeprecationOutput, error)
	EnableImageDeregistrationProtection(ctx context.Context, in *ec2.EnableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeregistrationProtectionOutput, error)
	DisableImageDeregistrationProtection(ctx context.Context, in *ec2.DisableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeregistrationProtectionOutput, error)
	DescribeImageAttribute(ctx context.Context, in *ec2.DescribeImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error)
	DescribeSnapshotAttribute(ctx context.Context, in *ec2.DescribeSnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error)
	ModifySnapshotAttribute(ctx context.Context, in *ec2.ModifySnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error)
	GetEbsDefaultKmsKeyId(ctx context.Context, in *ec2.GetEbsDefaultKmsKeyIdInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsDefaultKmsKeyIdOutput, error)
	GetEbsEncryptionByDefault(ctx context.Context, in *ec2.GetEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	GetImageBlockPublicAccessState(ctx context.Context, in *ec2.GetImageBlockPublicAccessStateInput, optFns ...func(*ec2.Options)) (*ec2.GetImageBlockPublicAccessStateOutput, error)
}

// Client does the EC2 work for one Region. Reads and waits go through a
// shared Batcher, so concurrent resources in one Region share DescribeImages
// calls.
type Client struct {
	api    EC2API
	region string
	images *Batcher
	// names answers plan-time questions about this account's AMI names,
	// batched like images.
	names *Batcher
	// own answers refreshes from one listing of the account's images.
	own  *OwnImageList
	poll PollSchedule
	// copyBackoff is how long Copy waits after EC2 refuses a copy for the
	// concurrent-copy limit.
	copyBackoff PollSchedule
	// copyBackoffTimer starts Copy's wait before a retry; nil means
	// time.After. Tests replace it to end the context exactly when the
	// timer fires.
	copyBackoffTimer func(time.Duration) <-chan time.Time
	// notFoundGrace is how long a waiter accepts "not found" for a new copy.
	notFoundGrace time.Duration
}

// NewClient returns a Client for one Region.
func NewClient(api EC2API, region string) *Client {
	return &Client{
		api:           api,
		region:        region,
		images:        NewBatcher(api, BatcherOptions{}),
		names:         NewOwnNameBatcher(api, BatcherOptions{}),
		own:           NewOwnImageList(api),
		poll:          DefaultPollSchedule,
		copyBackoff:   copyLimitBackoff,
		notFoundGrace: NotFoundGrace,
	}
}

// Region is the Region this client works in.
func (c *Client) Region() string { return c.region }

// BatcherStats reports how many DescribeImages calls this Region's reads
// have cost so far.
func (c *Client) BatcherStats() BatcherStats { return c.images.Stats() }

// FindImage returns the image, or a *NotFoundError when it does not exist
// or is deregistered. Deprecated and disabled images are found too.
func (c *Client) FindImage(ctx context.Context, imageID string) (types.Image, error) {
	return c.images.Image(ctx, imageID)
}

// RefreshImage is FindImage for a refresh (Terraform's Read): it answers
// from a listing of the account's own images in the Region (OwnImageList),
// so that a refresh costs one DescribeImages per Region, and looks the
// image up by ID when the list does not hold it. Waits and reads after a
// change must not use it: they need EC2's answer as it is now, not as it
// was when the list was made.
func (c *Client) RefreshImage(ctx context.Context, imageID string) (types.Image, error) {
	img, ok, err := c.own.Image(ctx, imageID)
	if err != nil {
		return types.Image{}, err
	}
	if ok {
		return img, nil
	}
	return c.FindImage(ctx, imageID)
}

// OwnImagesNamed returns this account's images with the given name (more
// than one when copies share it), or a *NotFoundError when it has none.
// Concurrent lookups in the Region share DescribeImages calls, so a plan
// over many new copies asks about their names in a few calls.
func (c *Client) OwnImagesNamed(ctx context.Context, name string) ([]types.Image, error) {
	return c.names.Images(ctx, name)
}

// IsOwnImage reports whether this account owns the image: whether EC2
// lists it when asked only for the account's own images (DescribeImages
// with Owners self). Public images and images shared by other accounts are
// not listed then.
func (c *Client) IsOwnImage(ctx context.Context, imageID string) (bool, error) {
	out, err := c.api.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []types.Filter{{Name: aws.String("image-id"), Values: []string{imageID}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		return false, err
	}
	for _, img := range out.Images {
		if aws.ToString(img.ImageId) == imageID {
			return true, nil
		}
	}
	return false, nil
}

// findOwnImagesNamed returns this account's images with the given name
// that are not deregistered, in one DescribeImages of its own, or a
// *NotFoundError when there are none. Copies may share a name, so there
// may be several.
func (c *Client) findOwnImagesNamed(ctx context.Context, name string) ([]types.Image, error) {
	out, err := c.api.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []types.Filter{{Name: aws.String("name"), Values: []string{name}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		return nil, err
	}
	var images []types.Image
	for _, img := range out.Images {
		if aws.ToString(img.Name) == name && img.State != types.ImageStateDeregistered {
			images = append(images, img)
		}
	}
	if len(images) == 0 {
		return nil, &NotFoundError{ID: name, Reason: "no image of this account has that name"}
	}
	return images, nil
}

// SnapshotIDs lists the EBS snapshots behind an image's block devices.
func SnapshotIDs(img types.Image) []string {
	var ids []string
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs != nil && aws.ToString(m.Ebs.SnapshotId) != "" {
			ids = append(ids, aws.ToString(m.Ebs.SnapshotId))
		}
	}
	return ids
}

// RootSnapshotID returns the snapshot behind the image's root device, or ""
// when the root device is not an EBS volume with a snapshot. The AWS
// provider's aws_ami and aws_ami_copy report it as root_snapshot_id.
func RootSnapshotID(img types.Image) string {
	root := aws.ToString(img.RootDeviceName)
	if root == "" {
		return ""
	}
	for _, m := range img.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == root && m.Ebs != nil {
			return aws.ToString(m.Ebs.SnapshotId)
		}
	}
	return ""
}

// DeregisterResult says what Deregister left behind on purpose.
type DeregisterResult struct {
	// KeptSnapshots are snapshots that could not be deleted because
	// another AMI still uses them, as EC2 documents for
	// DeleteAssociatedSnapshots.
	KeptSnapshots []string
}

// Deregister deregisters the image and, when deleteSnapshots is set, deletes
// the given snapshots (the copy's own). It asks EC2 to delete them with
// DeleteAssociatedSnapshots, then deletes whatever is left, because EC2 keeps
// a snapshot that other AMIs share and some EC2-compatible endpoints ignore
// the flag. An image or snapshot that is already gone counts as deleted.
func (c *Client) Deregister(ctx context.Context, imageID string, snapshotIDs []string, deleteSnapshots bool) (DeregisterResult, error) {
	var result DeregisterResult
	out, err := c.api.DeregisterImage(ctx, &ec2.DeregisterImageInput{
		ImageId:                   aws.String(imageID),
		DeleteAssociatedSnapshots: aws.Bool(deleteSnapshots),
	})
	if err != nil && !isNotFoundCode(err) {
		return result, err
	}
	// EC2 reports which snapshots it deleted; only the others need a call.
	deleted := map[string]bool{}
	if out != nil {
		for _, r := range out.DeleteSnapshotResults {
			if r.ReturnCode == types.SnapshotReturnCodesSuccess {
				deleted[aws.ToString(r.SnapshotId)] = true
			}
		}
	}
	if err := c.WaitForGone(ctx, imageID); err != nil {
		return result, err
	}
	if !deleteSnapshots {
		return result, nil
	}
	for _, id := range snapshotIDs {
		if deleted[id] {
			continue
		}
		_, err := c.api.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		switch {
		case err == nil, isNotFoundCode(err):
		case ErrorCode(err) == "InvalidSnapshot.InUse":
			result.KeptSnapshots = append(result.KeptSnapshots, id)
		default:
			return result, fmt.Errorf("deleting snapshot %s of image %s: %w", id, imageID, err)
		}
	}
	return result, nil
}
