package smtpclient

import (
	"encoding/base64"
	"testing"
)

// TestRedactLongestFormFirst: a short password found inside the base64
// form a login sends it in ("zZ" inside AUTH PLAIN's "AHVzZXIAelo=" for
// user "user") was replaced first, so the base64 form no longer matched
// and the rest of it, which encodes the password, stayed readable
// (rev-eng11). Longer forms are replaced first.
func TestRedactLongestFormFirst(t *testing.T) {
	const user, pass = "user", "zZ"
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + pass))
	d := &Dialer{secrets: secretForms(user, pass)}
	if got, want := d.redact("535 5.7.8 authentication failed: "+plain), "535 5.7.8 authentication failed: [redacted]"; got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
	tr := &transcript{secrets: secretForms(user, pass)}
	if got := tr.scrub("S: 535 " + plain); got != "S: 535 [redacted]" {
		t.Errorf("the transcript's scrub = %q", got)
	}
}
