package provider

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

var (
	_ resource.ResourceWithConfigure        = (*imageResource)(nil)
	_ resource.ResourceWithImportState      = (*imageResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*imageResource)(nil)
	_ resource.ResourceWithConfigValidators = (*imageResource)(nil)
)

// imageResource is the amicopy_image resource.
type imageResource struct {
	data *providerData
	// provider is the provider that serves this resource, whose data the
	// schema's plan modifiers read (Terraform asks the schema of one
	// instance and plans with another); nil outside a provider.
	provider *amicopyProvider
}

// NewImageResource returns the amicopy_image resource.
func NewImageResource() resource.Resource {
	return &imageResource{}
}

// Metadata names the resource.
func (r *imageResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_image"
}

// Schema mirrors the CopyImage request, plus what a user needs downstream
// (imageSchema, in image_schema.go).
func (r *imageResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = imageSchema(ctx, r.providerData)
}

// Configure receives the provider's data.
func (r *imageResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	if req.ProviderData == nil {
		return // The provider is not configured yet (validation).
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider.", req.ProviderData))
		return
	}
	r.data = data
}

// ConfigValidators are the rules that span attributes but need no Region.
func (r *imageResource) ConfigValidators(_ context.Context) []resource.ConfigValidator {
	return imageConfigValidators()
}

// Create starts the copy, records it in state at once, and waits for it.
func (r *imageResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan imageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.ec2Client(ctx, plan.Region.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	createTimeout, diags := plan.Timeouts.Create(ctx, plan.defaultCreateTimeout())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()

	// One token for every attempt of this create, so EC2 makes one copy
	// however often the SDK retries.
	tokenFromConfig := !plan.ClientToken.IsUnknown() && !plan.ClientToken.IsNull()
	if !tokenFromConfig {
		plan.ClientToken = types.StringValue(newClientToken())
	}
	imageTags := plan.imageTags(ctx, r.data.defaultTags)
	snapshotTags := plan.snapshotTags(ctx, r.data.defaultTags)
	input := plan.copyImageInput(imageTags, snapshotTags)
	copyStarted := time.Now()
	imageID, answeredAt, err := client.CopyAnswered(ctx, input)
	if err != nil && ami.IsAmbiguousCopyError(err) {
		if imageID = resolveUnansweredCopy(ctx, client, plan, copyStarted, err, resp); imageID == "" {
			return
		}
		err = nil
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Copy Image", fmt.Sprintf(
			"CopyImage of %s from %s to %s failed: %s\n\nNo AMI was created.",
			plan.SourceImageID.ValueString(), plan.SourceRegion.ValueString(), client.Region(), describeAWSError(err)))
		return
	}

	if earlier, spent := spentOnEarlierCopy(ctx, client, imageID, answeredAt, tokenFromConfig); spent {
		// The AMI is another's (a resource that a -target plan did not
		// see, or a copy made outside Terraform): tracking it would let
		// this resource deregister it.
		resp.Diagnostics.AddAttributeError(path.Root("client_token"), "Client Token Already Used", fmt.Sprintf(
			"CopyImage in %s answered client_token %q with %s (%q), an AMI created at %s, before this apply asked for a copy: the token was spent on that AMI, "+
				"by another amicopy_image or outside Terraform, and EC2 answers a token it has seen with the AMI it made then instead of copying again. "+
				"No new copy was made, and %s is not taken into this resource's state, so that destroying this resource can never deregister it.\n\n"+
				"Set a new client_token (for example %q), or remove client_token to let the provider generate one. To manage %s with this resource instead, import it.",
			client.Region(), plan.ClientToken.ValueString(), imageID, aws.ToString(earlier.Name), aws.ToString(earlier.CreationDate), imageID,
			plan.ClientToken.ValueString()+"-2", imageID))
		return
	}

	// Track the AMI before waiting: from here on, any failure leaves it in
	// state (tainted) instead of orphaning it.
	plan.ID = types.StringValue(imageID)
	plan.ARN = types.StringValue(imageARN(client.Region(), imageID))
	tracked := plan.withUnknownsNull().withSettingsNotApplied()
	resp.Diagnostics.Append(resp.State.Set(ctx, &tracked)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTrackedCopy, trackedCopyValue(tracked))...)
	if resp.Diagnostics.HasError() {
		return
	}
	tflog.Info(ctx, "CopyImage started", map[string]any{"image_id": imageID, "region": client.Region(), "source_image_id": plan.SourceImageID.ValueString()})

	waitFor := client.WaitForAvailable
	if !plan.waits() {
		waitFor = client.WaitForListed
	}
	img, err := waitFor(ctx, imageID, waitProgressLogger(ctx))
	if err != nil && tokenFromConfig {
		if d, spent := spentTokenDiagnostic(imageID, client.Region(), plan.ClientToken.ValueString(), err); spent {
			resp.Diagnostics.Append(d)
			var deregistered *ami.DeregisteredImageError
			if errors.As(err, &deregistered) {
				// Nothing to track: the AMI is gone, and no copy runs.
				resp.State.RemoveResource(ctx)
			}
			return
		}
	}
	if err != nil {
		resp.Diagnostics.Append(waitDiagnostic(imageID, client.Region(), plan.Name.ValueString(), copyKeyDescription(plan, client.Region()), createTimeout, err, false))
		return
	}

	if img.State == ec2types.ImageStatePending {
		keepPendingCopy(ctx, client, plan, img, r.data.defaultTags, resp)
		return
	}

	copiedTagKeys, err := client.EnsureTags(ctx, img, imageTags, snapshotTags, plan.CopyImageTags.ValueBool())
	if err != nil {
		resp.Diagnostics.AddError("Unable to Tag Image", fmt.Sprintf("The copy %s in %s is available, but tagging it failed: %s\n\n"+
			"The AMI is kept in state as tainted, so the next apply replaces it with a new copy. To keep this copy, run terraform untaint on it; the next apply then only adds the tags.", imageID, client.Region(), describeAWSError(err)))
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopiedTagKeys, copiedTagKeysValue(copiedTagKeys, plan.CopyImageTags.ValueBool()))...)

	if err := applyLifecycleSettings(ctx, client, imageID, imageResourceModel{}, plan); err != nil {
		resp.Diagnostics.AddError("Unable to Configure Image", fmt.Sprintf("The copy %s in %s is available, but %s\n\n"+
			"The AMI is kept in state as tainted, so the next apply replaces it with a new copy. To keep this copy, run terraform untaint on it; the next apply then only applies the setting.", imageID, client.Region(), describeAWSError(err)))
		return
	}

	if err := applySharing(ctx, client, imageID, ami.SnapshotIDs(img), plan, true); err != nil {
		resp.Diagnostics.Append(sharingDiagnostic(imageID, client.Region(), true, err))
		return
	}

	applied, _, diags := readApplied(ctx, client, plan, r.data.defaultTags, copiedTagKeys, false, "The copy %s in %s is available, but reading it back failed: %s")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

// Read refreshes the copy from EC2. A copy that is gone is removed from
// state with a warning, so the next plan re-creates it.
func (r *imageResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state imageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	region := r.data.regionOrDefault(state.Region.ValueString())
	client, diags := r.data.ec2Client(ctx, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.ID.IsNull() || state.ID.ValueString() == "" {
		// A create that could not tell whether EC2 made the copy.
		imageID := readUnansweredCopy(ctx, client, state, req.Private, resp)
		if imageID == "" {
			return
		}
		state.ID = types.StringValue(imageID)
		state.ARN = types.StringValue(imageARN(region, imageID))
	}
	img, err := client.RefreshImage(ctx, state.ID.ValueString())
	if ami.IsNotFound(err) {
		resp.Diagnostics.AddWarning("Image Not Found",
			fmt.Sprintf("The AMI %s in %s no longer exists (%s), so it was removed from state. The next apply copies it again.", state.ID.ValueString(), region, err))
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("DescribeImages for %s in %s failed: %s", state.ID.ValueString(), region, describeAWSError(err)))
		return
	}
	state.Region = types.StringValue(region)
	copied, diags := copiedTagKeysFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if state.CopyImageTags.ValueBool() && (copied == nil || state.State.ValueString() == string(ec2types.ImageStatePending)) {
		// A copy whose create ended before it was available: the tags
		// that CopyImageTags brought were never recorded. They are the
		// image's tags that the copy did not ask for; while it is pending
		// they are worked out again at each refresh.
		copied = ami.CopiedTagKeys(ami.TagMap(img.Tags), state.imageTags(ctx, r.data.defaultTags))
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopiedTagKeys, copiedTagKeysValue(copied, true))...)
	}
	// A copy that was not waited for keeps its settings as configured
	// while it is pending, and is read as EC2 holds it once it is not.
	keepSettings := settingsPending(ctx, req.Private) && img.State == ec2types.ImageStatePending
	readFrom := state
	if keepSettings {
		readFrom = state.withSettingsNotApplied()
	}
	prior := state
	state, err = readImage(ctx, client, readFrom, img, r.data.defaultTags, copied, isAdopting(ctx, req.Private))
	if keepSettings {
		state = state.withSettingsOf(prior)
	}
	if settingsPending(ctx, req.Private) {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSettingsPending, settingsPendingValue(img))...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDeregistrationCooldown, cooldownPrivateValue(img))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, adoptionMarkerAfterRead(ctx, req.Private))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateStateReason, failedCopyReason(img))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTrackedCopy, trackedCopyValue(state))...)
	r.data.preflight.track(region, state)
	var partial *readError
	if errors.As(err, &partial) {
		resp.Diagnostics.AddError(partial.summary, partial.detail)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update changes what EC2 lets change in place: the description, tags,
// deprecation and deregistration protection. The other in-place attributes
// live only in state.
func (r *imageResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state imageResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	client, diags := r.data.ec2Client(ctx, plan.Region.ValueString())
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	copied, diags := copiedTagKeysFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	snapshotIDs := stringList(ctx, state.SnapshotIDs)
	pending := state.State.ValueString() == string(ec2types.ImageStatePending)
	// A copy that is not waited for and still pending keeps its settings
	// as configured until a refresh finds it available (an imported or
	// interrupted copy that is switched to not waiting, too).
	deferSettings := pending && !plan.waits()
	if deferSettings {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSettingsPending, []byte("true"))...)
	}
	if pending && plan.waits() {
		// The copy's create ended before it was available, or did not wait.
		// Finish what Create does after its wait, with what EC2 reports
		// now: a pending copy may not list its snapshots yet, and the tags
		// that CopyImageTags brought are known only now.
		img, ok := finishPendingCopy(ctx, client, plan, state, resp)
		if !ok {
			return
		}
		snapshotIDs = ami.SnapshotIDs(img)
		if copied, ok = ensureTagsAfterWait(ctx, client, img, plan, r.data.defaultTags, resp); !ok {
			return
		}
		if settingsPending(ctx, req.Private) {
			// State records the settings as configured, not as applied.
			state = state.withSettingsNotApplied()
			resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSettingsPending, nil)...)
		}
	}
	updateTimeout, diags := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, updateTimeout)
	defer cancel()
	imageID := state.ID.ValueString()
	fail := func(what string, err error) {
		resp.Diagnostics.AddError("Unable to Update Image", fmt.Sprintf("Updating %s of %s in %s failed: %s", what, imageID, client.Region(), describeAWSError(err)))
	}

	if !plan.Description.IsUnknown() && !plan.Description.IsNull() && !plan.Description.Equal(state.Description) {
		if err := client.SetDescription(ctx, imageID, plan.Description.ValueString()); err != nil {
			fail("the description", err)
			return
		}
	}

	oldImageTags := withoutKeys(mapValue(ctx, state.TagsAll), copied)
	newImageTags := plan.imageTags(ctx, r.data.defaultTags)
	if err := client.UpdateTags(ctx, []string{imageID}, oldImageTags, newImageTags); err != nil {
		fail("the tags", err)
		return
	}
	// The default tags the snapshots got are the AMI's tags that its own
	// tags do not explain: tags_all less tags (less copied source tags).
	// Diffing against them lets a default_tags change reach the snapshots.
	previousDefaults := withoutKeys(oldImageTags, mapKeys(mapValue(ctx, state.Tags)))
	oldSnapshotTags := mergeTags(previousDefaults, mapValue(ctx, state.SnapshotTags))
	newSnapshotTags := plan.snapshotTags(ctx, r.data.defaultTags)
	if err := client.UpdateTags(ctx, snapshotIDs, oldSnapshotTags, newSnapshotTags); err != nil {
		fail("the snapshot tags", err)
		return
	}
	if !deferSettings {
		if err := applyLifecycleSettings(ctx, client, imageID, state, plan); err != nil {
			fail("the image", err)
			return
		}
		if sharingChanged(plan, state) {
			if err := applySharing(ctx, client, imageID, snapshotIDs, plan, false); err != nil {
				resp.Diagnostics.Append(sharingDiagnostic(imageID, client.Region(), false, err))
				return
			}
		}
	}

	applied, img, diags := readApplied(ctx, client, plan, r.data.defaultTags, copied, deferSettings, "Reading %s in %s after the update failed: %s")
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateDeregistrationCooldown, cooldownPrivateValue(img))...)
	// Once the configuration has supplied the create-time inputs of an
	// imported copy, they are known, and changing them replaces it again.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, nil)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &applied)...)
}

// Delete deregisters the copy and deletes its snapshots, unless
// skip_destroy keeps them. A copy that is already gone counts as deleted.
func (r *imageResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state imageResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	imageID := state.ID.ValueString()
	region := r.data.regionOrDefault(state.Region.ValueString())
	if state.SkipDestroy.ValueBool() {
		resp.Diagnostics.AddWarning("Image Kept",
			fmt.Sprintf("skip_destroy is true, so the AMI %s in %s and its snapshots were left in EC2 and only removed from state.", imageID, region))
		return
	}
	client, diags := r.data.ec2Client(ctx, region)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	deleteTimeout, diags := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, deleteTimeout)
	defer cancel()

	if imageID == "" {
		// A create that could not tell whether EC2 made the copy, destroyed
		// without a refresh.
		if imageID = unansweredCopyToDelete(ctx, client, state, req.Private, &resp.Diagnostics); imageID == "" {
			return
		}
	}

	// Delete the snapshots EC2 reports now, and those in state in case the
	// AMI has already gone without them.
	snapshotIDs := stringList(ctx, state.SnapshotIDs)
	var reportedProtection string
	if img, err := client.FindImage(ctx, imageID); err == nil {
		snapshotIDs = union(ami.SnapshotIDs(img), snapshotIDs)
		reportedProtection = aws.ToString(img.DeregistrationProtection)
	} else if !ami.IsNotFound(err) {
		resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf("Reading %s in %s before deregistering it failed: %s", imageID, region, describeAWSError(err)))
		return
	}
	result, err := client.Deregister(ctx, imageID, snapshotIDs, state.DeleteSnapshots.ValueBool())
	if err != nil {
		// EC2's error code for this refusal is not documented, so the
		// protection EC2 reported just before counts as well.
		if ami.IsDeregistrationProtected(err) || protectionReported(reportedProtection) {
			resp.Diagnostics.AddAttributeError(path.Root("deregistration_protection"), "Image Has Deregistration Protection",
				protectedDeregistrationDetail(imageID, region, reportedProtection, err))
			return
		}
		resp.Diagnostics.AddError("Unable to Delete Image", fmt.Sprintf("Deregistering %s in %s failed: %s", imageID, region, describeAWSError(err)))
		return
	}
	if len(result.KeptSnapshots) > 0 {
		resp.Diagnostics.AddWarning("Snapshots Kept",
			fmt.Sprintf("The AMI %s was deregistered, but its snapshots %s were kept because another AMI still uses them.", imageID, strings.Join(result.KeptSnapshots, ", ")))
	}
}

// ImportState adopts an existing AMI. The ID is the AMI's ID, optionally
// followed by @REGION when it is not in the provider's Region
// (ami-0123456789abcdef0@eu-central-1), as the AWS provider v6 writes it.
func (r *imageResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	imageID, region, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error())
		return
	}
	if r.data != nil {
		region = r.data.regionOrDefault(region)
		resp.Diagnostics.Append(r.checkImportOwned(ctx, imageID, region)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), imageID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("region"), region)...)
	// The defaults, so that a configuration that leaves them out plans clean.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("delete_snapshots"), true)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("skip_destroy"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("copy_image_tags"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("wait_for_available"), true)...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImported, []byte("true"))...)
}

// checkImportOwned refuses to adopt an AMI that this account does not own:
// a public AMI or one shared from another account. A later destroy would
// try to deregister it, which only its owner may do. An AMI that does not
// exist is left to the Read that follows, which tells Terraform so.
func (r *imageResource) checkImportOwned(ctx context.Context, imageID, region string) diag.Diagnostics {
	var diags diag.Diagnostics
	client, d := r.data.ec2Client(ctx, region)
	if d.HasError() {
		return d
	}
	img, err := client.FindImage(ctx, imageID)
	if ami.IsNotFound(err) {
		return diags
	}
	own := false
	if err == nil {
		own, err = client.IsOwnImage(ctx, imageID)
	}
	if err != nil {
		diags.AddError("Unable to Import Image", fmt.Sprintf("Checking that %s in %s belongs to this account failed: %s", imageID, region, describeAWSError(err)))
		return diags
	}
	if own {
		return diags
	}
	owner := aws.ToString(img.OwnerId)
	if alias := aws.ToString(img.ImageOwnerAlias); alias != "" {
		owner += " (" + alias + ")"
	}
	visibility := "shared with this account"
	if aws.ToBool(img.Public) {
		visibility = "public"
	}
	diags.AddError("Image Not Owned by This Account", fmt.Sprintf(
		"The AMI %s in %s (%q) is owned by account %s and is %s; this account does not own it. amicopy_image manages copies that this account owns: "+
			"destroying one deregisters it, which only its owner can do. To make a copy of it instead, remove the import and "+
			"set source_image_id = %q and source_region = %q.",
		imageID, region, aws.ToString(img.Name), owner, visibility, imageID, region))
	return diags
}

// parseImportID splits "ami-...[@region]".
func parseImportID(id string) (imageID, region string, err error) {
	imageID, region, hasRegion := strings.Cut(strings.TrimSpace(id), "@")
	if err := ami.ValidateSourceImageID(imageID); err != nil {
		return "", "", fmt.Errorf("%q is not an import ID for amicopy_image: %v. Use the AMI ID, such as ami-0123456789abcdef0, "+
			"or the AMI ID and its Region, such as ami-0123456789abcdef0@eu-central-1", id, err)
	}
	if hasRegion {
		if err := ami.ValidateRegionName(region); err != nil {
			return "", "", fmt.Errorf("%q is not an import ID for amicopy_image: the Region after @ is not valid: %v", id, err)
		}
	}
	return imageID, region, nil
}

// spentOnEarlierCopy is ami.SpentOnEarlierCopy for a token from the
// configuration; a token the provider generated is new, and needs no call.
func spentOnEarlierCopy(ctx context.Context, client *ami.Client, imageID string, answeredAt time.Time, tokenFromConfig bool) (ec2types.Image, bool) {
	if !tokenFromConfig {
		return ec2types.Image{}, false
	}
	return client.SpentOnEarlierCopy(ctx, imageID, answeredAt)
}

// newClientToken returns a random idempotency token.
func newClientToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms.
	return "amicopy-" + hex.EncodeToString(b)
}

// providerData is the configured provider's data, for the schema's plan
// modifiers; nil for a resource made outside a provider (NewImageResource)
// or before Configure.
func (r *imageResource) providerData() *providerData {
	if r.provider == nil {
		return nil
	}
	return r.provider.data
}
