//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestAttachmentFIFOSendEnds: a row naming a FIFO in the campaign folder
// as its attachment is a problem of that row, and send --skip-invalid
// sends the others and ends; it hung for good at the FIFO's open, where
// it hashed the file it could not attach, the send lock held, deaf to
// the first interrupt.
func TestAttachmentFIFOSendEnds(t *testing.T) {
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `attachments: ["files/{{.file}}"]`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name,file\nann@example.com,Ann,a.pdf\nbob@example.com,Bob,pipe.pdf\n",
	})
	fifo := filepath.Join(dir, "files", "pipe.pdf")
	writeFiles(t, filepath.Join(dir, "files"), map[string]string{"a.pdf": "%PDF-1.4\n"})
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	type result struct {
		out  string
		code int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", filepath.Join(dir, "c.yaml"))
		done <- result{out + errOut, code}
	}()
	select {
	case r := <-done:
		if r.code != exitSomeFailed || !strings.Contains(r.out, "is not a regular file") || len(srv.Messages()) != 1 {
			t.Errorf("send: code %d, %d messages, want %d, 1 and the FIFO's row named:\n%s", r.code, len(srv.Messages()), exitSomeFailed, r.out)
		}
		// The list of rows not sent gives the reason, not the sheet and
		// row again (TestSummaryNotSentLeadsWithReason).
		if !strings.Contains(r.out, `  row 3  bob@example.com  invalid  column "file": attachment not readable: "files/pipe.pdf" is not a regular file`+"\n") {
			t.Errorf("send's list of rows not sent lacks the FIFO's reason:\n%s", r.out)
		}
	case <-time.After(time.Minute):
		// A writer lets the open waiting on the FIFO go, so the test ends.
		if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			w.Close()
		}
		<-done
		t.Fatal("send hung at the FIFO a row names")
	}
}
