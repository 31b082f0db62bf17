package render

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// disallowedRE finds the rune idna names in its refusal of a domain.
var disallowedRE = regexp.MustCompile(`disallowed rune U\+([0-9A-Fa-f]+)`)

// domainError is idna's refusal err of domain told in words a user
// understands rather than idna's ("idna: disallowed rune U+005F"): a
// character no domain has, or a label that starts or ends with '-'.
// idna's error stays in the chain; one not worded is told as it is.
func domainError(domain string, err error) error {
	var told *addrWordsError
	if errors.As(err, &told) {
		return err // checkLabels' own
	}
	words := domainWords(domain, err.Error())
	if words == "" {
		return fmt.Errorf("domain %q: %w", domain, err)
	}
	return &addrWordsError{words: words, err: err}
}

// domainWords says what is wrong with domain, which idna refused with
// msg, or "" when it cannot say.
func domainWords(domain, msg string) string {
	if m := disallowedRE.FindStringSubmatch(msg); m != nil {
		r, _ := strconv.ParseUint(m[1], 16, 32)
		return badRuneWords(rune(r))
	}
	for label := range strings.SplitSeq(domain, ".") {
		if strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return "a part of the domain starts or ends with -"
		}
	}
	return ""
}

// errBadLabel is wrapped by checkLabels' refusal of a domain that idna's
// Lookup profile took.
var errBadLabel = errors.New("render: a domain label idna took but no domain has")

// emptyLabelWords says a domain has an empty label.
const emptyLabelWords = "an empty part of the domain (two dots in a row, a dot at an end, or an xn-- with nothing after it)"

// badRuneWords says a domain holds r, which no domain may.
func badRuneWords(r rune) string {
	return fmt.Sprintf("the domain has a character a domain cannot have: %s (letters, digits, - and . only)", shownRune(r))
}

// shownRune is r as a user can see it: itself when it is visible, its
// code point (U+00A0) when it is a space or invisible.
func shownRune(r rune) string {
	if unicode.IsGraphic(r) && !unicode.IsSpace(r) {
		return string(r)
	}
	return fmt.Sprintf("%U", r)
}
