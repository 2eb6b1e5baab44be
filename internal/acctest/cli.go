package acctest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
)

// ProviderAddress is where Terraform finds this provider.
const ProviderAddress = "registry.terraform.io/amicopy/amicopy"

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// BuildProvider builds the provider binary once per test process and
// returns the folder that holds it, for dev_overrides. Tests that must
// drive the real Terraform CLI (signals, logs, timing) use it instead of
// the in-process provider factories. Without TF_ACC the test is skipped
// before the build.
func BuildProvider(t testing.TB) string {
	t.Helper()
	RequireAcceptance(t)
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		// Shared by every test of the process, so not t.TempDir(), which
		// the first test's end would remove.
		dir, err := os.MkdirTemp("", "amicopy-provider-") //nolint:usetesting // see above
		if err != nil {
			buildErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-amicopy"), ".")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		buildDir = dir
	})
	if buildErr != nil {
		t.Fatalf("acctest: building the provider: %v", buildErr)
	}
	return buildDir
}

// moduleRoot is the folder holding go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the module")
	}
	return filepath.Dir(gomod), nil
}

// Workdir is a Terraform working folder whose CLI configuration points
// provider addresses at local builds through dev_overrides, so no
// `terraform init` is needed.
type Workdir struct {
	Dir string
	env []string
}

// NewWorkdir makes a working folder for the given dev_overrides
// (provider address → folder holding its binary). Extra environment
// variables ("NAME=value") are added to every Terraform run. Without TF_ACC
// the test is skipped, since it runs Terraform.
func NewWorkdir(t testing.TB, overrides map[string]string, extraEnv ...string) *Workdir {
	t.Helper()
	RequireAcceptance(t)
	dir := t.TempDir()
	var rc strings.Builder
	rc.WriteString("provider_installation {\n  dev_overrides {\n")
	for address, binDir := range overrides {
		fmt.Fprintf(&rc, "    %q = %q\n", address, binDir)
	}
	rc.WriteString("  }\n  direct {}\n}\n")
	rcPath := filepath.Join(dir, ".terraformrc")
	if err := os.WriteFile(rcPath, []byte(rc.String()), 0o600); err != nil {
		t.Fatalf("acctest: writing the CLI config: %v", err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rcPath, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1")
	env = append(env, extraEnv...)
	return &Workdir{Dir: dir, env: env}
}

// WriteFile writes a file (a .tf configuration, usually) into the folder.
func (w *Workdir) WriteFile(t testing.TB, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(w.Dir, name), []byte(content), 0o600); err != nil {
		t.Fatalf("acctest: writing %s: %v", name, err)
	}
}

// Command returns a terraform command for the folder, not yet started, for
// tests that send it signals.
func (w *Workdir) Command(ctx context.Context, args ...string) *exec.Cmd {
	// -no-color goes after the command, and after the subcommand of the
	// commands that have them (terraform state rm -no-color ADDRESS).
	n := 1
	if len(args) > 1 && (args[0] == "state" || args[0] == "workspace") {
		n = 2
	}
	cmd := exec.CommandContext(ctx, "terraform", append(args[:n:n], append([]string{"-no-color"}, args[n:]...)...)...)
	cmd.Dir = w.Dir
	cmd.Env = w.env
	return cmd
}

// Terraform runs a terraform command to the end and returns its stdout
// and stderr.
func (w *Workdir) Terraform(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	cmd := w.Command(ctx, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

var (
	terraformVersionOnce sync.Once
	terraformVersion     *version.Version
	terraformVersionErr  error
)

// SkipBelowTerraform skips a test that drives the Terraform CLI on PATH
// when that CLI is older than minimum ("1.8.0"), saying what needs it; the
// CLI harness's counterpart of terraform-plugin-testing's
// tfversion.SkipBelow. why names the feature, such as "a moved block
// across resource types".
func SkipBelowTerraform(t testing.TB, minimum, why string) {
	t.Helper()
	// Without TF_ACC no test runs Terraform, and it need not be installed.
	RequireAcceptance(t)
	want := version.Must(version.NewVersion(minimum))
	terraformVersionOnce.Do(func() {
		out, err := exec.Command("terraform", "version", "-json").Output()
		if err != nil {
			terraformVersionErr = fmt.Errorf("terraform version -json: %w", err)
			return
		}
		var v struct {
			Version string `json:"terraform_version"`
		}
		if err := json.Unmarshal(out, &v); err != nil {
			terraformVersionErr = fmt.Errorf("decoding terraform version -json: %w", err)
			return
		}
		terraformVersion, terraformVersionErr = version.NewVersion(v.Version)
	})
	if terraformVersionErr != nil {
		t.Fatalf("acctest: finding the Terraform CLI's version: %v", terraformVersionErr)
	}
	if terraformVersion.LessThan(want) {
		t.Skipf("%s needs Terraform %s or later; the CLI on PATH is %s", why, minimum, terraformVersion)
	}
}
