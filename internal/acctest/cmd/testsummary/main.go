// Command testsummary reads `go test -json` on standard input and prints what
// a plain `go test` prints (each package's result, build errors, and the
// output of every failed test), then the tests that were skipped, counted by
// the reason they gave. make testunit pipes into it, so that the tests left
// to make test (those that need Terraform or moto) are counted, not hidden.
// It exits 1 when a test or a build failed.
//
//	go test -json ./... | go run ./internal/acctest/cmd/testsummary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

func main() {
	failed, err := summarize(bufio.NewScanner(os.Stdin), os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// summarize copies the results to out and reports whether anything failed.
func summarize(in *bufio.Scanner, out io.Writer) (bool, error) {
	in.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	outputs := map[string][]string{} // package + test → output lines
	skips := map[string]int{}        // reason → tests
	passed := 0
	failed := false
	for in.Scan() {
		line := in.Bytes()
		var e event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			// Not an event: go test's own message, such as a setup error.
			fmt.Fprintln(out, string(line))
			continue
		}
		key := e.Package + " " + e.Test
		switch {
		case e.Action == "build-output":
			fmt.Fprint(out, e.Output)
		case e.Action == "build-fail":
			failed = true
		case e.Test == "" && e.Action == "output":
			if e.Output != "PASS\n" && e.Output != "FAIL\n" {
				fmt.Fprint(out, e.Output)
			}
		case e.Test == "" && e.Action == "fail":
			failed = true
		case e.Test == "":
			// A package's start, pass or skip (no test files).
		case e.Action == "output":
			outputs[key] = append(outputs[key], e.Output)
		case e.Action == "fail":
			failed = true
			for _, o := range outputs[key] {
				if !strings.HasPrefix(o, "=== ") {
					fmt.Fprint(out, o)
				}
			}
			delete(outputs, key)
		case e.Action == "skip":
			skips[skipReason(outputs[key])]++
			delete(outputs, key)
		case e.Action == "pass":
			passed++
			delete(outputs, key)
		}
	}
	if err := in.Err(); err != nil {
		return failed, err
	}
	fmt.Fprintf(out, "\nPassed %d tests and subtests.\n", passed)
	printSkips(out, skips)
	return failed, nil
}

// skipReason is the message of the t.Skip call in a skipped test's output:
// the last line before "--- SKIP", without its file:line prefix.
func skipReason(lines []string) string {
	for i := len(lines) - 1; i >= 0; i-- {
		l := strings.TrimSpace(lines[i])
		if l == "" || strings.HasPrefix(l, "--- SKIP") || strings.HasPrefix(l, "=== ") {
			continue
		}
		if where, msg, ok := strings.Cut(l, ": "); ok && strings.Contains(where, ".go:") {
			return msg
		}
		return l
	}
	return "(no reason given)"
}

// printSkips lists the skip reasons, most frequent first.
func printSkips(out io.Writer, skips map[string]int) {
	if len(skips) == 0 {
		return
	}
	reasons := make([]string, 0, len(skips))
	total := 0
	for r, n := range skips {
		reasons = append(reasons, r)
		total += n
	}
	sort.Slice(reasons, func(i, j int) bool {
		if skips[reasons[i]] != skips[reasons[j]] {
			return skips[reasons[i]] > skips[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	fmt.Fprintf(out, "Skipped %d tests and subtests, by the reason they gave:\n", total)
	for _, r := range reasons {
		fmt.Fprintf(out, "%6d  %s\n", skips[r], r)
	}
}
