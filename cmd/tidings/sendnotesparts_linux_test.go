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

// TestSendAfterUnconfirmedInOnePart: a send at 100/s (one part) after one
// at 2/h answered no (its spool holds a part's worth at 2/h: 1 message)
// renders the rows afresh and sends them in one part, as it says, rather
// than begin with a part of the 1 message that spool holds and render the
// rest in a second: no message went out from that spool, which goes.
func TestSendAfterUnconfirmedInOnePart(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 10, "")
	master, slave := openPTY(t)
	defer master.Close()
	defer slave.Close()
	if _, err := io.WriteString(master, "n\n"); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: slave, abort: context.Background()}
	if err := execute(context.Background(), g, []string{"send", "--rate", "2/h", camp}); exitCode(err) != exitUnusable {
		t.Fatalf("send --rate 2/h, answered no: %v\n%s%s", err, &out, &errOut)
	}
	sent, sentErr, code := runCLI(t, "send", "--yes", "--rate", "100/s", camp)
	if code != exitOK || strings.Contains(sent, "part ") || len(srv.Messages()) != 10 {
		t.Errorf("send --rate 100/s: code %d, %d messages\n%s%s", code, len(srv.Messages()), sent, sentErr)
	}
}
