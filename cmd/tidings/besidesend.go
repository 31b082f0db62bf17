package main

import (
	"cmp"
	"fmt"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// besideSend says who holds the send lock of the campaign whose state
// folder is dir (journal.Holder), for a command that reads state, loaded
// from dir, beside it; when the holder is a send, the messages it has in
// hand read as being sent (journal.State.SendRunning), not unknown.
func besideSend(state *journal.State, dir string) (journal.LockedError, bool) {
	h, ok := journal.Holder(dir)
	if ok && (h.Command == "" || h.Command == "send") {
		state.SendRunning(h.PID, h.Since)
	}
	return h, ok
}

// runningWords names h, the holder of a campaign's lock, for a command
// that reads the campaign's state beside it: "tidings send is running on
// this campaign (PID 4711, since 2026-12-06T11:16:20+01:00)", the time
// with its offset, as the other times tidings prints (a log read in
// another zone than the machine's, a container's UTC); a holder that is
// stopped (Ctrl-Z) is said to be, with how to continue it, since it
// does nothing until then.
func runningWords(h journal.LockedError) string {
	w := fmt.Sprintf("tidings %s is running on this campaign (PID %d, since %s)",
		cmp.Or(h.Command, "send"), h.PID, h.Since.Local().Format(time.RFC3339))
	if h.Stopped {
		w += ", stopped (Ctrl-Z or SIGSTOP) until continued " + h.HowToContinue()
	}
	return w
}
