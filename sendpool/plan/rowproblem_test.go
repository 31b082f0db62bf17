package plan

import (
	"slices"
	"testing"
)

// TestRowProblemOldSpoolWords: a row problem an older tidings spooled
// with the package's name before its reason ("campaign: the cell holds
// …") was printed so by check from the reused spool; it reads as check
// words a row just rendered now.
func TestRowProblemOldSpoolWords(t *testing.T) {
	p := &RowProblem{Row: 3, Detail: "r.csv: row 3, column \"paid\": campaign: the cell holds #N/A\nr.csv: row 3: wrong number of fields"}
	want := []string{`r.csv: row 3, column "paid": the cell holds #N/A`, "r.csv: row 3: wrong number of fields"}
	if got := p.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines: %q, want %q", got, want)
	}
	if got := p.Error(); got != want[0]+"; "+want[1] {
		t.Errorf("Error: %q", got)
	}
}
