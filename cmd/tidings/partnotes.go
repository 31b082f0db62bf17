package main

import (
	"fmt"
	"io"

	"github.com/tidings/tidings/sendpool/plan"
)

// partNotes is what the parts of a long send told so far of the rows the
// sheet's edit changed while it runs, so that a later part names only
// what is new: the rows with a problem (--skip-invalid leaves them), and
// the rows told as changed since their message went out (sent by a part
// before the edit: not sent again, not even with --resend-changed).
// Not safe for concurrent use.
type partNotes struct {
	problems map[int]bool    // rows whose problem was named
	revised  map[string]bool // lines of plan.Plan.Revised named
	unnamed  int             // how many rows told as changed had no line
}

// newPartNotes is the notes of the first part, whose preflight's plan pl
// printed its rows already.
func newPartNotes(pl *plan.Plan) *partNotes {
	t := &partNotes{problems: map[int]bool{}, revised: map[string]bool{}}
	t.newProblems(pl)
	t.newRevised(pl, false)
	return t
}

// print names, for part n (its plan pl), the rows with a problem and the
// rows changed since their message went out that the parts before did
// not name; asked is send --resend-changed, campaign the campaign file.
func (t *partNotes) print(w io.Writer, n int, pl *plan.Plan, asked bool, campaign string) {
	if problems := t.newProblems(pl); len(problems) > 0 {
		fmt.Fprintf(w, "part %d: %s a problem now, not sent (--skip-invalid):\n", n, hasHave(len(problems), "row"))
		for _, e := range problems {
			printProblem(w, e)
		}
	}
	if rows := t.newRevised(pl, asked); rows.N > 0 {
		printRevised(w, rows, 0, asked, campaign)
	}
}

// newProblems returns the problems of pl's rows (those it shows,
// plan.Plan.Invalid) not named before, and notes their rows.
func (t *partNotes) newProblems(pl *plan.Plan) []error {
	var out []error
	for _, e := range pl.Invalid {
		if row, _ := plan.RowOf(nil, e); !t.problems[row] {
			t.problems[row] = true
			out = append(out, e)
		}
	}
	return out
}

// newRevised returns the rows pl tells as changed since their message
// went out that were not named before (those it names, and a count of
// the others it only counts: plan.RowList), and notes them. A row sent
// again as it is now (asked, --resend-changed: counted by the first part
// with the others it sends again, named or not; a deferred message made
// anew: plan.RevisedSent) is not one: a later part names only rows it
// does not send.
func (t *partNotes) newRevised(pl *plan.Plan, asked bool) plan.RowList {
	var out plan.RowList
	for _, line := range pl.Revised.Rows {
		if !t.revised[line] && !plan.RevisedSent(line, asked) {
			out.Rows = append(out.Rows, line)
		}
		t.revised[line] = true
	}
	unnamed := pl.Revised.N - len(pl.Revised.Rows)
	out.N = len(out.Rows) + max(0, unnamed-t.unnamed)
	t.unnamed = max(t.unnamed, unnamed)
	return out
}
