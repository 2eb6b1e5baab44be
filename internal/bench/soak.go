package bench

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// TokenSummary is what the proxy saw of CopyImage's ClientTokens over a
// soak: how the tokens were spent, and whether EC2 ever made two copies for
// one token.
type TokenSummary struct {
	// Requests is every CopyImage sent, DryRun aside, faulted or not.
	Requests int
	// Tokens is the distinct ClientTokens (per Region) those requests used.
	Tokens int
	// Accepted is the requests that made a copy: they reached EC2 and were
	// not answered from an earlier request's token.
	Accepted int
	// FromTokenCache is the requests answered with the copy an earlier
	// request with the same token made.
	FromTokenCache int
	// Faulted counts the requests by injected fault (throttle,
	// lost-answer, and so on).
	Faulted map[string]int
	// WithoutToken is the requests that carried no ClientToken.
	WithoutToken int
	// AcceptedTwice lists the tokens ("Region/token") that made more than
	// one copy: each is a broken promise of idempotency.
	AcceptedTwice []string
}

// SummarizeTokens sums up the CopyImage requests among calls.
func SummarizeTokens(calls []acctest.Call) TokenSummary {
	s := TokenSummary{Faulted: map[string]int{}}
	accepted := map[string]int{}
	tokens := map[string]bool{}
	for _, c := range calls {
		if c.Action != "CopyImage" || c.DryRun {
			continue
		}
		s.Requests++
		if c.Fault != "" {
			s.Faulted[c.Fault]++
		}
		if c.ClientToken == "" {
			s.WithoutToken++
		}
		key := c.Region + "/" + c.ClientToken
		tokens[key] = true
		switch {
		case c.FromTokenCache:
			s.FromTokenCache++
		case c.ReachedMoto && len(c.ImageIDs) > 0:
			s.Accepted++
			accepted[key]++
		}
	}
	s.Tokens = len(tokens)
	for key, n := range accepted {
		if n > 1 {
			s.AcceptedTwice = append(s.AcceptedTwice, key)
		}
	}
	slices.Sort(s.AcceptedTwice)
	return s
}

// ActionCount is how many calls of one action a run made.
type ActionCount struct {
	Action string
	Calls  int
}

// CountActions counts calls by action, most frequent first (then by name).
func CountActions(calls []acctest.Call) []ActionCount {
	counts := map[string]int{}
	for _, c := range calls {
		counts[c.Action]++
	}
	out := make([]ActionCount, 0, len(counts))
	for action, n := range counts {
		out = append(out, ActionCount{Action: action, Calls: n})
	}
	slices.SortFunc(out, func(a, b ActionCount) int {
		return cmp.Or(cmp.Compare(b.Calls, a.Calls), cmp.Compare(a.Action, b.Action))
	})
	return out
}

// PerCopy formats calls per copy, with the count beside it.
func PerCopy(calls, copies int) string {
	if copies == 0 {
		return fmt.Sprintf("%d calls", calls)
	}
	return fmt.Sprintf("%.2f (%d)", float64(calls)/float64(copies), calls)
}
