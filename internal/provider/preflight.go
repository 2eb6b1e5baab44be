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
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// preflightCache remembers the answer to each distinct preflight question
// for the life of the provider process, which is one plan: a plan over many
// copies of one source asks EC2 once, not once per copy. Concurrent
// resources asking the same question wait for the first one's answer.
type preflightCache struct {
	mu      sync.Mutex
	entries map[string]*preflightEntry
	// inState holds the copies that this run's state tracks, by Region and
	// ID, as Terraform's upgrade of each stored state (which runs with
	// -refresh=false too) and the refreshes found them. Terraform plans the
	// replacement of a tainted copy as a plain create, without its prior
	// state or private state, so this is all that plan can know of the copy
	// it replaces.
	inState map[string]copyInState
}

// copyInState is a copy that some amicopy_image in this run's state tracks.
type copyInState struct {
	ID, Name, SourceImageID string
}

// preflightEntry is one question's answer, computed once: diagnostics, or
// for a lookup whose meaning depends on the resource asking, images.
type preflightEntry struct {
	once   sync.Once
	diags  diag.Diagnostics
	images []ec2types.Image
	err    error
}

// newPreflightCache returns an empty cache, one per provider process.
func newPreflightCache() *preflightCache {
	return &preflightCache{entries: map[string]*preflightEntry{}, inState: map[string]copyInState{}}
}

// track records the copy of a state that a refresh read.
func (c *preflightCache) track(region string, m imageResourceModel) {
	c.trackCopy(region, copyInState{ID: knownString(m.ID), Name: knownString(m.Name), SourceImageID: knownString(m.SourceImageID)})
}

// trackCopy records a copy in state; one without an ID (an attempt whose
// CopyImage got no answer) holds no AMI yet.
func (c *preflightCache) trackCopy(region string, tracked copyInState) {
	if tracked.ID == "" || region == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inState[region+"|"+tracked.ID] = tracked
}

// copyInState returns the copy in state with this ID.
func (c *preflightCache) copyInState(region, imageID string) (copyInState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.inState[region+"|"+imageID]
	return t, ok
}

// do returns the cached answer for key, computing it with check once.
func (c *preflightCache) do(key string, check func() diag.Diagnostics) diag.Diagnostics {
	e := c.entry(key)
	e.once.Do(func() { e.diags = check() })
	return e.diags
}

// lookupImages returns the cached images for key, looking them up with
// find once.
func (c *preflightCache) lookupImages(key string, find func() ([]ec2types.Image, error)) ([]ec2types.Image, error) {
	e := c.entry(key)
	e.once.Do(func() { e.images, e.err = find() })
	return e.images, e.err
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
// the source image exists and is readable, CopyImage with DryRun is
// allowed, and the KMS key is usable; and whether another AMI already has
// its name. It never sends a real CopyImage. Inputs still unknown at plan
// time skip the checks that need them. replaced is the copy that this plan
// replaces, as private state records it; nil for a new copy, and for the
// replacement of a tainted one, whose plan carries no private state.
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

	diags.Append(r.checkPlannedName(ctx, plan, replaced)...)

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
		addCheckFailure(&diags, err, "Unable to Check Source Image",
			fmt.Sprintf("DescribeImages for %s in %s failed, so the plan could not confirm the source exists: %s", sourceID, sourceRegion, describeAWSError(err)))
	case img.State != ec2types.ImageStateAvailable:
		diags.AddAttributeError(path.Root("source_image_id"), "Source Image Not Available",
			fmt.Sprintf("The source image %s in %s is %q; EC2 copies only available images. Wait until it is available, or pick another image.", sourceID, sourceRegion, img.State))
	}
	return diags
}

// checkPlannedName is checkNameInUse for a planned copy whose name,
// source and Region are known.
func (r *imageResource) checkPlannedName(ctx context.Context, plan imageResourceModel, replaced *trackedCopy) diag.Diagnostics {
	name, sourceID, region := knownString(plan.Name), knownString(plan.SourceImageID), knownString(plan.Region)
	if name == "" || sourceID == "" || region == "" {
		return nil
	}
	return r.checkNameInUse(ctx, region, name, sourceID, replaced)
}

// checkNameInUse warns when other AMIs of the account already have the
// planned name in the destination Region. It warns rather than refuses:
// EC2 accepts a copy whose name is in use. The EC2 API Reference documents
// no uniqueness for CopyImage's Name (it does for CreateRestoreImageTask's),
// and copies that share a name are made: the AWS provider's
// TestAccEC2AMICopy_tags copies an AMI into its own Region under the
// source's name against real AWS. The warning is for whoever meant to adopt
// that AMI rather than copy again. The lookup is batched with the other
// copies' and cached for the plan.
func (r *imageResource) checkNameInUse(ctx context.Context, region, name, sourceID string, replaced *trackedCopy) diag.Diagnostics {
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	holders, err := r.data.preflight.lookupImages("name|"+region+"|"+name, func() ([]ec2types.Image, error) {
		return client.OwnImagesNamed(ctx, name)
	})
	var diags diag.Diagnostics
	switch {
	case ami.IsNotFound(err):
		return diags
	case err != nil:
		addCheckFailure(&diags, err, "Unable to Check Image Name",
			fmt.Sprintf("DescribeImages for this account's AMIs named %q in %s failed, so the plan could not tell whether other AMIs have that name: %s", name, region, describeAWSError(err)))
		return diags
	}
	return nameInUseWarning(region, name, sourceID, holders, replaced, r.data.preflight.copyInState)
}

// nameInUseWarning warns about the holders of a planned copy's name other
// than the resource's own prior copy. A replacement knows that copy from
// private state (replaced), and it is left out whatever happens to it:
// deregistered first, or kept by skip_destroy to share the name, as the
// documentation says. A plan without private state is a new copy, or the
// replacement of a tainted one, which Terraform plans like a new copy:
// there a copy in state (inState) of the same name and source may be the
// resource's own tainted copy, and is left out too. Any other holder is
// named, with the import block that adopts it when no resource in state
// tracks it.
func nameInUseWarning(region, name, sourceID string, holders []ec2types.Image, replaced *trackedCopy,
	inState func(region, imageID string) (copyInState, bool)) diag.Diagnostics {
	var diags diag.Diagnostics
	var named []string
	adoptable := ""
	for _, img := range holders {
		id := aws.ToString(img.ImageId)
		tracked, isTracked := inState(region, id)
		ownPrior := replaced != nil && id == replaced.ID
		maybeOwnTainted := replaced == nil && isTracked && tracked.Name == name && tracked.SourceImageID == sourceID
		if ownPrior || maybeOwnTainted {
			continue
		}
		holder := fmt.Sprintf("%s (%s, created %s)", id, img.State, valueOr(aws.ToString(img.CreationDate), "at an unknown time"))
		switch {
		case isTracked:
			holder += ", which an amicopy_image in this state tracks"
		case adoptable == "":
			adoptable = id
		}
		named = append(named, holder)
	}
	if len(named) == 0 {
		return diags
	}
	some := "an AMI"
	if len(named) > 1 {
		some = "AMIs"
	}
	detail := fmt.Sprintf("This account already has %s named %q in %s: %s. EC2 accepts a copy whose name is in use, so the plan makes the copy, and the AMIs share the name.",
		some, name, region, strings.Join(named, "; "))
	if adoptable != "" {
		detail += fmt.Sprintf("\n\nTo manage %s with this resource instead of copying again, import it:\n\n"+
			"import {\n  to = amicopy_image.NAME # this resource's address\n  id = \"%s@%s\"\n}", adoptable, adoptable, region)
	}
	detail += "\n\nTo keep names distinct, choose another name."
	diags.AddAttributeWarning(path.Root("name"), "Image Name Already in Use", detail)
	return diags
}

// claimName records the name of a copy that the plan creates in its
// Region, and warns when another copy of the same plan already claimed it:
// EC2 makes both (see checkNameInUse), and they share the name, which is
// typically a count or for_each whose name forgets the index or key.
// Terraform plans each new copy once per plan, so a second claim is always
// another resource. It needs no call to EC2.
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
		diags.AddAttributeWarning(path.Root("name"), "Image Name Used Twice in This Plan",
			fmt.Sprintf("Another amicopy_image in this plan also makes a copy named %q in %s. EC2 accepts both, so the two AMIs will share the name. "+
				"To keep names distinct, give each copy its own name, for example with ${count.index} or ${each.key} in it, or copy them to different Regions.", name, region))
		return diags
	}
	if d.plannedNames == nil {
		d.plannedNames = map[string]bool{}
	}
	d.plannedNames[key] = true
	return diags
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
		tagging := ""
		if len(input.TagSpecifications) > 0 {
			// EC2 User Guide, "Grant permissions to copy Amazon EC2 AMIs":
			// tagging the new AMI and its snapshots on copy needs
			// ec2:CreateTags as well.
			tagging = " Tags applied on copy need ec2:CreateTags too (examples/iam/copy.json)."
		}
		diags.AddError("Not Authorized to Copy Image",
			fmt.Sprintf("CopyImage with DryRun in %s was refused, so the copy of %s would fail; nothing was copied.%s\n\n%s",
				region, aws.ToString(input.SourceImageId), tagging, describeAWSError(err)))
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

// checkKMSKey asks KMS in the destination Region whether the key can
// encrypt EBS snapshots: it must exist, be enabled and be symmetric.
func (r *imageResource) checkKMSKey(ctx context.Context, region, keyID string) diag.Diagnostics {
	var diags diag.Diagnostics
	// A courtesy check: bounded, so that an unreachable KMS endpoint costs
	// seconds and a warning, not the provider's full retry budget.
	ctx, cancel := context.WithTimeout(ctx, preflightKMSTimeout)
	defer cancel()
	out, err := describeKey(ctx, r.data, region, keyID)
	var notFound *kmstypes.NotFoundException
	switch {
	case errors.As(err, &notFound):
		diags.AddAttributeError(path.Root("kms_key_id"), "KMS Key Not Found",
			fmt.Sprintf("KMS in %s has no key %q. The key must exist in the destination Region; check the ID or alias, or use a multi-Region replica key there.", region, keyID))
		return diags
	case err != nil:
		addCheckFailure(&diags, err, "Unable to Check KMS Key",
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

// sameKMSKey reports whether a kms_key_id change in a plan for a copy in
// state only spells the same key another way: kms:DescribeKey, in the
// copy's Region, resolves both values to one key ARN. It asks only when
// both values are known and set (a key added or removed changes the
// request), at most once per value and Region in a plan. When KMS cannot
// answer, or skip_preflight keeps the plan from asking, the change
// replaces the copy, and a warning on kms_key_id says why and what to do.
func sameKMSKey(ctx context.Context, data *providerData, req planmodifier.StringRequest, diags *diag.Diagnostics) bool {
	prior, planned := knownString(req.StateValue), knownString(req.PlanValue)
	if data == nil || prior == "" || planned == "" {
		return false
	}
	var region types.String
	if req.State.GetAttribute(ctx, path.Root("region"), &region).HasError() || knownString(region) == "" {
		return false
	}
	unanswered := func(why string) {
		diags.AddAttributeWarning(path.Root("kms_key_id"), "KMS Key Change Replaces the Copy",
			fmt.Sprintf("kms_key_id changes from %q to %q. If both name the same key, the copy could be kept and only the new spelling recorded, "+
				"but %s, so the plan replaces the copy: the AMI is copied again. "+
				"To keep it, let this identity call kms:DescribeKey on the key in %s and plan again, or set kms_key_id back to %q.",
				prior, planned, why, knownString(region), prior))
	}
	if data.skipPreflight {
		diags.AddAttributeWarning(path.Root("kms_key_id"), "KMS Key Change Replaces the Copy",
			fmt.Sprintf("kms_key_id changes from %q to %q. If both name the same key, the copy could be kept and only the new spelling recorded, "+
				"but the provider's skip_preflight keeps the plan from asking KMS (kms:DescribeKey) whether they do, so the plan replaces the copy: "+
				"the AMI is copied again. To keep it, unset skip_preflight and plan again, or set kms_key_id back to %q.", prior, planned, prior))
		return false
	}
	// The key the copy's snapshots use, as EC2 reports it, is the truth:
	// an alias may have been pointed at another key since the copy was
	// made. The prior spelling stands in only when EC2 names no key.
	priorARN, err := data.copyKMSKeyARN(ctx, knownString(region), req.State)
	if err == nil && priorARN == "" {
		priorARN, err = data.kmsKeyARN(ctx, knownString(region), prior)
	}
	if err != nil {
		unanswered(fmt.Sprintf("the key %q of the copy in %s could not be resolved: %s", prior, knownString(region), describeAWSError(err)))
		return false
	}
	plannedARN, err := data.kmsKeyARN(ctx, knownString(region), planned)
	if err != nil {
		unanswered(fmt.Sprintf("kms:DescribeKey for %q in %s failed: %s", planned, knownString(region), describeAWSError(err)))
		return false
	}
	return priorARN == plannedARN
}

// copyKMSKeyARN returns the ARN of the key that the copy's snapshots use,
// as DescribeSnapshots reports it (resolved again through kms:DescribeKey,
// so that a key ID compares equal to its ARN), or "" when state lists no
// snapshots or EC2 reports none of them encrypted.
func (d *providerData) copyKMSKeyARN(ctx context.Context, region string, state tfsdk.State) (string, error) {
	var snapshotIDs types.List
	if state.GetAttribute(ctx, path.Root("snapshot_ids"), &snapshotIDs).HasError() {
		return "", nil
	}
	ids := stringList(ctx, snapshotIDs)
	if len(ids) == 0 {
		return "", nil
	}
	client, diags := d.ec2Client(ctx, region)
	if diags.HasError() {
		return "", nil
	}
	keys, err := client.SnapshotKMSKeyIDs(ctx, ids)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		if key := keys[id]; key != "" {
			return d.kmsKeyARN(ctx, region, key)
		}
	}
	return "", nil
}

// describeKey asks kms:DescribeKey in region, with the few attempts of a
// plan-time check.
func describeKey(ctx context.Context, d *providerData, region, keyID string) (*kms.DescribeKeyOutput, error) {
	client, err := d.kmsClient(region)
	if err != nil {
		return nil, err
	}
	return client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)},
		func(o *kms.Options) { o.RetryMaxAttempts = preflightKMSAttempts })
}

// kmsKeyARN returns the ARN of the key that keyID names in region (a key
// ID, alias name, key ARN or alias ARN), asking kms:DescribeKey once per
// key and Region in a plan, bounded like checkKMSKey.
func (d *providerData) kmsKeyARN(ctx context.Context, region, keyID string) (string, error) {
	return d.kmsKeyARNs.get(region+"|"+keyID, func() (string, error) {
		ctx, cancel := context.WithTimeout(ctx, preflightKMSTimeout)
		defer cancel()
		out, err := describeKey(ctx, d, region, keyID)
		if err != nil {
			return "", err
		}
		if out.KeyMetadata == nil || aws.ToString(out.KeyMetadata.Arn) == "" {
			return "", errors.New("DescribeKey answered without the key's ARN")
		}
		return aws.ToString(out.KeyMetadata.Arn), nil
	})
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
