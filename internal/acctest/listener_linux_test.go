package acctest

import (
	"net"
	"syscall"
	"testing"
)

func TestListenerInGroup(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port //nolint:forcetypeassert // a TCP listener
	ours := syscall.Getpgrp()
	tests := []struct {
		name   string
		pgid   int
		closed bool
		want   bool
	}{
		{name: "our group listens", pgid: ours, want: true},
		{name: "another group", pgid: 1 << 30},
		{name: "nobody listens any more", pgid: ours, closed: true},
	}
	for _, tt := range tests {
		if tt.closed {
			l.Close()
		}
		got, err := listenerInGroup(tt.pgid, port)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got != tt.want {
			t.Errorf("%s: listenerInGroup(%d, %d) = %v, want %v", tt.name, tt.pgid, port, got, tt.want)
		}
	}
}
