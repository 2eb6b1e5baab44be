package provider_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
)

// TestExamples checks that every example configuration, which the docs and
// `make demo` show to users, is `terraform fmt` clean and passes `terraform
// validate` against this build, and against the stand-in AWS provider for
// the migration example, which keeps hashicorp/aws in required_providers.
func TestExamples(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	ctx := t.Context()
	fmtCheck := acctest.NewWorkdir(t, nil)
	if out, errOut, err := fmtCheck.Terraform(ctx, "fmt", "-check", "-recursive", "-diff", mustAbs(t, root)); err != nil {
		t.Fatalf("terraform fmt -check examples/: %v\n%s%s", err, out, errOut)
	}

	providerDir := acctest.BuildProvider(t)
	awsDir := awsprovider.Build(t)
	for _, dir := range exampleDirs(t, root) {
		name, _ := filepath.Rel(root, dir)
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			t.Parallel()
			work := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: providerDir, awsprovider.ProviderAddress: awsDir})
			entries, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if !e.IsDir() && strings.HasSuffix(e.Name(), ".tf") {
					content, err := os.ReadFile(filepath.Join(dir, e.Name()))
					if err != nil {
						t.Fatal(err)
					}
					work.WriteFile(t, e.Name(), string(content))
				}
			}
			if out, errOut, err := work.Terraform(t.Context(), "validate"); err != nil {
				t.Errorf("terraform validate %s: %v\n%s%s", name, err, out, errOut)
			}
		})
	}
}

// exampleDirs lists the folders under root that hold .tf files.
func exampleDirs(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	var dirs []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") && !seen[filepath.Dir(path)] {
			seen[filepath.Dir(path)] = true
			dirs = append(dirs, filepath.Dir(path))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no example configurations found under " + root)
	}
	return dirs
}

func mustAbs(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
