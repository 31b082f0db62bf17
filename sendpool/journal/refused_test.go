package journal

import (
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestRefused: a send refused to start is the last send until another
// send runs, bounces and test sends after it aside; it changes nothing
// else the journal says of the sends before it (what they sent, how the
// one before ended), and no line of it is damage.
func TestRefused(t *testing.T) {
	send := Run{PID: 77, Started: t0, KeyColumn: "email", ToSend: 2}
	refused := Run{PID: 78, Started: t0.Add(time.Hour), Flags: map[string]string{"command": "send"},
		Refused: "1 of 3 rows have problems; nothing was sent", RefusedNext: "fix them, or send the rest with --skip-invalid"}
	bounces := Run{PID: 79, Started: t0.Add(2 * time.Hour), Flags: map[string]string{"command": "bounces"}}
	for _, c := range []struct {
		name  string
		runs  []Run
		words string
	}{
		{"no run", nil, ""},
		{"a send", []Run{send}, ""},
		{"refused after a send", []Run{send, refused}, refused.Refused},
		{"refused first", []Run{refused}, refused.Refused},
		{"bounces after the refusal", []Run{send, refused, bounces}, refused.Refused},
		{"a send after the refusal", []Run{refused, send}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, r := range c.runs {
				var recs []any
				if r.KeyColumn != "" { // one of its two messages: killed between
					recs = []any{att(2, "a@example.org"), res(2, "a@example.org", sendpool.StatusSent)}
				}
				writeRun(t, dir, r, recs...)
			}
			s := load(t, dir)
			defer s.Close()
			words, next := s.Refused()
			if words != c.words || (words == "") != (next == "") {
				t.Errorf("Refused() = %q, %q, want %q", words, next, c.words)
			}
			sent := len(c.runs) > 0 && c.runs[0].KeyColumn != "" || len(c.runs) > 1 && c.runs[1].KeyColumn != ""
			if b, ok := s.Brief("a@example.org"); sent && (!ok || b.Delivery != sendpool.StatusSent) {
				t.Errorf("the row sent before: %+v, %t", b, ok)
			}
			if got := s.EndedShort(); got != sent {
				t.Errorf("EndedShort() = %t, want %t (the send's, the refusal aside)", got, sent)
			}
			if d := s.Damaged(); len(d) > 0 || len(s.Warnings) > 0 {
				t.Errorf("damage %v, warnings %v", d, s.Warnings)
			}
		})
	}
}
