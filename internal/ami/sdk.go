package ami

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// FromSDK adapts an EC2 client to EC2API.
//
// The adapter exists for the size of the binary. Terraform's plugin
// libraries reach text/template, whose reflection-driven method lookup makes
// the Go linker keep every exported method of every type that is, or is
// reachable from a type that is, converted to an interface. Converting
// *ec2.Client, or a struct holding it, would keep all of EC2's hundreds of
// operations (tens of megabytes). The adapter holds only method values,
// so the linker keeps only the calls the provider makes.
func FromSDK(client *ec2.Client) EC2API {
	return sdkEC2{
		copyImage:                            client.CopyImage,
		createTags:                           client.CreateTags,
		deleteSnapshot:                       client.DeleteSnapshot,
		deleteTags:                           client.DeleteTags,
		deregisterImage:                      client.DeregisterImage,
		describeImages:                       client.DescribeImages,
		describeSnapshots:                    client.DescribeSnapshots,
		disableImageDeprecation:              client.DisableImageDeprecation,
		disableImageDeregistrationProtection: client.DisableImageDeregistrationProtection,
		enableImageDeprecation:               client.EnableImageDeprecation,
		enableImageDeregistrationProtection:  client.EnableImageDeregistrationProtection,
		modifyImageAttribute:                 client.ModifyImageAttribute,
		describeImageAttribute:               client.DescribeImageAttribute,
		describeSnapshotAttribute:            client.DescribeSnapshotAttribute,
		modifySnapshotAttribute:              client.ModifySnapshotAttribute,
		getEbsDefaultKmsKeyID:                client.GetEbsDefaultKmsKeyId,
		getEbsEncryptionByDefault:            client.GetEbsEncryptionByDefault,
		getImageBlockPublicAccessState:       client.GetImageBlockPublicAccessState,
	}
}

// sdkEC2 forwards each EC2API call to a method value of the SDK client.
type sdkEC2 struct {
	copyImage                            func(context.Context, *ec2.CopyImageInput, ...func(*ec2.Options)) (*ec2.CopyImageOutput, error)
	createTags                           func(context.Context, *ec2.CreateTagsInput, ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	deleteSnapshot                       func(context.Context, *ec2.DeleteSnapshotInput, ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error)
	deleteTags                           func(context.Context, *ec2.DeleteTagsInput, ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	deregisterImage                      func(context.Context, *ec2.DeregisterImageInput, ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error)
	describeImages                       func(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
	describeSnapshots                    func(context.Context, *ec2.DescribeSnapshotsInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
	disableImageDeprecation              func(context.Context, *ec2.DisableImageDeprecationInput, ...func(*ec2.Options)) (*ec2.DisableImageDeprecationOutput, error)
	disableImageDeregistrationProtection func(context.Context, *ec2.DisableImageDeregistrationProtectionInput, ...func(*ec2.Options)) (*ec2.DisableImageDeregistrationProtectionOutput, error)
	enableImageDeprecation               func(context.Context, *ec2.EnableImageDeprecationInput, ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error)
	enableImageDeregistrationProtection  func(context.Context, *ec2.EnableImageDeregistrationProtectionInput, ...func(*ec2.Options)) (*ec2.EnableImageDeregistrationProtectionOutput, error)
	modifyImageAttribute                 func(context.Context, *ec2.ModifyImageAttributeInput, ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error)
	describeImageAttribute               func(context.Context, *ec2.DescribeImageAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error)
	describeSnapshotAttribute            func(context.Context, *ec2.DescribeSnapshotAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error)
	modifySnapshotAttribute              func(context.Context, *ec2.ModifySnapshotAttributeInput, ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error)
	getEbsDefaultKmsKeyID                func(context.Context, *ec2.GetEbsDefaultKmsKeyIdInput, ...func(*ec2.Options)) (*ec2.GetEbsDefaultKmsKeyIdOutput, error)
	getEbsEncryptionByDefault            func(context.Context, *ec2.GetEbsEncryptionByDefaultInput, ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error)
	getImageBlockPublicAccessState       func(context.Context, *ec2.GetImageBlockPublicAccessStateInput, ...func(*ec2.Options)) (*ec2.GetImageBlockPublicAccessStateOutput, error)
}

func (s sdkEC2) CopyImage(ctx context.Context, in *ec2.CopyImageInput, optFns ...func(*ec2.Options)) (*ec2.CopyImageOutput, error) {
	return s.copyImage(ctx, in, optFns...)
}

func (s sdkEC2) CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	return s.createTags(ctx, in, optFns...)
}

func (s sdkEC2) DeleteSnapshot(ctx context.Context, in *ec2.DeleteSnapshotInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	return s.deleteSnapshot(ctx, in, optFns...)
}

func (s sdkEC2) DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	return s.deleteTags(ctx, in, optFns...)
}

func (s sdkEC2) DeregisterImage(ctx context.Context, in *ec2.DeregisterImageInput, optFns ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	return s.deregisterImage(ctx, in, optFns...)
}

func (s sdkEC2) DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return s.describeImages(ctx, in, optFns...)
}

func (s sdkEC2) DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error) {
	return s.describeSnapshots(ctx, in, optFns...)
}

func (s sdkEC2) DisableImageDeprecation(ctx context.Context, in *ec2.DisableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeprecationOutput, error) {
	return s.disableImageDeprecation(ctx, in, optFns...)
}

func (s sdkEC2) DisableImageDeregistrationProtection(ctx context.Context, in *ec2.DisableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeregistrationProtectionOutput, error) {
	return s.disableImageDeregistrationProtection(ctx, in, optFns...)
}

func (s sdkEC2) EnableImageDeprecation(ctx context.Context, in *ec2.EnableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error) {
	return s.enableImageDeprecation(ctx, in, optFns...)
}

func (s sdkEC2) EnableImageDeregistrationProtection(ctx context.Context, in *ec2.EnableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeregistrationProtectionOutput, error) {
	return s.enableImageDeregistrationProtection(ctx, in, optFns...)
}

func (s sdkEC2) ModifyImageAttribute(ctx context.Context, in *ec2.ModifyImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error) {
	return s.modifyImageAttribute(ctx, in, optFns...)
}

func (s sdkEC2) DescribeImageAttribute(ctx context.Context, in *ec2.DescribeImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error) {
	return s.describeImageAttribute(ctx, in, optFns...)
}

func (s sdkEC2) DescribeSnapshotAttribute(ctx context.Context, in *ec2.DescribeSnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error) {
	return s.describeSnapshotAttribute(ctx, in, optFns...)
}

func (s sdkEC2) ModifySnapshotAttribute(ctx context.Context, in *ec2.ModifySnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error) {
	return s.modifySnapshotAttribute(ctx, in, optFns...)
}

func (s sdkEC2) GetEbsDefaultKmsKeyId(ctx context.Context, in *ec2.GetEbsDefaultKmsKeyIdInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsDefaultKmsKeyIdOutput, error) {
	return s.getEbsDefaultKmsKeyID(ctx, in, optFns...)
}

func (s sdkEC2) GetEbsEncryptionByDefault(ctx context.Context, in *ec2.GetEbsEncryptionByDefaultInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsEncryptionByDefaultOutput, error) {
	return s.getEbsEncryptionByDefault(ctx, in, optFns...)
}

func (s sdkEC2) GetImageBlockPublicAccessState(ctx context.Context, in *ec2.GetImageBlockPublicAccessStateInput, optFns ...func(*ec2.Options)) (*ec2.GetImageBlockPublicAccessStateOutput, error) {
	return s.getImageBlockPublicAccessState(ctx, in, optFns...)
}
