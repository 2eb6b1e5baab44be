package bench

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

func TestWaves(t *testing.T) {
	t.Parallel()
	at := func(ms ...int) []time.Time {
		start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		out := make([]time.Time, len(ms))
		for i, m := range ms {
			out[i] = start.Add(time.Duration(m) * time.Millisecond)
		}
		return out
	}
	tests := []struct {
		name   string
		starts []time.Time
		want   int
	}{
		{"none", nil, 0},
		{"one", at(0), 1},
		{"steady starts are one wave", at(0, 300, 600, 900, 1200, 1500), 1},
		{"two waves of -parallelism", at(0, 10, 20, 15000, 15010), 2},
		{"unsorted", at(31000, 0, 15000, 10, 15010, 31020), 3},
		{"a gap of exactly the limit does not split", at(0, 1000), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Waves(tt.starts, time.Second); got != tt.want {
				t.Errorf("Waves = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestCopyStarts(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	calls := []acctest.Call{
		{Time: start, Action: "CopyImage", DryRun: true, ClientToken: "a", Region: "r1"},
		{Time: start.Add(1 * time.Second), Action: "CopyImage", ClientToken: "a", Region: "r1"},
		{Time: start.Add(2 * time.Second), Action: "DescribeImages"},
		{Time: start.Add(3 * time.Second), Action: "CopyImage", ClientToken: "a", Region: "r1"}, // a retry
		{Time: start.Add(4 * time.Second), Action: "CopyImage", ClientToken: "a", Region: "r2"}, // same token, another Region
		{Time: start.Add(5 * time.Second), Action: "CopyImage", ClientToken: "b", Region: "r1"},
	}
	got := CopyStarts(calls)
	want := []time.Time{start.Add(time.Second), start.Add(4 * time.Second), start.Add(5 * time.Second)}
	if !slices.Equal(got, want) {
		t.Errorf("CopyStarts = %v, want %v", got, want)
	}
}

func TestCountStateInstances(t *testing.T) {
	t.Parallel()
	state := `{"version":4,"resources":[
  {"mode":"managed","type":"amicopy_image","name":"a","instances":[{"attributes":{"state":"pending"}},{"attributes":{"state":"available"}}]},
  {"mode":"data","type":"x","name":"d","instances":[{"attributes":{"state":"pending"}}]},
  {"mode":"managed","type":"amicopy_image","name":"b","instances":[{"attributes":{"state":"pending"}}]}
]}`
	for _, tt := range []struct {
		attribute, value string
		want             int
	}{{"", "", 3}, {"state", "pending", 2}, {"state", "failed", 0}} {
		got, err := CountStateInstances([]byte(state), tt.attribute, tt.value)
		if err != nil || got != tt.want {
			t.Errorf("CountStateInstances(%q, %q) = %d, %v; want %d", tt.attribute, tt.value, got, err, tt.want)
		}
	}
	if _, err := CountStateInstances([]byte("not json"), "", ""); err == nil {
		t.Error("CountStateInstances accepted a state that is not JSON")
	}
}

func TestFleetConfig(t *testing.T) {
	t.Parallel()
	got := FleetConfig("http://127.0.0.1:1", []string{"us-east-2", "eu-west-1"}, 3, "p", "ami-12345678", "us-east-1", "\n  wait_for_available = false\n")
	for _, want := range []string{
		`ec2 = "http://127.0.0.1:1"`, `regions     = ["us-east-2", "eu-west-1"]`, "generations = 3",
		`for_each = { for pair in setproduct(local.regions, range(local.generations)) : "${pair[0]}-${pair[1]}" => pair[0] }`,
		"region          = each.value", `name            = "p-${each.key}"`, `source_image_id = "ami-12345678"`,
		"wait_for_available = false",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("FleetConfig lacks %q:\n%s", want, got)
		}
	}
	if len(FleetRegions) != 20 || FleetRegions[len(FleetRegions)-1] != acctest.DefaultSourceRegion {
		t.Errorf("FleetRegions must hold 20 Regions with the source's last, for the 20-Region measure: %v", FleetRegions)
	}
	seen := map[string]bool{}
	for _, r := range FleetRegions {
		if seen[r] {
			t.Errorf("FleetRegions lists %s twice", r)
		}
		seen[r] = true
	}
}

func TestReadBenchSizes(t *testing.T) {
	for _, name := range []string{"AMICOPY_BENCH_LARGE_COPIES", "AMICOPY_BENCH_OWN_IMAGES", "AMICOPY_BENCH_FLEET_REGIONS",
		"AMICOPY_BENCH_FLEET_PER_REGION", "AMICOPY_BENCH_NOWAIT_COPIES", "AMICOPY_BENCH_PHASES"} {
		t.Setenv(name, "")
	}
	s, err := readBenchSizes()
	if err != nil {
		t.Fatal(err)
	}
	if s.largeCopies != 1000 || s.ownImages != 1500 || s.fleetRegions != 10 || s.fleetPerRegion != 100 || s.noWaitCopies != 20 {
		t.Errorf("default sizes = %+v, want the issue's", s)
	}
	for _, phase := range benchPhases {
		if !s.runs(phase) {
			t.Errorf("by default phase %s does not run", phase)
		}
	}

	t.Setenv("AMICOPY_BENCH_PHASES", "fleet, large")
	t.Setenv("AMICOPY_BENCH_FLEET_PER_REGION", "10")
	if s, err = readBenchSizes(); err != nil {
		t.Fatal(err)
	}
	if s.fleetPerRegion != 10 || !s.runs("fleet") || !s.runs("large") || s.runs("binaries") {
		t.Errorf("sizes = %+v", s)
	}
	for name, value := range map[string]string{
		"AMICOPY_BENCH_PHASES":        "fleet,nope",
		"AMICOPY_BENCH_LARGE_COPIES":  "-1",
		"AMICOPY_BENCH_FLEET_REGIONS": "20",
		"AMICOPY_BENCH_NOWAIT_COPIES": "21",
		"AMICOPY_BENCH_OWN_IMAGES":    "many",
	} {
		t.Run(name, func(t *testing.T) {
			t.Setenv(name, value)
			if _, err := readBenchSizes(); err == nil {
				t.Errorf("%s=%s accepted", name, value)
			}
		})
	}
}

func TestParentOfFirstCommit(t *testing.T) {
	dir := t.TempDir()
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("a.txt", "1")
	git("add", ".")
	git("commit", "-q", "-m", "first")
	before := git("rev-parse", "HEAD")
	write("sub/list.go", "1")
	git("add", ".")
	git("commit", "-q", "-m", "adds the file")
	write("sub/list.go", "2")
	git("commit", "-q", "-am", "changes the file")

	got, err := ParentOfFirstCommit(t.Context(), dir, "sub/list.go")
	if err != nil || got != before {
		t.Errorf("ParentOfFirstCommit = %q, %v; want %q", got, err, before)
	}
	if _, err := ParentOfFirstCommit(t.Context(), dir, "missing.go"); err == nil {
		t.Error("ParentOfFirstCommit found a commit that adds a file never added")
	}
}

func TestSummarizeTokens(t *testing.T) {
	t.Parallel()
	calls := []acctest.Call{
		{Action: "CopyImage", DryRun: true, ClientToken: "dry"},
		{Action: "CopyImage", Region: "r1", ClientToken: "a", Fault: acctest.FaultThrottle},
		{Action: "CopyImage", Region: "r1", ClientToken: "a", ReachedMoto: true, ImageIDs: []string{"ami-1"}, Fault: acctest.FaultLostAnswer},
		{Action: "CopyImage", Region: "r1", ClientToken: "a", FromTokenCache: true, ImageIDs: []string{"ami-1"}},
		{Action: "CopyImage", Region: "r2", ClientToken: "a", ReachedMoto: true, ImageIDs: []string{"ami-2"}},
		{Action: "CopyImage", Region: "r1", ClientToken: "b", ReachedMoto: true, ImageIDs: []string{"ami-3"}},
		{Action: "CopyImage", Region: "r1", ClientToken: "b", ReachedMoto: true, ImageIDs: []string{"ami-4"}},
		{Action: "CopyImage", Region: "r1", ReachedMoto: true}, // refused by EC2: no image
		{Action: "DescribeImages", Region: "r1", ClientToken: "c", ImageIDs: []string{"ami-1"}},
	}
	got := SummarizeTokens(calls)
	if got.Requests != 7 || got.Tokens != 4 || got.Accepted != 4 || got.FromTokenCache != 1 || got.WithoutToken != 1 {
		t.Errorf("SummarizeTokens = %+v", got)
	}
	if got.Faulted[acctest.FaultThrottle] != 1 || got.Faulted[acctest.FaultLostAnswer] != 1 {
		t.Errorf("faults = %v", got.Faulted)
	}
	if want := []string{"r1/b"}; !slices.Equal(got.AcceptedTwice, want) {
		t.Errorf("AcceptedTwice = %v, want %v", got.AcceptedTwice, want)
	}
}

func TestCountActions(t *testing.T) {
	t.Parallel()
	got := CountActions([]acctest.Call{{Action: "B"}, {Action: "A"}, {Action: "C"}, {Action: "C"}, {Action: "A"}})
	want := []ActionCount{{"A", 2}, {"C", 2}, {"B", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("CountActions = %v, want %v", got, want)
	}
	if got := PerCopy(25, 10); got != "2.50 (25)" {
		t.Errorf("PerCopy = %q", got)
	}
	if got := PerCopy(3, 0); got != "3 calls" {
		t.Errorf("PerCopy with no copies = %q", got)
	}
}
