package provider

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// TestCABundleFailureInPlanTimeKMSCheck: the CA bundle is parsed on the
// first AWS call, not at Configure, and the plan-time sharing checks of an
// encrypted copy treat a failed call as a reason to warn or to pass. A
// bundle the SDK would refuse must not reach them: Configure refuses it
// ("Unable to Load AWS Configuration", once, at the provider), or else the
// check reports that error. Before Configure checked the bundle, the plan
// of a copy whose launch_permission changed under -refresh=false succeeded
// without a word, with the bundle missing or with no certificate in it
// that parses (one with a negative serial number, which Go refuses).
func TestCABundleFailureInPlanTimeKMSCheck(t *testing.T) {
	dir := t.TempDir()
	unparsable := filepath.Join(dir, "unparsable.pem")
	if err := os.WriteFile(unparsable, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, bundle := range []string{filepath.Join(dir, "missing.pem"), unparsable} {
		t.Run(filepath.Base(bundle), func(t *testing.T) { checkCABundleFailureInPlanTimeKMSCheck(t, bundle) })
	}
}

func checkCABundleFailureInPlanTimeKMSCheck(t *testing.T, bundle string) {
	ctx := context.Background()
	data, diags := configureWithCABundle(t, bundle, "", &endpointsModel{EC2: types.StringValue("http://127.0.0.1:1"), KMS: types.StringValue("http://127.0.0.1:1")})
	if diags.HasError() {
		// Refusing the bundle at Configure (as before the lazy load) is
		// a clear answer too.
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
		// kms:DescribeKey is the first call: a warning, worded as KMS's.
		{"kms_key_id set", types.StringValue("1234abcd-12ab-34cd-56ef-1234567890ab")},
		// ec2:DescribeSnapshots is the first call: its diagnostics are
		// dropped, and the check passes in silence (through the CLI: the
		// plan that refuses with a readable bundle, "Encrypted Copy Cannot
		// Be Shared With the AWS Managed Key", succeeds with none).
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
				t.Fatalf("the sharing check reported %v; want the error Unable to Load AWS Configuration, which names the CA bundle", got)
			}
		})
	}
}
