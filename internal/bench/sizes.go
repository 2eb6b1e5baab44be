package bench

import (
	"fmt"
	"os"
	"slices"
	"strings"
)

// benchSizes are the sizes of TestBench's fleet measures and the phases it
// runs. The defaults are the issue's; the environment can make a run
// smaller, to try a change, and every row names the sizes it measured.
type benchSizes struct {
	// largeCopies copies are in one Region for the second overhead measure
	// (AMICOPY_BENCH_LARGE_COPIES).
	largeCopies int
	// ownImages is how many images the account owns in that Region when
	// measureOwnImages refreshes them (AMICOPY_BENCH_OWN_IMAGES).
	ownImages int
	// fleetRegions and fleetPerRegion lay out the fleet refresh
	// (AMICOPY_BENCH_FLEET_REGIONS, AMICOPY_BENCH_FLEET_PER_REGION).
	fleetRegions, fleetPerRegion int
	// noWaitCopies copies go one into each of as many Regions, with and
	// without waiting (AMICOPY_BENCH_NOWAIT_COPIES).
	noWaitCopies int
	// phases lists the phases to run (AMICOPY_BENCH_PHASES, comma
	// separated); empty runs them all.
	phases []string
}

// benchPhases are TestBench's phases, in the order it runs them.
var benchPhases = []string{"binaries", "waiting", "nowait", "plans", "fleet", "large"}

// readBenchSizes reads benchSizes from the environment.
func readBenchSizes() (benchSizes, error) {
	s := benchSizes{}
	for _, v := range []struct {
		name     string
		fallback int
		into     *int
	}{
		{"AMICOPY_BENCH_LARGE_COPIES", 1000, &s.largeCopies},
		{"AMICOPY_BENCH_OWN_IMAGES", 1500, &s.ownImages},
		{"AMICOPY_BENCH_FLEET_REGIONS", 10, &s.fleetRegions},
		{"AMICOPY_BENCH_FLEET_PER_REGION", 100, &s.fleetPerRegion},
		{"AMICOPY_BENCH_NOWAIT_COPIES", 20, &s.noWaitCopies},
	} {
		n, err := envInt(v.name, v.fallback)
		if err != nil {
			return s, err
		}
		*v.into = n
	}
	// The fleet leaves the last Region (the source's) to the measures that
	// fill one Region.
	if s.fleetRegions >= len(FleetRegions) {
		return s, fmt.Errorf("AMICOPY_BENCH_FLEET_REGIONS=%d: at most %d", s.fleetRegions, len(FleetRegions)-1)
	}
	if s.noWaitCopies > len(FleetRegions) {
		return s, fmt.Errorf("AMICOPY_BENCH_NOWAIT_COPIES=%d: at most %d, one per Region", s.noWaitCopies, len(FleetRegions))
	}
	if raw := os.Getenv("AMICOPY_BENCH_PHASES"); raw != "" {
		for _, p := range strings.Split(raw, ",") {
			p = strings.TrimSpace(p)
			if !slices.Contains(benchPhases, p) {
				return s, fmt.Errorf("AMICOPY_BENCH_PHASES: unknown phase %q; the phases are %s", p, strings.Join(benchPhases, ", "))
			}
			s.phases = append(s.phases, p)
		}
	}
	return s, nil
}

// runs reports whether the phase runs.
func (s benchSizes) runs(phase string) bool {
	return len(s.phases) == 0 || slices.Contains(s.phases, phase)
}
