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
