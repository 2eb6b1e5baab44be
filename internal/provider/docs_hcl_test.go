package provider_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
)

// docsHCLLanguages are the fence languages whose blocks are Terraform
// configuration, and so are checked.
var docsHCLLanguages = map[string]bool{"terraform": true, "hcl": true, "tf": true}

// docsHCLPreambles are what a deliberate fragment in the docs may ask for,
// by name, with a marker on the line just before its fence:
//
//	<!-- docs-hcl: preamble=NAME -->
//
// The preamble is validated together with the block, in a file of its own,
// so that line numbers in Terraform's messages still point into the doc. A
// block without a marker must be complete on its own (apart from
// required_providers, which the test adds when the block has none).
var docsHCLPreambles = map[string]string{
	// An amicopy_image.example for a block that shows only an import
	// block, or only a moved or removed block, to act on it.
	"amicopy_image.example": `
resource "amicopy_image" "example" {
  name            = "example"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"
}
`,
}

// docsHCLRequiredProviders is added to a block without required_providers:
// both providers the docs show, so a block may use either.
const docsHCLRequiredProviders = `terraform {
  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
    aws = {
      source = "hashicorp/aws"
    }
  }
}
`

// docsHCLBlock is one fenced Terraform block of a doc.
type docsHCLBlock struct {
	file     string // relative to the repository, such as docs/resources/image.md
	line     int    // of the opening fence, 1-based
	content  string // without the fence's indentation
	preamble string // a docsHCLPreambles name, or ""
}

// where is the block's place for messages, in the form editors follow.
func (b docsHCLBlock) where() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

var (
	docsFence          = regexp.MustCompile("^(\\s*)(```+|~~~+)\\s*([^\\s`]*)")
	docsPreambleMarker = regexp.MustCompile(`^\s*<!--\s*docs-hcl:\s*preamble=(\S+)\s*-->\s*$`)
	// devOverridesWarning is Terraform's warning about dev_overrides, which
	// every run here gets, left out of the messages.
	devOverridesWarning = regexp.MustCompile(`(?s)Warning: Provider development overrides are in effect.*?published\s+releases\.\s*`)
	// terraformLineRef is how Terraform names a place in a file.
	terraformLineRef = regexp.MustCompile(`on (main\.tf) line (\d+)`)
)

// TestDocsHCL checks every Terraform block in docs/ (the generated pages,
// templates and examples alike, guides included): `terraform fmt -check`,
// and `terraform validate` against this build of amicopy and the stand-in
// hashicorp/aws provider. A block that is not configuration must use
// another fence (text, console, shell); a fence without a language fails,
// so that no block is skipped silently.
func TestDocsHCL(t *testing.T) {
	root := filepath.Join("..", "..")
	blocks := docsHCLBlocks(t, root)
	if len(blocks) == 0 {
		t.Fatal("no Terraform blocks found under docs/")
	}

	// fmt: every block in one folder, one terraform run.
	fmtDir := acctest.NewWorkdir(t, nil)
	files := map[string]docsHCLBlock{}
	for i, b := range blocks {
		name := fmt.Sprintf("block%03d.tf", i)
		files[name] = b
		fmtDir.WriteFile(t, name, b.content)
	}
	out, errOut, err := fmtDir.Terraform(t.Context(), "fmt", "-check", "-list=true", fmtDir.Dir)
	if err != nil {
		listed := 0
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if b, ok := files[filepath.Base(strings.TrimSpace(line))]; ok {
				listed++
				diff, _, _ := fmtDir.Terraform(t.Context(), "fmt", "-diff", "-check", filepath.Join(fmtDir.Dir, filepath.Base(line)))
				t.Errorf("%s: the block that starts here is not `terraform fmt` clean:\n%s", b.where(), diff)
			}
		}
		if listed == 0 {
			t.Errorf("terraform fmt -check: %v\n%s%s", err, out, errOut)
		}
	}

	overrides := map[string]string{
		acctest.ProviderAddress:     acctest.BuildProvider(t),
		awsprovider.ProviderAddress: awsprovider.Build(t),
	}
	for _, b := range blocks {
		t.Run(b.where(), func(t *testing.T) {
			t.Parallel()
			checkDocsHCLBlock(t, overrides, b)
		})
	}
}

// checkDocsHCLBlock validates one block. The block is main.tf on its own,
// so that Terraform's "on main.tf line N" maps to the doc's line.
func checkDocsHCLBlock(t *testing.T, overrides map[string]string, b docsHCLBlock) {
	t.Helper()
	work := acctest.NewWorkdir(t, overrides)
	work.WriteFile(t, "main.tf", b.content)
	if !strings.Contains(b.content, "required_providers") {
		work.WriteFile(t, "providers.tf", docsHCLRequiredProviders)
	}
	if b.preamble != "" {
		preamble, ok := docsHCLPreambles[b.preamble]
		if !ok {
			t.Fatalf("%s: the marker names preamble %q, which TestDocsHCL does not define (docsHCLPreambles in docs_hcl_test.go)", b.where(), b.preamble)
		}
		work.WriteFile(t, "preamble.tf", preamble)
	}
	out, errOut, err := work.Terraform(t.Context(), "validate")
	if err != nil {
		msg := terraformLineRef.ReplaceAllStringFunc(devOverridesWarning.ReplaceAllString(out+errOut, ""), func(ref string) string {
			m := terraformLineRef.FindStringSubmatch(ref)
			n, _ := strconv.Atoi(m[2])
			return fmt.Sprintf("on %s line %d", b.file, b.line+n)
		})
		t.Errorf("%s: terraform validate fails on the block that starts here: %v\n%s\nThe block:\n%s", b.where(), err, msg, b.content)
	}
}

// docsHCLBlocks reads every Markdown file under root/docs and returns its
// Terraform blocks. An unclosed fence, or one without a language, fails
// the test.
func docsHCLBlocks(t *testing.T, root string) []docsHCLBlock {
	t.Helper()
	var blocks []docsHCLBlock
	docs := filepath.Join(root, "docs")
	err := filepath.WalkDir(docs, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return err
		}
		found, err := parseDocsHCLBlocks(filepath.ToSlash(rel), path)
		if err != nil {
			t.Error(err)
		}
		blocks = append(blocks, found...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

// parseDocsHCLBlocks returns the Terraform blocks of one Markdown file.
func parseDocsHCLBlocks(name, path string) ([]docsHCLBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var (
		blocks   []docsHCLBlock
		problems []string
		open     *docsHCLBlock // the fence being read, if any
		keep     bool          // whether open is Terraform
		fence    string        // the open fence's marker (``` or longer)
		indent   string        // the open fence's indentation
		body     strings.Builder
		marker   string // a preamble marker on the line before a fence
	)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1024*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if open == nil {
			m := docsFence.FindStringSubmatch(line)
			if m == nil {
				if mm := docsPreambleMarker.FindStringSubmatch(line); mm != nil {
					marker = mm[1]
				} else if strings.TrimSpace(line) != "" {
					marker = ""
				}
				continue
			}
			lang := strings.ToLower(m[3])
			if lang == "" {
				problems = append(problems, fmt.Sprintf("%s:%d: a fence without a language: use ```terraform for configuration, or ```text, ```console or ```shell", name, n))
			}
			open = &docsHCLBlock{file: name, line: n, preamble: marker}
			keep, fence, indent, marker = docsHCLLanguages[lang], m[2], m[1], ""
			body.Reset()
			continue
		}
		if strings.HasPrefix(strings.TrimSpace(line), fence) && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), fence[:1])) == "" {
			if keep {
				open.content = body.String()
				blocks = append(blocks, *open)
			}
			open = nil
			continue
		}
		body.WriteString(strings.TrimPrefix(line, indent))
		body.WriteString("\n")
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if open != nil {
		problems = append(problems, fmt.Sprintf("%s:%d: the fence is never closed", name, open.line))
	}
	if len(problems) > 0 {
		return blocks, fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return blocks, nil
}

// TestDocsHCLBlocks checks how blocks are found: the languages kept, a
// fence inside a list, a preamble marker, and the two mistakes that would
// let a block escape the check.
func TestDocsHCLBlocks(t *testing.T) {
	doc := "# Page\n\n" +
		"```terraform\nresource \"a\" \"b\" {}\n```\n\n" +
		"```shell\nterraform apply\n```\n\n" +
		"1. A step:\n\n   ```hcl\n   locals {\n     x = 1\n   }\n   ```\n\n" +
		"<!-- docs-hcl: preamble=amicopy_image.example -->\n```tf\nimport {\n}\n```\n\n" +
		"````text\n```terraform\nnot = a block\n```\n````\n"
	path := filepath.Join(t.TempDir(), "page.md")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	blocks, err := parseDocsHCLBlocks("docs/page.md", path)
	if err != nil {
		t.Fatal(err)
	}
	want := []docsHCLBlock{
		{file: "docs/page.md", line: 3, content: "resource \"a\" \"b\" {}\n"},
		{file: "docs/page.md", line: 13, content: "locals {\n  x = 1\n}\n"},
		{file: "docs/page.md", line: 20, content: "import {\n}\n", preamble: "amicopy_image.example"},
	}
	if fmt.Sprint(blocks) != fmt.Sprint(want) {
		t.Errorf("blocks:\n got %+v\nwant %+v", blocks, want)
	}

	for name, bad := range map[string]string{
		"no language": "```\nresource \"a\" \"b\" {}\n```\n",
		"unclosed":    "```terraform\nresource \"a\" \"b\" {}\n",
	} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := parseDocsHCLBlocks("docs/page.md", path); err == nil || !strings.Contains(err.Error(), "docs/page.md:1:") {
			t.Errorf("%s: got %v, want an error at docs/page.md:1", name, err)
		}
	}
}
