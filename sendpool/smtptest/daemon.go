package smtptest

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// This file holds what the Postfix and Dovecot harnesses share: finding
// the installed daemons, the root check, private folders the daemons'
// system users can reach, free ports, and stopping a daemon's whole process
// group. Both daemons are Linux packages here, so the group is watched
// through /proc.

// mtaPackages is the apt-get line that installs what the harnesses run;
// scripts/test.sh installs it when missing.
const mtaPackages = "postfix dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd"

// missing fails the test under CI=true and skips it, loudly, otherwise.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING the test against a real MTA: " + msg)
}

// findProgram returns the first of paths that exists (a bare name is
// looked up on PATH, then in /usr/sbin, which a non-login PATH may lack).
func findProgram(t testing.TB, what string, paths ...string) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		missing(t, fmt.Sprintf("%s: the Postfix and Dovecot harnesses run on Linux only (they watch their daemons through /proc)", what))
		return ""
	}
	for _, p := range paths {
		if !strings.Contains(p, "/") {
			if found, err := exec.LookPath(p); err == nil {
				return found
			}
			p = filepath.Join("/usr/sbin", p)
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	missing(t, fmt.Sprintf("%s not found (%s); install it with: apt-get install %s (scripts/test.sh does)",
		what, strings.Join(paths, ", "), mtaPackages))
	return ""
}

// requireRoot stops a test that is not running as root: Postfix's master
// runs only as root, and the harness hands the mail folders to system
// users, which takes chown.
func requireRoot(t testing.TB, what string) {
	t.Helper()
	if os.Geteuid() != 0 {
		missing(t, what+" is started by the test as root (it switches to its system users); run the tests as root")
	}
}

// systemUser returns the uid and gid of a system account.
func systemUser(t testing.TB, name string) (uid, gid int) {
	t.Helper()
	u, err := user.Lookup(name)
	if err != nil {
		missing(t, fmt.Sprintf("system user %q: %v (the %s packages create it)", name, err, mtaPackages))
		return 0, 0
	}
	uid, _ = strconv.Atoi(u.Uid)
	gid, _ = strconv.Atoi(u.Gid)
	return uid, gid
}

// systemGroup returns the gid of a system group.
func systemGroup(t testing.TB, name string) int {
	t.Helper()
	g, err := user.LookupGroup(name)
	if err != nil {
		missing(t, fmt.Sprintf("system group %q: %v (the %s packages create it)", name, err, mtaPackages))
		return 0
	}
	gid, _ := strconv.Atoi(g.Gid)
	return gid
}

// reachableTempDir returns t.TempDir() with it and the test's temporary
// root opened for traversal (0711), so the daemons' system users can reach
// the folders made inside it; nothing in it becomes listable or readable.
func reachableTempDir(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{dir, filepath.Dir(dir)} {
		if err := os.Chmod(d, 0o711); err != nil {
			t.Fatalf("smtptest: %v", err)
		}
	}
	return dir
}

// mkdirOwned makes dir (mode perm) owned by uid:gid.
func mkdirOwned(t testing.TB, dir string, perm os.FileMode, uid, gid int) {
	t.Helper()
	if err := os.MkdirAll(dir, perm); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	if err := os.Chmod(dir, perm); err != nil { // MkdirAll's mode is cut by the umask
		t.Fatalf("smtptest: %v", err)
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
}

// freePorts returns n distinct loopback ports that were free a moment ago
// (all n listeners are open at once, so no port comes twice).
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// startTied starts cmd as the leader of a new process group, tied to the
// test binary: should the binary die without running its cleanups, the
// process gets SIGTERM (Linux's parent-death signal). That signal follows
// the OS thread that started the process, so the start happens on a
// goroutine locked to its thread until the process ends. exited receives
// cmd.Wait's result, then is closed: every later receive returns at once,
// so a wait that saw the exit (Dovecot failing on a port taken meanwhile)
// does not leave the one that reaps it waiting for ever.
func startTied(cmd *exec.Cmd) (exited <-chan error, err error) {
	cmd.SysProcAttr = tiedProcAttr()
	started := make(chan error, 1)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		done <- cmd.Wait()
		close(done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return done, nil
}

// exitDeadline returns how long a daemon may live at most: until the test
// binary's deadline (go test -timeout) plus a minute, or an hour. It is a
// safety net for a test binary that dies without running its cleanups.
func exitDeadline(t testing.TB) time.Duration {
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if when, ok := d.Deadline(); ok {
			return time.Until(when) + time.Minute
		}
	}
	return time.Hour
}

// groupMembers lists the live (not zombie) processes of process group pgid.
func groupMembers(pgid int) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and parens.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if g, _ := strconv.Atoi(f[2]); g == pgid {
			pids = append(pids, pid)
		}
	}
	return pids
}

// describe names processes for a log line: "pid (command line)".
func describe(pids []int) string {
	var b strings.Builder
	for i, pid := range pids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d (%s)", pid, strings.TrimSpace(string(bytes.ReplaceAll(cmdline, []byte{0}, []byte{' '}))))
	}
	return b.String()
}

// stopGroup sends SIGTERM to process group pid (a daemon's master and its
// children) and waits until no process of the group is alive; processes
// still alive after grace get SIGKILL. stopGroup returns how long the stop
// took and which processes it killed so ("" for none). Signalling only the
// master would stop the daemon too, but slower: Dovecot's master waits a
// second for its log process, and either way an LMTP process that had just
// ended a session may linger for 5 seconds. A test's daemon has nothing
// left to save when the test ends (Maildir and the Postfix queue write
// files atomically), so the group gets a short grace, not the daemons'
// own timeouts.
func stopGroup(pid int, grace time.Duration) (took time.Duration, killed string) {
	start := time.Now()
	signalGroup(pid, syscall.SIGTERM)
	if !waitGroupGone(pid, grace) {
		killed = describe(groupMembers(pid))
		signalGroup(pid, syscall.SIGKILL)
		waitGroupGone(pid, 10*time.Second)
	}
	return time.Since(start), killed
}

// waitGroupGone polls until process group pgid has no live process or
// within passes, and tells which came first.
func waitGroupGone(pgid int, within time.Duration) bool {
	return poll(within, func() bool { return len(groupMembers(pgid)) == 0 })
}

// poll calls done every 10ms until it returns true (poll returns true) or
// within passes (false). Waiting on another process's state has no event to
// block on, so the condition is polled with a deadline.
func poll(within time.Duration, done func() bool) bool {
	deadline := time.Now().Add(within)
	for {
		if done() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = append([]string{fmt.Sprintf("[... %d earlier lines]\n", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "")
}

// listening reports whether something listens on TCP port 127.0.0.1:port,
// from /proc/net/tcp: unlike a probe connection, reading it starts no
// server process and shows in no log.
func listening(port int) bool {
	b, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		return false
	}
	want := fmt.Sprintf("0100007F:%04X", port) // 127.0.0.1 in host byte order (little-endian)
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) > 3 && f[1] == want && f[3] == "0A" { // 0A: LISTEN
			return true
		}
	}
	return false
}
