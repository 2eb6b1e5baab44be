package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Diagnostics of amicopy_image that explain a failed wait or destroy and
// the ways on, too long to read inline in CRUD.

// waitDiagnostic explains why waiting for a copy ended, always naming the
// AMI that stays in state, and how to keep a copy that EC2 is still making.
// resumed is a wait of Update for a copy that an earlier create left
// pending: that copy stays in state untainted, as EC2 last reported it.
// key names the KMS key the copy was made with, for a failure of EBS to
// use it (copyKeyDescription).
func waitDiagnostic(imageID, region, name, key string, timeout time.Duration, err error, resumed bool) diag.Diagnostic {
	// Create does not know the resource's address, so the hint names the
	// AMI it copied.
	keep := fmt.Sprintf("The AMI is kept in state as tainted, so it is not orphaned, and EC2 goes on copying it. "+
		"To keep this copy rather than start over, run terraform untaint with the address of the amicopy_image named %q "+
		"(for example terraform untaint 'amicopy_image.NAME'), then apply: the apply waits for the same copy again under timeouts.create. "+
		"Without untaint, the next apply deregisters it and copies again.", name)
	if resumed {
		keep = "The AMI stays in state as pending, and EC2 goes on copying it: the next apply waits for the same copy again."
	}
	var failed *ami.CopyFailedError
	switch {
	case errors.As(err, &failed):
		after := "The failed AMI is kept in state as tainted; the next apply deregisters it and copies again."
		if resumed {
			after = "The failed AMI stays in state as " + failed.State + "; the next plan replaces it with a new copy."
		}
		next := "Check the source image, the KMS key and its key policy, and the service quotas."
		if kmsStateReason(failed.Code, failed.Message) {
			next = kmsKeyPolicyHint(key, region)
		}
		return diag.NewErrorDiagnostic("Image Copy Failed", fmt.Sprintf(
			"EC2 reports the copy %s in %s as %s. State reason: %s: %s\n\n%s %s",
			imageID, region, failed.State, valueOr(failed.Code, "(no code)"), valueOr(failed.Message, "(no message)"), after, next))
	case errors.Is(err, context.DeadlineExceeded):
		return diag.NewErrorDiagnostic("Timeout Waiting for Image Copy", fmt.Sprintf(
			"The create timeout (%s) ended before the copy %s in %s became available: %s\n\n%s "+
				"To wait longer, raise timeouts.create (for example timeouts = { create = \"2h\" }).", timeout, imageID, region, err, keep))
	case errors.Is(err, context.Canceled):
		return diag.NewErrorDiagnostic("Image Copy Interrupted", fmt.Sprintf(
			"Waiting for the copy %s in %s was interrupted: %s\n\n%s", imageID, region, err, keep))
	default:
		return diag.NewErrorDiagnostic("Unable to Wait for Image Copy", fmt.Sprintf(
			"Waiting for the copy %s in %s failed: %s\n\n%s", imageID, region, describeAWSError(err), keep))
	}
}

// kmsStateReason reports whether a failed copy's StateReason blames its
// KMS key: EBS could not use the key to encrypt the new snapshots, or the
// source's key to read them (EC2 User Guide, "Copy an AMI": an encrypted
// copy needs the key permissions; EBS reports an unusable key as a key
// that "is not accessible").
func kmsStateReason(code, message string) bool {
	text := strings.ToLower(code + " " + message)
	return strings.Contains(text, "kms") || strings.Contains(text, "key id") || strings.Contains(text, "not accessible")
}

// kmsKeyPolicyHint says which key must let EBS use it, and with which
// statement of examples/iam/kms.json.
func kmsKeyPolicyHint(key, region string) string {
	if key == "" {
		key = "the KMS key of the copy (and of the source's snapshots, when they are encrypted)"
	}
	return fmt.Sprintf("EBS could not use %s in %s on this identity's behalf. Add the statements %s, EBSGrantsItselfTheKeyForAmicopy and AmicopyDescribesTheKey "+
		"of examples/iam/kms.json to that key's policy (kms:DescribeKey, and kms:Decrypt, kms:GenerateDataKeyWithoutPlaintext, kms:ReEncrypt* and kms:CreateGrant through "+
		"ec2.%s.amazonaws.com), naming the identity Terraform runs as; for a key in another account, allow the same actions on the key's ARN in the identity's own policy too. "+
		"Do the same on the source snapshots' key when the source is encrypted.", key, region, iamKeyPolicyStatement, region)
}

// copyKeyDescription names the key a copy is encrypted with, as far as
// the configuration says: kms_key_id, or the Region's EBS default key.
func copyKeyDescription(m imageResourceModel, region string) string {
	switch {
	case knownString(m.KMSKeyID) != "":
		return "the KMS key " + knownString(m.KMSKeyID)
	case !m.Encrypted.IsNull() && !m.Encrypted.IsUnknown() && m.Encrypted.ValueBool():
		return "the EBS default key of " + region + " (kms_key_id is unset)"
	}
	return ""
}

// spentTokenDiagnostic explains a wait that ended because the client_token
// from the configuration was spent: EC2 answers a ClientToken it has seen
// with the AMI it made then, even after that AMI failed or was deregistered
// (EC2 API Reference, CopyImage: ClientToken). It reports false for other
// errors, which waitDiagnostic explains.
func spentTokenDiagnostic(imageID, region, token string, err error) (diag.Diagnostic, bool) {
	fix := fmt.Sprintf("Set a new client_token (for example %q), or remove client_token and let the provider generate one, then apply again.", token+"-2")
	var deregistered *ami.DeregisteredImageError
	var neverListed *ami.NeverListedError
	var failed *ami.CopyFailedError
	switch {
	case errors.As(err, &deregistered):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Client Token Already Used", fmt.Sprintf(
			"CopyImage in %s answered client_token %q with %s, which EC2 lists as deregistered: the token was spent on that AMI by an earlier copy, "+
				"and EC2 answers a token it has seen with the AMI it made then instead of copying again.\n\n%s No AMI is kept in state.",
			region, token, imageID, fix)), true
	case errors.As(err, &neverListed):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Client Token Probably Already Used", fmt.Sprintf(
			"CopyImage in %s answered client_token %q with %s, but EC2 still did not list that AMI %s later. The likely cause is that the token was spent "+
				"on %s by an earlier copy that has since been deregistered: EC2 answers a token it has seen with the AMI it made then, and stops listing "+
				"a deregistered AMI after a short while.\n\n%s The AMI is kept in state as tainted, in case EC2 lists it after all.",
			region, token, imageID, neverListed.Waited, imageID, fix)), true
	case errors.As(err, &failed):
		return diag.NewAttributeErrorDiagnostic(path.Root("client_token"), "Image Copy Failed", fmt.Sprintf(
			"EC2 reports the copy %s in %s as %s. State reason: %s: %s\n\n"+
				"client_token %q is set in the configuration and is now spent on %s: EC2 answers a token it has seen with the AMI it made then, "+
				"so another CopyImage with it would only return this failed AMI. %s "+
				"The failed AMI is kept in state as tainted; that apply deregisters it and copies again.",
			imageID, region, failed.State, valueOr(failed.Code, "(no code)"), valueOr(failed.Message, "(no message)"), token, imageID, fix)), true
	}
	return nil, false
}

// protectionReported reports whether EC2's DeregistrationProtection value
// ("enabled-with-cooldown", "enabled-without-cooldown", "disabled-until
// TIME") says that the AMI is protected.
func protectionReported(reported string) bool {
	return strings.HasPrefix(reported, "enabled") || strings.HasPrefix(reported, "disabled-until")
}

// protectedDeregistrationDetail explains a deregistration that EC2 refused
// because of the AMI's deregistration protection, and the ways on. The plan
// refuses such a destroy when it is asked (destroyRefusal), but Terraform
// never asks about the destroy half of a replacement it forces itself
// (-replace, replace_triggered_by, a tainted copy), so those end here.
func protectedDeregistrationDetail(imageID, region, reported string, err error) string {
	protection := "is on"
	lift := "set deregistration_protection = \"disabled\" and apply, then run this again " +
		"(with enabled-with-cooldown, EC2 keeps the AMI protected for 24 hours after that, so run it again after those 24 hours);"
	switch {
	case strings.HasPrefix(reported, "disabled-until"):
		protection = fmt.Sprintf("was enabled with a cooldown that still runs (EC2 reports %q)", reported)
		lift = "wait until that time, then run this again;"
	case reported != "":
		protection = fmt.Sprintf("is on (EC2 reports %q)", reported)
	}
	return fmt.Sprintf("EC2 refused to deregister amicopy_image %s in %s because its deregistration_protection %s: %s\n\n"+
		"Nothing was deleted, and the AMI stays in state. A plan refuses this destroy when the configuration causes it, "+
		"but not the destroy half of a replacement that Terraform forces itself (terraform apply -replace, replace_triggered_by, a tainted copy). Either:\n"+
		"  - %s\n"+
		"  - or set skip_destroy = true and apply, then run this again: the replaced AMI stays in EC2 and is only removed from state;\n"+
		"  - or keep this copy: for a tainted copy, run terraform untaint on it; for terraform apply -replace, run it without -replace.",
		imageID, region, protection, describeAWSError(err), lift)
}

// describeAWSError gives EC2's code and message, without secrets; a
// refused call gets the one shape of describeRefusal.
func describeAWSError(err error) string {
	if refusal := describeRefusal(err); refusal != "" {
		return refusal
	}
	return redactSecrets(err.Error())
}
