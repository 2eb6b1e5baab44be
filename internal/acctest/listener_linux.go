package acctest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// listenerInGroup reports whether a process of process group pgid holds
// the socket listening on 127.0.0.1:port. Linux lists listening sockets in
// /proc/net/tcp and each process's open sockets in /proc/<pid>/fd, so the
// kernel itself says who answers on the port.
func listenerInGroup(pgid, port int) (bool, error) {
	inodes, err := loopbackListenerInodes(port)
	if err != nil || len(inodes) == 0 {
		return false, err
	}
	pids, err := filepath.Glob("/proc/[0-9]*")
	if err != nil {
		return false, err
	}
	for _, dir := range pids {
		if processGroup(dir) != pgid {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join(dir, "fd")) // a process may exit meanwhile
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(dir, "fd", fd.Name()))
			if err == nil && inodes[target] {
				return true, nil
			}
		}
	}
	return false, nil
}

// loopbackListenerInodes returns the sockets listening on 127.0.0.1:port,
// as the "socket:[inode]" links of /proc/<pid>/fd name them.
func loopbackListenerInodes(port int) (map[string]bool, error) {
	f, err := os.Open("/proc/net/tcp")
	if err != nil {
		return nil, fmt.Errorf("listing TCP sockets: %w", err)
	}
	defer f.Close()
	// Addresses are hex, the IPv4 address in host (little-endian) order:
	// 127.0.0.1 is 0100007F. State 0A is TCP_LISTEN.
	local := fmt.Sprintf("0100007F:%04X", port)
	inodes := map[string]bool{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		if len(fields) >= 10 && fields[1] == local && fields[3] == "0A" {
			inodes["socket:["+fields[9]+"]"] = true
		}
	}
	return inodes, lines.Err()
}

// processGroup returns the process group of the process whose /proc
// directory is dir, or -1 when it cannot be read.
func processGroup(dir string) int {
	stat, err := os.ReadFile(filepath.Join(dir, "stat"))
	if err != nil {
		return -1
	}
	// pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses,
	// so count from the last ")".
	end := strings.LastIndexByte(string(stat), ')')
	if end < 0 {
		return -1
	}
	fields := strings.Fields(string(stat[end+1:]))
	if len(fields) < 3 {
		return -1
	}
	pgrp, err := strconv.Atoi(fields[2])
	if err != nil {
		return -1
	}
	return pgrp
}
