package plan

import (
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestOlderSpoolWithoutCopiesNotSentFrom: after an upgrade mid-campaign,
// the spool's newest generation is an older tidings' (its message records
// without a Cc or Bcc, its manifest without "copies"), made from the
// campaign as it is. The campaign has a Cc and a Bcc, so a resumed send
// does not send from it: the rows still to send are rendered again, and
// the journal gives the Cc and Bcc they went out with.
func TestOlderSpoolWithoutCopiesNotSentFrom(t *testing.T) {
	srv := smtptest.NewServer(t)
	const copies = "cc: boss@example.com\nbcc: archive@example.com\n"
	camp := writeCampaign(t, srv, 3, copies)
	in, _ := open(t, camp)
	digest, files, err := in.Digest("")
	if err != nil {
		t.Fatal(err)
	}
	withCopies, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}

	// The older tidings' generation: its records keep no Cc or Bcc, as the
	// records of a campaign without them; then it reads as made from the
	// campaign with them, by a tidings that wrote no "copies".
	writeFile(t, camp, strings.Replace(string(withCopies), copies, "", 1))
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, in, pl, 1)
	writeFile(t, camp, string(withCopies))
	editManifest(t, camp, map[string]any{"inputs": map[string]any{"digest": digest, "files": files}, "copies": nil})

	in, state = open(t, camp)
	pl, err = Preflight(t.Context(), in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Reused || pl.Spool.Number() != 2 || !pl.Spool.KeepsCopies() {
		t.Errorf("resumed send: reused %v generation %d (keeps copies: %v), want a new one that keeps them", pl.Reused, pl.Spool.Number(), pl.Spool.KeepsCopies())
	}
	if pl.ToSend != 2 {
		t.Fatalf("resumed send: %d to send, want 2", pl.ToSend)
	}
	deliver(t, in, pl, 2)

	_, state = open(t, camp)
	for _, key := range []string{"user001@example.com", "user002@example.com"} {
		e, err := state.Entry(key)
		if err != nil || e == nil || e.Result == nil {
			t.Fatalf("%s: entry %+v, %v", key, e, err)
		}
		if e.Result.Cc != "boss@example.com" || e.Result.Bcc != "archive@example.com" || e.LastAttempt.Cc != "boss@example.com" {
			t.Errorf("%s journaled with cc %q, bcc %q (attempt cc %q), want the campaign's", key, e.Result.Cc, e.Result.Bcc, e.LastAttempt.Cc)
		}
	}
}
