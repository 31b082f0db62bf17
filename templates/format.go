package templates

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"
	"unicode/utf8"
)

// ErrPrintfVerb: a printf format with something fmt cannot read as a
// verb ({{printf "%z" .a}}, a lone % at its end, a misplaced [n]), which
// prints Go's %!z(…) marker into the message.
var ErrPrintfVerb = errors.New("not a printf verb")

// printfValue is what a check of a printf format knows of one of the
// values after the format: its type when known (a nil typ then is the
// value nil), how messages name it, whether it is a sheet column, and
// the value itself when known: at run time, or a number constant's
// (invalid otherwise; see starValue).
type printfValue struct {
	typ    reflect.Type
	known  bool
	name   string
	column bool
	value  reflect.Value
}

// formatFault is the first way a printf format does not fit its values:
// kind is ErrFuncArgType, ErrFuncArgs or ErrPrintfVerb.
type formatFault struct {
	kind error
	msg  string
}

// formatWalk reads a printf format the way fmt does (flags, [n] indexes,
// width and precision, * taking a value, the verb) and keeps the first
// fault, where fmt would print a %!…(…) marker.
type formatWalk struct {
	format    string
	i         int
	vals      []printfValue
	argNum    int  // the value the next verb takes; past the end counts what is missing
	reordered bool // an [n] index was used: fmt does not count extra values then
	missing   bool
	fault     *formatFault
	// badIndex: the conversion read has a malformed or misplaced [n];
	// outside: its [n] is past the values.
	badIndex bool
	outside  int
	// took, when set, is told of each conversion that takes a value: the
	// value's index, the conversion's text ("%-8s") and its verb.
	took func(arg int, conv string, verb rune)
}

// checkFormat reports how format does not fit vals as printf's values
// (fmt.Sprintf would print a %!…(…) marker), or nil. A value whose type
// is not known fails no verb, but counts.
func checkFormat(format string, vals []printfValue) *formatFault {
	w := &formatWalk{format: format, vals: vals}
	for w.next() {
	}
	switch {
	case w.missing && (w.fault == nil || w.fault.kind == ErrFuncArgs):
		w.fault = &formatFault{ErrFuncArgs, fmt.Sprintf("the format %q takes %s, this call gives %d", format, plural(w.argNum, "value"), len(vals))}
	case w.fault == nil && !w.reordered && w.argNum < len(vals):
		w.fault = &formatFault{ErrFuncArgs, fmt.Sprintf("the format %q takes %s, this call gives %d: %s has no verb", format, plural(w.argNum, "value"), len(vals), vals[w.argNum].name)}
	}
	return w.fault
}

// next reads the format's next verb; false when there is none.
func (w *formatWalk) next() bool {
	j := strings.IndexByte(w.format[w.i:], '%')
	if j < 0 {
		return false
	}
	start := w.i + j
	w.i, w.badIndex, w.outside = start+1, false, 0
	for w.i < len(w.format) && strings.IndexByte("#0+- ", w.format[w.i]) >= 0 {
		w.i++
	}
	after := w.index()
	if w.at('*') {
		w.i++
		w.star(start, "width")
		after = false
	} else if n, ok := w.digits(); !ok {
		return w.tooLarge(start, "width", n)
	} else if n != "" && after { // %[2]5d
		w.badIndex = true
	}
	if w.i+1 < len(w.format) && w.format[w.i] == '.' {
		w.i++
		w.badIndex = w.badIndex || after // %[2].3d
		if after = w.index(); w.at('*') {
			w.i++
			w.star(start, "precision")
			after = false
		} else if n, ok := w.digits(); !ok {
			return w.tooLarge(start, "precision", n)
		}
	}
	if !after {
		w.index()
	}
	if w.i >= len(w.format) {
		w.note(ErrPrintfVerb, fmt.Sprintf("the format %q ends in %s (a %% that should show is written %%%%)", w.format, w.format[start:]))
		return false
	}
	verb, size := utf8.DecodeRuneInString(w.format[w.i:])
	w.i += size
	w.verb(w.format[start:w.i], verb)
	return true
}

// verb checks the conversion text, its verb verb, against the value it
// takes, and passes that value.
func (w *formatWalk) verb(text string, verb rune) {
	switch {
	case verb == '%':
		return // a percent sign: no value
	case w.outside > 0:
		w.note(ErrFuncArgs, fmt.Sprintf("%s takes value %d, this call gives %d", text, w.outside, len(w.vals)))
		return
	case w.badIndex:
		w.note(ErrPrintfVerb, fmt.Sprintf("%s: an index [n] stands right before the verb or a *, n a number from 1", text))
		return
	case !strings.ContainsRune(printfVerbs, verb):
		w.note(ErrPrintfVerb, fmt.Sprintf("%s (%%s formats text, %%d a number, %%v any value; a %% that should show is written %%%%)", text))
	case w.argNum >= len(w.vals):
		w.missing = true
	default:
		if v := w.vals[w.argNum]; v.known && !verbFits(verb, v.typ, 0) {
			w.note(ErrFuncArgType, wrongVerb(text, verb, v))
		}
		if w.took != nil {
			w.took(w.argNum, text, verb)
		}
	}
	w.argNum++ // past the end: counts the values the format takes
}

// star takes the value a * in the conversion starting at start stands
// for: a whole number, the width or precision.
func (w *formatWalk) star(start int, what string) {
	if w.argNum >= len(w.vals) {
		w.missing = true
	} else if v := w.vals[w.argNum]; v.known && (v.typ == nil || !isInteger(v.typ)) {
		w.note(ErrFuncArgType, fmt.Sprintf("the * of %s takes a whole number as its %s; %s is %s", w.format[start:w.i], what, v.name, describeValue(v.typ)))
	} else if msg := starValue(w.format[start:w.i], what, v); msg != "" {
		w.note(ErrPrintfRange, msg)
	}
	w.argNum++
}

// tooLarge notes that the conversion starting at start has a width or
// precision (what), n, past fmt's limit, and returns false: fmt reads no
// more of the format (it prints %!(NOVERB) and the values as EXTRA).
func (w *formatWalk) tooLarge(start int, what, n string) bool {
	_, size := utf8.DecodeRuneInString(w.format[w.i:]) // the verb, if any
	w.note(ErrPrintfRange, fmt.Sprintf("%s: the %s %s is more than fmt takes (%d at most)", w.format[start:w.i+size], what, n, fmtLimit*10+9))
	return false
}

// index reads an argument index [n] at the walk's place as fmt does: it
// makes n-1 the next value's and returns true; a malformed one sets
// badIndex, one past the values outside (and returns true).
func (w *formatWalk) index() bool {
	if !w.at('[') {
		return false
	}
	w.reordered = true
	end := strings.IndexByte(w.format[w.i:], ']')
	if end < 0 {
		w.i++
		w.badIndex = true
		return false
	}
	n, ok := 0, end > 1
	for _, c := range w.format[w.i+1 : w.i+end] {
		ok = ok && c >= '0' && c <= '9'
		if n < 1e15 { // past fmtLimit it is past any values; kept to name it
			n = n*10 + int(c-'0')
		}
	}
	w.i += end + 1
	switch {
	case !ok || n < 1:
		w.badIndex = true
		return ok
	case n > len(w.vals):
		w.outside = n
		return true
	}
	w.argNum = n - 1
	return true
}

// digits skips a number (a width or precision) and returns it ("" when
// there is none); ok is false when fmt refuses it as too large (its
// parsenum: a digit after the number passed fmtLimit).
func (w *formatWalk) digits() (n string, ok bool) {
	start, v := w.i, 0
	for w.i < len(w.format) && w.format[w.i] >= '0' && w.format[w.i] <= '9' {
		if v > fmtLimit {
			for w.i < len(w.format) && w.format[w.i] >= '0' && w.format[w.i] <= '9' {
				w.i++
			}
			return w.format[start:w.i], false
		}
		v = v*10 + int(w.format[w.i]-'0')
		w.i++
	}
	return w.format[start:w.i], true
}

func (w *formatWalk) at(c byte) bool { return w.i < len(w.format) && w.format[w.i] == c }

// note keeps the first fault.
func (w *formatWalk) note(kind error, msg string) {
	if w.fault == nil {
		w.fault = &formatFault{kind, msg}
	}
}

// printfVerbs are the verbs fmt knows for some value; any other prints
// %!x(…) whatever the value (%w only works in fmt.Errorf).
const printfVerbs = "vTtbcdoOqxXUeEfFgGsp"

// verbFits reports whether fmt formats a value of type t (nil: the value
// nil) with verb without a %!verb(…) marker: fmt's rules for its kinds,
// element by element for lists, maps and structs (depth stops at nested
// ones); other kinds, which tidings' values never have, pass.
func verbFits(verb rune, t reflect.Type, depth int) bool {
	switch {
	case verb == 'v' || verb == 'T':
		return true
	case t == nil:
		return false
	case t.Implements(reflect.TypeFor[fmt.Formatter]()):
		return true
	case strings.ContainsRune("sxXq", verb) && (t.Implements(reflect.TypeFor[error]()) || t.Implements(reflect.TypeFor[fmt.Stringer]())):
		return true
	case verb == 'p':
		k := t.Kind()
		return k == reflect.Chan || k == reflect.Func || k == reflect.Map || k == reflect.Pointer || k == reflect.Slice || k == reflect.UnsafePointer
	}
	switch k := t.Kind(); {
	case k == reflect.Bool:
		return verb == 't'
	case isInteger(t):
		return strings.ContainsRune("bcdoOqxXU", verb)
	case k == reflect.Float32, k == reflect.Float64, k == reflect.Complex64, k == reflect.Complex128:
		return strings.ContainsRune("bgGxXfFeE", verb)
	case k == reflect.String:
		return strings.ContainsRune("sxXq", verb)
	case depth > 3:
		return true
	case k == reflect.Slice, k == reflect.Array:
		return t.Elem().Kind() == reflect.Uint8 && strings.ContainsRune("sxXqd", verb) || verbFits(verb, t.Elem(), depth+1)
	case k == reflect.Map:
		return verbFits(verb, t.Key(), depth+1) && verbFits(verb, t.Elem(), depth+1)
	case k == reflect.Struct:
		for i := range t.NumField() {
			if !verbFits(verb, t.Field(i).Type, depth+1) {
				return false
			}
		}
	}
	return true
}

func isInteger(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// wrongVerb says that the conversion text (verb verb) cannot format v,
// and which verbs can.
func wrongVerb(text string, verb rune, v printfValue) string {
	msg := fmt.Sprintf("%s formats %s; %s is %s: use %s", text, verbTakes(verb), v.name, describeValue(v.typ), verbsFor(v.typ))
	if v.column {
		msg += fmt.Sprintf(" (a column is text, as the sheet shows it: {{number 2 %s}} writes its number with 2 places)", v.name)
	}
	if strings.Contains(text, " ") {
		msg += "; a % that should show is written %%"
	}
	return msg
}

// verbTakes is what the verb formats, as the help text speaks of it.
func verbTakes(verb rune) string {
	switch verb {
	case 't':
		return "true or false"
	case 's':
		return "text"
	case 'q', 'x', 'X':
		return "text or a number"
	case 'e', 'E', 'f', 'F', 'g', 'G':
		return "a decimal number (1.5)"
	case 'p':
		return "the address of a list"
	}
	return "a number"
}

// verbsFor are the verbs that suit a value of type t (nil: nil).
func verbsFor(t reflect.Type) string {
	switch {
	case t == nil:
		return "%v"
	case t.Kind() == reflect.String:
		return "%s or %v"
	case t.Kind() == reflect.Bool:
		return "%t or %v"
	case isInteger(t):
		return "%d or %v"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return "%v, or join it"
	case t.Kind() == reflect.Float64:
		return "%g, %.2f or %v"
	}
	return "%v"
}

// describeValue names a value's type as the help text speaks of it.
func describeValue(t reflect.Type) string {
	switch {
	case t == nil:
		return "nil"
	case t.Kind() == reflect.Float64:
		return "a decimal number"
	case t.Kind() == reflect.String:
		return "text"
	case isInteger(t):
		return "a number"
	}
	return describe(t)
}

// constantType is the type text/template gives the number constant n
// passed as printf's value (its idealConstant), nil when it refuses it.
func constantType(n *parse.NumberNode) reflect.Type {
	hexInt := len(n.Text) > 2 && n.Text[0] == '0' && (n.Text[1] == 'x' || n.Text[1] == 'X') && !strings.ContainsAny(n.Text, "pP")
	switch {
	case n.IsComplex:
		return reflect.TypeFor[complex128]()
	case n.IsFloat && !hexInt && n.Text[0] != '\'' && strings.ContainsAny(n.Text, ".eEpP"):
		return reflect.TypeFor[float64]()
	case n.IsInt:
		return numberType
	}
	return nil
}

// plural is n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
