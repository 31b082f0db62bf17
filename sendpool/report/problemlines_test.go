package report

import (
	"slices"
	"testing"
)

// TestProblemLines: a spool an older tidings wrote kept a row's problems
// with the package names before their reasons ("campaign: ",
// "templates: to (c.yaml:3): "), which check printed as they were from a
// reused spool; they are worded as Reason words a row just rendered now,
// the place first, and words already so are kept.
func TestProblemLines(t *testing.T) {
	detail := "r.csv: row 3, column \"paid\": campaign: the cell holds Excel's error value #N/A\n" +
		"r.csv: row 3, column \"to\": templates: to (/x/c.yaml:3): address: \"bob@\" has no domain\n" +
		"r.csv: row 3: wrong number of fields\n" +
		"render: attachments[0]: no such file"
	want := []string{
		"r.csv: row 3, column \"paid\": the cell holds Excel's error value #N/A",
		"r.csv: row 3, column \"to\": address: \"bob@\" has no domain",
		"r.csv: row 3: wrong number of fields",
		"no such file",
	}
	if got := ProblemLines(detail); !slices.Equal(got, want) {
		t.Errorf("ProblemLines:\n%q\nwant\n%q", got, want)
	}
	if got := ProblemLines(ProblemLine(detail)); len(got) != 1 {
		t.Errorf("ProblemLines of one line: %q", got)
	}
	for _, line := range want {
		if got := ProblemLines(line); len(got) != 1 || got[0] != line {
			t.Errorf("ProblemLines(%q) = %q, want it kept", line, got)
		}
	}
}
