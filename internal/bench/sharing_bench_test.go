package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
	"github.com/amicopy/terraform-provider-amicopy/internal/bench/minimalprovider"
)

// sharedWithAccount is the account the shared copies are shared with.
const sharedWithAccount = "111122223333"

// TestBenchSharing measures what sharing costs: stateCopies copies that
// share with an account, refreshed (at most one DescribeImageAttribute per
// copy and one DescribeSnapshotAttribute per snapshot) and planned without
// refresh against the minimal provider (in wall time, at most 2x). It
// prints its own table.
func TestBenchSharing(t *testing.T) {
	if os.Getenv("AMICOPY_BENCH") != "1" {
		t.Skip("set AMICOPY_BENCH=1 (and TF_ACC=1) to run the benchmark: make bench")
	}
	acctest.SkipOnRealAWS(t, "the benchmark counts calls at the fault proxy in front of moto")
	acctest.PreCheck(t)
	r := &results{}
	defer func() {
		fmt.Printf("\nSharing benchmark\n\n%s\n", FormatTable(r.rows))
		for _, failure := range r.failures {
			t.Error(failure)
		}
	}()
	amicopyDir := acctest.BuildProvider(t)
	minimalDir := t.TempDir()
	minimalBinary, err := GoBuild(t.Context(), minimalDir, minimalprovider.BinaryName, MinimalPackage)
	if err != nil {
		t.Fatal(err)
	}
	proxy := acctest.NewProxy(t)
	prefix := uniquePrefix("shared")
	amicopy := acctest.NewWorkdir(t, map[string]string{acctest.ProviderAddress: amicopyDir})
	amicopy.WriteFile(t, "main.tf", AmicopySharedConfig(proxy.URL(), stateCopies, prefix, acctest.SourceImageID(), acctest.SourceRegion(), sharedWithAccount))
	minimal := acctest.NewWorkdir(t, map[string]string{minimalprovider.Address: minimalDir})
	minimal.WriteFile(t, "main.tf", MinimalConfig(stateCopies, prefix, acctest.SourceImageID(), acctest.SourceRegion()))
	for _, wd := range []*acctest.Workdir{amicopy, minimal} {
		destroyAtEnd(t, wd)
		mustTerraform(t, wd, "apply", "-auto-approve", "-input=false", fmt.Sprintf("-parallelism=%d", applyParallelism))
	}

	// Refreshing plans: the permission reads per copy.
	var imageReads, snapshotReads, describeImages []int
	for i := range timingRuns + 1 {
		proxy.ResetCalls()
		mustPlan(t, amicopy)
		if i == 0 {
			continue // warm-up
		}
		imageReads = append(imageReads, proxy.Count("DescribeImageAttribute"))
		snapshotReads = append(snapshotReads, proxy.Count("DescribeSnapshotAttribute"))
		describeImages = append(describeImages, proxy.Count("DescribeImages"))
	}
	// Every copy of the source has one snapshot, as moto makes them.
	perCopy := float64(maxInt(imageReads)) / stateCopies
	perSnapshot := float64(maxInt(snapshotReads)) / stateCopies
	r.goal(fmt.Sprintf("refresh: DescribeImageAttribute per shared copy (plan of %d, worst of %d)", stateCopies, timingRuns),
		fmt.Sprintf("%.2f (%s calls)", perCopy, joinInts(imageReads)), "<= 1.00", perCopy <= 1)
	r.goal(fmt.Sprintf("refresh: DescribeSnapshotAttribute per snapshot of a shared copy (plan of %d, worst of %d)", stateCopies, timingRuns),
		fmt.Sprintf("%.2f (%s calls)", perSnapshot, joinInts(snapshotReads)), "<= 1.00", perSnapshot <= 1)
	perRefresh := float64(maxInt(describeImages)) / stateCopies
	r.goal("refresh: DescribeImages per shared copy", fmt.Sprintf("%.2f (%s calls)", perRefresh, joinInts(describeImages)),
		fmt.Sprintf("<= %.2f", maxDescribeImagesPerRefresh), perRefresh <= maxDescribeImagesPerRefresh)

	// Non-refreshing plans, measured as TestBench measures them.
	measureOverhead(t, r, stateCopies, overheadRuns, goalWall, []overheadSubject{
		{"shared amicopy_image", amicopy, subjectProvider{acctest.ProviderAddress, filepath.Join(amicopyDir, "terraform-provider-amicopy")}},
		{"minimal_item", minimal, subjectProvider{minimalprovider.Address, minimalBinary}},
	})
}
