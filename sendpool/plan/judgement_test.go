package plan

import (
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestEarlierJudgementSpoolNotReused: a generation an earlier build of
// the same release made (its digest names judgement 5, before a mailbox
// a row gives twice in another letter case was one recipient) is not
// sent from: its messages may go to that mailbox twice while the row's
// warning, told from the sheet, says it gets one copy. The rows are
// rendered again.
func TestEarlierJudgementSpoolNotReused(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "")
	preflight := func() *Plan {
		in, state := open(t, camp)
		pl, err := Preflight(t.Context(), in, state, Options{Version: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return pl
	}
	if pl := preflight(); pl.Reused {
		t.Fatal("first preflight reused a generation")
	}
	if pl := preflight(); !pl.Reused {
		t.Fatal("the same inputs' generation was not reused")
	}
	in, _ := open(t, camp)
	digest, files, err := in.digestJudged("test", 5)
	if err != nil {
		t.Fatal(err)
	}
	editManifest(t, camp, map[string]any{"inputs": map[string]any{"digest": digest, "files": files}})
	if pl := preflight(); pl.Reused {
		t.Errorf("a generation judged by revision 5 was reused (generation %d)", pl.Spool.Number())
	}
}
