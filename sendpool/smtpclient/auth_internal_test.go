package smtpclient

import "testing"

// TestXOAUTH2OneChallenge: the server's one challenge (its error, in
// JSON) is answered with an empty line; a second is refused, so a server
// cannot keep the login going round.
func TestXOAUTH2OneChallenge(t *testing.T) {
	c := &xoauth2Client{username: "me@example.com", token: "t"}
	if resp, err := c.Next([]byte(`{"status":"401"}`)); err != nil || len(resp) != 0 {
		t.Fatalf("first challenge: %q, %v; want an empty answer", resp, err)
	}
	if _, err := c.Next([]byte(`{"status":"401"}`)); err == nil {
		t.Error("second challenge answered")
	}
}
