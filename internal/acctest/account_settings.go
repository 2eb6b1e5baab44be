package acctest

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
)

// Account-wide EC2 settings that decide whether sharing an AMI can work,
// which moto does not serve (or, for encryption by default, does not apply
// to CopyImage): the EBS default KMS key, EBS encryption by default and
// block public access for AMIs. All three are per account and Region, so tests that change
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
// is a new account's: the AWS managed EBS key, no encryption by default and
// public sharing allowed.
type accountSettings struct {
	ebsDefaultKMSKeyID     string
	ebsEncryptionByDefault bool
	blockPublicAMIs        bool
}

// defaultKMSKeyID is the key EC2 encrypts with when a request names none.
func (s accountSettings) defaultKMSKeyID() string {
	if s.ebsDefaultKMSKeyID == "" {
		return awsManagedEBSKeyAlias
	}
	return s.ebsDefaultKMSKeyID
}

// settings returns a copy of an account's settings in a Region.
func (e *emulator) settings(akid, region string) accountSettings {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.accountSettings[settingsKey{e.accountLocked(akid), region}]
}

// updateSettings changes an account's settings in a Region under the lock.
func (e *emulator) updateSettings(akid, region string, fn func(*accountSettings)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	key := settingsKey{e.accountLocked(akid), region}
	s := e.accountSettings[key]
	fn(&s)
	e.accountSettings[key] = s
}

// accountLocked names the account of an access key: moto gives each
// unknown key an account of its own, while the IAM users of an
// IAM-enforcing moto share one. The caller holds e.mu.
func (e *emulator) accountLocked(akid string) string {
	if e.iam != nil {
		return iamAccountID
	}
	return akid
}

// handleGetEbsDefaultKmsKeyID answers with the key ModifyEbsDefaultKmsKeyId
// chose, or the AWS managed key (EC2 API Reference, GetEbsDefaultKmsKeyId).
func (p *Proxy) handleGetEbsDefaultKmsKeyID(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	return resultAnswer("GetEbsDefaultKmsKeyId", newTextElement("kmsKeyId", p.emu.settings(req.akid, req.region).defaultKMSKeyID())), nil
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

// handleGetEbsEncryptionByDefault reports whether the account encrypts new
// EBS volumes and snapshot copies in the Region (EC2 API Reference,
// GetEbsEncryptionByDefault). The emulator keeps the setting, rather than
// moto, because its CopyImage applies it.
func (p *Proxy) handleGetEbsEncryptionByDefault(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	if req.dryRun() {
		return dryRunAnswer(), nil
	}
	on := p.emu.settings(req.akid, req.region).ebsEncryptionByDefault
	return resultAnswer("GetEbsEncryptionByDefault",
		newTextElement("ebsEncryptionByDefault", strconv.FormatBool(on)),
		newTextElement("sseType", "none"),
	), nil
}

// handleEnableEbsEncryptionByDefault turns encryption by default on (EC2 API
// Reference, EnableEbsEncryptionByDefault).
func (p *Proxy) handleEnableEbsEncryptionByDefault(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	return p.setEbsEncryptionByDefault(req, "EnableEbsEncryptionByDefault", true), nil
}

// handleDisableEbsEncryptionByDefault turns encryption by default off (EC2
// API Reference, DisableEbsEncryptionByDefault).
func (p *Proxy) handleDisableEbsEncryptionByDefault(_ context.Context, req *ec2Request, _ *Call) (*answer, error) {
	return p.setEbsEncryptionByDefault(req, "DisableEbsEncryptionByDefault", false), nil
}

// setEbsEncryptionByDefault records the setting and answers as EC2 does,
// with the new value.
func (p *Proxy) setEbsEncryptionByDefault(req *ec2Request, action string, on bool) *answer {
	if req.dryRun() {
		return dryRunAnswer()
	}
	p.emu.updateSettings(req.akid, req.region, func(s *accountSettings) { s.ebsEncryptionByDefault = on })
	return resultAnswer(action, newTextElement("ebsEncryptionByDefault", strconv.FormatBool(on)))
}
