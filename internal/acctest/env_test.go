package acctest

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func TestRunSetsTheEnvironment(t *testing.T) {
	SkipOnRealAWS(t, "checks the settings for moto")
	PreCheck(t)
	want := map[string]string{
		"AWS_ENDPOINT_URL_EC2":  Endpoint(),
		"AWS_ENDPOINT_URL_STS":  MotoURL(),
		"AWS_ACCESS_KEY_ID":     "testing",
		"AWS_SECRET_ACCESS_KEY": "testing",
		"CHECKPOINT_DISABLE":    "1",
		"TF_ACC":                "1",
		"AWS_PROFILE":           "",
	}
	for name, value := range want {
		if got := os.Getenv(name); got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	if got := os.Getenv("AWS_REGION"); got != Region() {
		t.Errorf("AWS_REGION = %q, want Region() %q", got, Region())
	}
	data, err := os.ReadFile(os.Getenv("TF_CLI_CONFIG_FILE"))
	if err != nil || len(data) != 0 {
		t.Errorf("TF_CLI_CONFIG_FILE %q: %v, %d bytes; want an empty file", os.Getenv("TF_CLI_CONFIG_FILE"), err, len(data))
	}
	if Endpoint() == "" || Endpoint() == MotoURL() || SharedProxy() == nil || IsRealAWS() {
		t.Errorf("Endpoint %q, MotoURL %q, SharedProxy %v: want a shared proxy in front of moto", Endpoint(), MotoURL(), SharedProxy())
	}
}

func TestRegionSettings(t *testing.T) {
	tests := []struct {
		name     string
		variable string
		get      func() string
		fallback string
	}{
		{"Region", EnvRegion, Region, DefaultRegion},
		{"AlternateRegion", EnvAlternateRegion, AlternateRegion, DefaultAlternateRegion},
		{"SourceRegion", EnvSourceRegion, SourceRegion, DefaultSourceRegion},
		{"SourceImageID", EnvSourceImageID, SourceImageID, DefaultSourceImageID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(tt.variable, "")
			if got := tt.get(); got != tt.fallback {
				t.Errorf("unset: %q, want %q", got, tt.fallback)
			}
			t.Setenv(tt.variable, "custom-value")
			if got := tt.get(); got != "custom-value" {
				t.Errorf("set: %q, want custom-value", got)
			}
		})
	}
}

func TestProviderBlock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		endpoint string
		want     string
	}{
		{"", "provider \"amicopy\" {\n  endpoints {}\n}\n"},
		{"http://127.0.0.1:4566", "provider \"amicopy\" {\n  endpoints {\n    ec2 = \"http://127.0.0.1:4566\"\n  }\n}\n"},
	}
	for _, tt := range tests {
		if got := ProviderBlock(tt.endpoint); got != tt.want {
			t.Errorf("ProviderBlock(%q) =\n%s\nwant\n%s", tt.endpoint, got, tt.want)
		}
	}
}

func TestEC2ClientSeesImagesOfPrivateProxies(t *testing.T) {
	t.Parallel()
	p := NewProxy(t)
	id := mustCopy(t, testClient(p.URL(), AlternateRegion(), 1), nil)

	client := EC2Client(t, AlternateRegion())
	out, err := client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeImages through EC2Client: %v", err)
	}
	if len(out.Images) != 1 || aws.ToString(out.Images[0].SourceImageId) != SourceImageID() {
		t.Errorf("EC2Client saw %+v, want the copy with its source", out.Images)
	}
	// The default Region is Region(), where the copy does not exist.
	_, err = EC2Client(t, "").DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	wantAPIError(t, err, "InvalidAMIID.NotFound")
}

func TestSetUpEnvironmentRefusals(t *testing.T) {
	tests := []struct {
		name   string
		target string
		path   string
		want   string
	}{
		{"unknown target", "staging", os.Getenv("PATH"), `AMICOPY_TEST_TARGET="staging": want "moto" (the default) or "aws"`},
		{"moto missing", "moto", t.TempDir(), "moto_server not found on PATH"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvTarget, tt.target)
			t.Setenv("PATH", tt.path)
			env, err := setUpEnvironment()
			if err == nil {
				env.tearDown()
				t.Fatal("setUpEnvironment succeeded")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestSetUpEnvironmentOverridesTheShellRegion checks that a Region left in
// the developer's shell does not reach the provider, whose images the
// tests then look for in Region().
func TestSetUpEnvironmentOverridesTheShellRegion(t *testing.T) {
	for _, target := range []string{"moto", "aws"} {
		t.Run(target, func(t *testing.T) {
			if target == "moto" {
				RequireAcceptance(t)
				SkipOnRealAWS(t, "starts its own moto")
			}
			// setUpEnvironment changes the process environment; t.Setenv
			// puts back what the rest of the package runs with.
			for _, name := range []string{"TF_CLI_CONFIG_FILE", "CHECKPOINT_DISABLE", "TF_ACC", "AWS_ENDPOINT_URL_EC2",
				"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_KMS", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
				"AWS_EC2_METADATA_DISABLED", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"} {
				t.Setenv(name, os.Getenv(name))
			}
			t.Setenv(EnvTarget, target)
			t.Setenv(EnvRegion, "")
			t.Setenv("AWS_REGION", "ap-south-1")
			t.Setenv("AWS_DEFAULT_REGION", "ap-south-1")

			env, err := setUpEnvironment()
			if err != nil {
				t.Fatal(err)
			}
			env.tearDown()
			if got := os.Getenv("AWS_REGION"); got != DefaultRegion {
				t.Errorf("AWS_REGION = %q, want %q", got, DefaultRegion)
			}
			if got, set := os.LookupEnv("AWS_DEFAULT_REGION"); set {
				t.Errorf("AWS_DEFAULT_REGION = %q, want it unset", got)
			}
		})
	}
}
