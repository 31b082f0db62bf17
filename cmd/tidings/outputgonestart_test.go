package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPreviewOutputGoneAtStart: `tidings preview c.yaml | true`, the
// reader gone before preview opened the campaign, ends preview as a
// reader gone later does, killed by SIGPIPE and saying nothing; it said
// "tidings: interrupted" and exited 130, an interrupt nobody made, for
// the watch's cancelled context failed the campaign's opening first.
func TestPreviewOutputGoneAtStart(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   "name: t\nfrom: \"Sender <sender@example.com>\"\nto: '{{address .name .email}}'\nsubject: \"Hello {{.name}}\"\ntext: body.txt\nrecipients: {path: r.csv}\n",
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\na@example.com,A\nb@example.com,B\n",
	})
	for range 3 {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		r.Close() // | true: the reader is gone before preview starts
		var errOut bytes.Buffer
		cmd := exec.Command(bin, "preview", filepath.Join(dir, "c.yaml"))
		cmd.Env = append(os.Environ(), "CI=")
		cmd.Stdout, cmd.Stderr = w, &errOut
		err = cmd.Run()
		w.Close()
		if ee := (*exec.ExitError)(nil); err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != syscall.SIGPIPE || strings.Contains(errOut.String(), "interrupted") {
			t.Fatalf("preview, its reader gone at the start: %v, want killed by SIGPIPE, saying nothing\n%s", ws, errOut.String())
		}
	}
}
