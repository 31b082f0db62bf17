package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPreviewStopsWhenOutputGone: `tidings preview c.yaml | head -1`
// stops writing messages once head has exited, not at its next line
// (which came after every file and the index were written): it is killed
// by SIGPIPE (141 in a shell), leaves fewer messages than rows, each
// whole, and no index.html or report.csv, as an interrupted preview.
func TestPreviewStopsWhenOutputGone(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	const n = 4000
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\nnot-an-address,X\n") // row 2: a problem line at once
	for i := range n {
		fmt.Fprintf(&sheet, "user%04d@example.com,User %d\n", i, i)
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
	var errOut bytes.Buffer
	cmd := exec.Command(bin, "preview", filepath.Join(dir, "c.yaml"))
	cmd.Env = append(os.Environ(), "CI=")
	cmd.Stdout, cmd.Stderr = w, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	line, err := bufio.NewReader(r).ReadString('\n') // head -1
	r.Close()
	if err != nil || !strings.Contains(line, "row 2") {
		t.Fatalf("first line %q: %v", line, err)
	}
	err = cmd.Wait()
	if ee := (*exec.ExitError)(nil); err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	if ws := cmd.ProcessState.Sys().(syscall.WaitStatus); !ws.Signaled() || ws.Signal() != syscall.SIGPIPE {
		t.Errorf("preview, its reader gone: %v, want killed by SIGPIPE\n%s", ws, errOut.String())
	}
	out := filepath.Join(dir, ".tidings", "t", "preview")
	emls, _ := filepath.Glob(filepath.Join(out, "*.eml"))
	if len(emls) >= n {
		t.Errorf("%d messages written, want fewer than %d", len(emls), n)
	}
	for _, f := range emls {
		if data, err := os.ReadFile(f); err != nil || !bytes.HasSuffix(data, []byte("\r\n")) || !bytes.Contains(data, []byte("Hi User")) {
			t.Errorf("%s is not whole: %v\n%q", filepath.Base(f), err, data)
		}
	}
	for _, name := range []string{"index.html", "report.csv"} {
		if _, err := os.Stat(filepath.Join(out, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: %v, want none", name, err)
		}
	}
}
