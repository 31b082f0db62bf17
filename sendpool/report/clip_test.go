package report_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// balanced reports whether every bracket and double quote s opens is
// closed, in order.
func balanced(s string) bool {
	pairs := map[rune]rune{'(': ')', '[': ']', '{': '}', '“': '”'}
	var open []rune
	for _, c := range s {
		switch {
		case len(open) > 0 && c == open[len(open)-1]:
			open = open[:len(open)-1]
		case c == '"':
			open = append(open, '"')
		case pairs[c] != 0:
			open = append(open, pairs[c])
		case c == ')' || c == ']' || c == '}' || c == '”':
			return false
		}
	}
	return len(open) == 0
}

// TestSummaryClipClosesBrackets: send to a port nothing listens on
// printed "21 not sent (run stopped: … at 127.0.0.1:1 (check smtp.host
// and …): tidings send …", the stop's words cut inside their inner
// parenthesis, which the line's own ")" then seemed to close, the outer
// left open (today's user review). A cut closes what it leaves open,
// within its width: the one line of the rows a stop left, and the
// reason of a row in the list of rows not sent alike.
func TestSummaryClipClosesBrackets(t *testing.T) {
	t.Parallel()
	stop := "server unreachable: nothing accepts connections at 127.0.0.1:1 (check smtp.host and smtp.port: 465 is implicit TLS, 587 and 25 are STARTTLS): connect 127.0.0.1:1: dial tcp 127.0.0.1:1: connect: connection refused"
	quoted := `login to smtp.example.com:587 as "news letter sender at example" failed: 535 5.7.8 Error: authentication failed: (another reason given here, in brackets)`
	for _, why := range []string{stop, quoted} {
		rows := make([]report.Row, 21)
		for i := range rows {
			rows[i] = report.Row{Recipient: report.Recipient{Row: i + 2, Key: "u@example.com"}, Status: sendpool.StatusNotAttempted, Detail: sendpool.StopUnsent(why)}
		}
		s := report.Summarize(rows)
		s.Again = "tidings send c.yaml"
		out := summaryText(t, &s)
		line := out[strings.Index(out, "21 not sent"):]
		line = line[:strings.IndexByte(line, '\n')]
		if !balanced(line) || !strings.Contains(line, "…") {
			t.Errorf("the line of the rows not sent leaves a bracket or quote open, or was not cut:\n%s", line)
		}
		if inner := strings.TrimSuffix(line[strings.Index(line, "(")+1:], ": tidings send c.yaml sends them once the server answers or the settings are fixed (see why the run stopped)."); why == stop && !strings.HasSuffix(inner, "(check smtp.host and …))") {
			t.Errorf("the stop's words are not cut after their last whole word with their bracket closed:\n%s", line)
		}
	}
	failed := []report.Row{{Recipient: report.Recipient{Row: 2, Key: "bob@example.com"}, Status: sendpool.StatusFailed, Code: 550,
		Detail: `mailbox "bob at the sales department of example" unavailable (quota exceeded for this mailbox by a good many bytes, try again much later than now)`}}
	s := report.Summarize(failed)
	out := summaryText(t, &s)
	line := out[strings.Index(out, "  row 2"):]
	line = line[:strings.IndexByte(line, '\n')]
	if !balanced(line) || !strings.Contains(line, "…") {
		t.Errorf("the list's reason leaves a bracket or quote open, or was not cut:\n%s", line)
	}
}
