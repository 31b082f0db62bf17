package main

import "github.com/tidings/tidings/sendpool/journal"

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
