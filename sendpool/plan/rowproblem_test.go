package plan

import (
	"slices"
	"testing"

	"github.com/tidings/tidings/sendpool/spool"
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

// TestJudgeOldSpoolProblemWords: send's report line for a row whose
// problem an older tidings spooled with the package's name before its
// reason read "campaign: the cell holds …" in report.csv, report.json
// and the page, while tidings report, rebuilding the same report, and
// check left the name out; send words it as they do.
func TestJudgeOldSpoolProblemWords(t *testing.T) {
	pl := &Plan{decider: &Decider{}}
	r := spool.Row{Kind: spool.KindInvalid, Row: 3, Detail: "r.csv: row 3, column \"paid\": campaign: the cell holds #N/A"}
	v, err := pl.judge(r, false)
	if err != nil {
		t.Fatal(err)
	}
	if want := `r.csv: row 3, column "paid": the cell holds #N/A`; v.line.Detail != want {
		t.Errorf("Detail: %q, want %q (as report.ProblemLine words it)", v.line.Detail, want)
	}
}
