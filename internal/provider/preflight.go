package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// preflightCache remembers the answer to each distinct preflight question
// for the life of the provider process, which is one plan: a plan over many
// copies of one source asks EC2 once, not once per copy. Concurrent
// resources asking the same question wait for the first one's answer.
type preflightCache struct {
	mu      sync.Mutex
	entries map[string]*preflightEntry
}

// preflightEntry is one question's answer, computed once.
type preflightEntry struct {
	once  sync.Once
	diags diag.Diagnostics
}

// newPreflightCache returns an empty cache, one per provider process.
func newPreflightCache() *preflightCache {
	return &preflightCache{entries: map[string]*preflightEntry{}}
}

// do returns the cached answer for key, computing it with check once.
func (c *preflightCache) do(key string, check func() diag.Diagnostics) diag.Diagnostics {
	c.mu.Lock()
	e, ok := c.entries[key]
	if !ok {
		e = &preflightEntry{}
		c.entries[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.diags = check() })
	return e.diags
}

// preflight asks AWS, at plan time, whether the planned copy would work:
// the source image exists and is readable, CopyImage with DryRun is
// allowed, and the KMS key is usable. It never sends a real CopyImage.
// Inputs still unknown at plan time skip the checks that need them.
func (r *imageResource) preflight(ctx context.Context, plan imageResourceModel, diags *diag.Diagnostics) {
	sourceID, sourceRegion, region := knownString(plan.SourceImageID), knownString(plan.SourceRegion), knownString(plan.Region)
	if sourceID == "" || sourceRegion == "" || region == "" {
		return
	}
	cache := r.data.preflight

	source := cache.do("source|"+sourceRegion+"|"+sourceID, func() diag.Diagnostics {
		return r.checkSourceImage(ctx, sourceRegion, sourceID)
	})
	diags.Append(source...)
	if source.HasError() {
		return
	}

	if !plan.Tags.IsUnknown() && !plan.SnapshotTags.IsUnknown() && !plan.Name.IsUnknown() {
		input := plan.copyImageInput(plan.imageTags(ctx, r.data.defaultTags), plan.snapshotTags(ctx, r.data.defaultTags))
		input.ClientToken = nil
		input.DryRun = aws.Bool(true)
		key := "dryrun|" + region + "|" + dryRunKey(input)
		diags.Append(cache.do(key, func() diag.Diagnostics { return r.checkCopyAllowed(ctx, region, input) })...)
	}

	if kmsKeyID := knownString(plan.KMSKeyID); kmsKeyID != "" {
		diags.Append(cache.do("kms|"+region+"|"+kmsKeyID, func() diag.Diagnostics { return r.checkKMSKey(ctx, region, kmsKeyID) })...)
	}
}

// checkSourceImage asks the source Region for the source image.
func (r *imageResource) checkSourceImage(ctx context.Context, sourceRegion, sourceID string) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, sourceRegion)
	if d.HasError() {
		return d
	}
	img, err := client.FindImage(ctx, sourceID)
	switch {
	case ami.IsNotFound(err):
		diags.AddAttributeError(path.Root("source_image_id"), "Source Image Not Found",
			fmt.Sprintf("DescribeImages in %s does not list %s: it does not exist there, is deregistered, or is not shared with this account. "+
				"Check source_image_id and source_region (the AMI's own Region), or share the AMI with this account.", sourceRegion, sourceID))
	case err != nil:
		diags.AddWarning("Unable to Check Source Image",
			fmt.Sprintf("DescribeImages for %s in %s failed, so the plan could not confirm the source exists: %s", sourceID, sourceRegion, describeAWSError(err)))
	case img.State != ec2types.ImageStateAvailable:
		diags.AddAttributeError(path.Root("source_image_id"), "Source Image Not Available",
			fmt.Sprintf("The source image %s in %s is %q; EC2 copies only available images. Wait until it is available, or pick another image.", sourceID, sourceRegion, img.State))
	}
	return diags
}

// checkCopyAllowed sends CopyImage with DryRun in the destination Region.
func (r *imageResource) checkCopyAllowed(ctx context.Context, region string, input *ec2.CopyImageInput) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	_, err := client.API().CopyImage(ctx, input)
	code := ami.ErrorCode(err)
	switch {
	case code == "DryRunOperation":
	case ami.IsTransient(err) || code == "ResourceLimitExceeded":
		// EC2 is busy, not saying no; Create waits such conditions out.
		diags.AddWarning("Unable to Check Copy Permission", fmt.Sprintf("CopyImage with DryRun in %s did not get a clear answer: %s", region, describeAWSError(err)))
	case code == "UnauthorizedOperation":
		permissions := "ec2:CopyImage"
		if len(input.TagSpecifications) > 0 {
			permissions += " (and ec2:CreateTags, for tags applied on copy)"
		}
		diags.AddError("Not Authorized to Copy Image",
			fmt.Sprintf("CopyImage with DryRun in %s was refused: this identity lacks %s for %s, or a policy denies it. %s\n\n%s",
				region, permissions, aws.ToString(input.SourceImageId), describeAWSError(err), r.decodeAuthorizationMessage(ctx, region, err)))
	case code != "":
		diags.AddError("Copy Would Fail",
			fmt.Sprintf("CopyImage with DryRun in %s says the copy of %s from %s would fail: %s",
				region, aws.ToString(input.SourceImageId), aws.ToString(input.SourceRegion), describeAWSError(err)))
	case err != nil:
		diags.AddWarning("Unable to Check Copy Permission", fmt.Sprintf("CopyImage with DryRun in %s failed without an answer from EC2: %s", region, describeAWSError(err)))
	default:
		diags.AddWarning("DryRun Not Honoured", fmt.Sprintf("The EC2 endpoint for %s answered a CopyImage with DryRun as if it were real; the endpoint does not support DryRun.", region))
	}
	return diags
}

// The bounds of the plan-time KMS check.
const (
	preflightKMSTimeout  = 20 * time.Second
	preflightKMSAttempts = 3
)

// encodedMessagePrefix starts the encoded part of an UnauthorizedOperation.
const encodedMessagePrefix = "Encoded authorization failure message: "

// decodeAuthorizationMessage decodes the encoded part of an
// UnauthorizedOperation with STS when it can, or says how to.
func (r *imageResource) decodeAuthorizationMessage(ctx context.Context, region string, err error) string {
	msg := err.Error()
	i := strings.Index(msg, encodedMessagePrefix)
	if i < 0 {
		return "Grant the permission to the identity Terraform runs as, then plan again."
	}
	encoded := strings.TrimSpace(msg[i+len(encodedMessagePrefix):])
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// One attempt: the decoded message is a courtesy, and the provider's
	// retryer (25 retries with backoff) would hold the plan for the whole
	// timeout when STS fails or throttles.
	out, decodeErr := r.data.stsClient(region).DecodeAuthorizationMessage(ctx,
		&sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)},
		func(o *sts.Options) { o.RetryMaxAttempts = 1 })
	if decodeErr == nil && out.DecodedMessage != nil {
		return "Decoded authorization message: " + aws.ToString(out.DecodedMessage)
	}
	return "Decode the message with `aws sts decode-authorization-message --encoded-message <message>` to see which policy refused it."
}

// checkKMSKey asks KMS in the destination Region whether the key can
// encrypt EBS snapshots: it must exist, be enabled and be symmetric.
func (r *imageResource) checkKMSKey(ctx context.Context, region, keyID string) diag.Diagnostics {
	var diags diag.Diagnostics
	// A courtesy check: bounded, so that an unreachable KMS endpoint costs
	// seconds and a warning, not the provider's full retry budget.
	ctx, cancel := context.WithTimeout(ctx, preflightKMSTimeout)
	defer cancel()
	out, err := r.data.kmsClient(region).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)},
		func(o *kms.Options) { o.RetryMaxAttempts = preflightKMSAttempts })
	var notFound *kmstypes.NotFoundException
	switch {
	case errors.As(err, &notFound):
		diags.AddAttributeError(path.Root("kms_key_id"), "KMS Key Not Found",
			fmt.Sprintf("KMS in %s has no key %q. The key must exist in the destination Region; check the ID or alias, or use a multi-Region replica key there.", region, keyID))
		return diags
	case err != nil:
		diags.AddWarning("Unable to Check KMS Key",
			fmt.Sprintf("kms:DescribeKey for %q in %s failed, so the plan could not confirm the key is usable: %s", keyID, region, describeAWSError(err)))
		return diags
	}
	meta := out.KeyMetadata
	if meta == nil {
		return diags
	}
	if meta.KeyState != kmstypes.KeyStateEnabled {
		diags.AddAttributeError(path.Root("kms_key_id"), "KMS Key Not Enabled",
			fmt.Sprintf("The KMS key %q in %s is %s; EC2 needs an enabled key to encrypt the snapshots. Enable it, or choose another key.", keyID, region, meta.KeyState))
	}
	if meta.KeySpec != "" && meta.KeySpec != kmstypes.KeySpecSymmetricDefault {
		diags.AddAttributeError(path.Root("kms_key_id"), "KMS Key Not Symmetric",
			fmt.Sprintf("The KMS key %q in %s has key spec %s; Amazon EBS supports only symmetric encryption keys (SYMMETRIC_DEFAULT).", keyID, region, meta.KeySpec))
	}
	return diags
}

// dryRunKey identifies a DryRun question: the source, the destination and
// the encryption, plus the tag keys (tag-based IAM policies may require
// keys). Tag values are left out, so copies that differ only in their tag
// values share one DryRun.
func dryRunKey(in *ec2.CopyImageInput) string {
	parts := []string{
		aws.ToString(in.SourceRegion), aws.ToString(in.SourceImageId), aws.ToString(in.KmsKeyId), aws.ToString(in.DestinationOutpostArn),
		aws.ToString(in.DestinationAvailabilityZone), aws.ToString(in.DestinationAvailabilityZoneId),
		fmt.Sprint(aws.ToBool(in.Encrypted), aws.ToBool(in.CopyImageTags), aws.ToInt64(in.SnapshotCopyCompletionDurationMinutes)),
	}
	for _, spec := range in.TagSpecifications {
		parts = append(parts, string(spec.ResourceType))
		for _, t := range spec.Tags {
			parts = append(parts, aws.ToString(t.Key))
		}
	}
	return strings.Join(parts, "|")
}
