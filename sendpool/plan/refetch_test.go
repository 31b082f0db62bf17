package plan

import (
	"bytes"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/spool"
)

// spoolOne writes a generation of one message, m at its row, with digest
// hash.
func spoolOne(t *testing.T, store *spool.Store, m *render.Message, hash string) *spool.Generation {
	t.Helper()
	w, err := store.Create()
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddRow(spool.RowOf(m)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddMessage(m, hash); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(spool.Inputs{}); err != nil {
		t.Fatal(err)
	}
	return w.Generation()
}

// TestRefetchByDigest: a message parked for a retry comes back as the
// bytes with its digest: from the run's generation when they are there,
// else (a send to the recipients a message still owes, of the bytes an
// earlier run sent: Plan.forOwed) from the older generation that has
// them, found at another row; never another message under its
// Message-ID.
func TestRefetchByDigest(t *testing.T) {
	stateDir := t.TempDir()
	store := spool.OpenStore(stateDir)
	old := &render.Message{Row: 2, Key: "ann@example.org", MessageID: "m@x", Recipients: []string{"ann@example.org"}, Data: []byte("Subject: old\r\n\r\nold\r\n")}
	spoolOne(t, store, old, "h-old")
	now := *old
	now.Row, now.Data = 3, []byte("Subject: new\r\n\r\nnew, the same length\r\n")
	current := spoolOne(t, store, &now, "h-new")
	f := &refetcher{g: current, sent: &sentFinder{store: store}}
	defer f.close()
	for digest, want := range map[string][]byte{"h-new": now.Data, "h-old": old.Data} {
		m := now
		m.Digest, m.Data = digest, nil
		got, err := f.fetch(t.Context(), &m)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("digest %s: %q, %v; want %q", digest, got, err, want)
		}
	}
	m := now
	m.Digest = "h-gone"
	if got, err := f.fetch(t.Context(), &m); err == nil {
		t.Errorf("a digest no generation has: %q, want an error", got)
	}
}
