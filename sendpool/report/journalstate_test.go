package report

import (
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
)

// The journal State's reads with a failure failing the test.

func reportOf(t testing.TB, s *journal.State) []journal.Result {
	t.Helper()
	var out []journal.Result
	for r, err := range s.Report() {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}
