package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLinePrinterHoldsAtMost queues 20,000 notes for a pipe nobody reads
// until they are all queued: the printer holds at most its maxQueued bytes
// of them, says in a line how many it did not show, in their place, and
// still queues an interrupt's words past the limit.
func TestLinePrinterHoldsAtMost(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	lp := startLinePrinter(w, nil)
	lp.mu.Lock()
	lp.maxQueued = 16 << 10
	lp.mu.Unlock()
	const notes = 20000
	for i := range notes {
		if !lp.add(fmt.Sprintf("note: row %d: 451 4.7.1 greylisted, try again later; retry 1 of 3 in 5m\n", i+2), lineNote) {
			t.Fatal("add refused before Close")
		}
	}
	if !lp.add("interrupted: finishing\n", lineUrgent) {
		t.Fatal("urgent add refused")
	}
	lp.mu.Lock()
	if lp.queued > lp.maxQueued+64 {
		t.Errorf("queue holds %d bytes, past %d", lp.queued, lp.maxQueued)
	}
	lp.mu.Unlock()
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	lp.Close()
	w.Close()
	text := <-out
	shown := strings.Count(text, "greylisted")
	dropped := 0
	for _, m := range regexp.MustCompile(`(?m)^note: (\d+) more lines? not shown: (?:it was|they were) said while stderr was not read, past the 16.0 KB held for it; report.csv has every row's outcome$`).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		dropped += n
	}
	if dropped == 0 || dropped+shown != notes {
		t.Errorf("%d shown and %d said not shown, want %d in all, some not shown", shown, dropped, notes)
	}
	if !strings.HasSuffix(text, "interrupted: finishing\n") {
		t.Errorf("the interrupt's words are not last: %q", text[max(0, len(text)-200):])
	}
}

// TestLinePrinterDropsInOrder: once a note is not queued (past the
// limit), a shorter one after it, which would fit, is not queued either
// until the queue is written: the line saying how many were not shown
// stands where they were said, not before a note said after some of them.
func TestLinePrinterDropsInOrder(t *testing.T) {
	r, w := io.Pipe() // each write waits for its read
	lp := startLinePrinter(w, nil)
	lp.mu.Lock()
	lp.maxQueued = 100
	lp.mu.Unlock()
	long := "note: row 3: " + strings.Repeat("x", 150) + "\n"
	for _, l := range []string{"note: row 2\n", long, "note: row 4\n"} {
		if !lp.add(l, lineNote) {
			t.Fatal("add refused before Close")
		}
	}
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	lp.Close()
	w.Close()
	text := <-out
	if strings.Contains(text, "row 4") || !strings.Contains(text, "note: 2 more lines not shown") {
		t.Errorf("row 4, said after row 3 was not shown, is shown, or the count is not 2:\n%s", text)
	}
}
