package templates

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// pyMethodRE finds a Python string method called on a column, as a
// mailmerge template writes it: {{ name.upper() }}, {{ .name.strip() }},
// {{ name.split(",")[1] }}; m[1] the column, m[2] the method, m[3] its
// arguments, m[4] an index after it.
var pyMethodRE = regexp.MustCompile(`\{\{-?\s*\.?(\w+)\.(\w+)\(([^(){}]*)\)(?:\[(-?\d+)\])?`)

// pyMethod writes the first Python string method of line as a template
// writes it ({{upper .name}}, {{index (split "," .name) 1}}), or gives ""
// when line has none or the method has no counterpart here.
func (cp *compiler) pyMethod(line string) string {
	m := pyMethodRE.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	field := cp.jinjaField(m[1])
	args := pyArgs(m[3])
	var fn, call string
	switch {
	case len(args) == 0 && (m[2] == "upper" || m[2] == "lower" || m[2] == "title"):
		fn = m[2]
	case len(args) == 0 && m[2] == "capitalize":
		fn = "title"
	case len(args) == 0 && m[2] == "strip":
		fn = "trim"
	case len(args) == 2 && m[2] == "replace":
		fn, call = "replace", fmt.Sprintf("replace %s %s %s", args[0], args[1], field)
	case len(args) == 1 && m[2] == "split" && m[4] != "" && !strings.HasPrefix(m[4], "-"):
		fn, call = "split", fmt.Sprintf("index (split %s %s) %s", args[0], field, m[4])
	default:
		return ""
	}
	if call == "" && m[4] == "" {
		call = fn + " " + field
	}
	if call == "" {
		return ""
	}
	return fmt.Sprintf("{{%s}} (a value has no methods here: .%s() is the function %s)", call, m[2], fn)
}

// pyArgs are the arguments of a Python call, each text quoted as a
// template writes it ("x"); nil when there are none or one is not text,
// a "?" among them then so that no counterpart is told.
func pyArgs(s string) []string {
	var out []string
	rest := pyTextRE.ReplaceAllStringFunc(s, func(q string) string {
		out = append(out, strconv.Quote(q[1:len(q)-1]))
		return ""
	})
	if strings.Trim(rest, ", ") != "" || strings.Count(rest, ",") != max(len(out)-1, 0) {
		return []string{"?"}
	}
	return out
}

// pyTextRE finds a Python text literal in double or single quotes.
var pyTextRE = regexp.MustCompile(`"[^"]*"|'[^']*'`)
