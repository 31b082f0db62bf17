package journal

import (
	"time"

	"github.com/tidings/tidings/sendpool"
)

// SendRunning marks s as read while the send of process pid holds the
// campaign's lock, taken at since (Holder): the attempts without a result
// of that send's run, the latest run in the journal when it is pid's and
// began at since or later, are the messages it has in hand, whose replies
// may still come. They read as sendpool.StatusSending (Entry.InHand,
// Entry.ReportLine, Decide and Settle) instead of unknown. Only readers
// beside a send call it (report, show, check, preview); the send never
// does, so a later part of it reads an earlier part's lost replies as
// unknown, as does everyone once the send has ended. A run begun before
// since is a process's that ended (its PID was taken again since).
func (s *State) SendRunning(pid int, since time.Time) {
	s.inHandFrom = 0
	if n := len(s.Runs); n > 0 && s.Runs[n-1].PID == pid && !s.Runs[n-1].Started.Before(since) {
		s.inHandFrom = s.runAt[n-1]
	}
}

// SendRuns reports whether SendRunning found the journal's latest run to
// be the running send's.
func (s *State) SendRuns() bool { return s.inHandFrom != 0 }

// inHand says whether k's latest attempt, which has no result, is one of
// the messages the running send has in hand (SendRunning).
func (s *State) inHand(k *slot) bool {
	return s.inHandFrom != 0 && k.pending() && k.attempt.ref() > s.inHandFrom
}

// inHandDetail says what a message the running send has in hand
// (attempt a) waits for, as report and check give it.
func inHandDetail(a *Attempt) string {
	began := "being sent now by the send that is running"
	if a != nil {
		began += " (handed over at " + a.Time.Local().Format(time.RFC3339) + ")"
	}
	return began + "; its reply has not come yet: run report again when that send ends"
}

// sendingOr is st, or sendpool.StatusSending when st is unknown and k's
// message is in the running send's hands.
func (s *State) sendingOr(st sendpool.Status, k *slot) sendpool.Status {
	if st == sendpool.StatusUnknown && s.inHand(k) {
		return sendpool.StatusSending
	}
	return st
}

// RunHoldsNote begins the detail of a report line whose message the send
// running beside the reader deferred (Entry.RunHolds), before the
// server's words: that send has not finished with it.
const RunHoldsNote = "waits for the send running now, which has not finished with it (a retry, or a refusal to relay it holds until it knows whether the server relays for it)"

// runHolds says whether k stands deferred by a result of the send
// running beside the reader (SendRunning), no decision after it: when
// that result is one the send goes on with (Result.Again), the send
// tries it again, or judges the refusal to relay it holds, before it
// ends (Entry.RunHolds).
func (s *State) runHolds(k *slot) bool {
	return s.inHandFrom != 0 && !k.pending() && s.standing(k) == sendpool.StatusDeferred && !s.noteStands(k) && k.result.ref() > s.inHandFrom
}
