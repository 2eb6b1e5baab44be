package bench

import (
	"fmt"
	"strings"
)

// Row is one line of the results table.
type Row struct {
	// Measure names what was measured.
	Measure string
	// Value is the measured figure, formatted.
	Value string
	// Goal is the limit it must meet, or "" for a figure reported for context.
	Goal string
	// Verdict is "holds", "FAILS", or "" for a figure without a goal.
	Verdict string
}

// Verdict returns "holds" or "FAILS", for Row.Verdict.
func Verdict(holds bool) string {
	if holds {
		return "holds"
	}
	return "FAILS"
}

// FormatTable lays rows out as an aligned plain-text table with a header,
// readable in a terminal and in CI logs alike.
func FormatTable(rows []Row) string {
	header := Row{Measure: "measure", Value: "value", Goal: "goal", Verdict: "result"}
	all := append([]Row{header}, rows...)
	var widths [4]int
	for _, r := range all {
		for i, cell := range r.cells() {
			widths[i] = max(widths[i], len(cell))
		}
	}
	var b strings.Builder
	for n, r := range all {
		cells := r.cells()
		line := fmt.Sprintf("%-*s  %*s  %-*s  %s", widths[0], cells[0], widths[1], cells[1], widths[2], cells[2], cells[3])
		b.WriteString(strings.TrimRight(line, " "))
		b.WriteByte('\n')
		if n == 0 {
			b.WriteString(strings.Repeat("-", widths[0]+widths[1]+widths[2]+widths[3]+6))
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// cells returns the row's columns in table order.
func (r Row) cells() [4]string {
	return [4]string{r.Measure, r.Value, r.Goal, r.Verdict}
}
