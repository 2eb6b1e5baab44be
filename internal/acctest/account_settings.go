package acctest

import (
	"context"
	"fmt"
	"net/http"
)

// Account-wide EC2 settings that decide whether sharing an AMI can work,
// which moto does not serve: the EBS default KMS key and block public
// access for AMIs. Both are per account and Region, so tests that change
// them use a Region of their own.

// awsManagedEBSKeyAlias is what GetEbsDefaultKmsKeyId answers for an
// account that never chose a default key: the AWS managed key for EBS
// (EC2 API Reference, GetEbsDefaultKmsKeyId; ResetEbsDefaultKmsKeyId
// "Resets the default KMS key for EBS encryption ... to the AWS managed KMS key for EBS").
const awsManagedEBSKeyAlias = "alias/aws/ebs"

// Image block public access states (EC2 API Reference,
// GetImageBlockPublicAccessState: ImageBlockPublicAccessState
// "block-new-sharing" | "unblocked").
const (
	imageBlockPublicAccessBlocked   = "block-new-sharing"
	imageBlockPublicAccessUnblocked = "unblocked"
)

// settingsKey is one account and Region.
type settingsKey struct {
	akid   string
	region string
}

// accountSettings are one account's settings in one Region; the zero value
// is a new account's: the AWS managed EBS key and public sharing allowed.
type accountSettings struct {
	ebsDefaultKMSKeyID string
	blockPublicAMIs    bool
}

// settings returns a copy of an account's settings in a Region.
func (e *emulator) settings(akid, region string) accountSettings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.accountSettings[settingsKey{akid, region}]
}

// updateSettings changes an account's settings in a Region under the lock.
func (e *emulator) updateSettings(akid, region string, fn func(*accountSettings)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.accountSettings[settingsKey{akid, region}]
	fn(&s)
	e.accountSettings[settingsKey{akid, region}] = s
}

// handleGetEbsDefaultKmsKeyID answers with the key ModifyEbsDefaultKmsKeyId
// chose, or the AWS managed key (EC2 API Reference, GetEbsDefaultKmsKeyId).
func (p *Proxy) handleGetEbsDefaultKmsKeyID(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	key := p.emu.settings(req.akid, req.region).ebsDefaultKMSKeyID
	if key == "" {
		key = awsManagedEBSKeyAlias
	}
	return resultAnswer("GetEbsDefaultKmsKeyId", newTextElement("kmsKeyId", key)), nil
}

// handleModifyEbsDefaultKmsKeyID lets moto check the key (it answers with
// the key's ARN) and records it (EC2 API Reference, ModifyEbsDefaultKmsKeyId).
func (p *Proxy) handleModifyEbsDefaultKmsKeyID(ctx context.Context, req *ec2Request, call *Call) (*answer, error) {
	ans, err := p.relay(ctx, req, call)
	if err != nil || ans.status != http.StatusOK || req.dryRun() {
		return ans, err
	}
	root, err := parseXMLTree(ans.body)
	if err != nil {
		return nil, fmt.Errorf("ModifyEbsDefaultKmsKeyId answer from moto: %w", err)
	}
	key := root.ChildText("kmsKeyId")
	p.emu.updateSettings(req.akid, req.region, func(s *accountSettings) { s.ebsDefaultKMSKeyID = key })
	return ans, nil
}

// handleResetEbsDefaultKmsKeyID goes back to the AWS managed key (EC2 API
// Reference, ResetEbsDefaultKmsKeyId), which moto does not implement.
func (p *Proxy) handleResetEbsDefaultKmsKeyID(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	p.emu.updateSettings(req.akid, req.region, func(s *accountSettings) { s.ebsDefaultKMSKeyID = "" })
	return resultAnswer("ResetEbsDefaultKmsKeyId", newTextElement("kmsKeyId", awsManagedEBSKeyAlias)), nil
}

// handleGetImageBlockPublicAccessState reports block public access for AMIs
// (EC2 API Reference, GetImageBlockPublicAccessState; EC2 User Guide,
// "Block public access to your AMIs").
func (p *Proxy) handleGetImageBlockPublicAccessState(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	state := imageBlockPublicAccessUnblocked
	if p.emu.settings(req.akid, req.region).blockPublicAMIs {
		state = imageBlockPublicAccessBlocked
	}
	return resultAnswer("GetImageBlockPublicAccessState",
		newTextElement("imageBlockPublicAccessState", state),
		newTextElement("managedBy", "account"),
	), nil
}

// handleEnableImageBlockPublicAccess turns block public access for AMIs on
// (EC2 API Reference, EnableImageBlockPublicAccess: the only valid
// ImageBlockPublicAccessState is "block-new-sharing").
func (p *Proxy) handleEnableImageBlockPublicAccess(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if state := req.form.Get("ImageBlockPublicAccessState"); state != imageBlockPublicAccessBlocked {
		return errorAnswer(http.StatusBadRequest, "InvalidParameterValue",
			fmt.Sprintf("Value (%s) for parameter ImageBlockPublicAccessState is invalid. Valid values: %s", state, imageBlockPublicAccessBlocked)), nil
	}
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	p.emu.updateSettings(req.akid, req.region, func(s *accountSettings) { s.blockPublicAMIs = true })
	return resultAnswer("EnableImageBlockPublicAccess", newTextElement("imageBlockPublicAccessState", imageBlockPublicAccessBlocked)), nil
}

// handleDisableImageBlockPublicAccess turns block public access for AMIs
// off (EC2 API Reference, DisableImageBlockPublicAccess).
func (p *Proxy) handleDisableImageBlockPublicAccess(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	p.emu.updateSettings(req.akid, req.region, func(s *accountSettings) { s.blockPublicAMIs = false })
	return resultAnswer("DisableImageBlockPublicAccess", newTextElement("imageBlockPublicAccessState", imageBlockPublicAccessUnblocked)), nil
}
