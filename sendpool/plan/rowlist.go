package plan

import (
	"fmt"
	"strings"
)

// maxRowList is how many rows a RowList names.
const maxRowList = 5

// RowList names the first rows of a kind and counts them all: what a
// warning or an error lists.
type RowList struct {
	Rows []string // the first maxRowList, as "row 5: ann@example.com"
	N    int      // all of them
}

// Add counts a row, named by line.
func (l *RowList) Add(line string) {
	if l.N++; len(l.Rows) < maxRowList {
		l.Rows = append(l.Rows, line)
	}
}

// String is the rows named, "; " between them, and how many more:
// "row 2: a@x; row 3: b@x and 4 more".
func (l RowList) String() string { return l.Join("; ") }

// Join is the rows named, sep between them, and how many more: "2, 5
// and 4 more" for ", ".
func (l RowList) Join(sep string) string {
	s := strings.Join(l.Rows, sep)
	if more := l.N - len(l.Rows); more > 0 {
		s += fmt.Sprintf(" and %d more", more)
	}
	return s
}
