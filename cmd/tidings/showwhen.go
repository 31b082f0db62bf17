package main

import (
	"cmp"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// sentWords is "sent <when>" for e, whose message was taken: when, as
// report.csv's finished_at says it (the server's reply to the message);
// "sent" alone for a journal that has no time for it.
func sentWords(e *journal.Entry) string {
	if t := cmp.Or(e.Result.Finished, e.Result.Started); !t.IsZero() {
		return e.Result.Status.String() + " " + report.Time(t)
	}
	return e.Result.Status.String()
}

// lastTried is when e's message was last handed to a server: the latest
// of its last attempt and its last result's reply; zero when never.
func lastTried(e *journal.Entry) time.Time {
	var t time.Time
	if e.LastAttempt != nil {
		t = e.LastAttempt.Time
	}
	if e.Result != nil {
		if r := cmp.Or(e.Result.Finished, e.Result.Started); r.After(t) {
			t = r
		}
	}
	return t
}

// triedWords is "; last tried <when>" for e, whose message is to be sent
// again (deferred, or cut off before it was taken), or "" when it was
// never handed over.
func triedWords(e *journal.Entry) string {
	if t := lastTried(e); !t.IsZero() {
		return "; last tried " + report.Time(t)
	}
	return ""
}
