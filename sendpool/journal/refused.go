package journal

// Refused returns why the journal's latest send refused to start, as
// rows have problems, and what to do (Run.Refused, Run.RefusedNext):
// when the latest run that is a send's (one with a KeyColumn) or a
// refusal's is a refusal's; "", "" otherwise. Bounces' runs and test
// sends' between them do not count: a refused send stays the last send
// until another send runs.
func (s *State) Refused() (words, next string) {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		r := &s.Runs[i]
		switch {
		case r.Refused != "":
			return r.Refused, r.RefusedNext
		case r.KeyColumn != "":
			return "", ""
		}
	}
	return "", ""
}
