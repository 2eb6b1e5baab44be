package acctest

import (
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStartMotoWithoutMotoServer(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := StartMoto()
	if err == nil {
		t.Fatal("StartMoto succeeded without moto_server on PATH")
	}
	want := "moto_server not found on PATH: install it with `pip install 'moto[server]'`"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

func TestMotoStopEndsTheProcess(t *testing.T) {
	SkipOnRealAWS(t, "starts its own moto")
	t.Parallel()
	m, err := StartMoto()
	if err != nil {
		t.Fatalf("StartMoto: %v", err)
	}
	pid := m.cmd.Process.Pid
	m.Stop()
	m.Stop() // A second Stop is harmless.

	if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
		t.Errorf("moto (pid %d) still exists after Stop: kill 0 = %v", pid, err)
	}
	client := &http.Client{Timeout: time.Second}
	if resp, err := client.Get(m.URL()); err == nil {
		resp.Body.Close()
		t.Errorf("%s still answers after Stop", m.URL())
	} else if !strings.Contains(err.Error(), "refused") {
		t.Logf("after Stop: %v", err)
	}
}
