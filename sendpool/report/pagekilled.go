package report

import "github.com/tidings/tidings/sendpool/journal"

// sendRunEnd is what the page reads of how a send run (one with a key
// column) ended, from its records: how many messages it set out to send
// (journal.Run.ToSend), how many final results it recorded, and whether
// a try of it was still waiting for its reply when the next run began.
type sendRunEnd struct {
	n, toSend, finals int
	lost              bool
}

// killedEarlierWords are the run table's stop of a send run killed
// outright that a later send run followed: killedWords speak of the last
// send, which it is not.
const killedEarlierWords = "this run ended without recording how: it was killed outright (kill -9, the OOM killer), its machine stopped, or its journal could no longer be written (a full disk); a later send went on"

// noteFinal counts a result of the current send run towards its final
// results, as journal.State.EndedShort counts them (journal.Result.Final).
func (e *sendRunEnd) noteFinal(run int, r *journal.Result) {
	if run == e.n && r.Final() {
		e.finals++
	}
}

// noteLost notes that tries of the current send run are still waiting
// for their reply as a new run begins (before they are flushed as lost).
func (e *sendRunEnd) noteLost(l lostTries) {
	for _, t := range l {
		if t.run == e.n {
			e.lost = true
			return
		}
	}
}

// newSendRun ends the send run the page has read so far, as a later send
// run (run n, set out to send toSend) begins: when it recorded no stop
// (not interrupted, nor stopped) and either lost a try's reply or
// recorded fewer final results than it set out to send, it was killed
// outright, and its row of the run table says so rather than finished.
// A run killed before its first try is none of the table's; the latest
// send run is killedRun's.
func (b *pageBuilder) newSendRun(n, toSend int) {
	e := b.sendRun
	b.sendRun = sendRunEnd{n: n, toSend: toSend}
	if e.n == 0 || !e.lost && e.finals >= e.toSend {
		return
	}
	for _, r := range b.timeline.runs {
		if r.number == e.n && r.stop == "" {
			r.stop = killedEarlierWords
		}
	}
}
