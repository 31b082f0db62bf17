package campaign

import (
	"errors"
	"testing"
)

// TestJoinRow: a row's problems joined in order, two of one column too
// (a cell's own problem and its key's reuse are two), other errors left
// out.
func TestJoinRow(t *testing.T) {
	a := &RowError{File: "r.csv", Row: 3, Column: "email", Err: errors.New("bad")}
	b := &RowError{File: "r.csv", Row: 3, Column: "email", Err: errors.New("reused")}
	c := &RowError{File: "r.csv", Row: 3, Err: errors.New("too large")}
	got := JoinRow(RowErrors{a, c}, errors.New("not a row's"), b)
	list, ok := got.(RowErrors)
	if !ok || len(list) != 3 || list[0] != a || list[1] != c || list[2] != b {
		t.Fatalf("JoinRow = %v", got)
	}
	if want := `r.csv: row 3, column "email": bad; r.csv: row 3: too large; r.csv: row 3, column "email": reused`; got.Error() != want {
		t.Errorf("Error() = %q\nwant %q", got.Error(), want)
	}
	if one := JoinRow(errors.New("x"), a); one != a {
		t.Errorf("JoinRow of one problem = %v, want it alone", one)
	}
	if JoinRow(errors.New("x")) != nil || len(RowProblems(errors.New("x"))) != 0 {
		t.Error("an error without a row problem joins to nil")
	}
}
