package awsprovider

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BinaryName is the file name Terraform looks for in a dev_overrides
// directory for the hashicorp/aws provider.
const BinaryName = "terraform-provider-aws"

// mainPackage is the import path of the stand-in's main package.
const mainPackage = "github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider/cmd/terraform-provider-aws"

// Build compiles the stand-in with the default (v6) shape into a temporary
// directory and returns that directory, ready for
// dev_overrides { "registry.terraform.io/hashicorp/aws" = DIR }. It fails the
// test when the build fails.
func Build(t testing.TB) string {
	t.Helper()
	return BuildShape(t, ShapeV6)
}

// BuildShape is Build with the given default shape baked in, so that a test
// can hold a v5 and a v6 binary in two directories at once. SchemaEnv still
// overrides the shape at run time.
func BuildShape(t testing.TB, shape Shape) string {
	t.Helper()

	dir := t.TempDir()
	if _, err := BuildInto(context.Background(), dir, shape); err != nil {
		t.Fatalf("building the hashicorp/aws stand-in: %v", err)
	}
	return dir
}

// BuildInto compiles the stand-in as dir/terraform-provider-aws with the
// given default shape and returns the binary's path. It must run inside this
// module (any package directory of it will do), because it builds by import
// path.
func BuildInto(ctx context.Context, dir string, shape Shape) (string, error) {
	if _, err := ParseShape(string(shape)); err != nil {
		return "", err
	}

	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("finding the go command: %w", err)
	}

	binary := filepath.Join(dir, BinaryName)
	cmd := exec.CommandContext(ctx, goTool, "build",
		"-o", binary,
		"-ldflags", "-X main.shape="+string(shape),
		mainPackage,
	)
	cmd.Env = os.Environ()
	if output, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", mainPackage, err, output)
	}
	return binary, nil
}
