package templates

import (
	"fmt"
	"maps"
	texttemplate "text/template"
)

// maxParseErrors bounds how many parse errors noteParseError notes for
// one template.
const maxParseErrors = 20

// noteParseError notes err, the parse error of t, whose functions are fm.
// text/template stops at its first error; when that is a column written
// as a function ({{email}}, see columnLike), t is parsed again with that
// name made a function, and the next error is noted too, and so on: every
// such mistake of the file is told at once, with the first other error
// after them.
func (cp *compiler) noteParseError(t *Template, err error, fm map[string]any) {
	fm = maps.Clone(fm)
	for range maxParseErrors {
		cp.errs = append(cp.errs, cp.parseError(t, err))
		m := undefinedFuncRE.FindStringSubmatch(err.Error())
		if m == nil || cp.columnLike(m[1]) == "" || fm[m[1]] != nil {
			return
		}
		fm[m[1]] = func(...any) string { return "" }
		if _, err = texttemplate.New(t.name).Funcs(fm).Parse(t.source); err == nil {
			return
		}
	}
}

// columnHint is the hint for a function name that is a column written
// without its dot ({{email}}, {{ Name }}), or "".
func (cp *compiler) columnHint(name string) string {
	c := cp.columnLike(name)
	if c == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean {{.%s}}? a column is written with a leading dot)", Identifier(c))
}
