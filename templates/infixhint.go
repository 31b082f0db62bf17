package templates

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// infixErrRE matches text/template's parse error for an operator written
// between two values, as Excel, Jinja and most languages write
// conditions: {{if .Average >= 3}} is `unexpected ">" in operand`, ==
// `unexpected "=" in operand`, != `"!"`, && `"&"`, || `unexpected "|" in
// if`; written without spaces, {{if .Average>=3}}, `bad character U+003E
// '>'`. Its group is the operator's first character.
var infixErrRE = regexp.MustCompile(`^(?:unexpected "([<>=!&|])" in (?:operand|if|with)|bad character U\+00(?:3C|3D|3E|21|26) '([<>=!&])')`)

// infixRE finds a condition written with an operator between two values:
// the words before it (if, else if, with, or none), the left value, the
// operator and the right value.
var infixRE = regexp.MustCompile(`\{\{-?\s*((?:if|else\s+if|with)\s+)?\(?\s*("[^"]*"|[^\s(){}"<>=!&|]+)\s*(>=|<=|==|!=|<>|&&|\|\||=|>|<)\s*("[^"]*"|[^\s(){}"<>=!&|]+)\s*\)?\s*-?\}\}`)

// infixCalls are the functions of the operators a template writes as
// calls with the same meaning: equality, and and or.
var infixCalls = map[string]string{"==": "eq", "=": "eq", "!=": "ne", "<>": "ne", "&&": "and", "||": "or"}

// infixHint is the hint for the parse error msg when line writes a
// condition with an operator between its values ({{if .Average >= 3}}):
// the call to write for ==, !=, && and ||; for an order (< <= > >=),
// that every value is text, compared letter by letter, and what to
// write instead. "" for another error, or when line has no such
// condition.
func (cp *compiler) infixHint(line, msg string) string {
	m := infixCondition(line, msg)
	if m == nil {
		return ""
	}
	open, left, op, right := strings.Join(strings.Fields(m[1]), " "), cp.infixValue(m[2]), m[3], cp.infixValue(m[4])
	if open != "" {
		open += " "
	}
	if fn := infixCalls[op]; fn != "" {
		if fn == "eq" || fn == "ne" {
			right = quoteNumber(right)
		}
		return fmt.Sprintf("; a template has no operators such as %s: a condition is a call, its function written before its values: {{%s%s %s %s}}", op, open, fn, left, right)
	}
	if call := cp.wholeIDOrder(op, m[2], m[4]); call != "" {
		return fmt.Sprintf("; a template has no operators such as %s: a condition is a call, its function written before its values: {{%s%s}} (text order, right for a year or a postcode compared with a whole number: as many digits each)", op, open, call)
	}
	return fmt.Sprintf("; a template has no operators such as %s: a condition is a call, its function written before its values, and lt, le, gt and ge compare text, letter by letter, as every value is text as the sheet shows it (\"3\" comes before \"3.0\", \"10\" before \"9\"): to test an amount, let the sheet compute a column to test ({{%seq .passed \"yes\"}}); tidings help templates, Values, says more", op, open)
}

// orderCalls are the functions of the order operators.
var orderCalls = map[string]string{"<": "lt", "<=": "le", ">": "gt", ">=": "ge"}

// wholeIDOrder is the call to write for left op right, an order between
// a column whose header reads as a year or a postcode and a whole number
// ({{if .Year >= 2024}}: ge .Year "2024"), as checkTextOrder lets it
// pass (wholeID); "" for any other order.
func (cp *compiler) wholeIDOrder(op, left, right string) string {
	fn := orderCalls[op]
	if fn == "" {
		return ""
	}
	if num := strings.Trim(right, `"`); wholeID(cp.infixColumn(left), num) {
		return fmt.Sprintf("%s %s %q", fn, cp.infixValue(left), num)
	}
	if num := strings.Trim(left, `"`); wholeID(cp.infixColumn(right), num) {
		return fmt.Sprintf("%s %q %s", fn, num, cp.infixValue(right))
	}
	return ""
}

// infixColumn is the sheet column v, a value of an operator's condition,
// names (.Year, $.Year, or Year written without its dot); "" for none.
func (cp *compiler) infixColumn(v string) string {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "$"), ".")
	if !isIdentifier(v) {
		return ""
	}
	return cp.columnLike(v)
}

// infixCondition is infixRE's match in line of the condition whose
// operator the parse error msg is about (its first character the one msg
// names), a comment's ({{/* >= */}}) left out; nil for another error or
// none.
func infixCondition(line, msg string) []string {
	e := infixErrRE.FindStringSubmatch(msg)
	if e == nil {
		return nil
	}
	char := e[1] + e[2]
	for _, m := range infixRE.FindAllStringSubmatch(line, -1) {
		if strings.HasPrefix(m[3], char) && !strings.HasPrefix(m[2], "/*") {
			return m
		}
	}
	return nil
}

// infixValue is a value of an operator's condition as a template writes
// it: a column written without its dot gets one, as a field.
func (cp *compiler) infixValue(v string) string {
	if isIdentifier(v) && v != "true" && v != "false" && v != "nil" && cp.columnLike(v) != "" {
		return cp.jinjaField(v)
	}
	return v
}

// quoteNumber is v, a value eq or ne compares with a column, in quotes
// when it is a number: a column is text, and eq refuses a number.
func quoteNumber(v string) string {
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return strconv.Quote(v)
	}
	return v
}
