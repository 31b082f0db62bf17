package templates

import (
	"fmt"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// checkNumberPlaces reports the calls of number whose PLACES is a
// constant that fails every row ({{number 11 .x}}, {{number 2.5 .x}},
// {{number true .x}}): an error of the template at its line, as the
// argument type check reports a wrong type, rather than the same problem
// on every row.
func (cp *compiler) checkNumberPlaces(t *Template, calls []call) {
	for _, c := range calls {
		if c.name != "number" || len(c.node.Args) < 2 {
			continue
		}
		why := constantPlaces(c.node.Args[1])
		if why == "" {
			continue
		}
		cp.errs = append(cp.errs, &campaign.FileError{
			File: t.file, Line: cp.line(t, c.node),
			Err: fmt.Errorf("templates: %s: {{%s}}: %w: %s", t.name, c.node, ErrFuncArgType, why),
		})
	}
}

// constantPlaces says why n, number's PLACES, fails whatever the row, or
// "" when it does not or is not a constant.
func constantPlaces(n parse.Node) string {
	switch n := n.(type) {
	case *parse.NumberNode:
		switch {
		case !n.IsInt:
			return fmt.Sprintf("number takes a whole number of places; %s is not one", n.Text)
		case n.Int64 < 0 || n.Int64 > maxPlaces:
			return fmt.Sprintf("number writes 0 to %d digits after the decimal mark; %s is not among them", maxPlaces, n.Text)
		}
	case *parse.BoolNode:
		return fmt.Sprintf("number takes a whole number of places; %s is true or false", n)
	}
	return ""
}
