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
	"testing"
)

// TestCheckStopsWhenOutputGone: `tidings check c.yaml | head -1` stops
// rendering the rows once head has read the first problem and gone, not
// at check's next line, which came after the last row: it ends as
// outputGone says (in a shell, killed by SIGPIPE). In process a write to
// the closed pipe fails instead of killing, so check went on to its end.
func TestCheckStopsWhenOutputGone(t *testing.T) {
	const n = 20000 // rendered in far longer than head takes to go
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\nnot-an-address,X\n") // row 2: a problem line at once
	for i := range n {
		fmt.Fprintf(&sheet, "user%05d@example.com,User %d\n", i, i)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   "name: t\nfrom: \"Sender <sender@example.com>\"\nto: '{{address .name .email}}'\nsubject: \"Hello {{.name}}\"\ntext: body.txt\nrecipients: {path: r.csv}\n",
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    sheet.String(),
	})
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	first := make(chan string, 1)
	go func() { // head -1
		line, _ := bufio.NewReader(r).ReadString('\n')
		r.Close()
		first <- line
	}()
	var errOut strings.Builder
	g := &globalOptions{stdout: w, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err = runCheck(context.Background(), checkOptions{maxProblems: 10}, g, filepath.Join(dir, "c.yaml"))
	if line := <-first; !strings.Contains(line, "row 2") {
		t.Fatalf("first line %q", line)
	}
	if !errors.Is(err, errOutputGone) {
		t.Errorf("check, its reader gone after the first line: %v, want it stopped (errOutputGone)\n%s", err, errOut.String())
	}
}
