package ami

// Sharing a copy: who may launch it (launch permissions, EC2 API Reference
// ModifyImageAttribute and DescribeImageAttribute launchPermission) and who
// may create volumes from its snapshots (ModifySnapshotAttribute and
// DescribeSnapshotAttribute createVolumePermission), plus the account
// settings that decide whether sharing can work at all
// (GetEbsDefaultKmsKeyId, GetEbsEncryptionByDefault,
// GetImageBlockPublicAccessState).

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// LaunchPermissions is who may launch an AMI besides its owner.
type LaunchPermissions struct {
	AccountIDs             []string
	OrganizationARNs       []string
	OrganizationalUnitARNs []string
	// Public is the "all" group: every AWS account.
	Public bool
}

// IsEmpty reports whether the permissions grant nothing.
func (p LaunchPermissions) IsEmpty() bool {
	return len(p.AccountIDs) == 0 && len(p.OrganizationARNs) == 0 && len(p.OrganizationalUnitARNs) == 0 && !p.Public
}

// SharedWithOthers reports whether named accounts, organizations or OUs may
// launch the AMI, which is what needs a shareable KMS key.
func (p LaunchPermissions) SharedWithOthers() bool {
	return len(p.AccountIDs) > 0 || len(p.OrganizationARNs) > 0 || len(p.OrganizationalUnitARNs) > 0
}

// Grants names each permission, for diagnostics: the public first, then
// accounts, organizations and organizational units, each sorted.
func (p LaunchPermissions) Grants() []string {
	var out []string
	if p.Public {
		out = append(out, "the public (group all)")
	}
	for _, kind := range []struct {
		noun   string
		values []string
	}{{"account", p.AccountIDs}, {"organization", p.OrganizationARNs}, {"organizational unit", p.OrganizationalUnitARNs}} {
		for _, v := range sorted(kind.values) {
			out = append(out, kind.noun+" "+v)
		}
	}
	return out
}

// ec2 turns the permissions into EC2's list, in a stable order so that
// requests repeat.
func (p LaunchPermissions) ec2() []types.LaunchPermission {
	var out []types.LaunchPermission
	if p.Public {
		out = append(out, types.LaunchPermission{Group: types.PermissionGroupAll})
	}
	for _, id := range sorted(p.AccountIDs) {
		out = append(out, types.LaunchPermission{UserId: aws.String(id)})
	}
	for _, a := range sorted(p.OrganizationARNs) {
		out = append(out, types.LaunchPermission{OrganizationArn: aws.String(a)})
	}
	for _, a := range sorted(p.OrganizationalUnitARNs) {
		out = append(out, types.LaunchPermission{OrganizationalUnitArn: aws.String(a)})
	}
	return out
}

// launchPermissionsFrom reads EC2's list.
func launchPermissionsFrom(list []types.LaunchPermission) LaunchPermissions {
	var p LaunchPermissions
	for _, lp := range list {
		switch {
		case lp.Group == types.PermissionGroupAll:
			p.Public = true
		case aws.ToString(lp.UserId) != "":
			p.AccountIDs = append(p.AccountIDs, aws.ToString(lp.UserId))
		case aws.ToString(lp.OrganizationArn) != "":
			p.OrganizationARNs = append(p.OrganizationARNs, aws.ToString(lp.OrganizationArn))
		case aws.ToString(lp.OrganizationalUnitArn) != "":
			p.OrganizationalUnitARNs = append(p.OrganizationalUnitARNs, aws.ToString(lp.OrganizationalUnitArn))
		}
	}
	p.AccountIDs, p.OrganizationARNs, p.OrganizationalUnitARNs = sorted(p.AccountIDs), sorted(p.OrganizationARNs), sorted(p.OrganizationalUnitARNs)
	return p
}

// DiffLaunchPermissions returns what to add to and remove from current to
// reach desired, and nothing that is already right.
func DiffLaunchPermissions(current, desired LaunchPermissions) (add, remove LaunchPermissions) {
	add.AccountIDs, remove.AccountIDs = DiffSets(current.AccountIDs, desired.AccountIDs)
	add.OrganizationARNs, remove.OrganizationARNs = DiffSets(current.OrganizationARNs, desired.OrganizationARNs)
	add.OrganizationalUnitARNs, remove.OrganizationalUnitARNs = DiffSets(current.OrganizationalUnitARNs, desired.OrganizationalUnitARNs)
	add.Public = desired.Public && !current.Public
	remove.Public = current.Public && !desired.Public
	return add, remove
}

// DiffSets returns the members of desired missing from current (to add) and
// the members of current missing from desired (to remove), each sorted and
// without duplicates.
func DiffSets(current, desired []string) (add, remove []string) {
	for _, v := range sorted(desired) {
		if !slices.Contains(current, v) {
			add = append(add, v)
		}
	}
	for _, v := range sorted(current) {
		if !slices.Contains(desired, v) {
			remove = append(remove, v)
		}
	}
	return add, remove
}

// sorted returns a sorted copy of values without duplicates, or nil.
func sorted(values []string) []string {
	if len(values) == 0 {
		return nil
	}
	out := slices.Clone(values)
	slices.Sort(out)
	return slices.Compact(out)
}

// LaunchPermissions asks EC2 who may launch the image (one
// DescribeImageAttribute).
func (c *Client) LaunchPermissions(ctx context.Context, imageID string) (LaunchPermissions, error) {
	out, err := c.api.DescribeImageAttribute(ctx, &ec2.DescribeImageAttributeInput{
		ImageId:   aws.String(imageID),
		Attribute: types.ImageAttributeNameLaunchPermission,
	})
	if err != nil {
		return LaunchPermissions{}, err
	}
	return launchPermissionsFrom(out.LaunchPermissions), nil
}

// ModifyLaunchPermissions adds and removes launch permissions in one
// ModifyImageAttribute call, and makes no call when there is nothing to do.
func (c *Client) ModifyLaunchPermissions(ctx context.Context, imageID string, add, remove LaunchPermissions) error {
	if add.IsEmpty() && remove.IsEmpty() {
		return nil
	}
	_, err := c.api.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
		ImageId:          aws.String(imageID),
		LaunchPermission: &types.LaunchPermissionModifications{Add: add.ec2(), Remove: remove.ec2()},
	})
	if err != nil {
		return fmt.Errorf("changing the launch permissions of %s: %w", imageID, err)
	}
	return nil
}

// SnapshotCreateVolumePermissions returns the accounts that may create
// volumes from the snapshot (one DescribeSnapshotAttribute). The "all"
// group, which makes a snapshot public, is not an account and is left out.
func (c *Client) SnapshotCreateVolumePermissions(ctx context.Context, snapshotID string) ([]string, error) {
	out, err := c.api.DescribeSnapshotAttribute(ctx, &ec2.DescribeSnapshotAttributeInput{
		SnapshotId: aws.String(snapshotID),
		Attribute:  types.SnapshotAttributeNameCreateVolumePermission,
	})
	if err != nil {
		return nil, err
	}
	var accounts []string
	for _, p := range out.CreateVolumePermissions {
		if id := aws.ToString(p.UserId); id != "" {
			accounts = append(accounts, id)
		}
	}
	return sorted(accounts), nil
}

// ModifySnapshotCreateVolumePermissions adds and removes accounts that may
// create volumes from the snapshot: one ModifySnapshotAttribute per
// direction with something to do. It uses the OperationType and UserId.N
// form of the call, which EC2 documents beside CreateVolumePermission and
// which EC2-compatible endpoints (moto) also honour.
func (c *Client) ModifySnapshotCreateVolumePermissions(ctx context.Context, snapshotID string, add, remove []string) error {
	for _, change := range []struct {
		op       types.OperationType
		accounts []string
	}{{types.OperationTypeRemove, remove}, {types.OperationTypeAdd, add}} {
		if len(change.accounts) == 0 {
			continue
		}
		_, err := c.api.ModifySnapshotAttribute(ctx, &ec2.ModifySnapshotAttributeInput{
			SnapshotId:    aws.String(snapshotID),
			Attribute:     types.SnapshotAttributeNameCreateVolumePermission,
			OperationType: change.op,
			UserIds:       sorted(change.accounts),
		})
		if err != nil {
			return fmt.Errorf("changing who may create volumes from snapshot %s: %w", snapshotID, err)
		}
	}
	return nil
}

// SnapshotKMSKeyIDs returns the KMS key of each encrypted snapshot, by
// snapshot ID (one DescribeSnapshots).
func (c *Client) SnapshotKMSKeyIDs(ctx context.Context, snapshotIDs []string) (map[string]string, error) {
	keys := map[string]string{}
	snapshots, err := c.ownSnapshots(ctx, snapshotIDs)
	if err != nil {
		return nil, err
	}
	for _, s := range snapshots {
		if aws.ToBool(s.Encrypted) {
			keys[aws.ToString(s.SnapshotId)] = aws.ToString(s.KmsKeyId)
		}
	}
	return keys, nil
}

// EBSDefaultKMSKeyID returns the key that EC2 encrypts with in this Region
// when a request names none (GetEbsDefaultKmsKeyId). An account that never
// changed it gets "alias/aws/ebs", the AWS managed key.
func (c *Client) EBSDefaultKMSKeyID(ctx context.Context) (string, error) {
	out, err := c.api.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.KmsKeyId), nil
}

// EBSEncryptionByDefault returns "true" when the account encrypts new EBS
// volumes and snapshot copies in this Region whatever a request asks
// (GetEbsEncryptionByDefault), and "false" otherwise. A copy of an
// unencrypted AMI is then encrypted with the Region's EBS default key (EC2
// User Guide, "Encryption by default": "new EBS volumes and snapshot copies
// that you create are encrypted"). A string, for the provider's cache of
// such answers.
func (c *Client) EBSEncryptionByDefault(ctx context.Context) (string, error) {
	out, err := c.api.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
	if err != nil {
		return "", err
	}
	return strconv.FormatBool(aws.ToBool(out.EbsEncryptionByDefault)), nil
}

// ImageBlockPublicAccessBlocked is the state of block public access for
// AMIs that refuses to make AMIs public (EC2 User Guide, "Block public
// access to your AMIs").
const ImageBlockPublicAccessBlocked = "block-new-sharing"

// ImageBlockPublicAccessState returns the account's block public access
// setting for AMIs in this Region: "block-new-sharing" or "unblocked"
// (GetImageBlockPublicAccessState).
func (c *Client) ImageBlockPublicAccessState(ctx context.Context) (string, error) {
	out, err := c.api.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ImageBlockPublicAccessState), nil
}

// IsAWSManagedEBSKeyName reports whether a key identifier names the AWS
// managed key for EBS by its alias: "alias/aws/ebs" or an alias ARN ending
// in it. Key IDs and key ARNs need KMS (DescribeKey's KeyManager) to tell.
func IsAWSManagedEBSKeyName(keyID string) bool {
	return keyID == "alias/aws/ebs" || (strings.HasPrefix(keyID, "arn:") && strings.HasSuffix(keyID, ":alias/aws/ebs"))
}

// The shapes of the principals an AMI can be shared with (EC2 API
// Reference, LaunchPermission: UserId, OrganizationArn,
// OrganizationalUnitArn; AWS Organizations ARN formats).
var (
	organizationARNPattern    = lazyRegexp(`^arn:aws[a-z-]*:organizations::[0-9]{12}:organization/o-[a-z0-9]{10,32}$`)
	organizationalUnitPattern = lazyRegexp(`^arn:aws[a-z-]*:organizations::[0-9]{12}:ou/o-[a-z0-9]{10,32}/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$`)
)

// ValidateAccountID checks an AWS account ID: 12 digits.
func ValidateAccountID(s string) error {
	if !accountIDRegexp().MatchString(s) {
		return fmt.Errorf("%q is not an AWS account ID: it must be 12 digits, such as 111122223333", s)
	}
	return nil
}

// ValidateOrganizationARN checks an organization's ARN.
func ValidateOrganizationARN(s string) error {
	if !organizationARNPattern().MatchString(s) {
		return fmt.Errorf("%q is not an organization ARN: it must look like arn:aws:organizations::111122223333:organization/o-exampleorgid "+
			"(the management account's ID, then o- and 10 to 32 lowercase letters or digits)", s)
	}
	return nil
}

// ValidateOrganizationalUnitARN checks an organizational unit's ARN.
func ValidateOrganizationalUnitARN(s string) error {
	if !organizationalUnitPattern().MatchString(s) {
		return fmt.Errorf("%q is not an organizational unit ARN: it must look like arn:aws:organizations::111122223333:ou/o-exampleorgid/ou-examplerootid-exampleouid "+
			"(the organization's o- ID, then ou-, the root's ID, - and the OU's ID)", s)
	}
	return nil
}
