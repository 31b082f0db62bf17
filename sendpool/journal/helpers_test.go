package journal

import (
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// The State's reads with a failure failing the test.

func entryOf(t testing.TB, s *State, key string) *Entry {
	t.Helper()
	e, err := s.Entry(key)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func decideOf(t testing.TB, s *State, key string, p Policy) Decision {
	t.Helper()
	d, err := s.Decide(key, p)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func entriesOf(t testing.TB, s *State) []*Entry {
	t.Helper()
	var out []*Entry
	for e, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

// unknownOf lists the recipients whose delivery is unknown, by row.
func unknownOf(t testing.TB, s *State) []*Entry {
	t.Helper()
	var out []*Entry
	for _, e := range entriesOf(t, s) {
		if e.delivery == sendpool.StatusUnknown {
			out = append(out, e)
		}
	}
	return out
}

func reportOf(t testing.TB, s *State) []Result {
	t.Helper()
	var out []Result
	for r, err := range s.Report() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
