package render

import (
	"errors"
	"fmt"
	"unicode"
)

// errMixedScript is wrapped by the problem of a domain label that mixes
// letters of scripts that look alike.
var errMixedScript = errors.New("render: a domain label mixes look-alike scripts")

// lookAlikes are the scripts whose letters pass for one another (Latin
// a, Cyrillic а, Greek α): a label that mixes two of them is a
// homograph of another (UTS 39's mixed-script confusables), which
// registries do not allow within a label, so no mailbox has it: typed or
// pasted wrong (ann@еxample.com, its е Cyrillic, goes to
// xn--xample-2of.com). Scripts that mix as they are written (Japanese:
// Han, Hiragana, Katakana, Latin) are not among them.
var lookAlikes = []struct {
	name  string
	table *unicode.RangeTable
}{{"Latin", unicode.Latin}, {"Cyrillic", unicode.Cyrillic}, {"Greek", unicode.Greek}}

// mixedScriptWords says how label (a U-label) mixes look-alike scripts,
// naming the first letter not of the script most of its letters are of
// (the one that only looks like it belongs); "" when it does not.
func mixedScriptWords(label string) string {
	var count [3]int
	scriptOf := func(r rune) int {
		for i, s := range lookAlikes {
			if unicode.Is(s.table, r) {
				return i
			}
		}
		return -1
	}
	for _, r := range label {
		if i := scriptOf(r); i >= 0 && unicode.IsLetter(r) {
			count[i]++
		}
	}
	most, scripts := 0, 0
	for i, n := range count {
		if n > 0 {
			scripts++
		}
		if n > count[most] {
			most = i
		}
	}
	if scripts < 2 {
		return ""
	}
	for _, r := range label {
		if i := scriptOf(r); i >= 0 && i != most && unicode.IsLetter(r) {
			return fmt.Sprintf("the domain part %q mixes %s and %s letters (%c, %U, is %s): it only looks like a domain; retype it",
				label, lookAlikes[most].name, lookAlikes[i].name, r, r, lookAlikes[i].name)
		}
	}
	return ""
}
