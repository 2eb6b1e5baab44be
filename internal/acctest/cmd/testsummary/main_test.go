package main

import (
	"bufio"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	stream := strings.Join([]string{
		`{"Action":"start","Package":"p"}`,
		`{"Action":"run","Package":"p","Test":"TestUnit"}`,
		`{"Action":"pass","Package":"p","Test":"TestUnit"}`,
		`{"Action":"run","Package":"p","Test":"TestAccA"}`,
		`{"Action":"output","Package":"p","Test":"TestAccA","Output":"=== RUN   TestAccA\n"}`,
		`{"Action":"output","Package":"p","Test":"TestAccA","Output":"--- SKIP: TestAccA (0.00s)\n"}`,
		`{"Action":"output","Package":"p","Test":"TestAccA","Output":"    env.go:12: needs Terraform: set TF_ACC=1\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccA"}`,
		`{"Action":"run","Package":"p","Test":"TestBroken"}`,
		`{"Action":"output","Package":"p","Test":"TestBroken","Output":"=== RUN   TestBroken\n"}`,
		`{"Action":"output","Package":"p","Test":"TestBroken","Output":"    x_test.go:3: boom\n"}`,
		`{"Action":"output","Package":"p","Test":"TestBroken","Output":"--- FAIL: TestBroken (0.00s)\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestBroken"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\n"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`{"Action":"skip","Package":"q"}`,
	}, "\n")
	var out strings.Builder
	failed, err := summarize(bufio.NewScanner(strings.NewReader(stream)), &out)
	if err != nil {
		t.Fatal(err)
	}
	if !failed {
		t.Error("summarize did not report the failed test")
	}
	want := "    x_test.go:3: boom\n--- FAIL: TestBroken (0.00s)\nFAIL\tp\t0.1s\n\n" +
		"Passed 1 tests and subtests.\n" +
		"Skipped 1 tests and subtests, by the reason they gave:\n" +
		"     1  needs Terraform: set TF_ACC=1\n"
	if out.String() != want {
		t.Errorf("summary:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestSkipReason(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string
	}{
		{"message after the SKIP line", []string{"=== RUN   T\n", "--- SKIP: T (0.00s)\n", "    a_test.go:9: why: because\n"}, "why: because"},
		{"a line without a file prefix", []string{"--- SKIP: T (0.00s)\n", "    just words\n"}, "just words"},
		{"nothing said", []string{"=== RUN   T\n", "--- SKIP: T (0.00s)\n"}, "(no reason given)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := skipReason(tt.lines); got != tt.want {
				t.Errorf("skipReason = %q, want %q", got, tt.want)
			}
		})
	}
}
