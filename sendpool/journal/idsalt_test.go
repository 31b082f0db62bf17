package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestRecordedIDSalt: the salt of the latest run line that records one,
// as Load's State.IDSalt gives it, whatever run lines without one, other
// records and a torn last line follow; none and no other records for a
// missing journal.
func TestRecordedIDSalt(t *testing.T) {
	dir := t.TempDir()
	if salt, more, err := RecordedIDSalt(context.Background(), dir); salt != "" || more || err != nil {
		t.Errorf("no journal: %q, %v, %v", salt, more, err)
	}
	a, b := "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	lines := `{"type":"run","v":1,"started":"2026-11-03T09:00:00Z","id_salt":"` + a + `"}
{"type":"run","v":1,"started":"2026-11-04T09:00:00Z","id_salt":"` + b + `"}
{"type":"attempt","row":2,"key":"a@example.com","at":"2026-11-04T09:00:01Z"}
{"type":"run","v":1,"started":"2026-11-05T09:00:00Z"}
{"type":"run","v":1,"id_salt":"` + a
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	salt, more, err := RecordedIDSalt(context.Background(), dir)
	if salt != b || !more || err != nil {
		t.Errorf("got %q, %v, %v; want %q, true", salt, more, err, b)
	}
	s, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.IDSalt() != salt {
		t.Errorf("Load's salt %q, RecordedIDSalt's %q", s.IDSalt(), salt)
	}
}
