package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// CPU split: a plan's CPU time is Terraform's own plus that of the provider
// processes it starts and waits for, and the kernel reports only the sum.
// To tell them apart, the benchmark plans again through a wrapper that
// Terraform starts in the provider's place: a shell script that runs the
// provider binary and then appends the shell's `times` (the CPU time of
// the children it waited for, that is, of the provider process) to a log.
// The wrapper costs a shell start per provider process, so the split runs
// are kept apart from the runs that the goals use.

// WriteCPUWrapper writes, in a new folder under dir, a script named like the
// provider binary at binary that runs it and appends its CPU time to log.
// It returns the folder, for dev_overrides.
func WriteCPUWrapper(dir, binary, log string) (string, error) {
	wrapperDir, err := os.MkdirTemp(dir, "cpu-wrapper-")
	if err != nil {
		return "", err
	}
	// times prints two lines: the shell's own user and system time, then
	// its children's. bash's are to the millisecond (getrusage); a plain
	// sh may count in clock ticks of 10 ms, too coarse for a process that
	// runs for tens of milliseconds, so bash runs it where there is one.
	shell := "/bin/sh"
	if bash, err := exec.LookPath("bash"); err == nil {
		shell = bash
	}
	script := fmt.Sprintf("#!%s\n%s \"$@\"\nstatus=$?\ntimes >>%s\nexit $status\n", shell, shellQuote(binary), shellQuote(log))
	//nolint:gosec // the wrapper must be executable for Terraform to start it
	if err := os.WriteFile(filepath.Join(wrapperDir, filepath.Base(binary)), []byte(script), 0o755); err != nil {
		return "", err
	}
	return wrapperDir, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// timesValue is one time as `times` prints it, such as 0m1.250s or 1m0.00s.
var timesValue = regexp.MustCompile(`(\d+)m(\d+(?:\.\d+)?)s`)

// ChildrenCPU reads a log of `times` outputs, two lines each, and returns
// the total user and system time of the children lines: the CPU time of
// every provider process that the wrapper ran.
func ChildrenCPU(log string) (time.Duration, error) {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	if len(lines) < 2 || len(lines)%2 != 0 {
		return 0, fmt.Errorf("want pairs of lines from `times`, got %d lines: %q", len(lines), log)
	}
	var total time.Duration
	for i := 1; i < len(lines); i += 2 {
		values := timesValue.FindAllStringSubmatch(lines[i], -1)
		if len(values) != 2 {
			return 0, fmt.Errorf("want a user and a system time, got %q", lines[i])
		}
		for _, v := range values {
			minutes, _ := strconv.Atoi(v[1]) // digits only, by the pattern
			secs, err := strconv.ParseFloat(v[2], 64)
			if err != nil {
				return 0, err
			}
			total += time.Duration(minutes)*time.Minute + time.Duration(secs*float64(time.Second))
		}
	}
	return total, nil
}
