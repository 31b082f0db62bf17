package journal

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestHostReached: a host a run delivered a message through (its
// result's server) was reached, whatever its port or case; a host whose
// messages all failed or were deferred, or that no result names, was
// not: its name may never have resolved.
func TestHostReached(t *testing.T) {
	dir := t.TempDir()
	lines := `{"type":"run","v":1,"started":"2026-11-03T09:00:00Z","via":"mx.test:587 as bob"}
{"type":"result","row":2,"key":"a@partner.test","to":"a@partner.test","status":"sent","attempts":1,"server":"Mx.Test:587"}
{"type":"result","row":3,"key":"b@partner.test","to":"b@partner.test","status":"temporary","attempts":1,"server":"deferred.test:587"}
{"type":"result","row":4,"key":"c@partner.test","to":"c@partner.test","status":"failed","attempts":1,"server":"failed.test:587"}
`
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(lines), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for host, want := range map[string]bool{
		"mx.test": true, "MX.test.": true, "deferred.test": false, "failed.test": false, "other.test": false, "": false,
	} {
		if got := s.HostReached(host); got != want {
			t.Errorf("HostReached(%q) = %v, want %v", host, got, want)
		}
	}
}
