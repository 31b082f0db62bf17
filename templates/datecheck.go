package templates

import (
	"cmp"
	"fmt"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// checkDateLayouts reports the calls of date whose LAYOUT is a constant
// that fails every row with a value ({{date "bogus" .x}}, {{date
// "yyyy-mm-dd" .x}}, {{date "2024-03-14" .x}}; see layoutProblem): an
// error of the template at its line, saying what layouts date takes, as
// checkNumberPlaces reports number's PLACES, rather than the same problem
// on every row.
func (cp *compiler) checkDateLayouts(t *Template, calls []call) {
	for _, c := range calls {
		if c.name != "date" || len(c.node.Args) < 2 {
			continue
		}
		s, ok := c.node.Args[1].(*parse.StringNode)
		if !ok {
			continue
		}
		if why := cmp.Or(layoutProblem(s.Text), localLiteral(s.Text, cp.c.Recipients.Locale)); why != "" {
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: cp.line(t, c.node),
				Err: fmt.Errorf("templates: %s: {{%s}}: %w: date: %s", t.name, c.node, ErrFuncArgType, why),
			})
		}
	}
}
