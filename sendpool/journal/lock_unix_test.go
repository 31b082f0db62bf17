//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package journal

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestZombieHoldsNothing: a process that ended and is not reaped yet (a
// send killed, its parent not yet waiting) is not taken for one running:
// report must not say a send is running.
func TestZombieHoldsNothing(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if !processRunning(pid) && !zombie(pid) {
		t.Fatalf("process %d neither running nor a zombie right after it started", pid)
	}
	// Wait on the thing: its state turns to Z when it ends (it is not
	// reaped until Wait); a /proc that does not show it fails the test.
	deadline := time.Now().Add(10 * time.Second)
	for !zombie(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not show as ended in /proc", pid)
		}
		runtime.Gosched()
	}
	if processRunning(pid) {
		t.Errorf("a zombie is taken for a running process")
	}
	cmd.Wait()
}

// TestHolderPIDTakenAgain: a lock file a killed send left names its PID;
// a process that has that PID now but began after the lock was taken
// (here this one: in a container, every run is PID 1) is not its holder,
// or report, check and show would read the killed send's unknowns as
// being sent, for good.
func TestHolderPIDTakenAgain(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	dir := t.TempDir()
	write := func(since time.Time) {
		b := fmt.Appendf(nil, `{"pid":%d,"since":%q,"command":"send"}`+"\n", os.Getpid(), since.UTC().Format(time.RFC3339))
		if err := os.WriteFile(filepath.Join(dir, LockFileName), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(time.Now().Add(-time.Hour)) // before this process began
	if h, ok := Holder(dir); ok {
		t.Errorf("Holder = %+v of a lock taken before its process began", h)
	}
	write(time.Now().Truncate(time.Second)) // taken by this process
	if h, ok := Holder(dir); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder = %+v, %v; want this process", h, ok)
	}
}

// TestHolderCopiedFolder: a campaign folder copied while a send holds its
// lock takes the lock file along, the holder's PID in it; the copy's
// state folder is held by no process (check in the copy said "tidings
// send is running on this campaign", naming the original's send), while
// the original's still is, also under another path to it.
func TestHolderCopiedFolder(t *testing.T) {
	orig, copied := filepath.Join(t.TempDir(), "news"), filepath.Join(t.TempDir(), "jan")
	l, err := AcquireLockAs(orig, "send")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if err := os.MkdirAll(copied, 0o700); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(orig, LockFileName))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(copied, LockFileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
	if h, ok := Holder(copied); ok {
		t.Errorf("Holder of the copy = %+v, want none: the copy's lock is held by no process", h)
	}
	if h, ok := Holder(orig); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder of the original = %+v, %v; want this process", h, ok)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(orig, link); err != nil {
		t.Fatal(err)
	}
	if h, ok := Holder(link); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder through a symbolic link to the original = %+v, %v; want this process", h, ok)
	}
}

// TestHolderOtherNamespace: a lock file a send in another PID namespace
// left (a container killed, OOM or docker kill, its campaign folder a
// volume another container reads) names a PID of that namespace; a
// process here with that PID, begun before (a long-lived container's
// init, here this one), is not its holder: report, check and show read
// the killed send's unknowns as being sent, for good.
func TestHolderOtherNamespace(t *testing.T) {
	here := pidNamespace()
	if here == "" {
		t.Skip("no /proc/self/ns/pid here")
	}
	dir := t.TempDir()
	since := time.Now().Truncate(time.Second) // after this process began
	write := func(ns string) {
		b := fmt.Appendf(nil, `{"pid":%d,"since":%q,"command":"send","pidns":%q}`+"\n", os.Getpid(), since.UTC().Format(time.RFC3339), ns)
		if err := os.WriteFile(filepath.Join(dir, LockFileName), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("pid:[1]")
	if h, ok := Holder(dir); ok {
		t.Errorf("Holder = %+v of a lock taken in another PID namespace", h)
	}
	write(here)
	if h, ok := Holder(dir); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder = %+v, %v; want this process, of this namespace", h, ok)
	}
	l, err := AcquireLockAs(t.TempDir(), "send")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if h, ok := Holder(l.Dir()); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder of a lock taken here = %+v, %v; want this process", h, ok)
	}
}

// TestLockedElsewhere: a send refused because a send in another container
// (another PID namespace) holds the lock says so with the PID it names,
// which no process here has (PID 1 read as this container's init).
func TestLockedElsewhere(t *testing.T) {
	if pidNamespace() == "" {
		t.Skip("no /proc/self/ns/pid here")
	}
	dir := t.TempDir()
	l, err := AcquireLockAs(dir, "send")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	// What a send in another container writes; the flock stays held.
	b := `{"pid":1,"since":"2026-12-06T16:21:38Z","command":"send","pidns":"pid:[1]"}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, LockFileName), []byte(b), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = AcquireLockAs(dir, "send")
	var le *LockedError
	if !errors.As(err, &le) || !le.Elsewhere || !strings.Contains(err.Error(), "PID 1 of another PID namespace") {
		t.Fatalf("AcquireLock beside a holder in another namespace = %v", err)
	}
}
