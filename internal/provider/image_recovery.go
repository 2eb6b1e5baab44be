package provider

// What the resource does about a copy that an earlier apply left
// unfinished (finishPendingCopy), and about a CopyImage that got no answer: EC2 may have
// made the copy anyway. Finding it is EC2 logic (ami.FindUnresolvedCopy);
// this file keeps the attempt in Terraform's state and private state until
// EC2 lists the copy or the grace period ends, so a copy is never orphaned.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// resolveUnansweredCopy looks for the copy that a CopyImage without an
// answer (copyErr) may have started, and returns its ID. When it finds
// none, it keeps the attempt in state without an ID, with an error, and
// returns "".
func resolveUnansweredCopy(ctx context.Context, client *ami.Client, plan imageResourceModel, copyStarted time.Time, copyErr error, resp *resource.CreateResponse) string {
	// EC2 reports no client token for an AMI, so look the copy up by its
	// name rather than leave an untracked AMI behind. Copies may share a
	// name (EC2 accepts a name in use, and the plan only warns), so
	// FindUnresolvedCopy takes only a copy of this source made since the
	// attempt started, and none when two fit. The lookup outlives an
	// interrupt or timeout, but not by much: a user who pressed Ctrl-C is
	// waiting.
	lookupCtx, cancelLookup := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	found, findErr := client.FindUnresolvedCopy(lookupCtx, plan.Name.ValueString(), plan.SourceImageID.ValueString(), copyStarted)
	cancelLookup()
	if findErr == nil {
		tflog.Warn(ctx, "CopyImage failed without an answer, but the copy exists; tracking it", map[string]any{"image_id": aws.ToString(found.ImageId)})
		return aws.ToString(found.ImageId)
	}
	// EC2 may have made the copy though neither CopyImage nor the
	// lookup shows it: the lookup failed, or EC2 does not list the
	// new AMI yet. Keep the attempt in state without an ID;
	// Terraform taints it, and the next refresh looks for the copy
	// by name again (and forgets the attempt if there is none once
	// ami.UnresolvedCopyGrace has passed), so it cannot be orphaned.
	lookup := "EC2 lists no AMI of this account with that name yet"
	if !ami.IsNotFound(findErr) {
		lookup = "looking for it failed too: " + describeAWSError(findErr)
	}
	unresolved := plan.withUnknownsNull()
	unresolved.ID = types.StringNull()
	unresolved.ARN = types.StringNull()
	resp.Diagnostics.Append(resp.State.Set(ctx, &unresolved)...)
	started, _ := json.Marshal(copyStarted.UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopyStarted, started)...)
	resp.Diagnostics.AddError("Unable to Copy Image", fmt.Sprintf(
		"CopyImage of %s from %s to %s failed without a clear answer: %s\n\n"+
			"EC2 may have made the copy anyway, as an AMI named %q; %s.\n\n"+
			"The attempt is kept in state as tainted: the next plan looks for the AMI by name again and replaces it if it exists. "+
			"EC2 lists a new AMI with a delay, so the attempt stays until EC2 lists it or until %s after the attempt; only then does Terraform copy anew.",
		plan.SourceImageID.ValueString(), plan.SourceRegion.ValueString(), client.Region(), describeAWSError(copyErr),
		plan.Name.ValueString(), lookup, ami.UnresolvedCopyGrace))
	return ""
}

// readUnansweredCopy is Read for an attempt that Create kept without an
// ID: it returns the ID of the copy once EC2 lists it. Otherwise it returns
// "", keeping the attempt within the grace period (with a warning) and
// removing it from state after that.
func readUnansweredCopy(ctx context.Context, client *ami.Client, state imageResourceModel, private privateGetter, resp *resource.ReadResponse) string {
	started := copyStartedFrom(ctx, private)
	found, err := client.FindUnresolvedCopy(ctx, state.Name.ValueString(), state.SourceImageID.ValueString(), started)
	if ami.IsNotFound(err) {
		if until, keep := ami.UnresolvedCopyKept(started, time.Now()); keep {
			// EC2 lists a new AMI with a delay; forgetting the attempt
			// now could orphan a copy that EC2 did make.
			resp.Diagnostics.AddWarning("Image Copy Not Listed Yet", fmt.Sprintf(
				"CopyImage for the AMI named %q in %s got no answer, and EC2 does not list an AMI of this account with that name yet (%s). "+
					"EC2 lists a new AMI with a delay, so the attempt stays in state until EC2 lists the copy or until %s (%s after the attempt), "+
					"whichever comes first; it is forgotten only after that.",
				state.Name.ValueString(), client.Region(), err, until.UTC().Format(time.RFC3339), ami.UnresolvedCopyGrace))
			return ""
		}
		resp.State.RemoveResource(ctx)
		return ""
	}
	if err != nil {
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("Looking for the AMI named %q in %s, whose CopyImage got no answer, failed: %s",
			state.Name.ValueString(), client.Region(), describeAWSError(err)))
		return ""
	}
	return aws.ToString(found.ImageId)
}

// unansweredCopyToDelete is Delete for an attempt that Create kept without
// an ID and no refresh resolved: it returns the ID of the copy to
// deregister, or "" when there is none (the attempt is gone) or when it
// cannot tell yet (an error in diags keeps the attempt in state).
func unansweredCopyToDelete(ctx context.Context, client *ami.Client, state imageResourceModel, private privateGetter, diags *diag.Diagnostics) string {
	region := client.Region()
	started := copyStartedFrom(ctx, private)
	found, err := client.FindUnresolvedCopy(ctx, state.Name.ValueString(), state.SourceImageID.ValueString(), started)
	if until, keep := ami.UnresolvedCopyKept(started, time.Now()); ami.IsNotFound(err) && keep {
		diags.AddError("Unable to Delete Image", fmt.Sprintf(
			"CopyImage for the AMI named %q in %s got no answer, and EC2 does not list an AMI of this account with that name yet (%s). "+
				"EC2 lists a new AMI with a delay, so Terraform cannot tell yet whether the copy exists, and keeps the attempt in state "+
				"rather than orphan a copy. Apply again once EC2 lists it (it is then deregistered), or after %s, when the attempt is forgotten. "+
				"If you are sure that EC2 made no copy (it lists no AMI named %q in %s), remove the attempt with terraform state rm.",
			state.Name.ValueString(), region, err, until.UTC().Format(time.RFC3339), state.Name.ValueString(), region))
		return ""
	}
	if ami.IsNotFound(err) {
		return ""
	}
	if err != nil {
		diags.AddError("Unable to Delete Image", fmt.Sprintf("Looking for the AMI named %q in %s, whose CopyImage got no answer, failed: %s",
			state.Name.ValueString(), region, describeAWSError(err)))
		return ""
	}
	return aws.ToString(found.ImageId)
}

// copyStartedFrom reads when an unresolved create started from private
// state; zero when unknown.
func copyStartedFrom(ctx context.Context, private privateGetter) time.Time {
	raw, _ := private.GetKey(ctx, privateCopyStarted)
	var started string
	if len(raw) == 0 || json.Unmarshal(raw, &started) != nil {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339, started)
	return t
}

// finishPendingCopy waits, under timeouts.create, for a copy that an earlier
// create left pending (its wait ran out of time or was interrupted, and the
// copy was untainted): this update finishes that create instead of copying
// again, and returns the available image. When the wait fails, the copy
// stays in state as EC2 last reported it, so the next plan waits again, or
// replaces a copy that failed.
func finishPendingCopy(ctx context.Context, client *ami.Client, plan, state imageResourceModel, resp *resource.UpdateResponse) (ec2types.Image, bool) {
	createTimeout, diags := plan.Timeouts.Create(ctx, plan.defaultCreateTimeout())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return ec2types.Image{}, false
	}
	waitCtx, cancel := context.WithTimeout(ctx, createTimeout)
	defer cancel()
	imageID := state.ID.ValueString()
	tflog.Info(ctx, "Waiting again for an unfinished AMI copy", map[string]any{"image_id": imageID, "region": client.Region()})
	img, err := client.WaitForAvailable(waitCtx, imageID, waitProgressLogger(ctx))
	if err == nil {
		return img, true
	}
	resp.Diagnostics.Append(waitDiagnostic(imageID, client.Region(), state.Name.ValueString(), copyKeyDescription(state, client.Region()), createTimeout, err, true))
	kept := state
	var failed *ami.CopyFailedError
	if errors.As(err, &failed) {
		kept.State = types.StringValue(failed.State)
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateStateReason, stateReasonValue(failed.Code, failed.Message))...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &kept)...)
	return ec2types.Image{}, false
}

// ensureTagsAfterWait is Create's step after its wait, for a copy that an
// update finished: the tags the copy asked for on the AMI and its snapshots
// (EnsureTags), and the keys that CopyImageTags brought, recorded in
// private state. It returns those keys.
func ensureTagsAfterWait(ctx context.Context, client *ami.Client, img ec2types.Image, plan imageResourceModel, defaultTags map[string]string, resp *resource.UpdateResponse) ([]string, bool) {
	copyImageTags := plan.CopyImageTags.ValueBool()
	copied, err := client.EnsureTags(ctx, img, plan.imageTags(ctx, defaultTags), plan.snapshotTags(ctx, defaultTags), copyImageTags)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Tag Image", fmt.Sprintf("The copy %s in %s is available now, but tagging it failed: %s\n\n"+
			"The copy stays in state; the next apply tags it again.", aws.ToString(img.ImageId), client.Region(), describeAWSError(err)))
		return nil, false
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopiedTagKeys, copiedTagKeysValue(copied, copyImageTags))...)
	return copied, true
}

// waitProgressLogger logs each poll of a wait for a copy.
func waitProgressLogger(ctx context.Context) func(ami.Progress) {
	return func(p ami.Progress) {
		tflog.Info(ctx, "Waiting for AMI copy", map[string]any{
			"image_id": p.ImageID, "state": p.State, "elapsed": p.Elapsed.Round(time.Second).String(), "snapshots": strings.Join(p.SnapshotProgress, ", "),
		})
	}
}

// keepPendingCopy ends a create that does not wait for its copy
// (wait_for_available = false) while EC2 reports it pending: state records
// the copy as EC2 reports it, and the settings that EC2 accepts only on an
// available AMI as configured (privateSettingsPending), for the first
// apply after the copy is available to apply them.
func keepPendingCopy(ctx context.Context, client *ami.Client, plan imageResourceModel, img ec2types.Image, defaultTags map[string]string, resp *resource.CreateResponse) {
	copyImageTags := plan.CopyImageTags.ValueBool()
	var copied []string
	if copyImageTags {
		copied = ami.CopiedTagKeys(ami.TagMap(img.Tags), plan.imageTags(ctx, defaultTags))
	}
	state, err := readImage(ctx, client, plan.withSettingsNotApplied(), img, defaultTags, copied, false)
	if err != nil {
		// The copy stays in state as tracked before the wait, tainted.
		resp.Diagnostics.AddError("Unable to Read Image", fmt.Sprintf("The copy %s in %s was started, but reading it failed: %s\n\n"+
			"The AMI is kept in state as tainted. To keep this copy, run terraform untaint on it; the next apply then reads it again.",
			aws.ToString(img.ImageId), client.Region(), describeAWSError(err)))
		return
	}
	state = state.withSettingsOf(plan)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateCopiedTagKeys, copiedTagKeysValue(copied, copyImageTags))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateSettingsPending, settingsPendingValue(img))...)
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateTrackedCopy, trackedCopyValue(state))...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	tflog.Info(ctx, "Copy left to finish in EC2 (wait_for_available = false)", map[string]any{"image_id": aws.ToString(img.ImageId), "region": client.Region()})
}
