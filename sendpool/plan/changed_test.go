package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestChangedFiles: a file whose content changed, one added and one gone
// are named; one renamed with its content kept is not.
func TestChangedFiles(t *testing.T) {
	was := map[string]string{"c.yaml": "a", "body.txt": "b", "logo.png": "c", "old.html": "d"}
	now := map[string]string{"news.yaml": "a", "body.txt": "B", "logo.png": "c", "new.html": "e"}
	got := changedFiles(was, now)
	if want := []string{"body.txt", "new.html", "old.html"}; !slices.Equal(got, want) {
		t.Errorf("changedFiles: %v, want %v", got, want)
	}
}

// TestChangedAttachments: an attachment in both whose content changed is
// named; one in either only is not (the campaign file naming it changed,
// or the earlier generation kept no sums of attachments).
func TestChangedAttachments(t *testing.T) {
	was := map[string]string{"guide.pdf": "a", "terms.pdf": "b", "old.pdf": "c"}
	now := map[string]string{"guide.pdf": "A", "terms.pdf": "b", "new.pdf": "d"}
	if got, want := changedAttachments(was, now), []string{"guide.pdf"}; !slices.Equal(got, want) {
		t.Errorf("changedAttachments: %v, want %v", got, want)
	}
	if got := changedAttachments(nil, now); got != nil {
		t.Errorf("changedAttachments of a generation without sums: %v", got)
	}
}

// TestChangedAttachmentGoneSince: an attachment every message carries is
// compared as the campaign's renderer read it: one removed since (the
// user replacing it while a long check runs) neither fails Changed nor
// hides that what was read differs from what went.
func TestChangedAttachmentGoneSince(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 2, "attachments: [guide.pdf]\n")
	guide := filepath.Join(filepath.Dir(camp), "guide.pdf")
	writeFile(t, guide, "%PDF-1.4 the first guide\n")
	in, state := open(t, camp)
	pl, err := Preflight(t.Context(), in, state, Options{Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	first := sha256.Sum256([]byte("%PDF-1.4 the first guide\n"))
	if got := pl.Spool.Inputs().Attachments["guide.pdf"]; got != hex.EncodeToString(first[:]) {
		t.Errorf("the generation's sum of guide.pdf %q, want the first guide's", got)
	}
	if err := pl.Spool.MarkUsed(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, guide, "%PDF-1.4 the corrected guide\n")
	in, _ = open(t, camp)
	if err := os.Remove(guide); err != nil {
		t.Fatal(err)
	}
	if got, err := Changed(in); err != nil || !slices.Equal(got, []string{"guide.pdf"}) {
		t.Errorf("Changed with guide.pdf gone since it was read: %v, %v; want [guide.pdf]", got, err)
	}
}
