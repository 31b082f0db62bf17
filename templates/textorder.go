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

// checkTextOrder warns, at its line, of each lt, le, gt or ge that
// compares a column with a number in quotes ({{if ge .Average "3.0"}}):
// it runs, comparing text letter by letter, so an average of "3" comes
// before "3.0", "3,5" too, and "10" before "9": a passing row judged as
// failing, and nothing else would tell. A warning, not an error: a
// column whose values all have as many digits (a year, a postcode)
// compares right in text order.
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
		if !isColumn(col, c.dot) || !ok || !quotedNumberRE.MatchString(s.Text) {
			continue
		}
		action := c.node.String()
		if c.piped != nil {
			action = c.piped.String() + " | " + action
		}
		w := (&campaign.FileError{File: t.file, Line: cp.line(t, c.node), Err: fmt.Errorf(
			"templates: %s: {{%s}}: %s compares text, letter by letter, not amounts: %s in quotes is text, and %s is text as the sheet shows it, so \"3\" comes before \"3.0\", \"3,5\" before \"3.0\" and \"10\" before \"9\": a row can take the branch of the condition its amount would not; to compare amounts, let the sheet give a column to test ({{if eq .passed \"yes\"}}); if every value of the column has as many digits as %s (a year, a postcode), text order is right",
			t.name, action, c.name, s.Quoted, written(col), s.Quoted)}).Error()
		if !slices.Contains(cp.warns, w) {
			cp.warns = append(cp.warns, w)
		}
	}
}
