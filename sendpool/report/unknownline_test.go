package report

import (
	"strings"
	"testing"
)

// TestUnknownLineNamesTimeout: the summary's line for unknown outcomes
// listed a lost connection, a crash, a second Ctrl-C and a full disk as
// their causes, not the server that kept the connection and sent no
// reply in time (sendpool.ErrReplyTimedOut), which the rows' detail
// names; it lists that too.
func TestUnknownLineNamesTimeout(t *testing.T) {
	var b strings.Builder
	s := Summary{Total: 1, Unknown: 1}
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	if want := "a server that sent none within 4 × smtp.timeout"; !strings.Contains(b.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, b.String())
	}
}
