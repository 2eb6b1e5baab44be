package provider

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// What amicopy_image keeps in private state, beside its state: the keys,
// and the functions that write and read each value. Private state holds
// what EC2 does not report but a later plan or apply needs (why a copy
// failed, which tags the copy brought, which AMI a replacement replaces).

// Private-state keys.
const (
	// privateImported marks a resource adopted by import or moved whose
	// create-time inputs (which EC2 does not report) are not known yet. The
	// plan that adopts it takes them from the configuration without
	// replacing the AMI; once that plan is applied, changing them replaces
	// it again (adoptionMarkerAfterRead, Update).
	privateImported = "imported"
	// adoptingAfterRead is the privateImported value once the adopting
	// read has happened (adoptionMarkerAfterRead). ImportState and
	// MoveState write true.
	adoptingAfterRead = `"adopting"`
	// privateCopiedTagKeys lists tags that CopyImageTags brought over from
	// the source. They are the source's, not the configuration's, so they
	// are kept out of tags (but stay in tags_all).
	privateCopiedTagKeys = "copied_tag_keys"
	// privateDeregistrationCooldown holds EC2's report of a protection
	// with cooldown that was disabled but still protects the AMI
	// ("disabled-until ..."). The setting reads "disabled" then, so plans
	// need this to refuse a destroy that EC2 would refuse.
	privateDeregistrationCooldown = "deregistration_cooldown"
	// privateCopyStarted records when a create whose CopyImage got no
	// answer started, so that only an AMI created after it is taken for
	// its copy.
	privateCopyStarted = "copy_started_at"
	// privateStateReason holds EC2's StateReason for a copy that the last
	// refresh found failed, for the plan that replaces it to show.
	privateStateReason = "state_reason"
	// privateTrackedCopy records the copy the resource tracks (trackedCopy),
	// for the plan of a replacement's new copy, which sees no prior state.
	privateTrackedCopy = "tracked_copy"
	// privateSettingsPending marks a copy created without waiting
	// (wait_for_available = false) whose state records the settings that
	// EC2 accepts only on an available AMI as configured, not as applied.
	// While the copy is pending, refreshes keep them; the first refresh
	// that finds it available reads them from EC2 and removes the mark, so
	// the next plan applies them.
	privateSettingsPending = "settings_pending"
)

// privateGetter is the read side of the framework's private state.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// isAdopting reports whether the resource was imported or moved and no
// plan for it has been applied since.
func isAdopting(ctx context.Context, private privateGetter) bool {
	if private == nil {
		return false
	}
	v, _ := private.GetKey(ctx, privateImported)
	return len(v) > 0
}

// adoptionMarkerAfterRead is the value Read leaves under privateImported:
// adoptingAfterRead for a copy that ImportState or MoveState has just
// marked, and nil (no marker: adoption over) for one whose adopting read
// has been saved before.
//
// Why Read: the first plan after an import block or a moved block is
// usually a no-op, and Terraform then never calls ApplyResourceChange (so
// never Update); it saves the refresh of that plan, private state
// included. So the refresh that precedes the adopting plan advances the
// marker, the plan itself still adopts, and the next refresh, which follows
// that apply, ends adoption. An update in between ends it earlier (Update
// removes the marker).
func adoptionMarkerAfterRead(ctx context.Context, private privateGetter) []byte {
	if private == nil {
		return nil
	}
	v, _ := private.GetKey(ctx, privateImported)
	if len(v) == 0 || string(v) == adoptingAfterRead {
		return nil
	}
	return []byte(adoptingAfterRead)
}

// copiedTagKeysValue is the private-state value recording the keys that
// CopyImageTags brought: a list, empty when there were none, so that a
// later refresh knows they were recorded; nil (no key) without
// copy_image_tags.
func copiedTagKeysValue(keys []string, copyImageTags bool) []byte {
	if !copyImageTags {
		return nil
	}
	if keys == nil {
		keys = []string{}
	}
	raw, _ := json.Marshal(keys) // A string list always marshals.
	return raw
}

// copiedTagKeysFrom reads the keys that CopyImageTags brought from the
// resource's private state.
func copiedTagKeysFrom(ctx context.Context, private privateGetter) ([]string, diag.Diagnostics) {
	raw, diags := private.GetKey(ctx, privateCopiedTagKeys)
	if len(raw) == 0 {
		return nil, diags
	}
	var keys []string
	if err := json.Unmarshal(raw, &keys); err != nil {
		diags.AddWarning("Unreadable Private State", "The list of tags copied from the source image could not be read; they will show as tags: "+err.Error())
	}
	return keys, diags
}

// failedCopyReason is the private-state value that records EC2's
// StateReason for a failed copy, or nil, which removes the key.
func failedCopyReason(img ec2types.Image) []byte {
	if !copyFailed(string(img.State)) {
		return nil
	}
	var code, message string
	if img.StateReason != nil {
		code, message = aws.ToString(img.StateReason.Code), aws.ToString(img.StateReason.Message)
	}
	return stateReasonValue(code, message)
}

// cooldownPrivateValue is the private-state value that records EC2's
// report of a running cooldown ("disabled-until ..."), or nil, which
// removes the key.
func cooldownPrivateValue(img ec2types.Image) []byte {
	reported := aws.ToString(img.DeregistrationProtection)
	if !strings.HasPrefix(reported, "disabled-until") {
		return nil
	}
	raw, _ := json.Marshal(reported) // A string always marshals.
	return raw
}

// trackedCopy is the copy a resource tracks, as its private state records
// it. Terraform plans the new half of a replacement with no prior state but
// with the prior private state, so this is how that plan knows which AMI is
// being replaced.
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

// copyFailed reports whether an image state is one that a copy never leaves
// (WaitForAvailable's failures).
func copyFailed(state string) bool {
	switch ec2types.ImageState(state) {
	case ec2types.ImageStateFailed, ec2types.ImageStateError, ec2types.ImageStateInvalid:
		return true
	}
	return false
}

// stateReasonValue is EC2's StateReason as a private-state value.
func stateReasonValue(code, message string) []byte {
	raw, _ := json.Marshal(valueOr(code, "(no code)") + ": " + valueOr(message, "(no message)")) // A string always marshals.
	return raw
}

// settingsPending reports privateSettingsPending.
func settingsPending(ctx context.Context, private privateGetter) bool {
	if private == nil {
		return false
	}
	v, _ := private.GetKey(ctx, privateSettingsPending)
	return len(v) > 0
}

// settingsPendingValue is the privateSettingsPending value for a copy in
// this state: set while it is pending, removed (nil) once it is not.
func settingsPendingValue(img ec2types.Image) []byte {
	if img.State == ec2types.ImageStatePending {
		return []byte("true")
	}
	return nil
}
