package bench

import (
	"slices"
	"time"
)

// Median returns the middle of the durations (the mean of the two middle ones
// for an even count), or 0 for none. The median rather than the mean,
// because one run slowed by the machine's other work should not move it.
func Median(samples []time.Duration) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	sorted := slices.Clone(samples)
	slices.Sort(sorted)
	mid := len(sorted) / 2
	if len(sorted)%2 == 1 {
		return sorted[mid]
	}
	return (sorted[mid-1] + sorted[mid]) / 2
}
