package templates

import "strings"

// printfHoles reads a printf format given n values and tells, by index,
// which of them it prints so that a blank one shows as a hole: %s and %v,
// with any width, precision or flag but '#' (a blank prints as nothing,
// or as the spaces of a width). A blank given to %q or %#v prints "",
// which a reader sees; %d and the other verbs of numbers are refused for
// a column at compile time (checkPrintf), so they print no blank. text
// is the format less its conversions: what the call prints besides its
// values.
func printfHoles(format string, n int) (holes []bool, text string) {
	holes = make([]bool, n)
	text = format
	w := &formatWalk{format: format, vals: make([]printfValue, n)}
	w.took = func(arg int, conv string, verb rune) {
		text = strings.Replace(text, conv, "", 1)
		if (verb == 's' || verb == 'v') && !strings.Contains(conv, "#") {
			holes[arg] = true
		}
	}
	for w.next() {
	}
	return holes, text
}
