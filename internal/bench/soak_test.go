package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// The soak's settings, from issue 19. SOAK_COPIES, SOAK_REGIONS and
// SOAK_PARALLELISM change the size.
const (
	// soakThrottleRate is the share of every call throttled.
	soakThrottleRate = 0.25
	// soakLostAnswersPer is one lost CopyImage answer per this many copies
	// (at least 2).
	soakLostAnswersPer = 50
	// soakPendingPolls keeps each copy pending for one poll, so that the
	// interrupt finds creates waiting as well as creates copying.
	soakPendingPolls = 1
	// soakSeed fixes the faults' random draws.
	soakSeed = 19
	// soakMaxWall is the limit on the whole soak, on two cores.
	soakMaxWall = 20 * time.Minute
	// soakParallelism is the soak's -parallelism: each create waits about
	// 3 s for its copy whatever the machine, so at Terraform's default of
	// 10 the waits alone would take 1,000 copies past soakMaxWall (100
	// copies took 2m12s at 10 on two busy cores).
	soakParallelism = 30
	// soakCommandTimeout bounds any one Terraform command of the soak.
	soakCommandTimeout = 18 * time.Minute
)

// TestSoak copies one image soakCopies times across soakRegions Regions
// through the fault proxy (25 % throttling, lost CopyImage answers),
// interrupts the apply with SIGINT when half the copies are made, applies
// again, and destroys, and checks: exactly one AMI per copy after the
// second apply, no ClientToken that made two copies, nothing left after the
// destroy. It prints the calls per copy. `make soak`; not part of `make
// test` or `make bench`.
func TestSoak(t *testing.T) {
	if os.Getenv("AMICOPY_SOAK") != "1" {
		t.Skip("set AMICOPY_SOAK=1 (and TF_ACC=1) to run the soak: make soak")
	}
	acctest.SkipOnRealAWS(t, "the soak injects faults at the proxy in front of moto")
	acctest.PreCheck(t)
	copies, err := envInt("SOAK_COPIES", 1000)
	if err != nil {
		t.Fatal(err)
	}
	regionCount, err := envInt("SOAK_REGIONS", 10)
	if err != nil {
		t.Fatal(err)
	}
	parallelism, err := envInt("SOAK_PARALLELISM", soakParallelism)
	if err != nil {
		t.Fatal(err)
	}
	if regionCount > len(FleetRegions) || copies%regionCount != 0 {
		t.Fatalf("SOAK_COPIES=%d over SOAK_REGIONS=%d: want at most %d Regions, each with the same number of copies", copies, regionCount, len(FleetRegions))
	}
	regions := FleetRegions[:regionCount]
	machine, err := DescribeMachine(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	r := &results{}
	defer func() {
		fmt.Printf("\nSoak on %s: %d copies in %d Regions, -parallelism=%d, %.0f %% throttled, %d CopyImage answers lost, SIGINT at half; %s in all\n\n%s\n",
			machine, copies, regionCount, parallelism, soakThrottleRate*100, lostAnswers(copies), time.Since(start).Round(time.Second), FormatTable(r.rows))
		for _, failure := range r.failures {
			t.Error(failure)
		}
	}()

	snapshotsBefore := countOwnSnapshots(t, regions)
	proxy := acctest.NewProxy(t)
	proxy.SetFaults(acctest.Faults{
		Seed:                 soakSeed,
		ThrottleRate:         soakThrottleRate,
		LoseCopyImageAnswers: lostAnswers(copies),
		PendingPolls:         soakPendingPolls,
	})
	prefix := uniquePrefix("soak")
	wd := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: acctest.BuildProvider(t)})
	wd.WriteFile(t, "main.tf", FleetConfig(proxy.URL(), regions, copies/regionCount, prefix, acctest.SourceImageID(), acctest.SourceRegion(), ""))
	flag := fmt.Sprintf("-parallelism=%d", parallelism)

	// 1. An apply, interrupted when half the copies are made.
	interrupted, made := interruptedApply(t, wd, proxy, copies/2, "apply", "-auto-approve", "-input=false", flag)
	r.info("1. apply, SIGINT when half the copies were made: wall time", seconds(interrupted.Wall))
	r.info("1. copies made by then / AMIs in EC2 after Terraform exited / copies in state",
		fmt.Sprintf("%d / %d / %d", made, countImages(t, regions, prefix), countInState(t, wd, "", "")))

	// 2. A second apply, which must converge.
	second := soakTerraform(t, wd, "apply", "-auto-approve", "-input=false", flag)
	amis := countImages(t, regions, prefix)
	r.info("2. second apply: wall time", seconds(second.Wall))
	r.goal("2. AMIs in EC2 after the second apply", fmt.Sprint(amis), fmt.Sprint(copies), amis == copies)
	inState := countInState(t, wd, "", "")
	r.goal("2. copies in state after the second apply", fmt.Sprint(inState), fmt.Sprint(copies), inState == copies)
	plan := soakTerraform(t, wd, "plan", "-input=false", "-detailed-exitcode")
	r.goal("2. refreshing plan after the second apply", planOutcome(plan), "no changes", strings.Contains(plan.Stdout, "No changes."))
	applyCalls := proxy.Calls()

	// 3. A destroy, after which nothing of the copies is left.
	proxy.ResetCalls()
	destroy := soakTerraform(t, wd, "destroy", "-auto-approve", "-input=false", flag)
	r.info("3. destroy: wall time", seconds(destroy.Wall))
	left := countImages(t, regions, prefix)
	r.goal("3. AMIs left after the destroy", fmt.Sprint(left), "0", left == 0)
	snapshotsLeft := countOwnSnapshots(t, regions) - snapshotsBefore
	r.goal("3. snapshots left after the destroy (own snapshots, against before the soak)", fmt.Sprint(snapshotsLeft), "0", snapshotsLeft == 0)
	destroyCalls := proxy.Calls()

	// What the faults cost.
	tokens := SummarizeTokens(applyCalls)
	r.goal("tokens: ClientTokens that made more than one AMI", fmt.Sprint(len(tokens.AcceptedTwice)), "0", len(tokens.AcceptedTwice) == 0)
	if len(tokens.AcceptedTwice) > 0 {
		t.Logf("tokens that made more than one AMI: %s", strings.Join(tokens.AcceptedTwice, ", "))
	}
	r.info("tokens: CopyImage requests / tokens / copies made / answered from a token",
		fmt.Sprintf("%d / %d / %d / %d", tokens.Requests, tokens.Tokens, tokens.Accepted, tokens.FromTokenCache))
	r.info("tokens: CopyImage requests throttled / answers lost / without a token",
		fmt.Sprintf("%d / %d / %d", tokens.Faulted[acctest.FaultThrottle], tokens.Faulted[acctest.FaultLostAnswer], tokens.WithoutToken))
	for _, phase := range []struct {
		name  string
		calls []acctest.Call
	}{{"applies and plan", applyCalls}, {"destroy", destroyCalls}} {
		throttled := 0
		for _, c := range phase.calls {
			if c.Fault == acctest.FaultThrottle {
				throttled++
			}
		}
		r.info(fmt.Sprintf("calls per copy, %s: all (throttled)", phase.name),
			fmt.Sprintf("%s (%d)", PerCopy(len(phase.calls), copies), throttled))
		for _, a := range CountActions(phase.calls) {
			r.info(fmt.Sprintf("calls per copy, %s: %s", phase.name, a.Action), PerCopy(a.Calls, copies))
		}
	}
	elapsed := time.Since(start)
	r.goal("soak wall time", elapsed.Round(time.Second).String(), fmt.Sprintf("<= %s", soakMaxWall), elapsed <= soakMaxWall)
}

// lostAnswers is how many CopyImage answers the soak loses.
func lostAnswers(copies int) int {
	return max(2, copies/soakLostAnswersPer)
}

// interruptedApply runs a terraform command, sends it SIGINT once the proxy
// has seen made copies made, and waits for it to exit. It returns what the
// command cost and how many copies were made when the signal went.
func interruptedApply(t *testing.T, wd *acctest.Workdir, proxy *acctest.Proxy, made int, args ...string) (Run, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), soakCommandTimeout)
	defer cancel()
	cmd := wd.Command(ctx, args...)
	wait, err := StartCommand(cmd)
	if err != nil {
		t.Fatalf("starting terraform %s: %v", strings.Join(args, " "), err)
	}
	type finished struct {
		run Run
		err error
	}
	result := make(chan finished, 1)
	go func() {
		run, err := wait()
		result <- finished{run, err}
	}()
	var f finished
	sentAt := -1
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for sentAt < 0 {
		select {
		case f = <-result:
			t.Fatalf("terraform %s ended before %d copies were made (%d): %v\n%s\n%s", strings.Join(args, " "), made, proxy.CountCopies(), f.err, tail(f.run.Stdout, 40), tail(f.run.Stderr, 40))
		case <-tick.C:
			if n := proxy.CountCopies(); n >= made {
				if err := cmd.Process.Signal(os.Interrupt); err != nil {
					t.Fatalf("sending SIGINT to terraform: %v", err)
				}
				sentAt = n
			}
		}
	}
	f = <-result
	var exitErr *exec.ExitError
	if f.err == nil || !errors.As(f.err, &exitErr) {
		t.Logf("terraform %s after SIGINT ended with %v, expected a failure exit", strings.Join(args, " "), f.err)
	}
	t.Logf("interrupted %s: %s\n%s", strings.Join(args, " "), f.run, tail(f.run.Stderr, 20))
	return f.run, sentAt
}

// soakTerraform runs a terraform command of the soak to the end; a failure
// stops the soak. plan -detailed-exitcode's 2 (changes) is not a failure.
func soakTerraform(t *testing.T, wd *acctest.Workdir, args ...string) Run {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), soakCommandTimeout)
	defer cancel()
	run, err := RunCommand(wd.Command(ctx, args...))
	var exitErr *exec.ExitError
	planned := args[0] == "plan" && errors.As(err, &exitErr) && exitErr.ExitCode() == 2
	if err != nil && !planned {
		t.Fatalf("terraform %s: %v\n%s\n%s", strings.Join(args, " "), err, tail(run.Stdout, 40), tail(run.Stderr, 40))
	}
	t.Logf("terraform %s: %s", strings.Join(args, " "), run)
	return run
}

// planOutcome is the plan's summary line.
func planOutcome(run Run) string {
	for _, line := range strings.Split(run.Stdout, "\n") {
		if strings.HasPrefix(line, "No changes.") || strings.HasPrefix(line, "Plan:") {
			return line
		}
	}
	return "no summary line"
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// countImages counts the account's images in regions that are not
// deregistered, page by page, asking the proxy that injects no faults; a
// prefix counts only the images named prefix-*.
func countImages(t *testing.T, regions []string, prefix string) int {
	t.Helper()
	n := 0
	for _, region := range regions {
		input := &ec2.DescribeImagesInput{Owners: []string{"self"}, MaxResults: aws.Int32(1000)}
		if prefix != "" {
			input.Filters = []types.Filter{{Name: aws.String("name"), Values: []string{prefix + "-*"}}}
		}
		pages := ec2.NewDescribeImagesPaginator(acctest.EC2Client(t, region), input)
		for pages.HasMorePages() {
			page, err := pages.NextPage(t.Context())
			if err != nil {
				t.Fatalf("listing images in %s: %v", region, err)
			}
			for _, img := range page.Images {
				if img.State != types.ImageStateDeregistered {
					n++
				}
			}
		}
	}
	return n
}

// countOwnSnapshots counts the account's snapshots in regions.
func countOwnSnapshots(t *testing.T, regions []string) int {
	t.Helper()
	n := 0
	for _, region := range regions {
		out, err := acctest.EC2Client(t, region).DescribeSnapshots(t.Context(), &ec2.DescribeSnapshotsInput{OwnerIds: []string{"self"}})
		if err != nil {
			t.Fatalf("listing snapshots in %s: %v", region, err)
		}
		n += len(out.Snapshots)
	}
	return n
}
