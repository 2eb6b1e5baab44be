package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/bench/minimalprovider"
)

// The benchmark's sizes and goals, from the issue that set them.
const (
	// waitCopies copies are created in one apply, each pending for
	// waitPendingPolls DescribeImages answers.
	waitCopies       = 20
	waitPendingPolls = 3
	// maxDescribeImagesPerWaitedCopy is the goal for that apply: a
	// one-poller-per-image design needs at least waitPendingPolls+1.
	maxDescribeImagesPerWaitedCopy = 1.0

	// stateCopies copies are in state for the plans.
	stateCopies = 100
	// maxDescribeImagesPerRefresh is the goal for a refreshing plan, per
	// resource in state.
	maxDescribeImagesPerRefresh = 0.25
	// maxProviderCPURatio bounds the CPU time of amicopy's provider
	// processes over a non-refreshing plan against the minimal framework
	// provider's, at stateCopies and at sizes.largeCopies resources: at most
	// the same.
	maxProviderCPURatio = 1.0
	// maxSharedWallRatio bounds a non-refreshing plan over shared copies
	// against the same plan over the minimal provider, in wall time
	// (TestBenchSharing).
	maxSharedWallRatio = 2.0
	// maxPlainBinaryBytes and maxReleaseBinaryBytes bound the binary sizes,
	// in decimal megabytes (the stricter reading of "MB").
	maxPlainBinaryBytes   = 40_000_000
	maxReleaseBinaryBytes = 30_000_000

	// timingRuns is how many times each refreshing plan runs after one
	// warm-up run, overheadRuns the same for each non-refreshing plan (they
	// are cheap, and more runs steady the ratio on a busy machine), and
	// startRuns how many times each binary is started.
	// largeOverheadRuns is overheadRuns for sizes.largeCopies, whose plans
	// take seconds each.
	timingRuns        = 5
	overheadRuns      = 7
	largeOverheadRuns = 5
	startRuns         = 15

	// applyParallelism is -parallelism for the applies and destroys that
	// only set up or clean up, largeApplyParallelism for the applies of
	// sizes.largeCopies and of the fleet.
	applyParallelism      = 20
	largeApplyParallelism = 100
	// commandTimeout bounds any one Terraform command.
	commandTimeout = 15 * time.Minute
)

// TestMain starts moto and the proxy only for the benchmark and the soak
// themselves, so the helpers' unit tests run in `make test` without them.
func TestMain(m *testing.M) {
	if os.Getenv("AMICOPY_BENCH") == "" && os.Getenv("AMICOPY_SOAK") == "" {
		os.Exit(m.Run())
	}
	os.Exit(acctest.Run(m))
}

// TestBench measures every goal in one run, prints the results table and
// then fails for each goal that does not hold.
func TestBench(t *testing.T) {
	if os.Getenv("AMICOPY_BENCH") != "1" {
		t.Skip("set AMICOPY_BENCH=1 (and TF_ACC=1) to run the benchmark: make bench")
	}
	acctest.SkipOnRealAWS(t, "the benchmark counts calls at the fault proxy in front of moto")
	acctest.PreCheck(t)
	machine, err := DescribeMachine(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &results{}
	// Deferred, so that a phase that stops the test still leaves the
	// figures measured before it.
	defer func() {
		fmt.Printf("\nBenchmark on %s\n\n%s\n", machine, FormatTable(r.rows))
		for _, failure := range r.failures {
			t.Error(failure)
		}
	}()
	sizes, err := readBenchSizes()
	if err != nil {
		t.Fatal(err)
	}
	bins := buildBinaries(t)
	if sizes.runs("binaries") {
		measureBinaries(t, bins, r)
	}
	if sizes.runs("waiting") {
		measureWaiting(t, bins, r)
	}
	if sizes.runs("nowait") {
		measureNoWait(t, bins, r, sizes)
	}
	if sizes.runs("plans") {
		measurePlans(t, bins, r)
	}
	if sizes.runs("fleet") {
		measureFleetRefresh(t, bins, r, sizes)
	}
	if sizes.runs("large") {
		// The account's other images are made before the managed copies,
		// so that a listing's first page holds some of each.
		extra := sizes.ownImages - sizes.largeCopies
		if extra > 0 {
			addOwnImages(t, acctest.Region(), extra, uniquePrefix("own"))
		}
		wd, proxy := measureLargeOverhead(t, bins, r, sizes.largeCopies)
		measureOwnImages(t, r, sizes, wd, proxy)
	}
}

// results collects the table rows and the goals that failed.
type results struct {
	rows     []Row
	failures []string
}

// info adds a row without a goal.
func (r *results) info(measure, value string) {
	r.rows = append(r.rows, Row{Measure: measure, Value: value})
}

// goal adds a row with a goal and remembers a failure.
func (r *results) goal(measure, value, goal string, holds bool) {
	r.rows = append(r.rows, Row{Measure: measure, Value: value, Goal: goal, Verdict: Verdict(holds)})
	if !holds {
		r.failures = append(r.failures, fmt.Sprintf("goal not met: %s is %s, want %s", measure, value, goal))
	}
}

// binaries are the provider builds the benchmark uses.
type binaries struct {
	amicopyDir     string // dev_overrides folder of the plain build
	amicopyPlain   string
	amicopyRelease string
	minimalDir     string
	minimal        string
}

// amicopyProvider is the plain amicopy build, as an overhead subject's
// provider.
func (b binaries) amicopyProvider() subjectProvider {
	return subjectProvider{address: acctest.ProviderAddress, binary: b.amicopyPlain}
}

// minimalProvider is the minimal provider, as an overhead subject's
// provider.
func (b binaries) minimalProvider() subjectProvider {
	return subjectProvider{address: minimalprovider.Address, binary: b.minimal}
}

// buildBinaries builds amicopy plainly and as a release would, and the
// minimal provider plainly.
func buildBinaries(t *testing.T) binaries {
	t.Helper()
	ctx := t.Context()
	var b binaries
	b.amicopyDir = acctest.BuildProvider(t)
	b.amicopyPlain = filepath.Join(b.amicopyDir, "terraform-provider-amicopy")
	var err error
	if b.amicopyRelease, err = GoBuild(ctx, t.TempDir(), "terraform-provider-amicopy", AmicopyPackage, ReleaseBuildFlags...); err != nil {
		t.Fatal(err)
	}
	b.minimalDir = t.TempDir()
	if b.minimal, err = GoBuild(ctx, b.minimalDir, minimalprovider.BinaryName, MinimalPackage); err != nil {
		t.Fatal(err)
	}
	return b
}

// measureBinaries reports sizes and bare start times.
func measureBinaries(t *testing.T, b binaries, r *results) {
	t.Helper()
	sizes := map[string]int64{}
	for _, path := range []string{b.amicopyPlain, b.amicopyRelease, b.minimal} {
		size, err := FileSize(path)
		if err != nil {
			t.Fatal(err)
		}
		sizes[path] = size
	}
	r.goal("size: amicopy, go build", megabytes(sizes[b.amicopyPlain]), "<= 40 MB", sizes[b.amicopyPlain] <= maxPlainBinaryBytes)
	r.goal("size: amicopy, -trimpath -ldflags \"-s -w\"", megabytes(sizes[b.amicopyRelease]), "<= 30 MB", sizes[b.amicopyRelease] <= maxReleaseBinaryBytes)
	r.info("size: minimal provider, go build", megabytes(sizes[b.minimal]))

	for _, bin := range []struct{ name, path string }{
		{"start: amicopy, go build", b.amicopyPlain},
		{"start: amicopy, release build", b.amicopyRelease},
		{"start: minimal provider", b.minimal},
	} {
		times, err := StartTimes(t.Context(), bin.path, startRuns)
		if err != nil {
			t.Fatal(err)
		}
		r.info(bin.name, fmt.Sprintf("%s (median of %d)", millis(Median(times)), startRuns))
	}
}

// measureWaiting creates waitCopies copies in one apply through a proxy
// that reports each pending for its first polls, and counts DescribeImages.
func measureWaiting(t *testing.T, b binaries, r *results) {
	t.Helper()
	proxy := acctest.NewProxy(t)
	proxy.SetFaults(acctest.Faults{PendingPolls: waitPendingPolls})
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: b.amicopyDir})
	wd.WriteFile(t, "main.tf", AmicopyConfig(proxy.URL(), waitCopies, uniquePrefix("wait"), acctest.SourceImageID(), acctest.SourceRegion()))
	destroy := destroyAtEnd(t, wd)

	proxy.ResetCalls()
	elapsed := mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", waitCopies)).Wall
	calls := proxy.Calls()
	summary := SummarizeDescribeImages(calls, acctest.SourceImageID())
	t.Logf("waiting apply: %s", summary)
	if copies := proxy.CountCopies(); copies != waitCopies {
		t.Errorf("the apply made %d copies, want %d", copies, waitCopies)
	}

	perCopy := float64(summary.Calls) / waitCopies
	r.goal(fmt.Sprintf("wait: DescribeImages per copy (%d copies, %d pending polls)", waitCopies, waitPendingPolls),
		fmt.Sprintf("%.2f (%d calls)", perCopy, summary.Calls), fmt.Sprintf("<= %.2f", maxDescribeImagesPerWaitedCopy), perCopy <= maxDescribeImagesPerWaitedCopy)
	r.info("wait: of those, calls naming the source (preflight)", fmt.Sprintf("%d (%d only the source)", summary.NamingSource, summary.SourceOnly))
	r.info("wait: IDs per DescribeImages call", fmt.Sprintf("%.1f", summary.IDsPerCall()))
	r.info("wait: apply wall time", seconds(elapsed))

	proxy.Reset()
	destroy()
}

// measurePlans puts stateCopies copies, minimal items and terraform_data
// resources in three states and times plans over them.
func measurePlans(t *testing.T, b binaries, r *results) {
	t.Helper()
	proxy := acctest.NewProxy(t)
	prefix := uniquePrefix("plan")
	parallelism := fmt.Sprintf("-parallelism=%d", applyParallelism)

	amicopy := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: b.amicopyDir})
	amicopy.WriteFile(t, "main.tf", AmicopyConfig(proxy.URL(), stateCopies, prefix, acctest.SourceImageID(), acctest.SourceRegion()))
	minimal := acctest.NewWorkdir(t, map[string]string{minimalprovider.Address: b.minimalDir})
	minimal.WriteFile(t, "main.tf", MinimalConfig(stateCopies, prefix, acctest.SourceImageID(), acctest.SourceRegion()))
	floor := acctest.NewWorkdir(t, nil)
	floor.WriteFile(t, "main.tf", TerraformDataConfig(stateCopies, prefix))

	var destroys []func()
	for _, wd := range []*acctest.Workdir{amicopy, minimal, floor} {
		destroys = append(destroys, destroyAtEnd(t, wd))
		mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", parallelism)
	}

	// Refreshing plans over the copies, counting DescribeImages each time.
	var refreshTimes []time.Duration
	var refreshCalls []int
	permissionReads := 0
	for i := range timingRuns + 1 {
		proxy.ResetCalls()
		run := mustPlan(t, amicopy)
		summary := SummarizeDescribeImages(proxy.Calls(), acctest.SourceImageID())
		t.Logf("refreshing plan %d: %s, %s", i, run, summary)
		if i == 0 {
			continue // warm-up
		}
		refreshTimes = append(refreshTimes, run.Wall)
		refreshCalls = append(refreshCalls, summary.Calls)
		permissionReads = max(permissionReads, proxy.Count("DescribeImageAttribute")+proxy.Count("DescribeSnapshotAttribute"))
	}
	worst := maxInt(refreshCalls)
	perResource := float64(worst) / stateCopies
	r.goal(fmt.Sprintf("refresh: DescribeImages per resource (plan of %d, worst of %d)", stateCopies, timingRuns),
		fmt.Sprintf("%.2f (%s calls)", perResource, joinInts(refreshCalls)), fmt.Sprintf("<= %.2f", maxDescribeImagesPerRefresh), perResource <= maxDescribeImagesPerRefresh)
	r.info("refresh: plan wall time (median)", seconds(Median(refreshTimes)))
	r.goal("refresh: permission reads of copies that share nothing (worst)", fmt.Sprint(permissionReads), "0", permissionReads == 0)

	proxy.ResetCalls()
	measureOverhead(t, r, stateCopies, overheadRuns, goalProviderCPU, []overheadSubject{
		{"amicopy_image", amicopy, b.amicopyProvider()}, {"minimal_item", minimal, b.minimalProvider()}, {"terraform_data", floor, subjectProvider{}},
	})
	if n := len(proxy.Calls()); n != 0 {
		t.Errorf("plans with -refresh=false made %d EC2 calls, want none", n)
	}

	for _, destroy := range destroys {
		destroy()
	}
}

// measureLargeOverhead measures the overhead goal again with count
// resources in state. It returns the folder that holds the
// copies and the proxy its configuration names, for measureOwnImages.
func measureLargeOverhead(t *testing.T, b binaries, r *results, count int) (*acctest.Workdir, *acctest.Proxy) {
	t.Helper()
	proxy := acctest.NewProxy(t)
	prefix := uniquePrefix("large")
	amicopy := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: b.amicopyDir})
	amicopy.WriteFile(t, "main.tf", AmicopyConfig(proxy.URL(), count, prefix, acctest.SourceImageID(), acctest.SourceRegion()))
	minimal := acctest.NewWorkdir(t, map[string]string{minimalprovider.Address: b.minimalDir})
	minimal.WriteFile(t, "main.tf", MinimalConfig(count, prefix, acctest.SourceImageID(), acctest.SourceRegion()))
	floor := acctest.NewWorkdir(t, nil)
	floor.WriteFile(t, "main.tf", TerraformDataConfig(count, prefix))
	// No destroy: destroying 1,000 copies takes minutes and measures
	// nothing, and the run's moto, which holds them, stops when the run
	// ends. Later measures are unaffected: they count calls per copy of
	// their own, and plans with -refresh=false call no EC2.
	for _, wd := range []*acctest.Workdir{amicopy, minimal, floor} {
		mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", largeApplyParallelism))
	}
	proxy.ResetCalls()
	measureOverhead(t, r, count, largeOverheadRuns, goalProviderCPU, []overheadSubject{
		{"amicopy_image", amicopy, b.amicopyProvider()}, {"minimal_item", minimal, b.minimalProvider()}, {"terraform_data", floor, subjectProvider{}},
	})
	if n := len(proxy.Calls()); n != 0 {
		t.Errorf("plans with -refresh=false made %d EC2 calls, want none", n)
	}
	return amicopy, proxy
}

// overheadGoal is the goal measureOverhead checks.
type overheadGoal int

const (
	// goalProviderCPU: the provider process's CPU time over a
	// non-refreshing plan is at most the minimal provider's (issue 19,
	// part 4); the wall ratio is reported.
	goalProviderCPU overheadGoal = iota
	// goalWall: the plan's wall time is at most maxSharedWallRatio times
	// the minimal provider's, the goal TestBenchSharing was given; the
	// provider processes' CPU is reported.
	goalWall
)

// overheadSubject is a folder whose non-refreshing plan is timed, and the
// provider it plans with (none for terraform_data).
type overheadSubject struct {
	name     string
	wd       *acctest.Workdir
	provider subjectProvider
}

// subjectProvider is a provider's address and binary.
type subjectProvider struct {
	address, binary string
}

// measureOverhead times runs non-refreshing plans over each subject (after
// one warm-up), interleaved so that any drift in the machine's speed
// touches all alike, and reports the first subject's median wall and CPU
// time against the second's. The first subject is amicopy and the second
// the minimal provider; a third, if any, is reported against the first as
// the floor. It then checks the overhead goal on the provider processes'
// CPU time alone (measureSplit).
func measureOverhead(t *testing.T, r *results, count, runs int, goal overheadGoal, subjects []overheadSubject) {
	t.Helper()
	walls := make([][]time.Duration, len(subjects))
	cpus := make([][]time.Duration, len(subjects))
	for i := range runs + 1 {
		for n, s := range subjects {
			run := mustPlan(t, s.wd, "-refresh=false")
			if i > 0 {
				walls[n] = append(walls[n], run.Wall)
				cpus[n] = append(cpus[n], run.CPU)
			}
		}
	}
	for n, s := range subjects {
		t.Logf("plan -refresh=false over %d %s: wall %v, CPU %v", count, s.name, walls[n], cpus[n])
		r.info(fmt.Sprintf("overhead: plan -refresh=false, %d %s (median of %d, wall / CPU)", count, s.name, runs),
			fmt.Sprintf("%s / %s", seconds(Median(walls[n])), seconds(Median(cpus[n]))))
	}
	label := fmt.Sprintf("%d %s", count, subjects[0].name)
	wallMeasure := fmt.Sprintf("overhead: %s / %s, wall", label, subjects[1].name)
	wallRatio := float64(Median(walls[0])) / float64(Median(walls[1]))
	if goal == goalWall {
		r.goal(wallMeasure, fmt.Sprintf("%.2fx", wallRatio), fmt.Sprintf("<= %.1fx", maxSharedWallRatio), wallRatio <= maxSharedWallRatio)
	} else {
		r.info(wallMeasure, fmt.Sprintf("%.2fx", wallRatio))
	}
	r.info(fmt.Sprintf("overhead: %s / %s, CPU", label, subjects[1].name), fmt.Sprintf("%.2fx", float64(Median(cpus[0]))/float64(Median(cpus[1]))))
	if len(subjects) > 2 {
		r.info(fmt.Sprintf("overhead: %s / %s, wall", label, subjects[2].name), fmt.Sprintf("%.2fx", float64(Median(walls[0]))/float64(Median(walls[2]))))
	}
	providers := measureSplit(t, r, count, subjects[0], subjects[1], Median(cpus[1]))
	// The goal is on the provider process alone: Terraform's own work over
	// a state grows with the attributes of every resource in it, which no
	// provider controls, so a whole-plan ratio measures Terraform (see
	// CONTRIBUTING.md, Performance).
	mine, theirs := providers[subjects[0].name], providers[subjects[1].name]
	if goal != goalProviderCPU {
		r.info(fmt.Sprintf("overhead: provider process CPU, %s / %s (plan -refresh=false, median of %d)", label, subjects[1].name, splitRuns),
			fmt.Sprintf("%s / %s (%.2fx)", seconds(mine), seconds(theirs), float64(mine)/float64(theirs)))
		return
	}
	r.goal(fmt.Sprintf("overhead: provider process CPU, %s / %s (plan -refresh=false, median of %d)", label, subjects[1].name, splitRuns),
		fmt.Sprintf("%s / %s (%.2fx)", seconds(mine), seconds(theirs), float64(mine)/float64(theirs)),
		fmt.Sprintf("<= %.2fx", maxProviderCPURatio), float64(mine) <= maxProviderCPURatio*float64(theirs))
}

// splitRuns is how many plans measureSplit makes per subject.
const splitRuns = 9

// measureSplit splits the CPU time of the non-refreshing plans over the
// first two subjects into Terraform's own and the provider processes'
// (see split.go), and reports the floor this sets on the overhead goal:
// Terraform's own CPU time over amicopy's state against the whole plan over
// the minimal provider's. No change to amicopy's provider process can bring
// the CPU ratio below that floor. The subjects take turns, plan by plan,
// so that a change in the machine's load while it measures falls on both.
//
// It returns the median CPU time of each subject's provider processes, by
// subject name.
func measureSplit(t *testing.T, r *results, count int, amicopy, minimal overheadSubject, minimalCPU time.Duration) map[string]time.Duration {
	t.Helper()
	subjects := []overheadSubject{amicopy, minimal}
	logs := make([]string, len(subjects))
	wds := make([]*acctest.Workdir, len(subjects))
	for n, s := range subjects {
		logs[n] = filepath.Join(t.TempDir(), "times.log")
		wrapperDir, err := WriteCPUWrapper(t.TempDir(), s.provider.binary, logs[n])
		if err != nil {
			t.Fatal(err)
		}
		wds[n] = acctest.NewWorkdir(t, map[string]string{s.provider.address: wrapperDir})
		for _, file := range []string{"main.tf", "terraform.tfstate"} {
			content, err := os.ReadFile(filepath.Join(s.wd.Dir, file))
			if err != nil {
				t.Fatal(err)
			}
			wds[n].WriteFile(t, file, string(content))
		}
	}
	own := make([][]time.Duration, len(subjects))
	providers := make([][]time.Duration, len(subjects))
	for range splitRuns {
		for n := range subjects {
			if err := os.Remove(logs[n]); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			run := mustPlan(t, wds[n], "-refresh=false")
			content, err := os.ReadFile(logs[n])
			if err != nil {
				t.Fatalf("the CPU wrapper wrote no log: %v", err)
			}
			provider, err := ChildrenCPU(string(content))
			if err != nil {
				t.Fatal(err)
			}
			own[n] = append(own[n], run.CPU-provider)
			providers[n] = append(providers[n], provider)
		}
	}
	terraformCPU := map[string]time.Duration{}
	providerCPU := map[string]time.Duration{}
	for n, s := range subjects {
		t.Logf("plan -refresh=false over %d %s: Terraform CPU %v, provider processes' CPU %v", count, s.name, own[n], providers[n])
		terraformCPU[s.name] = Median(own[n])
		providerCPU[s.name] = Median(providers[n])
		r.info(fmt.Sprintf("overhead split: %d %s, CPU of Terraform / of the provider (median of %d)", count, s.name, splitRuns),
			fmt.Sprintf("%s / %s", seconds(Median(own[n])), seconds(Median(providers[n]))))
	}
	r.info(fmt.Sprintf("overhead floor: Terraform's own CPU over %d %s / whole plan over %s", count, amicopy.name, minimal.name),
		fmt.Sprintf("%.2fx", float64(terraformCPU[amicopy.name])/float64(minimalCPU)))
	return providerCPU
}

// mustPlan runs terraform plan with args, checks that it plans no changes
// and returns what it cost.
func mustPlan(t *testing.T, wd *acctest.Workdir, args ...string) Run {
	t.Helper()
	args = append([]string{"plan", "-input=false"}, args...)
	run := mustTerraform(t, wd, args...)
	if !strings.Contains(run.Stdout, "No changes.") {
		t.Fatalf("terraform %s planned changes over a state that matches the configuration:\n%s", strings.Join(args, " "), run.Stdout)
	}
	return run
}

// mustTerraform runs a terraform command, fails the test if it fails and
// returns what it cost.
func mustTerraform(t *testing.T, wd *acctest.Workdir, args ...string) Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), commandTimeout)
	defer cancel()
	run, err := RunCommand(wd.Command(ctx, args...))
	if err != nil {
		t.Fatalf("terraform %s: %v\n%s\n%s", strings.Join(args, " "), err, run.Stdout, run.Stderr)
	}
	return run
}

// destroyAtEnd returns a function that destroys what the folder's state
// holds, and makes sure it runs when the test ends, even after a failure.
// Call the function to destroy earlier; it does its work only once.
func destroyAtEnd(t *testing.T, wd *acctest.Workdir) func() {
	t.Helper()
	done := false
	destroy := func() {
		if done {
			return
		}
		done = true
		// Not the test's context: a failed or cancelled test must still
		// clean up.
		ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
		defer cancel()
		stdout, stderr, err := wd.Terraform(ctx, "destroy", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", applyParallelism))
		if err != nil {
			t.Errorf("terraform destroy: %v\n%s\n%s", err, stdout, stderr)
		}
	}
	t.Cleanup(destroy)
	return destroy
}

// uniquePrefix names this run's resources, so a rerun against the same moto
// never meets an earlier run's AMI names.
func uniquePrefix(what string) string {
	return fmt.Sprintf("bench-%s-%d", what, time.Now().UnixNano())
}

// megabytes formats a size in decimal megabytes, with MiB beside it.
func megabytes(n int64) string {
	return fmt.Sprintf("%.1f MB (%.1f MiB)", float64(n)/1e6, float64(n)/(1<<20))
}

// seconds formats a duration in seconds.
func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// millis formats a duration in milliseconds.
func millis(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

// maxInt returns the largest value, or 0 for none.
func maxInt(values []int) int {
	m := 0
	for _, v := range values {
		m = max(m, v)
	}
	return m
}

// joinInts lists values separated by slashes.
func joinInts(values []int) string {
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "/")
}
