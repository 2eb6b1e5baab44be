package acctest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// settingsTestRegion is a Region no other harness test uses, because the
// settings are account-wide.
const settingsTestRegion = "eu-west-3"

func TestEBSDefaultKMSKey(t *testing.T) {
	t.Parallel()
	p := NewProxy(t)
	client := testClient(p.URL(), settingsTestRegion, 1)
	ctx := context.Background()

	get := func() string {
		t.Helper()
		out, err := client.GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
		if err != nil {
			t.Fatalf("GetEbsDefaultKmsKeyId: %v", err)
		}
		return aws.ToString(out.KmsKeyId)
	}
	if got := get(); got != "alias/aws/ebs" {
		t.Errorf("a new account's default key = %q, want alias/aws/ebs", got)
	}

	keys := kms.New(kms.Options{Region: settingsTestRegion, BaseEndpoint: aws.String(MotoURL()), Credentials: client.Options().Credentials})
	key, err := keys.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	if _, err := client.ModifyEbsDefaultKmsKeyId(ctx, &ec2.ModifyEbsDefaultKmsKeyIdInput{KmsKeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Fatalf("ModifyEbsDefaultKmsKeyId: %v", err)
	}
	if got, want := get(), aws.ToString(key.KeyMetadata.Arn); got != want {
		t.Errorf("default key after ModifyEbsDefaultKmsKeyId = %q, want %q", got, want)
	}
	other, err := testClient(p.URL(), "eu-south-1", 1).GetEbsDefaultKmsKeyId(ctx, &ec2.GetEbsDefaultKmsKeyIdInput{})
	if err != nil || aws.ToString(other.KmsKeyId) != "alias/aws/ebs" {
		t.Errorf("another Region's default key = %v, %v; want alias/aws/ebs: the setting is per Region", other, err)
	}
	if _, err := client.ResetEbsDefaultKmsKeyId(ctx, &ec2.ResetEbsDefaultKmsKeyIdInput{}); err != nil {
		t.Fatalf("ResetEbsDefaultKmsKeyId: %v", err)
	}
	if got := get(); got != "alias/aws/ebs" {
		t.Errorf("default key after ResetEbsDefaultKmsKeyId = %q, want alias/aws/ebs", got)
	}
}

func TestImageBlockPublicAccess(t *testing.T) {
	t.Parallel()
	p := NewProxy(t)
	client := testClient(p.URL(), "eu-west-2", 1)
	ctx := context.Background()

	get := func() string {
		t.Helper()
		out, err := client.GetImageBlockPublicAccessState(ctx, &ec2.GetImageBlockPublicAccessStateInput{})
		if err != nil {
			t.Fatalf("GetImageBlockPublicAccessState: %v", err)
		}
		return aws.ToString(out.ImageBlockPublicAccessState)
	}
	if got := get(); got != "unblocked" {
		t.Errorf("initial state = %q, want unblocked", got)
	}
	if _, err := client.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: "block-new-sharing"}); err != nil {
		t.Fatalf("EnableImageBlockPublicAccess: %v", err)
	}
	if got := get(); got != "block-new-sharing" {
		t.Errorf("state after enabling = %q, want block-new-sharing", got)
	}
	if _, err := client.EnableImageBlockPublicAccess(ctx, &ec2.EnableImageBlockPublicAccessInput{ImageBlockPublicAccessState: "unblocked"}); err == nil {
		t.Error("EnableImageBlockPublicAccess with unblocked succeeded; EC2 accepts only block-new-sharing")
	}
	if _, err := client.DisableImageBlockPublicAccess(ctx, &ec2.DisableImageBlockPublicAccessInput{}); err != nil {
		t.Fatalf("DisableImageBlockPublicAccess: %v", err)
	}
	if got := get(); got != "unblocked" {
		t.Errorf("state after disabling = %q, want unblocked", got)
	}
}

// TestEBSEncryptionByDefault turns encryption by default on and off, and
// checks that CopyImage applies it: a copy made while it is on is encrypted
// with the Region's default key, though the request does not ask for it.
func TestEBSEncryptionByDefault(t *testing.T) {
	t.Parallel()
	const region = "eu-north-1" // per Region; no other test uses this one
	p := NewProxy(t)
	client := testClient(p.URL(), region, 1)
	ctx := context.Background()

	get := func() bool {
		t.Helper()
		out, err := client.GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{})
		if err != nil {
			t.Fatalf("GetEbsEncryptionByDefault: %v", err)
		}
		return aws.ToBool(out.EbsEncryptionByDefault)
	}
	copyEncrypted := func() (bool, string) {
		t.Helper()
		img := mustDescribe(t, client, mustCopy(t, client, copyInput()))
		for _, m := range img.BlockDeviceMappings {
			if m.Ebs != nil {
				return aws.ToBool(m.Ebs.Encrypted), aws.ToString(m.Ebs.KmsKeyId)
			}
		}
		t.Fatal("the copy has no EBS mapping")
		return false, ""
	}

	if get() {
		t.Error("a new account encrypts by default, want not")
	}
	if encrypted, _ := copyEncrypted(); encrypted {
		t.Error("a copy made without encryption by default is encrypted, want unencrypted as its source")
	}
	out, err := client.EnableEbsEncryptionByDefault(ctx, &ec2.EnableEbsEncryptionByDefaultInput{})
	if err != nil || !aws.ToBool(out.EbsEncryptionByDefault) {
		t.Fatalf("EnableEbsEncryptionByDefault = %v, %v; want true", out, err)
	}
	if !get() {
		t.Error("encryption by default is off after EnableEbsEncryptionByDefault")
	}
	if other, err := testClient(p.URL(), "us-east-2", 1).GetEbsEncryptionByDefault(ctx, &ec2.GetEbsEncryptionByDefaultInput{}); err != nil || aws.ToBool(other.EbsEncryptionByDefault) {
		t.Errorf("another Region encrypts by default (%v, %v): the setting is per Region", other, err)
	}
	if encrypted, key := copyEncrypted(); !encrypted || key != "alias/aws/ebs" {
		t.Errorf("a copy made with encryption by default: encrypted %t with key %q, want true with the default key alias/aws/ebs", encrypted, key)
	}
	if _, err := client.DisableEbsEncryptionByDefault(ctx, &ec2.DisableEbsEncryptionByDefaultInput{}); err != nil {
		t.Fatalf("DisableEbsEncryptionByDefault: %v", err)
	}
	if get() {
		t.Error("encryption by default is on after DisableEbsEncryptionByDefault")
	}
}
