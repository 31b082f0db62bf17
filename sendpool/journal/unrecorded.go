package journal

// Unrecorded reports whether the journal's latest send run (a run with a
// KeyColumn: not bounces' nor a test send's) ended without recording how:
// a message it handed over has no result. A run that ends on its own
// records every one (a reply lost or cut off as unknown), so such a run
// was killed outright (kill -9, the OOM killer) or its machine stopped.
// It is false while that run is the send running beside the reader
// (SendRunning: its replies may still come), and when the run was killed
// before it handed a message over or between two (nothing tells those).
// It reads every recipient's slot: once per report, not per row.
func (s *State) Unrecorded() bool {
	last := -1
	for i := len(s.Runs) - 1; i >= 0 && last < 0; i-- {
		if s.Runs[i].KeyColumn != "" {
			last = i
		}
	}
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
