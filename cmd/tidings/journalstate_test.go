package main

import (
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
)

// The journal State's reads with a failure failing the test.

func entryOf(t testing.TB, s *journal.State, key string) *journal.Entry {
	t.Helper()
	e, err := s.Entry(key)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func decideOf(t testing.TB, s *journal.State, key string, p journal.Policy) journal.Decision {
	t.Helper()
	d, err := s.Decide(key, p)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func entriesOf(t testing.TB, s *journal.State) []*journal.Entry {
	t.Helper()
	var out []*journal.Entry
	for e, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}
