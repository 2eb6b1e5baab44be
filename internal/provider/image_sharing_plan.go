package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// The plan-time checks of the sharing attributes: what would make sharing
// fail at apply, asked of AWS once per plan.

// sharingFacts caches what the plan-time sharing checks learn from AWS for
// the life of the provider process, as preflightCache does for its checks:
// a plan over many shared copies asks each question once. kmsKeyARN keeps
// its key ARNs in one too.
type sharingFacts struct {
	mu      sync.Mutex
	entries map[string]*sharingFact
}

// sharingFact is one answer, fetched once.
type sharingFact struct {
	once  sync.Once
	value string
	err   error
}

// get returns the cached answer for key, fetching it once.
func (f *sharingFacts) get(key string, fetch func() (string, error)) (string, error) {
	f.mu.Lock()
	if f.entries == nil {
		f.entries = map[string]*sharingFact{}
	}
	e, ok := f.entries[key]
	if !ok {
		e = &sharingFact{}
		f.entries[key] = e
	}
	f.mu.Unlock()
	e.once.Do(func() { e.value, e.err = fetch() })
	return e.value, e.err
}

// regionFact asks EC2 in region one account-wide question, bounded by
// sharingCheckTimeout, once per provider process.
func (r *imageResource) regionFact(ctx context.Context, question, region string, ask func(*ami.Client, context.Context) (string, error)) (string, error) {
	return r.data.sharingFacts.get(question+"|"+region, func() (string, error) {
		client, d := r.data.ec2Client(ctx, region)
		if d.HasError() {
			return "", fmt.Errorf("no EC2 client for %s", region)
		}
		ctx, cancel := context.WithTimeout(ctx, sharingCheckTimeout)
		defer cancel()
		return ask(client, ctx)
	})
}

// sharingCheckTimeout bounds each question the plan-time sharing checks
// ask, so that an unreachable endpoint costs a warning, not the apply.
const sharingCheckTimeout = 20 * time.Second

// planSharing checks, at plan time, what would make sharing fail at apply:
// a public encrypted copy, an encrypted copy shared through the AWS managed
// key, a public copy while block public access for AMIs is on, and a
// public copy deprecated more than 2 years after its creation; and it warns
// about a grant to the copy's own account, which does nothing. The checks that ask AWS run only when
// preflight is on, and only for a plan that changes the sharing, so copies
// that share nothing cost no calls. A plan that replaces the copy is
// checked when Terraform plans the new copy (replacing tells), not against
// the copy in state.
func (r *imageResource) planSharing(ctx context.Context, plan, state imageResourceModel, creating bool, replacing func() bool, diags *diag.Diagnostics) {
	if !creating {
		refusePublicDeprecationLater(ctx, plan, state, replacing, diags)
	}
	perms, lpManaged, lpKnown := plan.launchPermissions(ctx)
	snapshotShares, snapManaged, snapKnown := plan.snapshotAccounts()
	if !lpManaged && !snapManaged {
		return
	}
	if !creating {
		r.warnGrantsRemoved(ctx, plan, state, replacing, diags)
	}
	priorPerms, _, _ := state.launchPermissions(ctx)
	priorSnapshotShares, _, _ := state.snapshotAccounts()
	// Only what the plan adds can fail: making the copy public, or sharing
	// it with accounts, organizations or OUs it is not shared with yet.
	turningPublic := perms.Public && (creating || !priorPerms.Public)
	added, _ := ami.DiffLaunchPermissions(priorPerms, perms)
	addedSnapshotShares, _ := ami.DiffSets(priorSnapshotShares, snapshotShares)
	widening := added.SharedWithOthers() || len(addedSnapshotShares) > 0
	deprecationChanged := !plan.DeprecationTime.Equal(state.DeprecationTime)
	if canFail := turningPublic || widening || (perms.Public && deprecationChanged); !canFail {
		return
	}
	if !lpKnown && !snapKnown {
		return
	}
	if !creating && replacing() {
		return
	}

	checkPublicDeprecation(plan, state, creating, perms.Public, diags)
	encrypted, encryptionKnown, byDefault := r.plannedEncryption(ctx, plan, creating, diags)
	if turningPublic && encryptionKnown && encrypted {
		why, unencrypted := "the copy is encrypted", "copy it unencrypted if its source is unencrypted."
		if byDefault {
			unencrypted = "copy it unencrypted after turning encryption by default off in that Region."
			why = fmt.Sprintf("the copy will be encrypted: EBS encryption by default is on in %s (ec2:GetEbsEncryptionByDefault), "+
				"so EC2 encrypts every snapshot copy there, whatever encrypted says", knownString(plan.Region))
		}
		diags.AddAttributeError(path.Root(attrLaunchPermission).AtName("public"), "Encrypted Copy Cannot Be Public",
			"launch_permission.public is true, but "+why+", and EC2 does not make AMIs with encrypted snapshots public. "+
				"Share it with accounts, organizations or organizational units instead (launch_permission.account_ids, organization_arns, organizational_unit_arns), "+
				"through a customer managed kms_key_id whose key policy allows them, or "+unencrypted)
	}
	if r.data.skipPreflight {
		return
	}
	r.checkOwnerNotShared(ctx, plan, state, creating, perms.AccountIDs, snapshotShares, diags)
	if widening && encryptionKnown && encrypted {
		r.checkShareableKey(ctx, plan, state, creating, diags)
	}
	if turningPublic {
		r.checkImageBlockPublicAccess(ctx, knownString(plan.Region), diags)
	}
}

// warnGrantsRemoved names, at plan, the grants that the apply removes when
// a sharing attribute goes from unset to set on an existing copy. While an
// attribute is unset the state does not track EC2's grants (that is what
// lets something else manage them), so the prior value in the plan is null
// and the diff shows only additions, whatever was granted outside
// Terraform. Setting the attribute makes it the complete list, so the plan
// reads the grants once and warns about each one the apply will remove. It
// costs one DescribeImageAttribute, or one DescribeSnapshotAttribute per
// snapshot, and only on that transition: never on an unchanged plan, nor on
// a copy that is new or being replaced, which grants nothing yet.
func (r *imageResource) warnGrantsRemoved(ctx context.Context, plan, state imageResourceModel, replacing func() bool, diags *diag.Diagnostics) {
	takesOverLaunch := state.LaunchPermission.IsNull() && !plan.LaunchPermission.IsNull()
	takesOverSnapshots := state.SnapshotCreateVolumeAccounts.IsNull() && !plan.SnapshotCreateVolumeAccounts.IsNull()
	imageID := state.ID.ValueString()
	if (!takesOverLaunch && !takesOverSnapshots) || imageID == "" || replacing() {
		return
	}
	var attributes []string
	if takesOverLaunch {
		attributes = append(attributes, attrLaunchPermission)
	}
	if takesOverSnapshots {
		attributes = append(attributes, attrSnapshotCreateVolumePermissions)
	}
	if r.data.skipPreflight {
		diags.AddWarning("Grants Made Outside Terraform May Be Removed", fmt.Sprintf(
			"%s was unset, so Terraform did not track who may use %s. Setting it makes it the complete list: the apply removes any grant that it does not name, "+
				"and the provider's skip_preflight kept this plan from reading which grants EC2 holds now. Check them (ec2:DescribeImageAttribute, "+
				"ec2:DescribeSnapshotAttribute) and add those you want to keep.", strings.Join(attributes, " and "), imageID))
		return
	}
	region := knownString(plan.Region)
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, sharingCheckTimeout)
	defer cancel()
	unreadable := func(what string, err error) {
		addCheckFailure(diags, err, "Unable to Read Current Grants", fmt.Sprintf(
			"%s of %s in %s failed, so the plan cannot show which grants made outside Terraform the apply removes. Setting it makes it the complete list: "+
				"the apply removes any grant that it does not name. %s", what, imageID, region, describeAWSError(err)))
	}
	if takesOverLaunch {
		desired, _, known := plan.launchPermissions(ctx)
		current, err := client.LaunchPermissions(ctx, imageID)
		if err != nil {
			unreadable("Reading the launch permissions (ec2:DescribeImageAttribute) for launch_permission", err)
		} else if _, remove := ami.DiffLaunchPermissions(current, desired); !remove.IsEmpty() {
			diags.AddAttributeWarning(path.Root(attrLaunchPermission), "Launch Permissions Granted Outside Terraform Will Be Removed",
				grantsRemovedDetail(attrLaunchPermission, imageID, remove.Grants(), known))
		}
	}
	if takesOverSnapshots {
		desired, _, known := plan.snapshotAccounts()
		var removed []string
		for _, snapshotID := range stringList(ctx, state.SnapshotIDs) {
			current, err := client.SnapshotCreateVolumePermissions(ctx, snapshotID)
			if err != nil {
				unreadable("Reading who may create volumes from snapshot "+snapshotID+" (ec2:DescribeSnapshotAttribute) for "+attrSnapshotCreateVolumePermissions, err)
				return
			}
			_, remove := ami.DiffSets(current, desired)
			removed = union(removed, remove)
		}
		if len(removed) > 0 {
			slices.Sort(removed)
			grants := make([]string, 0, len(removed))
			for _, account := range removed {
				grants = append(grants, "account "+account)
			}
			diags.AddAttributeWarning(path.Root(attrSnapshotCreateVolumePermissions), "Snapshot Permissions Granted Outside Terraform Will Be Removed",
				grantsRemovedDetail(attrSnapshotCreateVolumePermissions, imageID, grants, known))
		}
	}
}

// grantsRemovedDetail is the detail of warnGrantsRemoved's warning: the
// grants that only this warning shows, since the plan's prior value is null.
func grantsRemovedDetail(attribute, imageID string, grants []string, known bool) string {
	unless := ""
	if !known {
		unless = " (unless values known only after apply name them)"
	}
	return fmt.Sprintf("%s was unset, so Terraform did not track it, and the plan's diff shows only what it adds. EC2 grants these on %s now, "+
		"and setting %s makes it the complete list, so this apply removes them%s:\n  - %s\n\nTo keep one, add it to %s.",
		attribute, imageID, attribute, unless, strings.Join(grants, "\n  - "), attribute)
}

// refusePublicDeprecationLater refuses to cancel the deprecation of a copy
// that is public and stays public, or to move it later: EC2 User Guide,
// "Deprecate an AMI": "To cancel the deprecation date, or to move the
// deprecation to a later date, you must make the AMI private". A null
// deprecation_time in state stands for EC2's default, 2 years after the
// copy's creation (withoutPublicDefaultDeprecation). A plan that makes the
// copy private is accepted: the apply does that first.
func refusePublicDeprecationLater(ctx context.Context, plan, state imageResourceModel, replacing func() bool, diags *diag.Diagnostics) {
	staysPublic := state.Public.ValueBool()
	if !plan.LaunchPermission.IsNull() {
		public := plan.plannedPublic(ctx)
		staysPublic = staysPublic && !public.IsUnknown() && public.ValueBool()
	}
	planned, prior := plan.DeprecationTime, state.DeprecationTime
	if !staysPublic || planned.IsUnknown() || planned.sameMinute(prior) {
		return
	}
	current := prior.ValueString()
	if prior.IsNull() {
		created, err := time.Parse(time.RFC3339, state.CreationDate.ValueString())
		if err != nil {
			return
		}
		current = created.UTC().AddDate(ami.MaxPublicDeprecationYears, 0, 0).Format(time.RFC3339)
	}
	currentAt, err := time.Parse(time.RFC3339, current)
	if err != nil {
		return
	}
	what := "cancels"
	if !planned.IsNull() {
		plannedAt, err := time.Parse(time.RFC3339, planned.ValueString())
		if err != nil || !plannedAt.Truncate(time.Minute).After(currentAt.Truncate(time.Minute)) {
			return // The validator reports a bad value; an earlier time is allowed.
		}
		what = "moves later"
	}
	if replacing() {
		return // The new copy is private until the apply shares it.
	}
	diags.AddAttributeError(path.Root("deprecation_time"), "Deprecation of a Public Copy Cannot Be Cancelled or Moved Later",
		fmt.Sprintf("The copy %s is public and stays public, and this plan %s its deprecation, now %s. EC2 lets only a private AMI's deprecation be cancelled "+
			"or moved later (EC2 User Guide, \"Deprecate an AMI\"). Keep deprecation_time at %q or earlier, or make the copy private in the same apply "+
			"(launch_permission.public = false), which the provider then does before changing the deprecation.",
			state.ID.ValueString(), what, current, current))
}

// checkPublicDeprecation refuses a public copy whose deprecation_time is
// more than 2 years after its creation (now, for a new copy).
func checkPublicDeprecation(plan, state imageResourceModel, creating, public bool, diags *diag.Diagnostics) {
	deprecation := knownString(plan.DeprecationTime)
	if !public || deprecation == "" {
		return
	}
	at, err := time.Parse(time.RFC3339, deprecation)
	if err != nil {
		return // The attribute's validator reports it.
	}
	created := time.Now()
	if !creating {
		if c, err := time.Parse(time.RFC3339, state.CreationDate.ValueString()); err == nil {
			created = c
		}
	}
	if limit := created.AddDate(ami.MaxPublicDeprecationYears, 0, 0); at.After(limit) {
		diags.AddAttributeError(path.Root("deprecation_time"), "Deprecation Time Too Late for a Public Copy",
			fmt.Sprintf("deprecation_time is %s, but launch_permission.public is true, and EC2 deprecates a public AMI at most %d years after its creation "+
				"(this copy: %s, so at the latest %s). Set deprecation_time = %q or earlier, or do not make the copy public.",
				deprecation, ami.MaxPublicDeprecationYears, created.UTC().Format(time.RFC3339), limit.UTC().Format(time.RFC3339), limit.UTC().Truncate(time.Minute).Format(time.RFC3339)))
	}
}

// plannedEncryption tells whether the copy is (or will be) encrypted: as
// configured, always on an Outpost, as the copy's snapshots are for an
// existing copy, or, for a new copy not asked to be encrypted, as its
// source is, or because the account encrypts every snapshot copy in the
// destination Region (EBS encryption by default; byDefault says so). The
// last two need EC2, so only with preflight on.
func (r *imageResource) plannedEncryption(ctx context.Context, plan imageResourceModel, creating bool, diags *diag.Diagnostics) (encrypted, known, byDefault bool) {
	switch {
	case plan.Encrypted.IsUnknown() && !creating:
		return false, false, false
	case !plan.Encrypted.IsNull() && !plan.Encrypted.IsUnknown() && plan.Encrypted.ValueBool():
		return true, true, false
	case knownString(plan.KMSKeyID) != "" || knownString(plan.DestinationOutpostARN) != "":
		return true, true, false
	case !creating:
		// encrypted keeps a configured false even when EC2 encrypted the
		// copy anyway (encryption by default); its snapshots tell.
		return plan.Encrypted.ValueBool() || mappingsEncrypted(plan.BlockDeviceMappings), true, false
	case r.data.skipPreflight:
		return false, false, false
	}
	// A new copy of an encrypted source is encrypted whatever is asked.
	sourceID, sourceRegion, region := knownString(plan.SourceImageID), knownString(plan.SourceRegion), knownString(plan.Region)
	if sourceID == "" || sourceRegion == "" || region == "" {
		return false, false, false
	}
	value, err := r.data.sharingFacts.get("source-encrypted|"+sourceRegion+"|"+sourceID, func() (string, error) {
		client, d := r.data.ec2Client(ctx, sourceRegion)
		if d.HasError() {
			return "", fmt.Errorf("no EC2 client for %s", sourceRegion)
		}
		img, err := client.FindImage(ctx, sourceID)
		if err != nil {
			return "", err
		}
		return fmt.Sprint(imageEncrypted(img)), nil
	})
	if err != nil {
		return false, false, false // checkSourceImage reports the source's problems.
	}
	if value == "true" {
		return true, true, false
	}
	byDefaultValue, err := r.regionFact(ctx, "ebs-encryption-by-default", region, (*ami.Client).EBSEncryptionByDefault)
	if err != nil {
		addCheckFailure(diags, err, "Unable to Check Sharing", fmt.Sprintf("ec2:GetEbsEncryptionByDefault in %s failed, so the plan could not tell whether the copy will be encrypted, "+
			"which decides whether it can be public or shared through the EBS default key: %s", region, describeAWSError(err)))
		return false, false, false
	}
	if byDefaultValue == "true" {
		return true, true, true
	}
	return false, true, false
}

// mappingsEncrypted reports whether any block device mapping of a copy in
// state is encrypted.
func mappingsEncrypted(mappings types.List) bool {
	if mappings.IsNull() || mappings.IsUnknown() {
		return false
	}
	for _, element := range mappings.Elements() {
		object, ok := element.(types.Object)
		if !ok {
			continue
		}
		if encrypted, ok := object.Attributes()["encrypted"].(types.Bool); ok && encrypted.ValueBool() {
			return true
		}
	}
	return false
}

// imageEncrypted reports whether any of the image's snapshots is encrypted.
func imageEncrypted(img ec2types.Image) bool {
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs != nil && aws.ToBool(m.Ebs.Encrypted) {
			return true
		}
	}
	return false
}

// checkOwnerNotShared warns about the copy's own account among the accounts
// it is shared with: the owner can always launch its AMIs and create
// volumes from its snapshots, so the grant does nothing. It warns rather
// than refuses: EC2 accepts the grant and lists it (the AWS provider's
// TestAccEC2AMILaunchPermission_basic grants the AMI owner's own account
// against real AWS), and the EC2 documentation does not say it refuses
// one. A new copy's owner is the caller (STS GetCallerIdentity, asked
// once).
func (r *imageResource) checkOwnerNotShared(ctx context.Context, plan, state imageResourceModel, creating bool, accounts, snapshotAccounts []string, diags *diag.Diagnostics) {
	if len(accounts) == 0 && len(snapshotAccounts) == 0 {
		return
	}
	owner := state.OwnerID.ValueString()
	if creating || owner == "" {
		var err error
		_, owner, err = r.data.callerIdentity(ctx, knownString(plan.Region))
		if err != nil {
			diags.AddWarning("Unable to Check Sharing", fmt.Sprintf("sts:GetCallerIdentity failed, so the plan could not check whether the copy is shared with its own account: %s", describeAWSError(err)))
			return
		}
	}
	// Distinct summaries, because Terraform folds warnings that share one.
	for _, where := range []struct {
		path     path.Path
		summary  string
		name     string
		accounts []string
	}{
		{path.Root(attrLaunchPermission).AtName("account_ids"), "Copy Shared With Its Own Account", "launch_permission.account_ids", accounts},
		{path.Root(attrSnapshotCreateVolumePermissions), "Snapshots Shared With Their Own Account", attrSnapshotCreateVolumePermissions, snapshotAccounts},
	} {
		if slices.Contains(where.accounts, owner) {
			diags.AddAttributeWarning(where.path, where.summary,
				fmt.Sprintf("%s lists %s, the account that owns the copy. EC2 records the grant, but it does nothing: the owner can always launch its AMIs "+
					"and create volumes from their snapshots. To drop it, remove %s from %s.",
					where.name, owner, owner, where.name))
		}
	}
}

// checkShareableKey refuses to share an encrypted copy whose key is the AWS
// managed key aws/ebs, which no other account can use: the copy would be
// shared but could not be launched or copied. The key is kms_key_id, or
// for a new copy without one the Region's EBS default key, or for an
// existing copy the key its snapshots report.
func (r *imageResource) checkShareableKey(ctx context.Context, plan, state imageResourceModel, creating bool, diags *diag.Diagnostics) {
	region := knownString(plan.Region)
	keyID, how := knownString(plan.KMSKeyID), "kms_key_id"
	if keyID == "" && !creating {
		client, d := r.data.ec2Client(ctx, region)
		if d.HasError() {
			return
		}
		keys, err := client.SnapshotKMSKeyIDs(ctx, stringList(ctx, state.SnapshotIDs))
		if err != nil {
			addCheckFailure(diags, err, "Unable to Check Sharing", fmt.Sprintf("DescribeSnapshots for the snapshots of %s failed, so the plan could not check their KMS key: %s",
				state.ID.ValueString(), describeAWSError(err)))
			return
		}
		for _, k := range keys {
			keyID, how = k, "the key of the copy's snapshots"
		}
	}
	if keyID == "" {
		var err error
		keyID, err = r.regionFact(ctx, "ebs-default-key", region, (*ami.Client).EBSDefaultKMSKeyID)
		if err != nil {
			addCheckFailure(diags, err, "Unable to Check Sharing", fmt.Sprintf("ec2:GetEbsDefaultKmsKeyId in %s failed, so the plan could not check that the copy's KMS key can be shared: %s",
				region, describeAWSError(err)))
			return
		}
		how = "the EBS default key of " + region + " (kms_key_id is unset)"
	}
	managed, err := r.isAWSManagedEBSKey(ctx, region, keyID)
	if err != nil {
		// A warning even when KMS refuses: sharing needs no KMS permission
		// of the identity that shares, so the apply may well succeed.
		diags.AddWarning("Unable to Check Sharing", fmt.Sprintf("kms:DescribeKey for %q in %s failed, so the plan could not check that the copy's KMS key can be shared: %s",
			keyID, region, describeAWSError(err)))
		return
	}
	if !managed {
		return
	}
	next := "Set kms_key_id to a customer managed key in " + region
	if !creating {
		next = "Changing kms_key_id replaces the copy: set it to a customer managed key in " + region
	}
	diags.AddAttributeError(path.Root(attrLaunchPermission), "Encrypted Copy Cannot Be Shared With the AWS Managed Key",
		fmt.Sprintf("The copy is shared with other accounts (launch_permission or %s), but it is encrypted with the AWS managed key aws/ebs (%s: %s). "+
			"That key cannot be shared, so the other accounts could neither launch nor copy the AMI. %s, whose key policy allows those accounts "+
			"(or organizations) kms:Decrypt, kms:DescribeKey, kms:CreateGrant, kms:ReEncrypt* and kms:GenerateDataKey*; "+
			"or stop sharing it with other accounts.", attrSnapshotCreateVolumePermissions, how, keyID, next))
}

// isAWSManagedEBSKey reports whether keyID is the AWS managed key for EBS:
// by its alias, or by DescribeKey's KeyManager for a key ID or ARN
// (asked once per key).
func (r *imageResource) isAWSManagedEBSKey(ctx context.Context, region, keyID string) (bool, error) {
	if ami.IsAWSManagedEBSKeyName(keyID) {
		return true, nil
	}
	manager, err := r.data.sharingFacts.get("kms-manager|"+region+"|"+keyID, func() (string, error) {
		ctx, cancel := context.WithTimeout(ctx, preflightKMSTimeout)
		defer cancel()
		out, err := describeKey(ctx, r.data, region, keyID)
		if err != nil || out.KeyMetadata == nil {
			return "", err
		}
		return string(out.KeyMetadata.KeyManager), nil
	})
	return manager == string(kmstypes.KeyManagerTypeAws), err
}

// checkImageBlockPublicAccess refuses to make a copy public while the
// account blocks public access to AMIs in the destination Region (asked
// once per Region).
func (r *imageResource) checkImageBlockPublicAccess(ctx context.Context, region string, diags *diag.Diagnostics) {
	if region == "" {
		return
	}
	state, err := r.regionFact(ctx, "image-block-public-access", region, (*ami.Client).ImageBlockPublicAccessState)
	if err != nil {
		addCheckFailure(diags, err, "Unable to Check Sharing", fmt.Sprintf("ec2:GetImageBlockPublicAccessState in %s failed, so the plan could not check that the copy can be made public: %s",
			region, describeAWSError(err)))
		return
	}
	if state == ami.ImageBlockPublicAccessBlocked {
		diags.AddAttributeError(path.Root(attrLaunchPermission).AtName("public"), "Block Public Access for AMIs Is On",
			fmt.Sprintf("launch_permission.public is true, but the account's block public access for AMIs is on in %s (image block public access state %q), "+
				"so EC2 refuses to make the copy public. Turn the setting off in that Region (ec2:DisableImageBlockPublicAccess, or the EC2 console's "+
				"Data protection and security page), or share the copy with accounts, organizations or organizational units instead.", region, state))
	}
}
