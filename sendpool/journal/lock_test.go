package journal

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const lockChildEnv = "TIDINGS_JOURNAL_LOCK_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(lockChildEnv); dir != "" {
		os.Exit(lockChild(dir))
	}
	os.Exit(m.Run())
}

// lockChild is the second process of TestLockTwoProcesses: it takes the
// lock, says "locked" and holds the lock until its stdin closes.
func lockChild(dir string) int {
	l, err := AcquireLock(dir)
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin)
	if err := l.Release(); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

func TestLockTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), lockChildEnv+"="+dir)
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child said %q, %v", line, err)
	}

	// The child holds the lock: ours fails and names it.
	l, err := AcquireLock(dir)
	if err == nil {
		l.Release()
		t.Fatal("AcquireLock succeeded while another process holds the lock")
	}
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("AcquireLock = %v, want a *LockedError", err)
	}
	if le.PID != child.Process.Pid || le.Since.IsZero() {
		t.Errorf("LockedError names PID %d since %v, want PID %d", le.PID, le.Since, child.Process.Pid)
	}
	want := fmt.Sprintf("journal: campaign is being sent by PID %d (since ", child.Process.Pid)
	if msg := err.Error(); !strings.HasPrefix(msg, want) || !strings.HasSuffix(msg, "); nothing was done: run this again once it ends, or stop it first") {
		t.Errorf("message %q, want %q…", msg, want)
	}

	if h, ok := Holder(dir); !ok || h.PID != child.Process.Pid || !h.Since.Equal(le.Since) {
		t.Errorf("Holder = %+v, %v; want the child, %d", h, ok, child.Process.Pid)
	}

	// SIGKILL leaves no chance to clean up; the kernel frees the lock.
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := child.Wait(); err == nil {
		t.Fatal("killed child exited cleanly")
	}
	// Its PID is still in the lock file, but no such process runs.
	if h, ok := Holder(dir); ok {
		t.Errorf("Holder after the kill = %+v, want none", h)
	}
	l, err = AcquireLock(dir)
	if err != nil {
		t.Fatalf("AcquireLock after the holder was killed: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
}

func TestLockSameProcess(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if l.Dir() != dir {
		t.Errorf("Dir = %q", l.Dir())
	}
	_, err = AcquireLock(dir)
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() {
		t.Fatalf("second AcquireLock = %v, want a *LockedError naming PID %d", err, os.Getpid())
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release = %v", err)
	}
	if _, err := Open(context.Background(), l, Run{}); err == nil {
		t.Error("Open with a released lock: no error")
	}
	l2, err := AcquireLock(dir)
	if err != nil {
		t.Fatalf("AcquireLock after Release: %v", err)
	}
	l2.Release()
}
