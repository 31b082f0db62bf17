package journal

// Unrecorded reports whether the journal's latest send run (a run with a
// KeyColumn: not bounces' nor a test send's) ended without recording how:
// a message it handed over has no result. A run that ends on its own
// records every one (a reply lost or cut off as unknown), so such a run
// was killed outright (kill -9, the OOM killer) or its machine stopped.
// It is false while that run is the send running beside the reader
// (SendRunning: its replies may still come), and when the run was killed
// before it handed a message over or between two (EndedShort tells those).
// It reads every recipient's slot: once per report, not per row.
func (s *State) Unrecorded() bool {
	last := s.lastSendRun()
	if last < 0 || s.SendRuns() {
		return false
	}
	from := s.runAt[last]
	for i := range s.keys.n {
		if k := s.keys.at(i); k.pending() && k.attempt.ref() > from {
			return true
		}
	}
	return false
}

// EndedShort reports whether the journal's latest send run ended before
// it went through the messages it set out to send (Run.ToSend) without
// recording why: it is not the send running beside the reader
// (SendRuns), no result of it says it was interrupted or stopped, and it
// recorded fewer final results than that. A run that ends on its own
// records one for every message it set out to send (not attempted, for
// those an interrupt or a stop kept it from), so such a run was killed
// outright between two messages, or before the first. A run without
// ToSend (a journal of an older tidings) never did, as far as this tells.
func (s *State) EndedShort() bool {
	last := s.lastSendRun()
	if last < 0 || s.SendRuns() || s.interruptedRun == last+1 || s.stoppedRun == last+1 {
		return false
	}
	return s.finals[last] < s.Runs[last].ToSend
}

// LastDelivery returns the journal's latest send run that delivered (one
// with a KeyColumn: not bounces' nor a test send's, nor a refusal); ok is
// false when there is none.
func (s *State) LastDelivery() (run Run, ok bool) {
	if i := s.lastSendRun(); i >= 0 {
		return s.Runs[i], true
	}
	return Run{}, false
}

// lastSendRun is the index in Runs of the latest send run (one with a
// KeyColumn: not bounces' nor a test send's), -1 when none.
func (s *State) lastSendRun() int {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		if s.Runs[i].KeyColumn != "" {
			return i
		}
	}
	return -1
}

// noteFinal counts r towards its run's final results (EndedShort).
func (s *State) noteFinal(r *Result) {
	if len(s.finals) > 0 && r.Final() {
		s.finals[len(s.finals)-1]++
	}
}

// Final reports whether r is a final result of its run, as EndedShort
// counts them: a delivery's outcome, not a temporary one its run goes on
// with (Result.Again) nor a decision made before delivery. The report
// page counts a run's final results by it too.
func (r *Result) Final() bool { return isDelivery(r.Status) && !r.Again }
