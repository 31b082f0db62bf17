package report

import (
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// CameBack is the report's line of e (LineOf), the journal's knowledge of
// a message an earlier send handed over, for a row whose envelope
// recipients are now recipients (nil: not known), when a report came back
// for that message since (tidings bounces: journal.Entry.Feedback) that
// the line tells: a sent message's line is then bounced, soft-bounce or
// complained, in the report's words ("bounced for ADDR, reported DATE:
// DIAGNOSTIC"); an unknown one's stays unknown, its detail ending
// "; since then: …". ok is false when nothing came back that the line
// tells. Preview gives such a row this line, as report does.
func CameBack(e *journal.Entry, recipients []string) (line Row, ok bool) {
	if e == nil || e.Feedback == nil {
		return Row{}, false
	}
	if _, told := e.Feedback.Kind.Status(); !told {
		return Row{}, false
	}
	line, ok = LineOf(e, recipients)
	switch line.Status {
	case sendpool.StatusBounced, sendpool.StatusSoftBounce, sendpool.StatusComplained, sendpool.StatusUnknown:
		return line, ok
	}
	return Row{}, false
}
