package plan

import (
	"bytes"
	"context"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// earlierJournal puts testdata's journal name into the state folder of
// camp; a run line naming the campaign file sent, path, names camp
// instead (path "" when the tidings that wrote it named none).
func earlierJournal(t *testing.T, camp, name, path string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	b = bytes.ReplaceAll(b, []byte(`"campaign":"`+path+`"`), []byte(`"campaign":"`+camp+`"`))
	if err := os.WriteFile(filepath.Join(stateDir, journal.FileName), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestMessageIDOfEarlierTidings: a message that a tidings from before the
// row's values were in Message-IDs left unknown (its connection dropped
// after the body) goes again under --resend-unknown with the identifier
// it went with, so a receiver can tell the copy; the row it never tried
// gets an identifier of its values. The journal in testdata was written
// by tidings at commit 937dc6a: send --limit 1 of this campaign, against
// a server that closed the connection after taking the body.
func TestMessageIDOfEarlierTidings(t *testing.T) {
	const went = "t.sfo4x4sqhghxln6upkt6p3tz@example.com"
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	earlierJournal(t, camp, "journal-937dc6a-unknown.jsonl", "/tmp/rv/fix/c/c.yaml")
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test", Policy: journal.Policy{ResendUnknown: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got := spooledID(t, pl, 2); got != went {
		t.Errorf("row 2's Message-ID %q, want the one it went with, %q", got, went)
	}
	if got := spooledID(t, pl, 3); got == went || !strings.HasPrefix(got, "t.") {
		t.Errorf("row 3's Message-ID %q", got)
	}
	deliver(t, in, pl, pl.ToSend)
	var ids []string
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		if m.To[0] == "user000@example.com" {
			ids = append(ids, msg.Header.Get("Message-Id"))
		}
	}
	if len(ids) != 1 || ids[0] != "<"+went+">" {
		t.Errorf("user000 got Message-IDs %q, want <%s>", ids, went)
	}
}

// TestMessageIDOfEarlierTidingsCorrected: the row of such a message whose
// To was corrected since (the name in it) is another message: it gets an
// identifier of its own.
func TestMessageIDOfEarlierTidingsCorrected(t *testing.T) {
	const went = "t.sfo4x4sqhghxln6upkt6p3tz@example.com"
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	writeFile(t, filepath.Join(filepath.Dir(camp), "r.csv"), "email,name\nuser000@example.com,User Zero\nuser001@example.com,User 1\n")
	earlierJournal(t, camp, "journal-937dc6a-unknown.jsonl", "/tmp/rv/fix/c/c.yaml")
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test", Policy: journal.Policy{ResendUnknown: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got := spooledID(t, pl, 2); got == went || !strings.HasPrefix(got, "t.") {
		t.Errorf("row 2's Message-ID %q, want one of its own", got)
	}
}

// TestMessageIDOfEarlierTidingsOwed: a Cc a tidings from before the spool
// and the values in Message-IDs left owed (the To took the message, the
// Cc was deferred) gets the message rendered again, with the Message-ID
// the To's went with. The journal in testdata was written by tidings at
// commit 693662d: send --limit 1 of this campaign with a constant cc:
// that the server deferred.
func TestMessageIDOfEarlierTidingsOwed(t *testing.T) {
	const went = "t.sfo4x4sqhghxln6upkt6p3tz@example.com"
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, `cc: "defer@example.com"`+"\n")
	earlierJournal(t, camp, "journal-693662d-owed.jsonl", "")
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, in, pl, pl.ToSend)
	var ids []string
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(m.To, "defer@example.com") && msg.Header.Get("Subject") == "Hello User 0" {
			ids = append(ids, msg.Header.Get("Message-Id"))
		}
	}
	if len(ids) != 1 || ids[0] != "<"+went+">" {
		t.Errorf("the owed Cc got Message-IDs %q, want <%s>", ids, went)
	}
}

// TestMessageIDOfEarlierTidingsReused: a spool generation whose message
// for a row to send again has another Message-ID than the one it went
// with is not sent from: the rows are rendered again, the identifier
// kept. The generation is made while the journal of
// TestMessageIDOfEarlierTidings says deferred ("temporary"), not
// unknown, as an older tidings made one, with the values in the
// identifiers, beside a message one before those left unknown.
func TestMessageIDOfEarlierTidingsReused(t *testing.T) {
	const went = "t.sfo4x4sqhghxln6upkt6p3tz@example.com"
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	earlierJournal(t, camp, "journal-937dc6a-unknown.jsonl", "/tmp/rv/fix/c/c.yaml")
	jpath := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	unknown, err := os.ReadFile(jpath)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, jpath, strings.Replace(string(unknown), `"status":"unknown"`, `"status":"temporary"`, 1))
	_, first := preflightOf(t, camp)
	if got := spooledID(t, first, 2); got == went {
		t.Fatalf("row 2 spooled with %q while deferred", got)
	}
	writeFile(t, jpath, string(unknown))
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{Version: "test", Policy: journal.Policy{ResendUnknown: true}})
	if err != nil {
		t.Fatal(err)
	}
	if got := spooledID(t, pl, 2); pl.Reused || got != went {
		t.Errorf("row 2's Message-ID %q (generation reused: %v), want %q", got, pl.Reused, went)
	}
}
