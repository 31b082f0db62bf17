package journal

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLockHolderStopped: a send stopped with Ctrl-Z (SIGSTOP) holds the
// lock and does nothing; a second one refused by it says so, and how to
// continue it (fg, kill -CONT), which the words for a running holder
// ("stop it first") do not. Continued, it is named as running again.
func TestLockHolderStopped(t *testing.T) {
	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), lockChildEnv+"="+dir)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	pid := child.Process.Pid
	t.Cleanup(func() {
		unix.Kill(pid, unix.SIGCONT)
		stdin.Close() // the child releases the lock and exits
		child.Wait()
	})
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	signalAndWait(t, pid, unix.SIGSTOP, unix.WUNTRACED, unix.WaitStatus.Stopped)
	le := lockedBy(t, dir, pid)
	want := fmt.Sprintf(", and that process is stopped (Ctrl-Z or SIGSTOP): it does nothing and keeps the campaign until continued, with fg in its terminal or kill -CONT %d; nothing was done: run this again once it ends", pid)
	if !le.Stopped || !strings.HasSuffix(le.Error(), want) {
		t.Errorf("holder stopped: Stopped %v, message %q, want it to end %q", le.Stopped, le.Error(), want)
	}

	if h, ok := Holder(dir); !ok || h.PID != pid || !h.Stopped {
		t.Errorf("Holder of a stopped holder = %+v, %v; want PID %d, Stopped", h, ok, pid)
	}

	signalAndWait(t, pid, unix.SIGCONT, unix.WCONTINUED, unix.WaitStatus.Continued)
	if h, ok := Holder(dir); !ok || h.Stopped {
		t.Errorf("Holder of a continued holder = %+v, %v; want it not Stopped", h, ok)
	}
	le = lockedBy(t, dir, pid)
	if le.Stopped || strings.Contains(le.Error(), "stopped") || !strings.HasSuffix(le.Error(), "; nothing was done: run this again once it ends, or stop it first") {
		t.Errorf("holder continued: Stopped %v, message %q", le.Stopped, le.Error())
	}
}

// signalAndWait sends sig to pid, a child of this process, and waits
// (wait4 with options) until it reports the change that is wants.
func signalAndWait(t *testing.T, pid int, sig unix.Signal, options int, is func(unix.WaitStatus) bool) {
	t.Helper()
	if err := unix.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
	for {
		var ws unix.WaitStatus
		if _, err := unix.Wait4(pid, &ws, options, nil); err != nil && !errors.Is(err, unix.EINTR) {
			t.Fatalf("wait4 for %v: %v", sig, err)
		}
		if is(ws) {
			return
		}
		if ws.Exited() || ws.Signaled() {
			t.Fatalf("child ended (%v) waiting for %v", ws, sig)
		}
	}
}

// lockedBy is the *LockedError AcquireLock(dir) gives while pid holds the
// lock.
func lockedBy(t *testing.T, dir string, pid int) *LockedError {
	t.Helper()
	l, err := AcquireLock(dir)
	if err == nil {
		l.Release()
		t.Fatal("AcquireLock succeeded while another process holds the lock")
	}
	var le *LockedError
	if !errors.As(err, &le) || le.PID != pid {
		t.Fatalf("AcquireLock = %v, want a *LockedError naming PID %d", err, pid)
	}
	return le
}
