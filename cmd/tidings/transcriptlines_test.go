package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// writeRecorder keeps each write it is given apart.
type writeRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (r *writeRecorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, string(p))
	return len(p), nil
}

// TestTranscriptLinesWhole: the transcript's writer is given part of a
// line, several lines, or the rest of one; stderr gets each line whole,
// in one write of its own (the printer's queue holds lines, and a
// terminalWriter judges each write alone), in order, while a send
// delivers and before it, and a last line left without its newline when
// the delivery ends.
func TestTranscriptLinesWhole(t *testing.T) {
	rec := &writeRecorder{}
	g := &globalOptions{stderr: rec, abort: context.Background()}
	g.transcript = &transcriptLines{g: g}
	for _, p := range []string{"[c1] S: 220 ready\n[c1] C: EH", "LO x\n"} { // before the delivery
		g.transcript.Write([]byte(p))
	}
	_, end := g.printAside(nil)
	for _, p := range []string{"[c1] S: 250-x\n[c1] S: 250 SIZE\n[c1] C: MA", "IL FROM:<a@example.com>", "\n", "[c1] S: 250 ok\n[c1] C: QU", "IT"} {
		g.transcript.Write([]byte(p))
	}
	end()
	want := []string{"[c1] S: 220 ready\n", "[c1] C: EHLO x\n", "[c1] S: 250-x\n", "[c1] S: 250 SIZE\n", "[c1] C: MAIL FROM:<a@example.com>\n", "[c1] S: 250 ok\n", "[c1] C: QUIT\n"}
	if fmt.Sprintf("%q", rec.writes) != fmt.Sprintf("%q", want) {
		t.Errorf("stderr was written\n%q\nwant\n%q", rec.writes, want)
	}
}

// TestTranscriptPastLimit: --debug's transcript behind a stderr that does
// not read is held as notes are, up to the printer's limit; past it the
// line in place of those not shown says how many were transcript lines,
// and every line said is shown or counted, in order.
func TestTranscriptPastLimit(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	g := &globalOptions{stderr: w, abort: context.Background()}
	g.transcript = &transcriptLines{g: g}
	lp, end := g.printAside(nil)
	lp.mu.Lock()
	lp.maxQueued = 16 << 10
	lp.mu.Unlock()
	const lines, notes = 5000, 50
	for i := range lines {
		fmt.Fprintf(g.transcript, "[c1] C: RCPT TO:<user%05d@example.com>\n", i)
		if i%(lines/notes) == 0 {
			g.errLine("note: row", i, "deferred")
		}
	}
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	end()
	w.Close()
	text := <-out
	shownLines, shownNotes, last := 0, strings.Count(text, " deferred\n"), -1
	for _, m := range regexp.MustCompile(`(?m)^\[c1\] C: RCPT TO:<user(\d+)@example.com>$`).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		if n <= last {
			t.Fatalf("transcript line %d after %d", n, last)
		}
		shownLines, last = shownLines+1, n
	}
	dropped, droppedLines := 0, 0
	for _, m := range regexp.MustCompile(`(?m)^note: (\d+) more lines? not shown(?: \((\d+|all|) ?of the --debug transcript\))?: (?:it was|they were) said while stderr was not read, past the 16.0 KB held for it; report.csv has every row's outcome$`).FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		dropped += n
		switch k, err := strconv.Atoi(m[2]); {
		case err == nil:
			droppedLines += k
		case strings.Contains(m[0], "--debug transcript"):
			droppedLines += n
		}
	}
	if droppedLines == 0 || shownLines+droppedLines != lines || shownNotes+dropped-droppedLines != notes {
		t.Errorf("%d transcript lines shown and %d said not shown, want %d in all, some not shown; %d notes shown and %d not, want %d:\n%s",
			shownLines, droppedLines, lines, shownNotes, dropped-droppedLines, notes, text)
	}
}
