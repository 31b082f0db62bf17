package templates

import (
	"slices"
	"strings"
)

// lineIndex is where a source's line breaks ('\n') stand, ascending,
// found once a source: a line asked for an offset is then a binary
// search, where counting the breaks before it each time made a check of
// a body of many actions grow with the square of its length (4.7 MB:
// 7.6 s, 3.3 of it counting).
type lineIndex []int

// newLineIndex indexes the line breaks of src.
func newLineIndex(src string) lineIndex {
	x := make(lineIndex, 0, strings.Count(src, "\n"))
	for i := 0; ; {
		j := strings.IndexByte(src[i:], '\n')
		if j < 0 {
			return x
		}
		x = append(x, i+j)
		i += j + 1
	}
}

// lineOf is the line (1-based) of the source holding offset off.
func (x lineIndex) lineOf(off int) int {
	n, _ := slices.BinarySearch(x, off)
	return 1 + n
}
