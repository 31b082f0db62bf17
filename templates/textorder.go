package templates

import (
	"fmt"
	"regexp"
	"slices"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// orderings are the builtins that compare in order (text letter by
// letter, as every column is text).
var orderings = map[string]bool{"lt": true, "le": true, "gt": true, "ge": true}

// quotedNumberRE matches quoted text that reads as an amount: "3", "3.0",
// "3,5", "-1", ".5".
var quotedNumberRE = regexp.MustCompile(`^\s*[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)\s*$`)

// wholeNumberRE matches quoted text that is a whole number: "2024".
var wholeNumberRE = regexp.MustCompile(`^\d+$`)

// wholeID reports whether column, compared in order with the quoted
// number num, reads as a year or a postcode (yearOrPostcode) and num is
// a whole number: their values have as many digits each, and text order
// is right.
func wholeID(column, num string) bool {
	return yearOrPostcode(column) && wholeNumberRE.MatchString(num)
}

// checkTextOrder warns, at its line, of each lt, le, gt or ge that
// compares a column with a number in quotes ({{if ge .Average "3.0"}}):
// it runs, comparing text letter by letter, so an average of "3" comes
// before "3.0", "3,5" too, and "10" before "9": a passing row judged as
// failing, and nothing else would tell. A column whose header reads as
// a year or a postcode (wholeID) compared with a whole number is not
// warned of: its values have as many digits each, and text order is
// right. A warning, not an error: another column's values may all have as
// many digits too.
func (cp *compiler) checkTextOrder(t *Template, calls []call) {
	fm := funcs(cp.c.Recipients)
	for _, c := range calls {
		if _, mine := fm[c.name]; mine || !orderings[c.name] {
			continue
		}
		args := c.node.Args[1:]
		if c.piped != nil && len(c.piped.Args) == 1 {
			args = append(slices.Clone(args), c.piped.Args[0])
		}
		if len(args) != 2 {
			continue
		}
		col, num := args[0], args[1]
		if !isColumn(col, c.dot) {
			col, num = num, col
		}
		s, ok := num.(*parse.StringNode)
		if !isColumn(col, c.dot) || !ok || !quotedNumberRE.MatchString(s.Text) || wholeID(cp.columnName(col, c.dot), s.Text) {
			continue
		}
		action := c.node.String()
		if c.piped != nil {
			action = c.piped.String() + " | " + action
		}
		w := (&campaign.FileError{File: t.file, Line: cp.line(t, c.node), Err: fmt.Errorf(
			"templates: %s: {{%s}}: %s compares text, letter by letter, not amounts: %s in quotes is text, and %s is text as the sheet shows it, so \"3\" comes before \"3.0\", \"3,5\" before \"3.0\" and \"10\" before \"9\": a row can take the branch of the condition its amount would not; to compare amounts, let the sheet compute a column to test ({{if eq .passed \"yes\"}}); if every value of the column has as many digits as %s (a year, a postcode), text order is right",
			t.name, action, c.name, s.Quoted, written(col), s.Quoted)}).Error()
		if !slices.Contains(cp.warns, w) {
			cp.warns = append(cp.warns, w)
		}
	}
}
