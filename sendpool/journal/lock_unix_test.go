//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package journal

import (
	"os"
	"os/exec"
	"runtime"
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
