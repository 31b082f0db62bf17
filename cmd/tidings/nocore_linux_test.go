package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestNoCoreDump: a send holding the SMTP password, run with
// GOTRACEBACK=crash and a core size limit above zero, then aborted,
// leaves no core file with the password in it: tidings sets its core
// limit to zero (and is not dumpable); it wrote one, the password in it.
func TestNoCoreDump(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_CORE, &lim); err != nil || lim.Max == 0 {
		t.Skip("core files are off for this user (hard limit 0)")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	const secret = "Core-Secret-7f3a"
	port, connected := silentServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
subject: "Hello"
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d, security: none, username: u@example.com, password_env: CORE_TEST_PW, timeout: 1m}
`, port),
		"body.txt": "Hi\n",
		"r.csv":    "email\nann@example.com\n",
	})
	// The shell raises the soft core limit to the hard one, then is tidings.
	cmd := exec.Command("/bin/sh", "-c", `ulimit -c "$(ulimit -H -c)" && exec "$0" send --yes c.yaml`, bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CORE_TEST_PW="+secret, "GOTRACEBACK=crash")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	select {
	case <-connected: // the password read, the session begun
	case <-time.After(time.Minute):
		t.Fatal("tidings never connected")
	}
	limits, err := os.ReadFile(fmt.Sprintf("/proc/%d/limits", cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Process.Signal(syscall.SIGABRT); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	for _, l := range strings.Split(string(limits), "\n") {
		if strings.HasPrefix(l, "Max core file size") && strings.Fields(l)[4] != "0" {
			t.Errorf("tidings runs with a core size limit: %s\n%s", l, stderr.String())
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if b, _ := os.ReadFile(filepath.Join(dir, e.Name())); bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the password", e.Name())
		}
	}
}

// silentServer listens on 127.0.0.1:0 and holds every connection open
// without a word (no greeting): a send waits there. It returns the port
// and a channel closed at the first connection.
func silentServer(t *testing.T) (int, <-chan struct{}) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	connected := make(chan struct{})
	go func() {
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if conns = append(conns, c); len(conns) == 1 {
				close(connected)
			}
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port, connected
}
