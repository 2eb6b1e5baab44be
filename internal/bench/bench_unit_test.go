package bench

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

func TestMedian(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name    string
		samples []time.Duration
		want    time.Duration
	}{
		{"none", nil, 0},
		{"one", []time.Duration{7 * ms}, 7 * ms},
		{"odd count, unsorted", []time.Duration{9 * ms, 1 * ms, 5 * ms}, 5 * ms},
		{"even count takes the mean of the middle two", []time.Duration{4 * ms, 1 * ms, 2 * ms, 100 * ms}, 3 * ms},
		{"an outlier does not move it", []time.Duration{10 * ms, 11 * ms, 12 * ms, 13 * ms, 5 * time.Second}, 12 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := slices.Clone(tt.samples)
			if got := Median(tt.samples); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.samples, got, tt.want)
			}
			if !slices.Equal(before, tt.samples) {
				t.Errorf("Median reordered its input: %v, was %v", tt.samples, before)
			}
		})
	}
}

func TestFormatTable(t *testing.T) {
	t.Parallel()
	got := FormatTable([]Row{
		{Measure: "size", Value: "12.0 MB", Goal: "<= 40 MB", Verdict: Verdict(true)},
		{Measure: "a longer measure", Value: "1.5 s"},
		{Measure: "ratio", Value: "3.10x", Goal: "<= 2.0x", Verdict: Verdict(false)},
	})
	want := strings.Join([]string{
		"measure             value  goal      result",
		"-------------------------------------------",
		"size              12.0 MB  <= 40 MB  holds",
		"a longer measure    1.5 s",
		"ratio               3.10x  <= 2.0x   FAILS",
		"",
	}, "\n")
	if got != want {
		t.Errorf("FormatTable:\n%s\nwant:\n%s", got, want)
	}
}

func TestCPUModel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, cpuinfo, want string
	}{
		{"x86", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Processor\nmodel name\t: other\n", "Intel(R) Xeon(R) Processor"},
		{"value with a colon", "model name\t: CPU: fast\n", "CPU: fast"},
		{"no model name (arm64)", "processor\t: 0\nBogoMIPS\t: 50.00\n", "unknown"},
		{"empty", "", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := cpuModel(bufio.NewScanner(strings.NewReader(tt.cpuinfo))); got != tt.want {
				t.Errorf("cpuModel = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSummarizeDescribeImages(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	const source = "ami-source"
	calls := []acctest.Call{
		{Time: start, Action: "DescribeImages", ImageIDs: []string{source}},
		{Time: start.Add(100 * time.Millisecond), Action: "CopyImage", ImageIDs: []string{"ami-1"}},
		{Time: start.Add(1500 * time.Millisecond), Action: "DescribeImages", ImageIDs: []string{"ami-1", source, "ami-2"}},
		{Time: start.Add(2 * time.Second), Action: "DescribeImages", ImageIDs: []string{"ami-1", "ami-2"}},
	}
	got := SummarizeDescribeImages(calls, source)
	want := DescribeImagesSummary{
		Calls:        3,
		NamingSource: 2,
		SourceOnly:   1,
		IDs:          6,
		Timeline:     []string{"+0.00s:1", "+1.50s:3", "+2.00s:2"},
	}
	if got.Calls != want.Calls || got.NamingSource != want.NamingSource || got.SourceOnly != want.SourceOnly ||
		got.IDs != want.IDs || !slices.Equal(got.Timeline, want.Timeline) {
		t.Errorf("SummarizeDescribeImages = %+v, want %+v", got, want)
	}
	if got.IDsPerCall() != 2 {
		t.Errorf("IDsPerCall = %v, want 2", got.IDsPerCall())
	}
	if empty := SummarizeDescribeImages(nil, source); empty.Calls != 0 || empty.IDsPerCall() != 0 {
		t.Errorf("summary of no calls = %+v", empty)
	}
}

func TestConfigs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		want   []string
	}{
		{"amicopy", AmicopyConfig("http://127.0.0.1:1", 3, "p", "ami-12345678", "us-east-1"), []string{
			`source = "amicopy/amicopy"`, `ec2 = "http://127.0.0.1:1"`, `resource "amicopy_image" "bench"`,
			"count           = 3", `name            = "p-${count.index}"`, `source_image_id = "ami-12345678"`, `source_region   = "us-east-1"`,
		}},
		{"minimal", MinimalConfig(4, "p", "ami-12345678", "us-east-1"), []string{
			`source = "bench/minimal"`, `resource "minimal_item" "bench"`, "count         = 4", `source_id     = "ami-12345678"`,
		}},
		{"terraform_data", TerraformDataConfig(5, "p"), []string{`resource "terraform_data" "bench"`, "count = 5", `input = "p-${count.index}"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, w := range tt.want {
				if !strings.Contains(tt.config, w) {
					t.Errorf("configuration lacks %q:\n%s", w, tt.config)
				}
			}
		})
	}
}

func TestConfigsAreFormatted(t *testing.T) {
	t.Parallel()
	acctest.RequireAcceptance(t)
	dir := t.TempDir()
	configs := map[string]string{
		"amicopy.tf": AmicopyConfig("http://127.0.0.1:1", 3, "p", "ami-12345678", "us-east-1"),
		"minimal.tf": MinimalConfig(4, "p", "ami-12345678", "us-east-1"),
		"data.tf":    TerraformDataConfig(5, "p"),
		"fleet.tf":   FleetConfig("http://127.0.0.1:1", []string{"us-east-2", "eu-west-1"}, 3, "p", "ami-12345678", "us-east-1", "\n  wait_for_available = false\n"),
	}
	for name, config := range configs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// terraform fmt -check fails on bad syntax as well as on bad layout.
	cmd := exec.CommandContext(t.Context(), "terraform", "fmt", "-check", "-diff", dir)
	cmd.Env = append(os.Environ(), "CHECKPOINT_DISABLE=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("terraform fmt -check: %v\n%s", err, out)
	}
}

func TestStartTimes(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		script  string
		wantErr string
	}{
		{"a plugin says so and exits 1", "echo 'This binary is a plugin. These are not meant to be executed directly.' >&2; exit 1", ""},
		{"anything else is not a provider", "echo hello", "did not say"},
	}
	// The scripts are written before t.Parallel, while no other test runs:
	// a fork elsewhere that inherits a script's open write descriptor makes
	// its exec fail with "text file busy" (golang/go#22315).
	binaries := make([]string, len(tests))
	for i, tt := range tests {
		binaries[i] = filepath.Join(dir, "fake-"+string(rune('a'+i)))
		if err := os.WriteFile(binaries[i], []byte("#!/bin/sh\n"+tt.script+"\n"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	t.Parallel()
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			binary := binaries[i]
			times, err := StartTimes(t.Context(), binary, 3)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("StartTimes: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("StartTimes error = %v, want one containing %q", err, tt.wantErr)
			case tt.wantErr == "" && len(times) != 3:
				t.Fatalf("StartTimes returned %d times, want 3", len(times))
			}
		})
	}
}

func TestWithoutPluginCookie(t *testing.T) {
	t.Parallel()
	got := withoutPluginCookie([]string{"PATH=/bin", "TF_PLUGIN_MAGIC_COOKIE=abc", "HOME=/root"})
	if want := []string{"PATH=/bin", "HOME=/root"}; !slices.Equal(got, want) {
		t.Errorf("withoutPluginCookie = %v, want %v", got, want)
	}
}

func TestRunCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		script     string
		wantErr    bool
		wantStdout string
		wantStderr string
	}{
		{"output is captured", "echo out; echo err >&2", false, "out\n", "err\n"},
		{"a failure is returned with its output", "echo why >&2; exit 3", true, "", "why\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			run, err := RunCommand(exec.CommandContext(t.Context(), "sh", "-c", tt.script))
			if (err != nil) != tt.wantErr {
				t.Fatalf("RunCommand error = %v, want error %v", err, tt.wantErr)
			}
			if run.Stdout != tt.wantStdout || run.Stderr != tt.wantStderr {
				t.Errorf("RunCommand output = %q, %q; want %q, %q", run.Stdout, run.Stderr, tt.wantStdout, tt.wantStderr)
			}
			if run.Wall <= 0 || run.CPU < 0 {
				t.Errorf("RunCommand times = %v", run)
			}
		})
	}
}

func TestChildrenCPU(t *testing.T) {
	tests := []struct {
		name string
		log  string
		want time.Duration
		err  bool
	}{
		{"dash", "0m0.000000s 0m0.000000s\n0m1.250000s 0m0.500000s\n", 1750 * time.Millisecond, false},
		{"bash, two runs", "0m0.001s 0m0.000s\n0m0.100s 0m0.020s\n0m0.001s 0m0.000s\n1m2.000s 0m0.000s\n", 62120 * time.Millisecond, false},
		{"empty", "", 0, true},
		{"odd lines", "0m0.001s 0m0.000s\n", 0, true},
		{"not times", "a\nb\n", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ChildrenCPU(tt.log)
			if (err != nil) != tt.err || got != tt.want {
				t.Errorf("ChildrenCPU(%q) = %v, %v; want %v, error %t", tt.log, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestCPUWrapper runs a script through the wrapper, as Terraform would run
// a provider: its arguments reach the script, its exit status comes back,
// and the log holds its CPU time.
func TestCPUWrapper(t *testing.T) {
	dir := t.TempDir()
	child := filepath.Join(dir, "terraform-provider-child")
	script := "#!/bin/sh\ni=0\nwhile [ $i -lt 100000 ]; do i=$((i+1)); done\necho \"$@\"\nexit 3\n"
	if err := os.WriteFile(child, []byte(script), 0o755); err != nil { //nolint:gosec // executable on purpose
		t.Fatal(err)
	}
	log := filepath.Join(dir, "it's.log")
	wrapperDir, err := WriteCPUWrapper(dir, child, log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(wrapperDir, "terraform-provider-child"), "a b", "c")
	out, err := cmd.Output()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 3 {
		t.Fatalf("the wrapper exited with %v, want status 3", err)
	}
	if got := strings.TrimSpace(string(out)); got != "a b c" {
		t.Errorf("the child got %q, want %q", got, "a b c")
	}
	content, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	cpu, err := ChildrenCPU(string(content))
	if err != nil {
		t.Fatal(err)
	}
	if cpu <= 0 {
		t.Errorf("the child's CPU time is %v, want more than 0 for 100,000 loop turns", cpu)
	}
}
