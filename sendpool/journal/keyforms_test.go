package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestKeyFormsOfAnOlderJournal: a journal an older tidings wrote, whose
// norm_key is the key only trimmed and lower-cased (here decomposed, as a
// Mac's sheet had it), is read through NormalizeKey: the key composed, as
// the sheet is saved now, finds the recipient sent.
func TestKeyFormsOfAnOlderJournal(t *testing.T) {
	dir := t.TempDir()
	data := `{"type":"run","v":1,"pid":1,"started":"2026-11-25T21:00:00Z"}
{"type":"attempt","row":2,"key":"Zu\u0308rich-1","norm_key":"zu\u0308rich-1","to":"a@example.com","time":"2026-11-25T21:00:01Z","hash":"0011223344556677"}
{"type":"result","row":2,"key":"Zu\u0308rich-1","norm_key":"zu\u0308rich-1","status":"sent","time":"2026-11-25T21:00:02Z"}
`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	state, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer state.Close()
	e, err := state.Entry("Zürich-1")
	if err != nil || e == nil || e.Row != 2 {
		t.Fatalf("the composed key finds %+v (%v), want row 2", e, err)
	}
}
