//go:build unix

package bounces

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMemoryFIFO: a bounces.read that is a FIFO is refused at once, not
// waited on for a writer (a cron job would hang past --max-time), and the
// next Save replaces it with the file.
func TestMemoryFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, ReadFile)
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	type loaded struct {
		m   *Memory
		err error
	}
	done := make(chan loaded, 1)
	go func() { m, err := LoadMemory(dir); done <- loaded{m, err} }()
	var l loaded
	select {
	case l = <-done:
	case <-time.After(10 * time.Second): // a bound on failure, not a wait
		if f, err := os.OpenFile(fifo, os.O_WRONLY, 0); err == nil {
			f.Close() // lets the open end
		}
		<-done
		t.Fatal("LoadMemory waits for a writer on a FIFO")
	}
	if l.err == nil || !strings.HasPrefix(l.err.Error(), "bounces: "+fifo+": not a regular file") {
		t.Fatalf("LoadMemory: %v", l.err)
	}
	if err := l.m.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMemory(dir); err != nil {
		t.Errorf("after Save: %v", err)
	}
}
