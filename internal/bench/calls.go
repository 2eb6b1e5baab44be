package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// DescribeImagesSummary is what the proxy saw of DescribeImages during one
// Terraform command.
type DescribeImagesSummary struct {
	// Calls is every DescribeImages call, faulted or not.
	Calls int
	// NamingSource is the calls that asked for the source image (the plan's
	// preflight), alone or batched with copies.
	NamingSource int
	// SourceOnly is the calls that asked for nothing but the source image.
	SourceOnly int
	// IDs is the image IDs asked for, summed over the calls.
	IDs int
	// Timeline lists each call as "+seconds:ids", relative to the first
	// call, to show how the calls spread over time.
	Timeline []string
}

// SummarizeDescribeImages sums up the DescribeImages calls among calls;
// sourceImageID identifies the preflight's lookups.
func SummarizeDescribeImages(calls []acctest.Call, sourceImageID string) DescribeImagesSummary {
	var s DescribeImagesSummary
	var first time.Time
	for _, c := range calls {
		if c.Action != "DescribeImages" {
			continue
		}
		if s.Calls == 0 {
			first = c.Time
		}
		s.Calls++
		s.IDs += len(c.ImageIDs)
		if slices.Contains(c.ImageIDs, sourceImageID) {
			s.NamingSource++
			if len(c.ImageIDs) == 1 {
				s.SourceOnly++
			}
		}
		s.Timeline = append(s.Timeline, fmt.Sprintf("+%.2fs:%d", c.Time.Sub(first).Seconds(), len(c.ImageIDs)))
	}
	return s
}

// IDsPerCall is the average batch size, or 0 without calls.
func (s DescribeImagesSummary) IDsPerCall() float64 {
	if s.Calls == 0 {
		return 0
	}
	return float64(s.IDs) / float64(s.Calls)
}

// String is a one-line account for the log.
func (s DescribeImagesSummary) String() string {
	return fmt.Sprintf("%d DescribeImages calls (%d naming the source, %d only the source), %.1f IDs per call; timeline (start:IDs) %s",
		s.Calls, s.NamingSource, s.SourceOnly, s.IDsPerCall(), strings.Join(s.Timeline, " "))
}
