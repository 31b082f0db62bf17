package templates

import "strings"

// printfHoles reads a printf format given n values and tells, by index,
// which of them it prints so that a blank one shows as a hole: %s, %x,
// %X, and %v but %#v, with any width, precision or flag (a blank prints
// as nothing, or as the spaces of a width). A blank given to %q or %#v
// prints "", which a reader sees, and to %T "string"; %d and the other
// verbs of numbers are refused for a column at compile time
// (checkPrintf), so they print no blank. text is the format less its
// conversions: what the call prints besides its values.
func printfHoles(format string, n int) (holes []bool, text string) {
	holes = make([]bool, n)
	text = format
	w := &formatWalk{format: format, vals: make([]printfValue, n)}
	w.took = func(arg int, conv string, verb rune) {
		text = strings.Replace(text, conv, "", 1)
		switch verb {
		case 's', 'x', 'X':
			holes[arg] = true
		case 'v':
			holes[arg] = holes[arg] || !strings.Contains(conv, "#")
		}
	}
	for w.next() {
	}
	return holes, text
}
