package report

import (
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// lostTries keeps the page's tries whose reply has not been read yet: an
// attempt record waits here for its key's result record. One its run
// ended without (a crash, a second Ctrl-C) is a try whose reply was lost,
// as the row's status (unknown) says; one of a send still running
// (PageInput.Running) is in that send's hands, no try yet. It holds the
// tries in flight at a time, and the few a crash leaves: not the list.
type lostTries map[string]lostTry

// lostTry is an attempt without a result yet, as the result a lost reply
// would have.
type lostTry struct {
	run int
	res journal.Result
}

// attempt notes a of run (Scan reuses a: its fields are copied).
func (l lostTries) attempt(run int, a *journal.Attempt) {
	l[a.NormKey] = lostTry{run: run, res: journal.Result{Row: a.Row, Key: a.Key, NormKey: a.NormKey, To: a.To,
		Status: sendpool.StatusUnknown, Detail: "the run ended before the reply came", Started: a.Time}}
}

// result notes that r ended its key's try.
func (l lostTries) result(r *journal.Result) { delete(l, r.NormKey) }

// flush hands every try still waiting to lost, as a result of its run,
// and forgets them.
func (l lostTries) flush(lost func(run int, r *journal.Result)) {
	for k, t := range l {
		lost(t.run, &t.res)
		delete(l, k)
	}
}
