package ami

import (
	"context"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	orgA = "arn:aws:organizations::111122223333:organization/o-abcdefghij"
	orgB = "arn:aws:organizations::111122223333:organization/o-bcdefghijk"
	ouA  = "arn:aws:organizations::111122223333:ou/o-abcdefghij/ou-ab12-cdefgh34"
)

func TestDiffLaunchPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                string
		current, desired    LaunchPermissions
		wantAdd, wantRemove LaunchPermissions
	}{
		{name: "nothing to nothing"},
		{
			name:    "new share",
			desired: LaunchPermissions{AccountIDs: []string{"444455556666", "111122223333"}, OrganizationARNs: []string{orgA}, OrganizationalUnitARNs: []string{ouA}, Public: true},
			wantAdd: LaunchPermissions{AccountIDs: []string{"111122223333", "444455556666"}, OrganizationARNs: []string{orgA}, OrganizationalUnitARNs: []string{ouA}, Public: true},
		},
		{
			name:    "unchanged sends nothing",
			current: LaunchPermissions{AccountIDs: []string{"111122223333"}, OrganizationARNs: []string{orgA}, Public: true},
			desired: LaunchPermissions{AccountIDs: []string{"111122223333"}, OrganizationARNs: []string{orgA}, Public: true},
		},
		{
			name:       "only the difference",
			current:    LaunchPermissions{AccountIDs: []string{"111122223333", "444455556666"}, OrganizationARNs: []string{orgA}, Public: true},
			desired:    LaunchPermissions{AccountIDs: []string{"444455556666", "777788889999"}, OrganizationARNs: []string{orgB}, OrganizationalUnitARNs: []string{ouA}},
			wantAdd:    LaunchPermissions{AccountIDs: []string{"777788889999"}, OrganizationARNs: []string{orgB}, OrganizationalUnitARNs: []string{ouA}},
			wantRemove: LaunchPermissions{AccountIDs: []string{"111122223333"}, OrganizationARNs: []string{orgA}, Public: true},
		},
		{
			name:       "stop sharing",
			current:    LaunchPermissions{AccountIDs: []string{"111122223333"}, OrganizationalUnitARNs: []string{ouA}},
			wantRemove: LaunchPermissions{AccountIDs: []string{"111122223333"}, OrganizationalUnitARNs: []string{ouA}},
		},
		{
			name:    "duplicates collapse",
			desired: LaunchPermissions{AccountIDs: []string{"111122223333", "111122223333"}},
			wantAdd: LaunchPermissions{AccountIDs: []string{"111122223333"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			add, remove := DiffLaunchPermissions(tt.current, tt.desired)
			if !reflect.DeepEqual(add, tt.wantAdd) || !reflect.DeepEqual(remove, tt.wantRemove) {
				t.Errorf("DiffLaunchPermissions = add %+v, remove %+v; want add %+v, remove %+v", add, remove, tt.wantAdd, tt.wantRemove)
			}
		})
	}
}

// sharingEC2 records the sharing calls a Client makes.
type sharingEC2 struct {
	EC2API
	modifyImage    []*ec2.ModifyImageAttributeInput
	modifySnapshot []*ec2.ModifySnapshotAttributeInput
	launch         []types.LaunchPermission
	volume         []types.CreateVolumePermission
}

func (f *sharingEC2) ModifyImageAttribute(_ context.Context, in *ec2.ModifyImageAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error) {
	f.modifyImage = append(f.modifyImage, in)
	return &ec2.ModifyImageAttributeOutput{}, nil
}

func (f *sharingEC2) ModifySnapshotAttribute(_ context.Context, in *ec2.ModifySnapshotAttributeInput, _ ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error) {
	f.modifySnapshot = append(f.modifySnapshot, in)
	return &ec2.ModifySnapshotAttributeOutput{}, nil
}

func (f *sharingEC2) DescribeImageAttribute(context.Context, *ec2.DescribeImageAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error) {
	return &ec2.DescribeImageAttributeOutput{LaunchPermissions: f.launch}, nil
}

func (f *sharingEC2) DescribeSnapshotAttribute(context.Context, *ec2.DescribeSnapshotAttributeInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error) {
	return &ec2.DescribeSnapshotAttributeOutput{CreateVolumePermissions: f.volume}, nil
}

func TestModifyLaunchPermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		add, remove LaunchPermissions
		wantCalls   int
		wantAdd     []types.LaunchPermission
		wantRemove  []types.LaunchPermission
	}{
		{name: "nothing to do makes no call"},
		{
			name:       "one call for both directions",
			add:        LaunchPermissions{AccountIDs: []string{"444455556666"}, Public: true},
			remove:     LaunchPermissions{OrganizationalUnitARNs: []string{ouA}},
			wantCalls:  1,
			wantAdd:    []types.LaunchPermission{{Group: types.PermissionGroupAll}, {UserId: aws.String("444455556666")}},
			wantRemove: []types.LaunchPermission{{OrganizationalUnitArn: aws.String(ouA)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &sharingEC2{}
			if err := NewClient(api, "us-east-1").ModifyLaunchPermissions(t.Context(), "ami-12345678", tt.add, tt.remove); err != nil {
				t.Fatal(err)
			}
			if len(api.modifyImage) != tt.wantCalls {
				t.Fatalf("%d ModifyImageAttribute calls, want %d", len(api.modifyImage), tt.wantCalls)
			}
			if tt.wantCalls == 0 {
				return
			}
			got := api.modifyImage[0].LaunchPermission
			if !reflect.DeepEqual(got.Add, tt.wantAdd) || !reflect.DeepEqual(got.Remove, tt.wantRemove) {
				t.Errorf("sent add %+v remove %+v, want add %+v remove %+v", got.Add, got.Remove, tt.wantAdd, tt.wantRemove)
			}
		})
	}
}

func TestModifySnapshotCreateVolumePermissions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		add, remove []string
		want        []types.OperationType
	}{
		{name: "nothing to do makes no call"},
		{name: "add only", add: []string{"111122223333"}, want: []types.OperationType{types.OperationTypeAdd}},
		{name: "remove then add", add: []string{"111122223333"}, remove: []string{"444455556666"},
			want: []types.OperationType{types.OperationTypeRemove, types.OperationTypeAdd}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &sharingEC2{}
			if err := NewClient(api, "us-east-1").ModifySnapshotCreateVolumePermissions(t.Context(), "snap-1", tt.add, tt.remove); err != nil {
				t.Fatal(err)
			}
			var got []types.OperationType
			for _, in := range api.modifySnapshot {
				got = append(got, in.OperationType)
				wantIDs := tt.add
				if in.OperationType == types.OperationTypeRemove {
					wantIDs = tt.remove
				}
				if !reflect.DeepEqual(in.UserIds, wantIDs) {
					t.Errorf("%s sent %v, want %v", in.OperationType, in.UserIds, wantIDs)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("operations %v, want %v", got, tt.want)
			}
		})
	}
}

func TestReadPermissions(t *testing.T) {
	t.Parallel()
	api := &sharingEC2{
		launch: []types.LaunchPermission{
			{OrganizationArn: aws.String(orgA)}, {UserId: aws.String("444455556666")}, {Group: types.PermissionGroupAll},
			{UserId: aws.String("111122223333")}, {OrganizationalUnitArn: aws.String(ouA)},
		},
		volume: []types.CreateVolumePermission{{Group: types.PermissionGroupAll}, {UserId: aws.String("444455556666")}},
	}
	c := NewClient(api, "us-east-1")
	got, err := c.LaunchPermissions(t.Context(), "ami-12345678")
	if err != nil {
		t.Fatal(err)
	}
	want := LaunchPermissions{AccountIDs: []string{"111122223333", "444455556666"}, OrganizationARNs: []string{orgA}, OrganizationalUnitARNs: []string{ouA}, Public: true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("LaunchPermissions = %+v, want %+v", got, want)
	}
	accounts, err := c.SnapshotCreateVolumePermissions(t.Context(), "snap-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(accounts, []string{"444455556666"}) {
		t.Errorf("SnapshotCreateVolumePermissions = %v, want only the account", accounts)
	}
}

func TestValidateSharingPrincipals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		validate func(string) error
		value    string
		ok       bool
	}{
		{"account", ValidateAccountID, "111122223333", true},
		{"account too short", ValidateAccountID, "11112222333", false},
		{"account with letters", ValidateAccountID, "11112222333a", false},
		{"organization", ValidateOrganizationARN, orgA, true},
		{"organization in GovCloud", ValidateOrganizationARN, "arn:aws-us-gov:organizations::111122223333:organization/o-abcdefghij", true},
		{"organization ID alone", ValidateOrganizationARN, "o-abcdefghij", false},
		{"organization with a Region", ValidateOrganizationARN, "arn:aws:organizations:us-east-1:111122223333:organization/o-abcdefghij", false},
		{"OU given as organization", ValidateOrganizationARN, ouA, false},
		{"OU", ValidateOrganizationalUnitARN, ouA, true},
		{"OU without organization", ValidateOrganizationalUnitARN, "arn:aws:organizations::111122223333:ou/ou-ab12-cdefgh34", false},
		{"organization given as OU", ValidateOrganizationalUnitARN, orgA, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.validate(tt.value); (err == nil) != tt.ok {
				t.Errorf("validate(%q) = %v, want ok %v", tt.value, err, tt.ok)
			}
		})
	}
}

func TestIsAWSManagedEBSKeyName(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"alias/aws/ebs": true,
		"arn:aws:kms:us-east-1:111122223333:alias/aws/ebs": true,
		"alias/my-key": false,
		"arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab": false,
		"alias/aws/ebs-not": false,
	} {
		if got := IsAWSManagedEBSKeyName(key); got != want {
			t.Errorf("IsAWSManagedEBSKeyName(%q) = %v, want %v", key, got, want)
		}
	}
}

func TestLaunchPermissionsGrants(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		perms LaunchPermissions
		want  []string
	}{
		{name: "none"},
		{
			name:  "every kind, public first and each kind sorted",
			perms: LaunchPermissions{AccountIDs: []string{"444455556666", "111122223333"}, OrganizationARNs: []string{orgA}, OrganizationalUnitARNs: []string{ouA}, Public: true},
			want: []string{"the public (group all)", "account 111122223333", "account 444455556666",
				"organization " + orgA, "organizational unit " + ouA},
		},
		{
			name:  "an organization alone",
			perms: LaunchPermissions{OrganizationARNs: []string{orgB, orgA}},
			want:  []string{"organization " + orgA, "organization " + orgB},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.perms.Grants(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Grants() = %q; want %q", got, tt.want)
			}
		})
	}
}
