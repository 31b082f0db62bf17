package templates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// decimal is a number as its digits: whole and frac hold ASCII digits
// only, whole without leading zeros ("" for zero).
type decimal struct {
	neg         bool
	whole, frac string
}

// groupSeparators are what a sheet writes between groups of three digits
// besides the other mark than the decimal one: a space, a no-break
// space, a narrow no-break space (French) and an apostrophe (Swiss).
const groupSeparators = " \u00a0\u202f'’"

// readDecimal reads s as a decimal number written with mark: an optional
// sign, digits, and at most one mark followed by digits, white space
// around it ignored. The other mark, a space, a no-break space or an
// apostrophe may group the whole part's digits, in threes after the
// first group. Anything else (a currency symbol, a percent sign, an
// exponent, letters) is refused: number guesses no meaning for it.
func readDecimal(s string, mark campaign.DecimalMark) (decimal, error) {
	var d decimal
	s = strings.TrimSpace(s)
	if dashZero(s) {
		return d, fmt.Errorf("%w: a dash alone is how an accounting format shows a zero, and number reads digits; give the column a number format that shows the zero in the sheet, such as #,##0.00", errNotNumber)
	}
	if s != "" && (s[0] == '-' || s[0] == '+') {
		d.neg, s = s[0] == '-', strings.TrimSpace(s[1:])
	}
	whole, frac, hasFrac := strings.Cut(s, string(mark.Rune()))
	if hasFrac && (frac == "" || !allDigits(frac)) {
		return d, badNumber(s, mark)
	}
	if whole == "" && !hasFrac {
		return d, badNumber(s, mark)
	}
	digits, err := ungroup(whole, mark)
	if err != nil {
		return d, err
	}
	d.whole, d.frac = strings.TrimLeft(digits, "0"), frac
	return d, nil
}

// dashZero reports whether s is a dash, alone or beside a currency
// symbol ("-", "- €", "$ -"): an accounting format's zero.
func dashZero(s string) bool {
	rest := strings.Trim(s, " \u00a0\u202f$€£¥₹")
	return rest == "-" || rest == "–"
}

// ungroup is whole, the digits before the decimal mark, without its group
// separators, which must each stand between groups of three digits after
// the first group, all the same separator.
func ungroup(whole string, mark campaign.DecimalMark) (string, error) {
	other := ","
	if mark == campaign.DecimalComma {
		other = "."
	}
	groups, sep := []string{whole}, ""
	for _, r := range other + groupSeparators {
		if strings.ContainsRune(whole, r) {
			if sep != "" {
				return "", badNumber(whole, mark)
			}
			sep = string(r)
			groups = strings.Split(whole, sep)
		}
	}
	for i, g := range groups {
		if !allDigits(g) || g == "" && len(groups) > 1 {
			return "", badNumber(whole, mark)
		}
		if i > 0 && len(g) != 3 || i == 0 && len(groups) > 1 && len(g) > 3 {
			return "", &groupError{sep: sep, mark: mark, other: other}
		}
	}
	return strings.Join(groups, ""), nil
}

// groupError is ungroup's error for a group of other than three digits
// ("030 1234567" where the decimal mark is ','): it advises the other
// decimal mark (advice), in case the sheet writes that.
type groupError struct {
	sep, other string
	mark       campaign.DecimalMark
}

func (e *groupError) Error() string {
	return fmt.Sprintf("a %s where the decimal mark is '%s' (recipients.decimal, or locale:'s when that is not set) must group three digits%s: %v",
		sepName(e.sep), e.mark, e.advice(), errNotNumber)
}

// advice is what e's message advises of the other decimal mark.
func (e *groupError) advice() string {
	return fmt.Sprintf("; set recipients.decimal: '%s' if the sheet writes 12%s34 for twelve point three four", e.other, e.other)
}

// Unwrap makes a groupError errNotNumber.
func (e *groupError) Unwrap() error { return errNotNumber }

// withoutAdvice is err, whose message (formatted already, as text/template
// wraps a function's error) holds a groupError's, with that advice taken
// out: for a column that names something (idLike), which no decimal mark
// makes an amount. err itself when it holds no groupError.
func withoutAdvice(err error) error {
	ge := (*groupError)(nil)
	if !errors.As(err, &ge) || !strings.Contains(err.Error(), ge.advice()) {
		return err
	}
	return &cutError{err: err, msg: strings.Replace(err.Error(), ge.advice(), "", 1)}
}

// cutError is err with the message msg.
type cutError struct {
	err error
	msg string
}

func (e *cutError) Error() string { return e.msg }
func (e *cutError) Unwrap() error { return e.err }

// sepName names a group separator in a message.
func sepName(sep string) string {
	switch sep {
	case " ":
		return "space"
	case "\u00a0", "\u202f":
		return "no-break space"
	}
	return sep
}

// badNumber is the error of s, which is no number written with mark.
func badNumber(s string, mark campaign.DecimalMark) error {
	if i := strings.IndexAny(s, "eE"); i > 0 && s[i-1] >= '0' && s[i-1] <= '9' && strings.Trim(s[:i]+s[i+1:], "0123456789.,+-") == "" {
		return fmt.Errorf("%w: an exponent (1e3) is not read: give the column a number format without one in the sheet", errNotNumber)
	}
	if strings.HasPrefix(s, "(") && strings.Contains(s, ")") {
		return fmt.Errorf("%w: number reads a negative amount with a minus sign (-1234%s50), not in parentheses as an accounting format shows it; give the column a number format with a minus sign in the sheet, such as #,##0.00", errNotNumber, mark)
	}
	if strings.Contains(s, "%") {
		return fmt.Errorf("%w: number reads digits, a sign and the decimal mark %s, not a percentage; print the column as it is to show it as the sheet does, or take the %% out of a CSV's cell and write it in the template after the number call "+
			"(a workbook's percent cell holds the fraction, 0%s125 for 12%s5%%, which a number format without %% shows)", errNotNumber, mark, mark, mark)
	}
	if strings.ContainsAny(s, "$€£¥₹") || strings.ContainsFunc(s, isLetter) {
		return fmt.Errorf("%w: number reads digits, a sign and the decimal mark %s; take %s out of the cell (in a workbook its number format may add it: give the column one without, such as 0.00) and write it in the template %s the number call",
			errNotNumber, mark, unitName(s), unitSide(s))
	}
	return fmt.Errorf("%w: write digits with at most one decimal mark %s (recipients.decimal)", errNotNumber, mark)
}

// unitName names the currency or unit beside the digits of s, a value
// number refused for holding one: "the €", "the CHF"; "the currency or
// unit" when s has no digits (text) or what is left of it but its
// digits and marks is more than a word.
func unitName(s string) string {
	unit := strings.Trim(s, "0123456789.,+-'’ \u00a0\u202f")
	if unit == "" || unit == s || len([]rune(unit)) > 4 || strings.ContainsAny(unit, "0123456789 \u00a0\u202f") {
		return "the currency or unit"
	}
	return "the " + unit
}

// unitSide is where the template writes the unit of s: "before" when s
// holds it before its digits ($12.50), else "after".
func unitSide(s string) string {
	if i := strings.IndexAny(s, "0123456789"); i > 0 && strings.TrimSpace(s[:i]) != "" && strings.Trim(s[:i], "+- ") != "" {
		return "before"
	}
	return "after"
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// allDigits reports whether s is ASCII digits only ("" is).
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// round is d with places digits after the mark, rounded half away from
// zero on d's digits.
func (d decimal) round(places int) decimal {
	if len(d.frac) <= places {
		d.frac += strings.Repeat("0", places-len(d.frac))
		return d
	}
	whole, frac := campaign.RoundDigits(d.whole, d.frac, places)
	d.whole, d.frac = strings.TrimLeft(whole, "0"), frac
	return d
}

// format writes d with mark before its fraction (none when it has none),
// a minus sign unless it is zero, and no grouping.
func (d decimal) format(mark campaign.DecimalMark) string {
	var b strings.Builder
	if d.neg && strings.Trim(d.whole+d.frac, "0") != "" {
		b.WriteByte('-')
	}
	if d.whole == "" {
		b.WriteByte('0')
	}
	b.WriteString(d.whole)
	if d.frac != "" {
		b.WriteRune(mark.Rune())
		b.WriteString(d.frac)
	}
	return b.String()
}
