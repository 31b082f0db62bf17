package bounces

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestAppendSuppressionsListedAfterBOM: AppendSuppressions adds only the
// lines the list lacks (an editor's save of it may hold the run's
// address already), but read a list saved with a byte-order mark
// (Notepad's "UTF-8 with BOM") as campaign.LoadSuppression does not: its
// first entry, the BOM before it, was taken for another address, and the
// run's line for that address was added again.
func TestAppendSuppressionsListedAfterBOM(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "suppress.txt")
	const list = "\ufeffNew@example.org  # kept by hand\nold@example.org\n"
	if err := os.WriteFile(path, []byte(list), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := AppendSuppressions(path, []Suppression{{Address: "new@example.org", Kind: "bounced", Status: "5.1.1"}}, "b", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != list {
		t.Errorf("the list (%v):\n%q\nwant it as it was:\n%q", err, b, list)
	}
}
