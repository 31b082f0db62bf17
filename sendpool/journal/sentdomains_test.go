package journal

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestSentDomains: the recipient domains of the messages sent, by the
// server and login of their run (Run.Via): a run through another login,
// or one that recorded none, says nothing of them; a message with a Cc or
// one recipient refused names no domain, as whom it reached is not one
// address; a failed one none at all.
func TestSentDomains(t *testing.T) {
	dir := t.TempDir()
	lines := `{"type":"run","v":1,"started":"2026-11-03T09:00:00Z","via":"mx.test:587 as bob"}
{"type":"result","row":2,"key":"a@partner.test","to":"A <a@Partner.test>","status":"sent","attempts":1}
{"type":"result","row":3,"key":"b@cc.test","to":"b@cc.test","cc":"c@else.test","status":"sent","attempts":1}
{"type":"result","row":4,"key":"d@refused.test","to":"d@refused.test","status":"sent","attempts":1,"refused":["e@else.test"]}
{"type":"result","row":5,"key":"f@failed.test","to":"f@failed.test","status":"failed","attempts":1}
{"type":"run","v":1,"started":"2026-11-04T09:00:00Z","via":"mx.test:587 without a login"}
{"type":"result","row":6,"key":"g@other.test","to":"g@other.test","status":"sent","attempts":1}
{"type":"run","v":1,"started":"2026-11-05T09:00:00Z"}
{"type":"result","row":7,"key":"h@older.test","to":"h@older.test","status":"sent","attempts":1}
`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for via, want := range map[string][]string{
		"mx.test:587 as bob":          {"partner.test"},
		"mx.test:587 without a login": {"other.test"},
		"mx.test:587 as alice":        nil,
		"":                            nil,
	} {
		if got := s.SentDomains(via); !slices.Equal(got, want) {
			t.Errorf("SentDomains(%q) = %q, want %q", via, got, want)
		}
	}
}
