package provider

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestCABundleUnparsableInPlanTimeKMSCheck is
// TestCABundleFailureInPlanTimeKMSCheck for a bundle that Configure's cheap
// check (checkCABundle) lets through: a readable PEM file whose CERTIFICATE
// block does not parse (a corrupted body, or a certificate Go's x509
// rejects, such as one with a negative serial number). The SDK refuses it
// on the first AWS call ("failed to load custom CA bundle PEM file"), and
// when that first call is a plan-time sharing check, the check drops the
// error: through the CLI, plan -refresh=false of an encrypted copy (aws/ebs)
// whose launch_permission gains an account succeeds with no diagnostic,
// while with a usable bundle the same plan fails with "Encrypted Copy
// Cannot Be Shared With the AWS Managed Key".
func TestCABundleUnparsableInPlanTimeKMSCheck(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "unparsable.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	ctx := context.Background()
	data, diags := newProviderData(ctx, providerModel{
		AccessKey: types.StringValue("AKIATESTTESTTESTTEST"),
		SecretKey: types.StringValue("secret"),
		Region:    types.StringValue("us-east-1"),
		Endpoints: &endpointsModel{EC2: types.StringValue("http://127.0.0.1:1"), KMS: types.StringValue("http://127.0.0.1:1")},
	}, "test")
	if diags.HasError() {
		// Refusing the bundle at Configure is a clear answer too.
		if diags.Errors()[0].Summary() != "Unable to Load AWS Configuration" {
			t.Fatalf("Configure: %v", diags)
		}
		return
	}
	r := &imageResource{data: data}
	for _, tc := range []struct {
		name     string
		kmsKeyID types.String
	}{
		{"kms_key_id set", types.StringValue("1234abcd-12ab-34cd-56ef-1234567890ab")},
		{"kms_key_id unset", types.StringNull()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := imageResourceModel{Region: types.StringValue("us-east-1"), KMSKeyID: tc.kmsKeyID}
			state := plan
			state.ID = types.StringValue("ami-0123456789abcdef0")
			state.SnapshotIDs = types.ListValueMust(types.StringType, []attr.Value{types.StringValue("snap-0123456789abcdef0")})
			var got diag.Diagnostics
			r.checkShareableKey(ctx, plan, state, false, &got)
			if !got.HasError() || got.Errors()[0].Summary() != "Unable to Load AWS Configuration" {
				t.Fatalf("the sharing check reported %v; want the error Unable to Load AWS Configuration", got)
			}
		})
	}
}

// TestCABundleUnparsableNamesTheFile: the bundle that Configure's cheap
// check lets through is refused by the first AWS call of every resource
// (through the CLI, "Unable to Load AWS Configuration" once per
// amicopy_image, attached to the resource, not the provider), saying only
// "failed to load custom CA bundle PEM file". The error must at least name
// the file, as Configure's errors for a missing or non-PEM bundle do.
func TestCABundleUnparsableNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(dir, "corporate-root.pem")
	if err := os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CA_BUNDLE", bundle)
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "no-config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	ctx := context.Background()
	data, diags := newProviderData(ctx, providerModel{
		AccessKey: types.StringValue("AKIATESTTESTTESTTEST"),
		SecretKey: types.StringValue("secret"),
		Region:    types.StringValue("us-east-1"),
		Endpoints: &endpointsModel{EC2: types.StringValue("http://127.0.0.1:1")},
	}, "test")
	if diags.HasError() {
		if !strings.Contains(diags.Errors()[0].Detail(), bundle) {
			t.Fatalf("Configure refused the bundle without naming it: %v", diags)
		}
		return
	}
	_, diags = data.ec2Client(ctx, "us-east-1")
	if !diags.HasError() {
		t.Fatal("the first AWS call accepted a bundle whose certificate does not parse")
	}
	if !strings.Contains(diags.Errors()[0].Detail(), bundle) {
		t.Fatalf("the error does not name the bundle %s: %s", bundle, diags.Errors()[0].Detail())
	}
}
