package journal

// Refused returns why the journal's latest send refused to start, as
// rows have problems, and what to do (Run.Refused, Run.RefusedNext):
// when the latest run that is a send's (one with a KeyColumn) or a
// refusal's is a refusal's; "", "" otherwise. Bounces' runs and test
// sends' between them do not count: a refused send stays the last send
// until another send runs.
func (s *State) Refused() (words, next string) {
	if r := s.refusedRun(); r != nil {
		return r.Refused, r.RefusedNext
	}
	return "", ""
}

// RefusedPart returns which part of a send in parts refused to start,
// as rows have problems, and how many messages its parts before sent
// (Run.RefusedPart, Run.PartsSent), when that refusal is the journal's
// latest send (Refused); 0, 0 for a send that refused at its start, and
// otherwise.
func (s *State) RefusedPart() (part, sent int) {
	if r := s.refusedRun(); r != nil {
		return r.RefusedPart, r.PartsSent
	}
	return 0, 0
}

// refusedRun is the run of the journal's latest send when it refused to
// start (Refused), nil otherwise.
func (s *State) refusedRun() *Run {
	if r, ok := s.LastSend(); ok && r.Refused != "" {
		return &r
	}
	return nil
}

// LastSend returns the record of the journal's latest send: a run that
// delivers (one with a KeyColumn) or one refused to start as rows have
// problems (Run.Refused); bounces' runs and test sends' between do not
// count. ok is false when no send ran.
func (s *State) LastSend() (run Run, ok bool) {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		if r := s.Runs[i]; r.KeyColumn != "" || r.Refused != "" {
			return r, true
		}
	}
	return Run{}, false
}
