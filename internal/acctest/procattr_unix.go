//go:build unix && !linux

package acctest

import (
	"os/exec"
	"syscall"
)

// motoProcAttr puts moto in its own process group, so Stop reaches anything
// it starts. Only Linux can also tie moto's life to the test binary's.
func motoProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// startLocked starts cmd; without Pdeathsig the starting thread does not
// matter.
func startLocked(cmd *exec.Cmd) error {
	return cmd.Start()
}
