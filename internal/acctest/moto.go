package acctest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// motoReadyTimeout is how long moto may take to answer its first request.
const motoReadyTimeout = 30 * time.Second

// motoStopTimeout is how long moto gets to exit on SIGTERM before SIGKILL.
const motoStopTimeout = 5 * time.Second

// Moto is a moto_server process on loopback: a local EC2 API. It also holds
// the EC2 behaviour moto lacks, which every proxy started from it shares.
type Moto struct {
	url  string
	cmd  *exec.Cmd
	emu  *emulator
	logs *tailBuffer
	// exited is closed when the process has exited; exitErr is then its
	// exit status.
	exited   chan struct{}
	exitErr  error
	stopOnce sync.Once
}

// StartMoto starts moto_server on a free loopback port in its own process
// group and waits until it answers HTTP.
func StartMoto() (*Moto, error) {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		return nil, errors.New("moto_server not found on PATH: install it with `pip install 'moto[server]'`")
	}
	// Another process may take the free port between our probe and moto's
	// bind; moto then exits, or another server answers in its place, and a
	// new port is tried.
	var lastErr error
	for range 3 {
		m, err := startMotoOnce(path)
		if err == nil {
			return m, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

// startMotoOnce starts moto on one free port and waits for it.
func startMotoOnce(path string) (*Moto, error) {
	port, err := freeLoopbackPort()
	if err != nil {
		return nil, err
	}
	return startMotoOn(path, port)
}

// startMotoOn starts moto on port and waits until it answers there itself.
func startMotoOn(path string, port int) (*Moto, error) {
	m := &Moto{
		url:    "http://127.0.0.1:" + strconv.Itoa(port),
		logs:   &tailBuffer{limit: 8 << 10},
		exited: make(chan struct{}),
	}
	m.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	m.cmd.Stdout = m.logs
	m.cmd.Stderr = m.logs
	m.cmd.SysProcAttr = motoProcAttr()
	err := startLocked(m.cmd)
	if err != nil {
		return nil, fmt.Errorf("starting moto_server: %w", err)
	}
	go func() {
		m.exitErr = m.cmd.Wait()
		close(m.exited)
	}()
	if err := m.waitReady(); err != nil {
		m.Stop()
		return nil, err
	}
	// An answer on the port may come from another server that took it
	// between the probe and moto's bind, such as the moto of a test binary
	// running beside this one; that moto can stop at any time and holds
	// another binary's state. Only our moto's own socket will do.
	// Moto leads its own process group, whose ID is its PID.
	if owned, err := listenerInGroup(m.cmd.Process.Pid, port); !owned {
		m.Stop()
		if err != nil {
			return nil, fmt.Errorf("checking who answers on %s: %w", m.url, err)
		}
		return nil, fmt.Errorf("%s answers, but not from the moto_server this test binary started (pid %d); its output:\n%s",
			m.url, m.cmd.Process.Pid, m.logs.String())
	}
	m.emu = newEmulator(m.url)
	return m, nil
}

// freeLoopbackPort asks the kernel for a free port on 127.0.0.1.
func freeLoopbackPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free loopback port: %w", err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return 0, fmt.Errorf("unexpected listener address %v", l.Addr())
	}
	return addr.Port, nil
}

// waitReady polls moto until it answers any HTTP request.
func (m *Moto) waitReady() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(motoReadyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-m.exited:
			return fmt.Errorf("moto_server exited before answering (%v); its output:\n%s", m.exitErr, m.logs.String())
		default:
		}
		resp, err := client.Get(m.url + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("moto_server did not answer on %s within %s; its output:\n%s", m.url, motoReadyTimeout, m.logs.String())
}

// URL returns moto's base URL.
func (m *Moto) URL() string {
	return m.url
}

// StartProxy starts a new proxy in front of this moto. All proxies of one
// moto share the emulated EC2 state; each has its own faults and calls.
func (m *Moto) StartProxy() (*Proxy, error) {
	return newProxy(m.emu)
}

// Stop ends moto's process group and waits for moto to exit. It is safe to
// call more than once.
func (m *Moto) Stop() {
	m.stopOnce.Do(func() {
		// Moto leads its own process group, whose ID is its PID.
		pgid := m.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-m.exited:
		case <-time.After(motoStopTimeout):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-m.exited
		}
	})
}

// tailBuffer keeps the last bytes written to it, for error messages about a
// process whose whole output would be too long.
type tailBuffer struct {
	mu    sync.Mutex
	limit int
	buf   []byte
}

// Write keeps p, dropping the oldest bytes beyond the limit.
func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.limit; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

// String returns what the buffer holds.
func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}
