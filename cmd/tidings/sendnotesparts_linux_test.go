package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendNotesParts: send says, before it asks to go (on a terminal,
// answered no), when its run at the rate it sends at (--rate too) goes in
// parts, and how many.
func TestSendNotesParts(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 10, "")
	for _, c := range []struct {
		rate, note string
	}{
		{"2/h", "note: at 2/h these take about 5h00m: they go in 10 parts of at most 1, each rendered as it begins, so that every message leaves within an hour of its Date"},
		{"9/h", "they go in 2 parts of at most 7"},
		{"100/h", ""},
	} {
		master, slave := openPTY(t)
		if _, err := io.WriteString(master, "n\n"); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		g := &globalOptions{stdout: &out, stderr: &errOut, stdin: slave, abort: context.Background()}
		err := execute(context.Background(), g, []string{"send", "--rate", c.rate, camp})
		code := exitCode(err)
		noted := strings.Contains(out.String(), "they go in")
		if code != exitUnusable || noted != (c.note != "") || !strings.Contains(out.String(), c.note) || !strings.Contains(errOut.String(), "[y/N]") || len(srv.Messages()) != 0 {
			t.Errorf("--rate %s: code %d (%v), noted %v, want %q\n%s%s", c.rate, code, err, noted, c.note, &out, &errOut)
		}
		master.Close()
		slave.Close()
	}
}
