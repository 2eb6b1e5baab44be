package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// applyLifecycleSettings brings deprecation and deregistration protection
// from old to planned. It does not wait for EC2 to show them: readApplied
// does, for every change an apply makes.
//
// EC2 lets only a private AMI's deprecation be cancelled or moved later,
// and holds a public AMI's to 2 years after its creation (EC2 User Guide,
// "Deprecate an AMI"; EC2 API Reference, EnableImageDeprecation). So a plan
// that makes the copy private does that first, and then also cancels the
// deprecation time EC2 gave it while public when the configuration sets
// none. A plan that makes the copy public does that after this function
// (applySharing), once any earlier deprecation time is in place.
func applyLifecycleSettings(ctx context.Context, client *ami.Client, imageID string, old, planned imageResourceModel) error {
	goingPrivate := makesPrivate(ctx, old, planned)
	if goingPrivate {
		if err := client.ModifyLaunchPermissions(ctx, imageID, ami.LaunchPermissions{}, ami.LaunchPermissions{Public: true}); err != nil {
			return err
		}
	}
	deprecationChanged := !planned.DeprecationTime.IsUnknown() && !planned.DeprecationTime.sameMinute(old.DeprecationTime)
	if deprecationChanged || (goingPrivate && planned.DeprecationTime.IsNull()) {
		var at *time.Time
		if !planned.DeprecationTime.IsNull() {
			parsed, err := time.Parse(time.RFC3339, planned.DeprecationTime.ValueString())
			if err != nil {
				return fmt.Errorf("deprecation_time %q is not RFC 3339: %w", planned.DeprecationTime.ValueString(), err)
			}
			at = &parsed
		}
		if err := client.SetDeprecation(ctx, imageID, at); err != nil {
			return err
		}
	}

	oldProtection := old.DeregistrationProtection.ValueString()
	if oldProtection == "" {
		oldProtection = protectionDisabled
	}
	newProtection := planned.DeregistrationProtection.ValueString()
	if planned.DeregistrationProtection.IsUnknown() || newProtection == "" || newProtection == oldProtection {
		return nil
	}
	return client.SetProtection(ctx, imageID, ami.Protection(newProtection))
}

// readImage maps what EC2 reports now onto prior: the image itself
// (refreshFrom), the snapshot tags that the configuration manages, and the
// sharing attributes that it sets (or, for a copy being adopted, all of
// them). Read and readApplied both read a copy this way. Its errors are
// *readError, which say which part failed.
func readImage(ctx context.Context, client *ami.Client, prior imageResourceModel, img ec2types.Image, defaultTags map[string]string, copiedTagKeys []string, adopting bool) (imageResourceModel, error) {
	m := prior
	m.refreshFrom(img, defaultTags, copiedTagKeys)
	m.DeprecationTime = withoutPublicDefaultDeprecation(prior.DeprecationTime, m.DeprecationTime, img)
	if err := refreshSnapshotTags(ctx, client, &m); err != nil {
		return m, &readError{summary: "Unable to Read Snapshot Tags",
			detail: fmt.Sprintf("DescribeSnapshots for the snapshots of %s failed: %s", m.ID.ValueString(), describeAWSError(err)), err: err}
	}
	if err := refreshSharing(ctx, client, &m, adopting); err != nil {
		return m, &readError{summary: "Unable to Read Sharing",
			detail: fmt.Sprintf("Reading who may use %s in %s failed: %s", m.ID.ValueString(), client.Region(), describeAWSError(err)), err: err}
	}
	return m, nil
}

// refreshSnapshotTags refreshes snapshot_tags when the configuration manages
// any. Only the managed keys are compared, so tags that others add to the
// snapshots cause no diff. It costs one DescribeSnapshots, and nothing when
// snapshot_tags is unset.
func refreshSnapshotTags(ctx context.Context, client *ami.Client, state *imageResourceModel) error {
	managed := mapValue(ctx, state.SnapshotTags)
	snapshotIDs := stringList(ctx, state.SnapshotIDs)
	if len(managed) == 0 || len(snapshotIDs) == 0 {
		return nil
	}
	bySnapshot, err := client.SnapshotTags(ctx, snapshotIDs)
	if err != nil {
		return err
	}
	refreshed := map[string]string{}
	for k, v := range managed {
		value, everywhere := v, true
		for _, id := range snapshotIDs {
			tags, ok := bySnapshot[id]
			if !ok {
				continue // snapshot gone; the image's refresh reports that
			}
			cur, has := tags[k]
			if !has {
				everywhere = false
				break
			}
			if cur != v {
				value = cur
			}
		}
		if everywhere {
			refreshed[k] = value
		}
	}
	state.SnapshotTags = withNullElementsOf(stringMap(refreshed), state.SnapshotTags)
	return nil
}

// readError is a failure to read one part of a copy, with the diagnostic
// that explains it.
type readError struct {
	summary, detail string
	err             error
}

func (e *readError) Error() string { return e.err.Error() }

// Unwrap exposes EC2's error, for IsTransient.
func (e *readError) Unwrap() error { return e.err }

// readApplied reads the copy back at the end of Create and Update, so that
// the state records what EC2 reports. EC2 is eventually consistent: right
// after ModifyImageAttribute, CreateTags or the permission calls, it may
// still report the old values. So readApplied polls, for at most
// ami.PropagationTimeout, until EC2 shows every value that the plan knew
// for an attribute the apply changes in place.
//
// When EC2 still does not show some of them after that, the one exception
// to "state records what EC2 reports" applies: those attributes take the
// planned value, because Terraform refuses an apply whose result differs
// from a value the plan knew, and a warning names them. The next refresh
// records what EC2 really holds, so a change that EC2 dropped shows as a
// diff again.
//
// keepSettings is set for a copy that is not waited for: while EC2 reports
// it pending, the settings it accepts only on an available AMI are kept as
// planned (privateSettingsPending).
func readApplied(ctx context.Context, client *ami.Client, plan imageResourceModel, defaultTags map[string]string, copiedTagKeys []string, keepSettings bool, failure string) (imageResourceModel, ec2types.Image, diag.Diagnostics) {
	var diags diag.Diagnostics
	imageID := plan.ID.ValueString()
	var got imageResourceModel
	var img ec2types.Image
	read := false
	err := client.WaitForPropagation(ctx, imageID, func(ctx context.Context) (bool, error) {
		found, err := client.FindImage(ctx, imageID)
		if err != nil {
			return false, err
		}
		keep := keepSettings && found.State == ec2types.ImageStatePending
		readFrom := plan
		if keep {
			readFrom = plan.withSettingsNotApplied()
		}
		m, err := readImage(ctx, client, readFrom, found, defaultTags, copiedTagKeys, false)
		if err != nil {
			return false, err
		}
		if keep {
			m = m.withSettingsOf(plan)
		}
		got, img, read = m, found, true
		return len(notShownYet(plan, &got)) == 0, nil
	})
	var notPropagated *ami.NotPropagatedError
	switch {
	case errors.As(err, &notPropagated) && read:
		lagging := notShownYet(plan, &got)
		names := make([]string, 0, len(lagging))
		for _, l := range lagging {
			names = append(names, l.attribute)
			l.keepPlanned()
		}
		diags.AddWarning("Change Not Visible Yet",
			fmt.Sprintf("EC2 accepted the new %s of %s, but did not show it within %s. The state records the planned value; "+
				"if the next plan shows the old one again, the EC2 endpoint did not apply the change.", strings.Join(names, ", "), imageID, ami.PropagationTimeout))
	case err != nil:
		var partial *readError
		if errors.As(err, &partial) {
			diags.AddError(partial.summary, partial.detail)
		} else {
			diags.AddError("Unable to Read Image", fmt.Sprintf(failure, imageID, client.Region(), describeAWSError(err)))
		}
	}
	return got, img, diags
}

// laggingAttribute is an attribute whose planned value EC2 does not show
// yet, and how to record the planned value instead.
type laggingAttribute struct {
	attribute   string
	keepPlanned func()
}

// notShownYet lists the attributes that an apply changes in place whose
// value the plan knew and got does not show yet.
func notShownYet(plan imageResourceModel, got *imageResourceModel) []laggingAttribute {
	var lagging []laggingAttribute
	check := func(attribute string, planned, reported attr.Value, keepPlanned func()) {
		if !planned.IsUnknown() && !sameValue(planned, reported) {
			lagging = append(lagging, laggingAttribute{attribute: attribute, keepPlanned: keepPlanned})
		}
	}
	check("description", plan.Description, got.Description, func() { got.Description = plan.Description })
	check("deprecation_time", plan.DeprecationTime, got.DeprecationTime, func() { got.DeprecationTime = plan.DeprecationTime })
	check("deregistration_protection", plan.DeregistrationProtection, got.DeregistrationProtection, func() { got.DeregistrationProtection = plan.DeregistrationProtection })
	check("tags", plan.Tags, got.Tags, func() { got.Tags = plan.Tags })
	check("tags_all", plan.TagsAll, got.TagsAll, func() { got.TagsAll = plan.TagsAll })
	check("snapshot_tags", plan.SnapshotTags, got.SnapshotTags, func() { got.SnapshotTags = plan.SnapshotTags })
	check(attrLaunchPermission, plan.LaunchPermission, got.LaunchPermission, func() { got.LaunchPermission = plan.LaunchPermission })
	check("public", plan.Public, got.Public, func() { got.Public = plan.Public })
	check(attrSnapshotCreateVolumePermissions, plan.SnapshotCreateVolumeAccounts, got.SnapshotCreateVolumeAccounts,
		func() { got.SnapshotCreateVolumeAccounts = plan.SnapshotCreateVolumeAccounts })
	return lagging
}

// sameValue is Equal, or for deprecation_time its semantic equality, which
// the framework applies to the result of the apply as well: EC2 shows a
// deprecation time in its own spelling, rounded to the minute.
func sameValue(planned, reported attr.Value) bool {
	if plannedTime, ok := planned.(deprecateAt); ok {
		reportedTime, ok := reported.(deprecateAt)
		return ok && plannedTime.sameMinute(reportedTime)
	}
	return planned.Equal(reported)
}

// rfc3339Validator accepts RFC 3339 timestamps, as EC2 takes them.
func rfc3339Validator() validator.String {
	return rfc3339{}
}

// rfc3339 implements rfc3339Validator.
type rfc3339 struct{}

func (rfc3339) Description(_ context.Context) string {
	return "must be an RFC 3339 timestamp such as 2030-01-01T00:00:00Z"
}

func (v rfc3339) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v rfc3339) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.Parse(time.RFC3339, req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Timestamp",
			fmt.Sprintf("%q is not an RFC 3339 timestamp: the value %s, with a time zone (Z or an offset such as +02:00).", req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}
