package acctest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// publicSharingTestRegion is a Region no other test uses, because block
// public access for AMIs is account-wide there.
const publicSharingTestRegion = "sa-east-1"

// TestMakePublic makes copies public: refused while block public access is
// on and for an encrypted copy, accepted otherwise; an accepted one gets
// EC2's default deprecation time unless it has one.
func TestMakePublic(t *testing.T) {
	t.Parallel()
	p := NewProxy(t)
	client := testClient(p.URL(), publicSharingTestRegion, 1)
	ctx := context.Background()
	copyIn := func(encrypted bool) string {
		t.Helper()
		in := copyInput()
		if encrypted {
			in.Encrypted = aws.Bool(true)
			in.KmsKeyId = aws.String("alias/acctest")
		}
		return mustCopy(t, client, in)
	}
	makePublic := func(id string) error {
		_, err := client.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
			ImageId:          aws.String(id),
			LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{Group: types.PermissionGroupAll}}},
		})
		return err
	}
	setBlock := func(on bool) {
		t.Helper()
		var err error
		if on {
			_, err = client.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: "block-new-sharing"})
		} else {
			_, err = client.DisableImageBlockPublicAccess(ctx, &ec2.DisableImageBlockPublicAccessInput{})
		}
		if err != nil {
			t.Fatalf("setting block public access to %v: %v", on, err)
		}
	}

	plain, encrypted, scheduled := copyIn(false), copyIn(true), copyIn(false)
	scheduledAt := time.Now().UTC().Add(30 * 24 * time.Hour).Truncate(time.Minute)
	if _, err := client.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(scheduled), DeprecateAt: aws.Time(scheduledAt)}); err != nil {
		t.Fatalf("EnableImageDeprecation: %v", err)
	}

	setBlock(true)
	if err := makePublic(plain); apiErrorCode(err) != "OperationNotPermitted" {
		t.Errorf("making a copy public while block public access is on: %v, want OperationNotPermitted", err)
	}
	if img := mustDescribe(t, client, plain); aws.ToBool(img.Public) || img.DeprecationTime != nil {
		t.Errorf("a refused copy is public=%v with deprecation %v; want neither", aws.ToBool(img.Public), aws.ToString(img.DeprecationTime))
	}
	setBlock(false)

	tests := []struct {
		name           string
		id             string
		wantCode       string
		wantPublic     bool
		wantDeprecated func(created time.Time) time.Time
	}{
		{name: "encrypted", id: encrypted, wantCode: "UnsupportedOperation"},
		{name: "no deprecation time gets the default", id: plain, wantPublic: true,
			wantDeprecated: func(created time.Time) time.Time { return created.AddDate(2, 0, 0).Truncate(time.Minute) }},
		{name: "an earlier deprecation time stays", id: scheduled, wantPublic: true,
			wantDeprecated: func(time.Time) time.Time { return scheduledAt }},
	}
	for _, tt := range tests {
		err := makePublic(tt.id)
		if apiErrorCode(err) != tt.wantCode || (tt.wantCode == "" && err != nil) {
			t.Errorf("%s: ModifyImageAttribute: %v, want code %q", tt.name, err, tt.wantCode)
		}
		img := mustDescribe(t, client, tt.id)
		if aws.ToBool(img.Public) != tt.wantPublic {
			t.Errorf("%s: public = %v, want %v", tt.name, aws.ToBool(img.Public), tt.wantPublic)
		}
		want := ""
		if tt.wantDeprecated != nil {
			created, err := time.Parse(time.RFC3339, aws.ToString(img.CreationDate))
			if err != nil {
				t.Fatalf("%s: creation date %q: %v", tt.name, aws.ToString(img.CreationDate), err)
			}
			want = tt.wantDeprecated(created).Format(ec2TimeFormat)
		}
		if got := aws.ToString(img.DeprecationTime); got != want {
			t.Errorf("%s: deprecation time = %q, want %q", tt.name, got, want)
		}
	}
}

// TestPublicDeprecationLimit schedules the deprecation of a public copy at
// most 2 years after its creation and never later than it was, nor cancels
// it; a private copy's may be moved and cancelled freely.
func TestPublicDeprecationLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	ctx := context.Background()
	public, private := mustCopy(t, f.client, nil), mustCopy(t, f.client, nil)
	if _, err := f.client.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
		ImageId:          aws.String(public),
		LaunchPermission: &types.LaunchPermissionModifications{Add: []types.LaunchPermission{{Group: types.PermissionGroupAll}}},
	}); err != nil {
		t.Fatalf("making %s public: %v", public, err)
	}
	created, err := time.Parse(time.RFC3339, aws.ToString(mustDescribe(t, f.client, public).CreationDate))
	if err != nil {
		t.Fatal(err)
	}
	limit := created.AddDate(2, 0, 0).Truncate(time.Minute)
	// In order: the public copy starts at EC2's default, the 2-year limit.
	tests := []struct {
		name     string
		id       string
		at       time.Time // zero cancels the deprecation
		wantCode string
	}{
		{"public, past 2 years", public, limit.Add(24 * time.Hour), "InvalidParameterValue"},
		{"public, at 2 years", public, limit, ""},
		{"public, earlier", public, limit.Add(-48 * time.Hour), ""},
		{"public, later again", public, limit.Add(-24 * time.Hour), "OperationNotPermitted"},
		{"public, cancelled", public, time.Time{}, "OperationNotPermitted"},
		{"private, past 2 years", private, limit.Add(24 * time.Hour), ""},
		{"private, cancelled", private, time.Time{}, ""},
	}
	for _, tt := range tests {
		var err error
		if tt.at.IsZero() {
			_, err = f.client.DisableImageDeprecation(ctx, &ec2.DisableImageDeprecationInput{ImageId: aws.String(tt.id)})
		} else {
			_, err = f.client.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(tt.id), DeprecateAt: aws.Time(tt.at)})
		}
		if apiErrorCode(err) != tt.wantCode || (tt.wantCode == "" && err != nil) {
			t.Errorf("%s: %v, want code %q", tt.name, err, tt.wantCode)
		}
	}
}
