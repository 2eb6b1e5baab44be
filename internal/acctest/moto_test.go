package acctest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
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
	RequireAcceptance(t)
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

// TestStartMotoRefusesAnotherServerOnItsPort is two test binaries racing
// for one free port: another HTTP server answers there before moto binds.
func TestStartMotoRefusesAnotherServerOnItsPort(t *testing.T) {
	RequireAcceptance(t)
	SkipOnRealAWS(t, "starts its own moto")
	t.Parallel()
	var asked atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer other.Close()
	port := other.Listener.Addr().(*net.TCPAddr).Port //nolint:forcetypeassert // a TCP listener
	path, err := exec.LookPath("moto_server")
	if err != nil {
		t.Fatal(err)
	}

	m, err := startMotoOn(path, port)
	if err == nil {
		m.Stop()
		t.Fatalf("startMotoOn accepted the other server on port %d as its moto", port)
	}
	// Moto cannot bind the port: either it exits first or the other
	// server's answer is recognised as not ours; both refuse.
	if !strings.Contains(err.Error(), "not from the moto_server this test binary started") &&
		!strings.Contains(err.Error(), "exited before answering") {
		t.Errorf("error %q says neither", err)
	}
	t.Logf("asked the other server %d times; refused with: %.200s", asked.Load(), err)
}
