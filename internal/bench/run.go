package bench

import (
	"bytes"
	"fmt"
	"os/exec"
	"time"
)

// Run is what one command cost, with its output.
type Run struct {
	// Wall is the time from start to exit.
	Wall time.Duration
	// CPU is the user and system time of the command and of every child it
	// waited for (Terraform waits for its provider processes). Unlike Wall,
	// it hardly depends on what else the machine is doing.
	CPU time.Duration
	// Stdout and Stderr are the command's output.
	Stdout, Stderr string
}

// String gives the two times, for logs.
func (r Run) String() string {
	return fmt.Sprintf("wall %.2fs, CPU %.2fs", r.Wall.Seconds(), r.CPU.Seconds())
}

// RunCommand runs cmd to the end and measures it. Its output is captured, so
// cmd's Stdout and Stderr must be unset.
func RunCommand(cmd *exec.Cmd) (Run, error) {
	wait, err := StartCommand(cmd)
	if err != nil {
		return Run{}, err
	}
	return wait()
}

// StartCommand starts cmd, for a caller that signals its process (cmd.Process)
// while it runs, and returns the function that waits for its end and
// measures it as RunCommand does. cmd's Stdout and Stderr must be unset.
func StartCommand(cmd *exec.Cmd) (wait func() (Run, error), err error) {
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() (Run, error) {
		err := cmd.Wait()
		run := Run{Wall: time.Since(start), Stdout: stdout.String(), Stderr: stderr.String()}
		if cmd.ProcessState != nil {
			// The kernel adds a child's waited-for descendants to the usage
			// that wait4 reports for it.
			run.CPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		}
		return run, err
	}, nil
}
