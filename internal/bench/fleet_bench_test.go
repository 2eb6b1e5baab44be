package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// The fleet measures' goals and settings, from issue 19.
const (
	// maxFleetRefreshCallsOverRegions is how many DescribeImages a refresh
	// of the fleet may make beyond one per Region (12 for 10 Regions).
	maxFleetRefreshCallsOverRegions = 2
	// maxFleetRefreshWallRatio bounds the refreshing plan of the fleet
	// against the same plan with -refresh=false, in wall time.
	maxFleetRefreshWallRatio = 1.25
	// fleetRuns is how many refreshing and non-refreshing plans of the
	// fleet are timed, interleaved, after one warm-up of each; ownImageRuns
	// the same for the refreshes of measureOwnImages.
	fleetRuns    = 3
	ownImageRuns = 3

	// noWaitPendingPolls is how many DescribeImages answers report each
	// copy of measureNoWait pending: with the waiter's schedule (1, 2, 4,
	// 8, 16 s) a copy is available about 31 s after CopyImage.
	noWaitPendingPolls = 4
	// terraformDefaultParallelism is Terraform's -parallelism when none is
	// given, which measureNoWait leaves to Terraform.
	terraformDefaultParallelism = 10
	// ownImageWorkers make the account's other images at once.
	ownImageWorkers = 4
)

// measureNoWait copies one image into each of sizes.noWaitCopies Regions,
// each copy pending for noWaitPendingPolls polls, at Terraform's default
// -parallelism: once with wait_for_available = false, once with true. It
// counts the waves in which Terraform started the creates (a gap of more
// than the waiter's first poll interval starts a new one: no create that
// waits ends sooner).
func measureNoWait(t *testing.T, b binaries, r *results, sizes benchSizes) {
	t.Helper()
	n := sizes.noWaitCopies
	regions := FleetRegions[:n]
	proxy := acctest.NewProxy(t)
	proxy.SetFaults(acctest.Faults{PendingPolls: noWaitPendingPolls})
	gap := ami.DefaultPollSchedule.Initial

	type outcome struct {
		wall    time.Duration
		waves   int
		pending int
	}
	measure := func(wait bool) outcome {
		wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: b.amicopyDir})
		wd.WriteFile(t, "main.tf", FleetConfig(proxy.URL(), regions, 1, uniquePrefix(fmt.Sprintf("wait-%t", wait)),
			acctest.SourceImageID(), acctest.SourceRegion(), fmt.Sprintf("\n  wait_for_available = %t\n", wait)))
		destroy := destroyAtEnd(t, wd)
		proxy.ResetCalls()
		run := mustTerraform(t, wd, "apply", "-auto-approve", "-input=false")
		calls := proxy.Calls()
		if copies := proxy.CountCopies(); copies != n {
			t.Errorf("the apply with wait_for_available = %t made %d copies, want %d", wait, copies, n)
		}
		o := outcome{wall: run.Wall, waves: Waves(CopyStarts(calls), gap), pending: countInState(t, wd, "state", "pending")}
		t.Logf("apply of %d copies in %d Regions, wait_for_available = %t: %s, %d waves, %d pending in state; %s",
			n, n, wait, run, o.waves, o.pending, SummarizeDescribeImages(calls, acctest.SourceImageID()))
		destroy()
		return o
	}
	noWait := measure(false)
	wait := measure(true)
	proxy.Reset()

	label := fmt.Sprintf("%d copies into %d Regions, each pending %d polls, default -parallelism", n, n, noWaitPendingPolls)
	r.info("no-wait: apply wall time, "+label+", wait_for_available = true / false",
		fmt.Sprintf("%s / %s", seconds(wait.wall), seconds(noWait.wall)))
	r.info("no-wait: waves of creates, wait_for_available = true",
		fmt.Sprintf("%d (ceil(%d / %d) = %d)", wait.waves, n, terraformDefaultParallelism, (n+terraformDefaultParallelism-1)/terraformDefaultParallelism))
	r.goal("no-wait: waves of creates, wait_for_available = false", fmt.Sprint(noWait.waves), "1", noWait.waves == 1)
	r.goal("no-wait: copies still pending when the apply with false ends", fmt.Sprintf("%d of %d", noWait.pending, n),
		fmt.Sprint(n), noWait.pending == n)
	// A create that waited for its copy would hold the apply for at least
	// one wave of the waiting apply.
	wave := wait.wall / time.Duration(max(wait.waves, 1))
	r.goal("no-wait: apply wall time with false / one wave of the apply with true",
		fmt.Sprintf("%s / %s", seconds(noWait.wall), seconds(wave)), "< 1 wave", noWait.wall < wave)
}

// measureFleetRefresh puts sizes.fleetPerRegion copies into each of
// sizes.fleetRegions Regions, as one resource with for_each, and measures
// refreshing plans against plans with -refresh=false: the DescribeImages
// calls of a refresh and the wall times.
func measureFleetRefresh(t *testing.T, b binaries, r *results, sizes benchSizes) {
	t.Helper()
	regions := FleetRegions[:sizes.fleetRegions]
	copies := len(regions) * sizes.fleetPerRegion
	proxy := acctest.NewProxy(t)
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: b.amicopyDir})
	wd.WriteFile(t, "main.tf", FleetConfig(proxy.URL(), regions, sizes.fleetPerRegion, uniquePrefix("fleet"), acctest.SourceImageID(), acctest.SourceRegion(), ""))
	// No destroy, as in measureLargeOverhead: the run's moto goes with the
	// run, and no later measure uses these Regions.
	apply := mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", largeApplyParallelism))
	t.Logf("fleet apply of %d copies in %d Regions: %s", copies, len(regions), apply)

	var refreshWalls, plainWalls []time.Duration
	var calls []int
	for i := range fleetRuns + 1 {
		proxy.ResetCalls()
		refresh := mustPlan(t, wd)
		summary := SummarizeDescribeImages(proxy.Calls(), acctest.SourceImageID())
		proxy.ResetCalls()
		plain := mustPlan(t, wd, "-refresh=false")
		if n := len(proxy.Calls()); n != 0 {
			t.Errorf("a plan with -refresh=false made %d EC2 calls, want none", n)
		}
		t.Logf("fleet plan %d: refreshing %s, %d DescribeImages; -refresh=false %s", i, refresh, summary.Calls, plain)
		if i == 0 {
			continue // warm-up
		}
		refreshWalls = append(refreshWalls, refresh.Wall)
		plainWalls = append(plainWalls, plain.Wall)
		calls = append(calls, summary.Calls)
	}
	label := fmt.Sprintf("%d copies in %d Regions (for_each)", copies, len(regions))
	limit := len(regions) + maxFleetRefreshCallsOverRegions
	r.goal(fmt.Sprintf("fleet refresh: DescribeImages per plan, %s, worst of %d", label, fleetRuns),
		fmt.Sprintf("%d (%s)", maxInt(calls), joinInts(calls)), fmt.Sprintf("<= %d", limit), maxInt(calls) <= limit)
	refresh, plain := Median(refreshWalls), Median(plainWalls)
	r.info(fmt.Sprintf("fleet refresh: plan wall time, %s, refreshing / -refresh=false (median of %d)", label, fleetRuns),
		fmt.Sprintf("%s / %s", seconds(refresh), seconds(plain)))
	ratio := float64(refresh) / float64(plain)
	r.goal("fleet refresh: refreshing plan / -refresh=false plan, wall", fmt.Sprintf("%.2fx", ratio),
		fmt.Sprintf("<= %.2fx", maxFleetRefreshWallRatio), ratio <= maxFleetRefreshWallRatio)
}

// measureOwnImages refreshes the copies in wd, in an account that owns
// sizes.ownImages images in their Region, with this build and with the
// build from just before the refresh listed the account's images, against
// the same state and the same moto, and counts DescribeImages.
func measureOwnImages(t *testing.T, r *results, sizes benchSizes, wd *acctest.Workdir, proxy *acctest.Proxy) {
	t.Helper()
	ctx := t.Context()
	commit, err := ParentOfFirstCommit(ctx, ".", ":(top)internal/ami/ownlist.go")
	if err != nil {
		t.Fatal(err)
	}
	beforeDir := t.TempDir()
	if _, err := GoBuildAt(ctx, ".", commit, beforeDir, "terraform-provider-amicopy"); err != nil {
		t.Fatal(err)
	}
	before := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: beforeDir})
	for _, file := range []string{"main.tf", "terraform.tfstate"} {
		content, err := os.ReadFile(filepath.Join(wd.Dir, file))
		if err != nil {
			t.Fatal(err)
		}
		before.WriteFile(t, file, string(content))
	}
	owned := countImages(t, []string{acctest.Region()}, "")
	managed := countInState(t, wd, "", "")

	var now, then []int
	for i := range ownImageRuns + 1 {
		for _, s := range []struct {
			wd    *acctest.Workdir
			calls *[]int
		}{{wd, &now}, {before, &then}} {
			proxy.ResetCalls()
			run := mustPlan(t, s.wd)
			n := proxy.Count("DescribeImages")
			t.Logf("refresh of %d managed copies among %d own images (%s build) %d: %s, %d DescribeImages",
				managed, owned, map[bool]string{true: "this", false: "before"}[s.wd == wd], i, run, n)
			if i > 0 {
				*s.calls = append(*s.calls, n)
			}
		}
	}
	r.goal(fmt.Sprintf("own images: DescribeImages per refresh, %d managed copies among %d own AMIs in one Region (the others made first), this build / before the listing (%.7s), worst / best of %d",
		managed, owned, commit, ownImageRuns),
		fmt.Sprintf("%d / %d (%s / %s)", maxInt(now), minInt(then), joinInts(now), joinInts(then)),
		"this <= before", maxInt(now) <= minInt(then))
	if owned != sizes.ownImages {
		t.Errorf("the account owns %d images in %s, want %d", owned, acctest.Region(), sizes.ownImages)
	}
}

// addOwnImages makes n images of the account's in region, directly through
// the SDK and several at once: images the configuration does not manage.
func addOwnImages(t *testing.T, region string, n int, prefix string) {
	t.Helper()
	client := acctest.EC2Client(t, region)
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	start := time.Now()
	for range ownImageWorkers {
		wg.Go(func() {
			for i := range work {
				_, err := client.CopyImage(t.Context(), &ec2.CopyImageInput{
					Name:          aws.String(fmt.Sprintf("%s-%d", prefix, i)),
					SourceImageId: aws.String(acctest.SourceImageID()),
					SourceRegion:  aws.String(acctest.SourceRegion()),
					ClientToken:   aws.String(fmt.Sprintf("%s-%d", prefix, i)),
				})
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("making the account's other images: %v", firstErr)
	}
	t.Logf("made %d other images in %s in %s", n, region, time.Since(start).Round(time.Millisecond))
}

// countInState counts the resource instances in wd's state whose attribute
// has value; an empty attribute counts every instance.
func countInState(t *testing.T, wd *acctest.Workdir, attribute, value string) int {
	t.Helper()
	content, err := os.ReadFile(filepath.Join(wd.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	n, err := CountStateInstances(content, attribute, value)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// minInt returns the smallest value, or 0 for none.
func minInt(values []int) int {
	if len(values) == 0 {
		return 0
	}
	m := values[0]
	for _, v := range values[1:] {
		m = min(m, v)
	}
	return m
}
