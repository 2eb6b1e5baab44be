package provider

import (
	"context"
	"encoding/json"
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
	// tracked holds the copies that this run's refreshes found in state, by
	// Region and ID. Terraform plans the replacement of a tainted copy as a
	// plain create, without its prior state or private state, so this is
	// how that plan can tell the tainted copy from an AMI that nothing
	// tracks.
	tracked map[string]trackedCopy
}

// preflightEntry is one question's answer, computed once: diagnostics, or
// for a lookup whose meaning depends on the resource asking, an image.
type preflightEntry struct {
	once  sync.Once
	diags diag.Diagnostics
	image ec2types.Image
	err   error
}

// newPreflightCache returns an empty cache, one per provider process.
func newPreflightCache() *preflightCache {
	return &preflightCache{entries: map[string]*preflightEntry{}, tracked: map[string]trackedCopy{}}
}

// track records a copy that a refresh found in state.
func (c *preflightCache) track(region string, m imageResourceModel) {
	if knownString(m.ID) == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tracked[region+"|"+m.ID.ValueString()] = trackedCopy{ID: m.ID.ValueString(), Name: m.Name.ValueString(), SkipDestroy: m.SkipDestroy.ValueBool()}
}

// trackedCopy returns the copy with this ID that a refresh found in state.
func (c *preflightCache) trackedCopy(region, imageID string) (trackedCopy, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.tracked[region+"|"+imageID]
	return t, ok
}

// do returns the cached answer for key, computing it with check once.
func (c *preflightCache) do(key string, check func() diag.Diagnostics) diag.Diagnostics {
	e := c.entry(key)
	e.once.Do(func() { e.diags = check() })
	return e.diags
}

// lookupImage returns the cached image for key, looking it up with find
// once.
func (c *preflightCache) lookupImage(key string, find func() (ec2types.Image, error)) (ec2types.Image, error) {
	e := c.entry(key)
	e.once.Do(func() { e.image, e.err = find() })
	return e.image, e.err
}

// entry returns key's entry, creating it.
func (c *preflightCache) entry(key string) *preflightEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok {
		e = &preflightEntry{}
		c.entries[key] = e
	}
	return e
}

// preflight asks AWS, at plan time, whether the planned copy would work:
// the source image exists and is readable, the name is free, CopyImage with
// DryRun is allowed, and the KMS key is usable. It never sends a real
// CopyImage. Inputs still unknown at plan time skip the checks that need
// them. replaced is the copy that this plan replaces, if any.
func (r *imageResource) preflight(ctx context.Context, plan imageResourceModel, replaced *trackedCopy, diags *diag.Diagnostics) {
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

	if name := knownString(plan.Name); name != "" {
		diags.Append(r.checkNameFree(ctx, region, name, replaced)...)
	}

	if !plan.Tags.IsUnknown() && !plan.SnapshotTags.IsUnknown() && !plan.Name.IsUnknown() {
		input := plan.copyImageInput(plan.imageTags(ctx, r.data.defaultTags), plan.snapshotTags(ctx, r.data.defaultTags))
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

// checkNameFree asks whether the account already has an AMI of the planned
// name in the destination Region: EC2 refuses CopyImage with
// InvalidAMIName.Duplicate then (EC2 API Reference, CopyImage; names are
// unique per account and Region), which at apply time would come only after
// a replaced copy is gone. The copy being replaced is no obstacle, since it
// is deregistered first, unless skip_destroy keeps it (replacedNameKept).
// The lookup is batched with the other copies' and cached for the plan.
func (r *imageResource) checkNameFree(ctx context.Context, region, name string, replaced *trackedCopy) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	img, err := r.data.preflight.lookupImage("name|"+region+"|"+name, func() (ec2types.Image, error) {
		return client.OwnImageNamed(ctx, name)
	})
	holder := aws.ToString(img.ImageId)
	tracked, isTracked := r.data.preflight.trackedCopy(region, holder)
	if replaced != nil && holder == replaced.ID {
		tracked, isTracked = *replaced, true
	}
	switch {
	case ami.IsNotFound(err):
	case err != nil:
		diags.AddWarning("Unable to Check Image Name",
			fmt.Sprintf("DescribeImages for this account's AMIs named %q in %s failed, so the plan could not confirm the name is free: %s", name, region, describeAWSError(err)))
	case isTracked && tracked.SkipDestroy:
		diags.Append(nameKeptDiagnostic(tracked))
	case isTracked:
		// A copy in this state: the one this plan replaces (a tainted one
		// among them), deregistered before the new copy is made.
	default:
		diags.AddAttributeError(path.Root("name"), "Image Name Already in Use",
			fmt.Sprintf("This account already has an AMI named %q in %s: %s (%s, created %s). EC2 refuses a copy with a name in use (InvalidAMIName.Duplicate).\n\n"+
				"To manage that AMI with this resource instead of copying again, import it:\n\n"+
				"import {\n  to = amicopy_image.NAME # this resource's address\n  id = \"%s@%s\"\n}\n\n"+
				"Otherwise choose another name, or deregister that AMI first.",
				name, region, holder, img.State, valueOr(aws.ToString(img.CreationDate), "at an unknown time"), holder, region))
	}
	return diags
}

// claimName records the name of a copy that the plan creates in its
// Region, and refuses it when another copy of the same plan already
// claimed it: AMI names are unique per account and Region, so EC2 would
// make the first copy and refuse the second (InvalidAMIName.Duplicate) at
// apply, typically a count or for_each whose name forgets the index or
// key. Terraform plans each new copy once per plan, so a second claim is
// always another resource. It needs no call to EC2.
func (d *providerData) claimName(plan imageResourceModel) diag.Diagnostics {
	var diags diag.Diagnostics
	name, region := knownString(plan.Name), knownString(plan.Region)
	if name == "" || region == "" {
		return diags
	}
	d.plannedNamesMu.Lock()
	defer d.plannedNamesMu.Unlock()
	key := region + "|" + name
	if d.plannedNames[key] {
		diags.AddAttributeError(path.Root("name"), "Image Name Used Twice in This Plan",
			fmt.Sprintf("Another amicopy_image in this plan also makes a copy named %q in %s. AMI names are unique per account and Region, "+
				"so EC2 would make one copy and refuse the other (InvalidAMIName.Duplicate) during the apply. "+
				"Give each copy its own name, for example with ${count.index} or ${each.key} in it, or copy them to different Regions.", name, region))
		return diags
	}
	if d.plannedNames == nil {
		d.plannedNames = map[string]bool{}
	}
	d.plannedNames[key] = true
	return diags
}

// replacedNameKept refuses a replacement that keeps the name while
// skip_destroy keeps the replaced AMI in EC2: the new copy would need the
// name that AMI still holds, and EC2 would refuse it after the old copy had
// left the state. It needs no call to EC2.
func replacedNameKept(plan imageResourceModel, replaced *trackedCopy) diag.Diagnostics {
	var diags diag.Diagnostics
	if replaced == nil || !replaced.SkipDestroy || plan.Name.IsUnknown() || plan.Name.ValueString() != replaced.Name {
		return diags
	}
	diags.Append(nameKeptDiagnostic(*replaced))
	return diags
}

// nameKeptDiagnostic says that a copy that skip_destroy keeps in EC2 holds
// the name of the new copy.
func nameKeptDiagnostic(kept trackedCopy) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("name"), "Image Name Already in Use",
		fmt.Sprintf("The plan makes a new copy named %q, but the copy %s has that name and skip_destroy keeps it in EC2 when it is replaced, "+
			"so EC2 would refuse the new copy (InvalidAMIName.Duplicate). Give the new copy another name, such as one with a version or a date in it. "+
			"To keep the name instead, apply skip_destroy = false first, so that the old copy is deregistered before the new one is made.",
			kept.Name, kept.ID))
}

// checkCopyAllowed sends CopyImage with DryRun in the destination Region.
func (r *imageResource) checkCopyAllowed(ctx context.Context, region string, input *ec2.CopyImageInput) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	verdict, err := client.DryRunCopy(ctx, *input)
	switch verdict {
	case ami.DryRunAllowed:
	case ami.DryRunBusy:
		// EC2 is busy, not saying no; Create waits such conditions out.
		diags.AddWarning("Unable to Check Copy Permission", fmt.Sprintf("CopyImage with DryRun in %s did not get a clear answer: %s", region, describeAWSError(err)))
	case ami.DryRunUnauthorized:
		permissions := "ec2:CopyImage"
		if len(input.TagSpecifications) > 0 {
			permissions += " (and ec2:CreateTags, for tags applied on copy)"
		}
		diags.AddError("Not Authorized to Copy Image",
			fmt.Sprintf("CopyImage with DryRun in %s was refused: this identity lacks %s for %s, or a policy denies it. %s\n\n%s",
				region, permissions, aws.ToString(input.SourceImageId), describeAWSError(err), r.decodeAuthorizationMessage(ctx, region, err)))
	case ami.DryRunRefused:
		diags.AddError("Copy Would Fail",
			fmt.Sprintf("CopyImage with DryRun in %s says the copy of %s from %s would fail: %s",
				region, aws.ToString(input.SourceImageId), aws.ToString(input.SourceRegion), describeAWSError(err)))
	case ami.DryRunNoAnswer:
		diags.AddWarning("Unable to Check Copy Permission", fmt.Sprintf("CopyImage with DryRun in %s failed without an answer from EC2: %s", region, describeAWSError(err)))
	case ami.DryRunNotHonoured:
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

// trackedCopy is the copy a resource tracks, as its private state records
// it. Terraform plans the new half of a replacement with no prior state but
// with the prior private state, so this is how that plan knows which AMI is
// being replaced and whether skip_destroy keeps it.
type trackedCopy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	SkipDestroy bool   `json:"skip_destroy"`
}

// trackedCopyValue is the private-state value recording m's copy, or nil
// (which removes the key) while its ID is unknown.
func trackedCopyValue(m imageResourceModel) []byte {
	if knownString(m.ID) == "" {
		return nil
	}
	raw, _ := json.Marshal(trackedCopy{ID: m.ID.ValueString(), Name: m.Name.ValueString(), SkipDestroy: m.SkipDestroy.ValueBool()}) // Always marshals.
	return raw
}

// trackedCopyFrom reads the tracked copy from private state; nil when none
// is recorded.
func trackedCopyFrom(ctx context.Context, private privateGetter) *trackedCopy {
	if private == nil {
		return nil
	}
	raw, _ := private.GetKey(ctx, privateTrackedCopy)
	var tracked trackedCopy
	if len(raw) == 0 || json.Unmarshal(raw, &tracked) != nil || tracked.ID == "" {
		return nil
	}
	return &tracked
}

// deprecationTimeRefusal refuses, at plan time, a deprecation_time that
// EnableImageDeprecation would refuse, when a copy is created or the value
// changes. A time that has passed since it was set is left alone, so that
// such a copy keeps an empty plan. public applies EC2's limit for public
// AMIs, counted from created (zero for a new copy).
func deprecationTimeRefusal(planned, prior deprecateAt, creating, public bool, created time.Time) diag.Diagnostics {
	var diags diag.Diagnostics
	value := knownString(planned)
	if value == "" || (!creating && planned.sameMinute(prior)) {
		return diags
	}
	at, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return diags // The attribute's validator reports it.
	}
	var refused *ami.DeprecationTimeError
	if !errors.As(ami.CheckDeprecationTime(at, time.Now(), public, created), &refused) {
		return diags
	}
	fix := "Set a later time, or remove deprecation_time."
	if !refused.Past {
		fix = fmt.Sprintf("Set a time no later than %s, or remove deprecation_time.", refused.Limit.UTC().Format(time.RFC3339))
	}
	diags.AddAttributeError(path.Root("deprecation_time"), "Invalid Deprecation Time",
		fmt.Sprintf("deprecation_time %s. EnableImageDeprecation would refuse it only after the copy was made. %s", refused, fix))
	return diags
}
