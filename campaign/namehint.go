package campaign

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// nonNameRE matches a run of the ASCII characters a campaign name may not
// hold (a space, '_', '/', '.').
var nonNameRE = regexp.MustCompile(`[^A-Za-z0-9]+`)

// nameFix is what CheckName adds to its refusal of name: the name as one
// may be, each run of other characters made one '-' (": write name:
// December-Newsletter-2026"), or, for a name with letters beyond ASCII,
// that a name is ASCII; "" when nothing is left to suggest.
func nameFix(name string) string {
	for _, r := range name {
		if r >= utf8.RuneSelf {
			return " (ASCII: it names the state folder and goes into every Message-ID)"
		}
	}
	fixed := strings.Trim(nonNameRE.ReplaceAllString(name, "-"), "-")
	if fixed == "" {
		return ""
	}
	return ": write name: " + fixed
}
