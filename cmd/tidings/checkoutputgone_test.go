//go:build unix

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCheckStopsWhenOutputGone: `tidings check c.yaml | head -1` stops
// rendering the rows once head has read the first problem and gone, not
// at check's next line, which came after the last row: it ends as
// outputGone says (in a shell, killed by SIGPIPE). In process a write to
// the closed pipe fails instead of killing, so check went on to its end.
//
// The sheet is a named pipe the test writes: check cannot reach its end
// before head has gone, since the test ends the sheet only once it has
// written far more rows after that than check needs to see its reader
// gone (rowsCap), unless check stops reading first (the write fails once
// check closed the sheet): a check that did not stop renders them all
// and ends with its problems. Nothing waits on time.
func TestCheckStopsWhenOutputGone(t *testing.T) {
	const rowsCap = 200_000
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   "name: t\nfrom: \"Sender <sender@example.com>\"\nto: '{{address .name .email}}'\nsubject: \"Hello {{.name}}\"\ntext: body.txt\nrecipients: {path: r.csv}\n",
		"body.txt": "Hi {{.name}}\n",
	})
	sheetPath := filepath.Join(dir, "r.csv")
	if err := syscall.Mkfifo(sheetPath, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	headGone := make(chan struct{})
	first := make(chan string, 1)
	go func() { // head -1
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		first <- line
		close(headGone)
	}()
	written := make(chan int, 1)
	checked := make(chan struct{})
	go func() { written <- writeFIFOSheet(t, sheetPath, headGone, checked, rowsCap) }()
	var errOut strings.Builder
	g := &globalOptions{stdout: w, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err = runCheck(context.Background(), checkOptions{maxProblems: 10}, g, filepath.Join(dir, "c.yaml"))
	close(checked)
	if line := <-first; !strings.Contains(line, "row 2") {
		t.Fatalf("first line %q", line)
	}
	if n := <-written; n >= rowsCap {
		t.Errorf("check read all %d rows written after its reader had gone", n)
	}
	if !errors.Is(err, errOutputGone) {
		t.Errorf("check, its reader gone after the first line: %v, want it stopped (errOutputGone)\n%s", err, errOut.String())
	}
}

// writeFIFOSheet writes the sheet at path, a named pipe: its header and a
// row with a problem (row 2), then rows until a write fails (check closed
// the sheet), checked is closed, or rowsCap rows were written after
// headGone was closed, when it ends the sheet; it returns how many rows
// it wrote after headGone.
func writeFIFOSheet(t *testing.T, path string, headGone, checked <-chan struct{}, rowsCap int) int {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer f.Close()
	go func() { // a write check no longer reads returns
		<-checked
		f.SetWriteDeadline(time.Now())
	}()
	bw := bufio.NewWriter(f)
	bw.WriteString("email,name\nnot-an-address,X\n")
	gone := -1 // rows written when head went
	for i := 0; gone < 0 || i-gone < rowsCap; i++ {
		if _, err := fmt.Fprintf(bw, "user%07d@example.com,User %d\n", i, i); err != nil {
			return i - max(gone, 0)
		}
		select {
		case <-checked:
			return i - max(gone, 0)
		case <-headGone:
			if gone < 0 {
				gone = i
			}
		default:
		}
	}
	bw.Flush()
	return rowsCap
}
