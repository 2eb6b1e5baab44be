package provider

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

// TestRedactSecrets feeds redactSecrets the kinds of error text that can
// carry credentials: an echoed SigV4 Authorization header, a presigned URL
// in a transport error, and a shared credentials file quoted by a parse
// error. Every secret must go, and the text around it must stay, so that
// the diagnostic still says what failed.
func TestRedactSecrets(t *testing.T) {
	t.Parallel()
	const (
		accessKey = "AKIAIOSFODNN7EXAMPLE"
		secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
		signature = "fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024"
		token     = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDEXAMPLETOKEN"
	)
	tests := []struct {
		name  string
		input string
		// gone are the secrets that must not survive; kept are the parts
		// that must.
		gone []string
		kept []string
	}{
		{
			name: "echoed authorization header",
			input: "operation error EC2: DescribeImages, https response error StatusCode: 400, RequestID: 1, api error AuthFailure: " +
				"AWS4-HMAC-SHA256 Credential=" + accessKey + "/20261207/us-east-1/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + signature,
			gone: []string{accessKey, signature},
			kept: []string{"api error AuthFailure", "Credential=REDACTED,", "SignedHeaders=host;x-amz-date", "Signature=REDACTED"},
		},
		{
			name: "presigned url in a transport error",
			input: `operation error EC2: CopyImage, https response error: Get "https://ec2.us-east-1.amazonaws.com/?Action=CopyImage` +
				`&X-Amz-Credential=` + accessKey + `%2F20261207%2Fus-east-1%2Fec2%2Faws4_request&X-Amz-Security-Token=` + token +
				`&X-Amz-Signature=` + signature + `": dial tcp 127.0.0.1:443: connect: connection refused`,
			gone: []string{accessKey, token, signature},
			kept: []string{"Action=CopyImage", "X-Amz-Credential=REDACTED&", "X-Amz-Security-Token=REDACTED&", "X-Amz-Signature=REDACTED\"", "connection refused"},
		},
		{
			name:  "shared credentials file",
			input: "failed to load shared credentials file: [default]\naws_access_key_id=" + accessKey + "\naws_secret_access_key = " + secretKey + "\nline 3: bad key",
			gone:  []string{secretKey},
			kept:  []string{"aws_secret_access_key = REDACTED", "line 3: bad key"},
		},
		{
			name:  "echoed session token header and a session token in a credentials file",
			input: "api error AuthFailure: X-Amz-Security-Token: " + token + "\naws_session_token = " + token + "x",
			gone:  []string{token},
			kept:  []string{"X-Amz-Security-Token: REDACTED", "aws_session_token = REDACTED"},
		},
		{
			name:  "nothing secret",
			input: "api error InvalidAMIID.NotFound: The image id '[ami-0123456789abcdef0]' does not exist",
			kept:  []string{"api error InvalidAMIID.NotFound: The image id '[ami-0123456789abcdef0]' does not exist"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := redactSecrets(tt.input)
			for _, secret := range tt.gone {
				if strings.Contains(got, secret) {
					t.Errorf("redactSecrets left %q in:\n%s", secret, got)
				}
			}
			for _, want := range tt.kept {
				if !strings.Contains(got, want) {
					t.Errorf("redactSecrets lost %q from:\n%s", want, got)
				}
			}
		})
	}
}

// TestCallLogRedactsSecrets sends a call through an EC2 client built the way
// Configure builds it, to an endpoint that echoes the request's
// Authorization header in its error, as misbehaving proxies do. The call
// log and the diagnostic's wording of the error must carry the error, with
// the signature and the credential scope redacted, and never the secret key.
func TestCallLogRedactsSecrets(t *testing.T) {
	t.Parallel()
	const (
		accessKey = "AKIATESTTESTTESTTEST"
		secretKey = "amicopy-unit-secret-do-not-log"
	)
	var (
		mu         sync.Mutex
		signatures []string
	)
	endpoint := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		authorization := r.Header.Get("Authorization")
		if _, signature, ok := strings.Cut(authorization, "Signature="); ok {
			mu.Lock()
			signatures = append(signatures, signature)
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>AuthFailure</Code><Message>Rejected by the gateway: %s</Message></Error></Errors><RequestID>1</RequestID></Response>`, authorization)
	}))
	t.Cleanup(endpoint.Close)

	var logged bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logged)
	data, diags := newProviderData(ctx, providerModel{
		AccessKey:  types.StringValue(accessKey),
		SecretKey:  types.StringValue(secretKey),
		MaxRetries: types.Int64Value(0),
		Region:     types.StringValue("us-east-1"),
		Endpoints:  &endpointsModel{EC2: types.StringValue(endpoint.URL)},
	}, "test")
	if diags.HasError() {
		t.Fatalf("newProviderData: %v", diags)
	}
	client, diags := data.ec2Client(ctx, "us-east-1")
	if diags.HasError() {
		t.Fatalf("ec2Client: %v", diags)
	}
	_, err := client.FindImage(ctx, "ami-0123456789abcdef0")
	if err == nil {
		t.Fatal("DescribeImages succeeded against an endpoint that refuses every call")
	}

	mu.Lock()
	sent := append([]string(nil), signatures...)
	mu.Unlock()
	if len(sent) == 0 {
		t.Fatal("the endpoint saw no signed request")
	}
	log := logged.String()
	// Without the call's error in the log, the checks below prove nothing.
	if !strings.Contains(log, `"@message":"AWS call"`) || !strings.Contains(log, "AuthFailure") {
		t.Fatalf("the provider did not log the failed call with its error:\n%s", log)
	}
	for what, text := range map[string]string{"the call log": log, "the diagnostic's wording": describeAWSError(err)} {
		if !strings.Contains(text, "Signature=REDACTED") || !strings.Contains(text, "Credential=REDACTED") {
			t.Errorf("%s does not show the echoed header redacted:\n%s", what, text)
		}
		for _, secret := range append(sent, secretKey, accessKey+"/") {
			if strings.Contains(text, secret) {
				t.Errorf("%s contains %q:\n%s", what, secret, text)
			}
		}
	}
}

// TestCABundleLoadedOnFirstUse checks the custom CA bundle: Configure
// refuses a bundle the SDK would refuse (unreadable, or no certificate in
// it parses) without parsing more of it than it must, and every call to
// AWS trusts it. An STS endpoint serves
// HTTPS with a certificate that only AWS_CA_BUNDLE vouches for.
func TestCABundleLoadedOnFirstUse(t *testing.T) {
	endpoint := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ca-bundle</Arn><UserId>AIDATEST</UserId><Account>123456789012</Account></GetCallerIdentityResult>
<ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	}))
	t.Cleanup(endpoint.Close)
	dir := t.TempDir()
	trusted := filepath.Join(dir, "endpoint.pem")
	if err := os.WriteFile(trusted, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: endpoint.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	unparsable := filepath.Join(dir, "unparsable.pem")
	if err := os.WriteFile(unparsable, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}), 0o600); err != nil {
		t.Fatal(err)
	}
	unparsableThenTrusted := filepath.Join(dir, "unparsable-then-trusted.pem")
	if err := os.WriteFile(unparsableThenTrusted, append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("not DER")}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: endpoint.Certificate().Raw})...), 0o600); err != nil {
		t.Fatal(err)
	}
	profileDir := t.TempDir()
	profileConfig := filepath.Join(profileDir, "config")
	if err := os.WriteFile(profileConfig, []byte("[default]\nca_bundle = "+filepath.Join(dir, "missing.pem")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name       string
		caBundle   string
		configFile string
		// wantConfigure is "" when Configure must accept the bundle, or
		// what its error must say.
		wantConfigure string
		// wantCall is "" when GetCallerIdentity must succeed, or what its
		// error must say.
		wantCall string
	}{
		{"the bundle vouches for the endpoint", trusted, "", "", ""},
		{"no bundle", "", "", "", "certificate"},
		{"a bundle that is missing", filepath.Join(dir, "missing.pem"), "", "failed to read the custom CA bundle", ""},
		{"a bundle that is not PEM", garbage, "", "holds no PEM certificate", ""},
		{"a profile's bundle that is missing", "", profileConfig, "failed to read the custom CA bundle", ""},
		{"a certificate that does not parse", unparsable, "", "holds no PEM certificate that Go can use", ""},
		{"a certificate that does not parse, then one that vouches for the endpoint", unparsableThenTrusted, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			data, diags := configureWithCABundle(t, tc.caBundle, tc.configFile, &endpointsModel{STS: types.StringValue(endpoint.URL), EC2: types.StringValue(endpoint.URL)})
			if tc.wantConfigure != "" {
				// A wrong path is still reported by Configure, once.
				if !diags.HasError() || diags[0].Summary() != "Unable to Load AWS Configuration" || !strings.Contains(diags[0].Detail(), tc.wantConfigure) {
					t.Fatalf("Configure reported %v, want Unable to Load AWS Configuration that says %q", diags, tc.wantConfigure)
				}
				if bundle := tc.caBundle; bundle != "" && !strings.Contains(diags[0].Detail(), bundle) {
					t.Errorf("the error does not name the bundle %s: %s", bundle, diags[0].Detail())
				}
				return
			}
			if diags.HasError() {
				t.Fatalf("Configure reported %v for a bundle the SDK accepts", diags)
			}
			err := callerIdentityOnce(ctx, data)
			switch {
			case tc.wantCall == "" && err != nil:
				t.Fatalf("GetCallerIdentity: %v", err)
			case tc.wantCall != "" && (err == nil || !strings.Contains(err.Error(), tc.wantCall)):
				t.Fatalf("GetCallerIdentity: %v, want an error that says %q", err, tc.wantCall)
			}
			if strings.Contains(tc.wantCall, "Configuration") {
				// EC2 says the same, as the diagnostic a resource reports.
				_, diags := data.ec2Client(ctx, "us-east-1")
				if !diags.HasError() || diags[0].Summary() != "Unable to Load AWS Configuration" || !strings.Contains(diags[0].Detail(), "CA bundle") {
					t.Fatalf("ec2Client: %v, want Unable to Load AWS Configuration", diags)
				}
			}
		})
	}
}

// configureWithCABundle configures the provider with test credentials, the
// endpoints, and caBundle as AWS_CA_BUNDLE, reading no shared file but
// configFile, when that is not "".
func configureWithCABundle(t *testing.T, caBundle, configFile string, endpoints *endpointsModel) (*providerData, diag.Diagnostics) {
	t.Helper()
	dir := t.TempDir()
	if configFile == "" {
		configFile = filepath.Join(dir, "no-config")
	}
	t.Setenv("AWS_CA_BUNDLE", caBundle)
	t.Setenv("AWS_CONFIG_FILE", configFile)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "no-credentials"))
	return newProviderData(context.Background(), providerModel{
		AccessKey: types.StringValue("AKIATESTTESTTESTTEST"),
		SecretKey: types.StringValue("secret"),
		Region:    types.StringValue("us-east-1"),
		Endpoints: endpoints,
	}, "test")
}

// callerIdentityOnce asks STS who the caller is, once, and words a failure
// to load the configuration as the diagnostic does.
func callerIdentityOnce(ctx context.Context, data *providerData) error {
	client, err := data.stsClient("us-east-1")
	if err != nil {
		return fmt.Errorf("Unable to Load AWS Configuration: %s", awsConfigProblem(err))
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.Options) { o.RetryMaxAttempts = 1 })
	if err == nil && aws.ToString(out.Account) != "123456789012" {
		return fmt.Errorf("GetCallerIdentity answered account %q", aws.ToString(out.Account))
	}
	return err
}
