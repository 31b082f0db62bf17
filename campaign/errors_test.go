package campaign

import (
	"errors"
	"testing"
)

// TestJoinRow: a row's problems joined in order, a column named once,
// problems without a column all kept, other errors left out.
func TestJoinRow(t *testing.T) {
	a := &RowError{File: "r.csv", Row: 3, Column: "email", Err: errors.New("bad")}
	b := &RowError{File: "r.csv", Row: 3, Column: "email", Err: errors.New("also bad")}
	c := &RowError{File: "r.csv", Row: 3, Err: errors.New("too large")}
	d := &RowError{File: "r.csv", Row: 3, Column: "id", Err: errors.New("reused")}
	got := JoinRow(RowErrors{a, c}, errors.New("not a row's"), b, c, d)
	list, ok := got.(RowErrors)
	if !ok || len(list) != 4 || list[0] != a || list[1] != c || list[2] != c || list[3] != d {
		t.Fatalf("JoinRow = %v", got)
	}
	if want := `r.csv: row 3, column "email": bad; r.csv: row 3: too large; r.csv: row 3: too large; r.csv: row 3, column "id": reused`; got.Error() != want {
		t.Errorf("Error() = %q\nwant %q", got.Error(), want)
	}
	if one := JoinRow(a, b); one != a {
		t.Errorf("JoinRow of one column's problems = %v, want the first alone", one)
	}
	if JoinRow(errors.New("x")) != nil || len(RowProblems(errors.New("x"))) != 0 {
		t.Error("an error without a row problem joins to nil")
	}
}
