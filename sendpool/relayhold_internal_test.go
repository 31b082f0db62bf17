package sendpool

import (
	"testing"

	"github.com/tidings/tidings/render"
)

// TestRelayUnsureAfterRelayKnown: a refusal to relay classed before
// another connection learned that the server relays (relayKnown) is held,
// to fail as its recipient's refusal, even when it is the third domain
// refused: counted, it stopped the run for a login the server does not
// want (rev-eng8 found the race by reading).
func TestRelayUnsureAfterRelayKnown(t *testing.T) {
	r := &poolRun{relayed: make(chan struct{})}
	se := &SMTPError{Code: 554, EnhancedCode: EnhancedCode{5, 7, 1}, Message: "<b@c.test>: Relay access denied"}
	for _, to := range []string{"a@one.test", "b@two.test"} {
		if !r.relayUnsure(se, to, &poolJob{msg: &render.Message{Row: 2, EnvelopeFrom: "news@acme.test"}}) {
			t.Fatalf("%s: refusal not held", to)
		}
	}
	r.relayKnown()
	if !r.relayUnsure(se, "c@three.test", &poolJob{msg: &render.Message{Row: 3, EnvelopeFrom: "news@acme.test"}}) {
		t.Error("the third domain's refusal after relayKnown stops the run")
	}
}

// TestUnaskedWithoutAddr: the detail of a row failed unasked quotes the
// refusal to relay of the row asked without that row's recipient, as
// Postfix ("<b@x.test>: …") and Sendmail ("<b@x.test>... …") put it, or
// anywhere else, where a user read another row's address on this row's
// line (today's review); its codes stay the server's.
func TestUnaskedWithoutAddr(t *testing.T) {
	for text, want := range map[string]string{
		"<b@X.test>: Relay access denied":         "Relay access denied",
		"<b@X.test>... Relaying denied":           "Relaying denied",
		"relay not permitted for b@X.test, sorry": "relay not permitted for @x.test, sorry",
		"Unable to relay":                         "Unable to relay",
	} {
		rf := relayRefusal{err: &SMTPError{Command: "RCPT", Code: 554, EnhancedCode: EnhancedCode{5, 7, 1}, Message: text}, addr: "b@X.test", row: 2}
		se := rf.unasked()
		if w := "not asked: the server refused to relay to x.test for row 2 (554 5.7.1 " + want + "); once it relays there, send --retry-failed asks it again"; se.Message != w || se.Code != 554 || se.EnhancedCode != rf.err.EnhancedCode {
			t.Errorf("%q: %d %s %q, want 554 5.7.1 %q", text, se.Code, se.EnhancedCode, se.Message, w)
		}
	}
}
