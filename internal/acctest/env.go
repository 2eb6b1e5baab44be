package acctest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// Environment variables that choose where acceptance tests run.
const (
	// EnvTarget is "aws" to test against real AWS; empty or "moto" uses a
	// moto_server on loopback.
	EnvTarget = "AMICOPY_TEST_TARGET"
	// EnvRegion is the Region tests create images in.
	EnvRegion = "AMICOPY_TEST_REGION"
	// EnvAlternateRegion is a second Region, for per-resource region tests.
	EnvAlternateRegion = "AMICOPY_TEST_ALTERNATE_REGION"
	// EnvSourceRegion is the Region of the image tests copy.
	EnvSourceRegion = "AMICOPY_TEST_SOURCE_REGION"
	// EnvSourceImageID is the image tests copy.
	EnvSourceImageID = "AMICOPY_TEST_SOURCE_IMAGE_ID"
)

// Defaults for the environment variables above. ami-03cf127a is a public
// image that moto serves in every Region.
const (
	DefaultRegion          = "us-east-1"
	DefaultAlternateRegion = "us-west-2"
	DefaultSourceRegion    = "us-east-1"
	DefaultSourceImageID   = "ami-03cf127a"
)

// motoAccessKey and motoSecretKey are the credentials tests use against
// moto, which accepts any.
const (
	motoAccessKey = "testing"
	motoSecretKey = "testing"
)

// environment is what Run set up for a test binary.
type environment struct {
	realAWS   bool
	moto      *Moto
	shared    *Proxy
	configDir string
	// iam is the IAM-enforcing local EC2, once a test asked for it.
	iam *IAMEC2
}

// current is the environment Run set up; tests read it from many goroutines.
var (
	currentMu sync.Mutex
	current   *environment
)

// currentEnv returns the environment Run set up, or nil outside Run.
func currentEnv() *environment {
	currentMu.Lock()
	defer currentMu.Unlock()
	return current
}

// setCurrentEnv installs or clears the environment.
func setCurrentEnv(env *environment) {
	currentMu.Lock()
	defer currentMu.Unlock()
	current = env
}

// Run sets up the test environment, runs the tests and tears the
// environment down; call it from TestMain as os.Exit(acctest.Run(m)). With
// TF_ACC set, and unless AMICOPY_TEST_TARGET is "aws", it starts moto and one
// shared proxy and points the AWS SDK and Terraform at them through the
// process environment. Without TF_ACC it starts nothing.
func Run(m *testing.M) int {
	if !Acceptance() {
		// make testunit: nothing to start. The tests that need Terraform,
		// moto or AWS skip through RequireAcceptance; the rest run.
		return m.Run()
	}
	env, err := setUpEnvironment()
	if err != nil {
		fmt.Fprintf(os.Stderr, "acctest: cannot set up the test environment: %v\n", err)
		return 1
	}
	setCurrentEnv(env)
	// Deferred, so moto also stops when m.Run panics in this goroutine.
	defer func() {
		setCurrentEnv(nil)
		env.tearDown()
	}()
	return m.Run()
}

// setUpEnvironment starts what the target needs and sets the process
// environment for the SDK and Terraform.
func setUpEnvironment() (*environment, error) {
	env := &environment{}
	switch target := strings.ToLower(os.Getenv(EnvTarget)); target {
	case "", "moto":
	case "aws":
		env.realAWS = true
	default:
		return nil, fmt.Errorf("%s=%q: want \"moto\" (the default) or \"aws\"", EnvTarget, target)
	}

	// The environment points TF_CLI_CONFIG_FILE at a file that may not
	// exist; Terraform then fails. An empty file means "no CLI settings".
	dir, err := os.MkdirTemp("", "amicopy-acctest-")
	if err != nil {
		return nil, fmt.Errorf("creating a temporary directory: %w", err)
	}
	env.configDir = dir
	cliConfig := filepath.Join(dir, "terraform.rc")
	if err := os.WriteFile(cliConfig, nil, 0o600); err != nil {
		env.tearDown()
		return nil, fmt.Errorf("writing the Terraform CLI config: %w", err)
	}
	settings := map[string]string{
		"TF_CLI_CONFIG_FILE": cliConfig,
		"CHECKPOINT_DISABLE": "1",
		"TF_ACC":             "1",
		// Tests expect their images in Region(), and the provider, the SDK
		// and Terraform take the Region from here: a Region left in the
		// developer's shell must not win.
		"AWS_REGION": Region(),
	}
	if err := os.Unsetenv("AWS_DEFAULT_REGION"); err != nil {
		env.tearDown()
		return nil, fmt.Errorf("unsetting AWS_DEFAULT_REGION: %w", err)
	}
	if !env.realAWS {
		moto, err := StartMoto()
		if err != nil {
			env.tearDown()
			return nil, err
		}
		env.moto = moto
		shared, err := moto.StartProxy()
		if err != nil {
			env.tearDown()
			return nil, err
		}
		env.shared = shared
		settings["AWS_ENDPOINT_URL_EC2"] = shared.URL()
		// STS and KMS go straight to moto, which serves every service on
		// one port; only EC2 needs the proxy.
		settings["AWS_ENDPOINT_URL_STS"] = moto.URL()
		settings["AWS_ENDPOINT_URL_KMS"] = moto.URL()
		settings["AWS_ACCESS_KEY_ID"] = motoAccessKey
		settings["AWS_SECRET_ACCESS_KEY"] = motoSecretKey
		settings["AWS_EC2_METADATA_DISABLED"] = "true"
		for _, name := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"} {
			if err := os.Unsetenv(name); err != nil {
				env.tearDown()
				return nil, fmt.Errorf("unsetting %s: %w", name, err)
			}
		}
	}
	for name, value := range settings {
		if err := os.Setenv(name, value); err != nil {
			env.tearDown()
			return nil, fmt.Errorf("setting %s: %w", name, err)
		}
	}
	return env, nil
}

// tearDown stops what setUpEnvironment started; it tolerates a partial set-up.
func (env *environment) tearDown() {
	if env.iam != nil {
		env.iam.stop()
	}
	if env.shared != nil {
		env.shared.Close()
	}
	if env.moto != nil {
		env.moto.Stop()
	}
	if env.configDir != "" {
		_ = os.RemoveAll(env.configDir)
	}
}

// EnvAcceptance is the variable that turns on the tests that need Terraform,
// moto or AWS, as in every Terraform provider. make test sets it; make
// testunit leaves it unset.
const EnvAcceptance = "TF_ACC"

// Acceptance reports whether the tests that need Terraform, moto or AWS run.
func Acceptance() bool {
	return os.Getenv(EnvAcceptance) != ""
}

// RequireAcceptance skips the test unless TF_ACC is set. Every test that
// runs Terraform or moto, or calls AWS, goes through it (the harness's
// helpers call it, and resource.Test skips the same way), so that make
// testunit runs exactly the tests that need none of them and reports the
// others as skipped.
func RequireAcceptance(t testing.TB) {
	t.Helper()
	if !Acceptance() {
		t.Skip("needs Terraform and moto (or AWS): set TF_ACC=1, as make test does")
	}
}

// requireEnv returns the environment or fails the test with what to do;
// without TF_ACC it skips the test.
func requireEnv(t testing.TB) *environment {
	t.Helper()
	RequireAcceptance(t)
	env := currentEnv()
	if env == nil {
		t.Fatal("acctest: the test environment is not set up; add `func TestMain(m *testing.M) { os.Exit(acctest.Run(m)) }` to the test package")
	}
	return env
}

// PreCheck fails the test unless Run set up the environment; acceptance
// tests call it from resource.TestCase.PreCheck.
func PreCheck(t testing.TB) {
	t.Helper()
	env := requireEnv(t)
	if os.Getenv("TF_ACC") == "" {
		t.Fatal("acctest: TF_ACC is not set; the environment set by acctest.Run was changed")
	}
	if !env.realAWS && os.Getenv("AWS_ENDPOINT_URL_EC2") != env.shared.URL() {
		t.Fatalf("acctest: AWS_ENDPOINT_URL_EC2 is %q, not the test proxy %q; the environment set by acctest.Run was changed",
			os.Getenv("AWS_ENDPOINT_URL_EC2"), env.shared.URL())
	}
}

// SkipOnRealAWS skips a test that needs the fault proxy, saying why.
func SkipOnRealAWS(t testing.TB, why string) {
	t.Helper()
	if IsRealAWS() {
		t.Skipf("skipped against real AWS: %s", why)
	}
}

// IsRealAWS reports whether tests run against real AWS.
func IsRealAWS() bool {
	return strings.EqualFold(os.Getenv(EnvTarget), "aws")
}

// Endpoint returns the shared proxy's URL, or "" against real AWS.
func Endpoint() string {
	if p := SharedProxy(); p != nil {
		return p.URL()
	}
	return ""
}

// MotoURL returns moto's URL, or "" against real AWS or outside Run.
func MotoURL() string {
	if env := currentEnv(); env != nil && env.moto != nil {
		return env.moto.URL()
	}
	return ""
}

// SharedProxy returns the proxy every test shares, or nil against real AWS
// or outside Run. Tests must not set faults on it; NewProxy gives a private
// one.
func SharedProxy() *Proxy {
	if env := currentEnv(); env != nil {
		return env.shared
	}
	return nil
}

// Region returns the Region tests create images in.
func Region() string {
	return envOr(EnvRegion, DefaultRegion)
}

// AlternateRegion returns a second Region, different from Region.
func AlternateRegion() string {
	return envOr(EnvAlternateRegion, DefaultAlternateRegion)
}

// SourceRegion returns the Region of the image tests copy.
func SourceRegion() string {
	return envOr(EnvSourceRegion, DefaultSourceRegion)
}

// SourceImageID returns the image tests copy.
func SourceImageID() string {
	return envOr(EnvSourceImageID, DefaultSourceImageID)
}

// envOr returns an environment variable, or fallback when it is empty.
func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// EC2Client returns an SDK client for region ("" means Region()) that goes
// to the shared proxy, or to real AWS; tests use it for CheckDestroy and
// for changes behind Terraform's back.
func EC2Client(t testing.TB, region string) *ec2.Client {
	t.Helper()
	env := requireEnv(t)
	if region == "" {
		region = Region()
	}
	if env.realAWS {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			t.Fatalf("acctest: loading AWS configuration: %v", err)
		}
		return ec2.NewFromConfig(cfg)
	}
	return NewEC2Client(env.shared.URL(), region)
}

// NewEC2Client returns an SDK client for region that sends everything to
// endpoint with moto's test credentials, retrying throttling and server
// errors as the SDK's standard retryer does.
func NewEC2Client(endpoint, region string) *ec2.Client {
	return ec2.New(ec2.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(motoAccessKey, motoSecretKey, ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = 5
		}),
	})
}

// NewProxy returns a proxy of the test's own in front of the shared moto,
// for faults that must not disturb other tests; it is closed when the test
// ends. Against real AWS the test is skipped.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	env := requireEnv(t)
	if env.realAWS {
		t.Skip("skipped against real AWS: needs the fault proxy in front of moto")
	}
	p, err := env.moto.StartProxy()
	if err != nil {
		t.Fatalf("acctest: starting a proxy: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// ProviderBlock returns a provider "amicopy" block that sends EC2 calls to
// endpoint; with "" the endpoints block is empty and the SDK's defaults
// apply.
func ProviderBlock(endpoint string) string {
	if endpoint == "" {
		return "provider \"amicopy\" {\n  endpoints {}\n}\n"
	}
	return fmt.Sprintf("provider \"amicopy\" {\n  endpoints {\n    ec2 = %q\n  }\n}\n", endpoint)
}
