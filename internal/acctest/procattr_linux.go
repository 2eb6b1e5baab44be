package acctest

import (
	"os/exec"
	"runtime"
	"syscall"
)

// motoProcAttr puts moto in its own process group, so Stop reaches anything
// it starts, and has the kernel kill it when the test binary dies, even when
// the binary is killed or times out and no deferred Stop runs.
func motoProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// startLocked starts cmd from a goroutine locked to its thread. Pdeathsig
// fires when the thread that started the child exits, and Go only ends a
// thread when a goroutine exits while locked to it, which this one does not.
func startLocked(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.Start()
}
