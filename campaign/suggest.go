package campaign

import (
	"strings"
	"unicode"
)

// Closest is the one of candidates that name was probably meant to be, for
// "did you mean" hints: a candidate equal to name but for case and the
// characters between words (first_name, FirstName, First-Name), or else
// the single candidate at the smallest edit distance, if that is at most 2
// (at most 1 for a name of three characters or fewer). It returns "" when
// nothing is that close or two candidates are equally close.
func Closest(name string, candidates []string) string {
	best, bestD, tie := "", 3, false
	if len([]rune(name)) <= 3 {
		bestD = 2
	}
	lower, sq := strings.ToLower(name), Squash(name)
	for _, c := range candidates {
		d := editDistance(lower, strings.ToLower(c))
		if sq != "" && Squash(c) == sq {
			d = 0
		}
		switch {
		case d < bestD:
			best, bestD, tie = c, d, false
		case d == bestD && c != best:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return best
}

// ClosestOrContaining is Closest, or when that finds none, the one
// candidate whose name holds name's words, case and the characters
// between words aside ("Email Address" for email, "E-Mail" for mail):
// for a sheet's column, which often says more than the name a campaign
// gives it. name must have three letters or digits or more. It returns ""
// when no candidate, or more than one, holds it.
func ClosestOrContaining(name string, candidates []string) string {
	want := strings.Join(NameWords(name), "")
	if c := Closest(name, candidates); c != "" && !grownWord(name, c, want) {
		return c
	}
	if len([]rune(want)) < 3 {
		return ""
	}
	found := ""
	for _, c := range candidates {
		if c == found || !holdsWords(c, want) {
			continue
		}
		if found != "" {
			return "" // more than one: which one is not known
		}
		found = c
	}
	return found
}

// Squash is s in lower case with only its letters and digits: how names
// written differently (E-Mail, email, "Email Address", emailaddress) are
// matched, by tidings' hints here and in templates.
func Squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

// editDistance is the Levenshtein distance between a and b, in runes.
// Written here since the names compared are a few characters long and no
// dependency of tidings exports one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
