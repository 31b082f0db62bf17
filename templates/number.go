package templates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// maxPlaces is the most digits number writes after the decimal mark.
const maxPlaces = 10

// errNotNumber is wrapped by the number function's error for a value that
// is not a decimal number as recipients.decimal says the sheet writes one.
var errNotNumber = errors.New("not a number")

// numberFunc is the number function for the sheet r names: fnNumber
// reading and writing the mark r.Decimal (a workbook's number cells read
// with it too: campaign's xlsx_comma.go), which suggests the other mark
// for a value it would read.
// Under a campaign locale it groups the whole part's digits with the
// locale's thousands separator (r.NumberGroup: 1.234,50 in German,
// 1 234,50 in French), as the locale's spreadsheets show them.
func numberFunc(r campaign.Recipients) func(places int, value string) (string, error) {
	mark, group := r.Decimal, r.NumberGroup()
	return func(places int, value string) (string, error) {
		s, err := fnNumber(mark, mark, places, value)
		if err != nil && !errors.Is(err, errEmptyNumber) {
			err = withOtherMark(err, value, mark)
		}
		return groupThousands(s, mark, group), err
	}
}

// groupThousands is s, a number fnNumber wrote with mark, with group
// between each three digits of its whole part, from the right; s itself
// when group is "".
func groupThousands(s string, mark campaign.DecimalMark, group string) string {
	sign, digits := "", s
	if strings.HasPrefix(s, "-") {
		sign, digits = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(digits, string(mark.Rune()))
	if group == "" || len(whole) <= 3 {
		return s
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteRune(mark.Rune())
		b.WriteString(frac)
	}
	return b.String()
}

// errEmptyNumber is wrapped (with errNotNumber) by the number function's
// error for an empty value: the row's problem is then told in the column
// the call read and found empty.
var errEmptyNumber = errors.New("the value is empty")

// fnNumber reads value as a decimal number written with the mark read
// (see readDecimal) and writes it with places digits after the mark
// write, rounded half away from zero on its digits as written (no
// float64: 2.675 is 2.68), without grouping. An empty value is an error
// that says how default gives one; so is a value that is no number, and
// places outside 0-10.
func fnNumber(read, write campaign.DecimalMark, places int, value string) (string, error) {
	if places < 0 || places > maxPlaces {
		return "", fmt.Errorf("templates: number: %d places: number writes 0 to %d digits after the decimal mark", places, maxPlaces)
	}
	if strings.TrimSpace(value) == "" {
		return "", fmt.Errorf("templates: number: %w: %w (for a default, pipe the column through default \"0\" before number)", errEmptyNumber, errNotNumber)
	}
	d, err := readDecimal(value, read)
	if err != nil {
		return "", fmt.Errorf("templates: number: cannot read %q: %w", value, err)
	}
	return d.round(places).format(write), nil
}

// withOtherMark is err, number's refusal of value read with the mark
// read, saying which recipients.decimal reads value when the other mark
// does and err does not say so already.
func withOtherMark(err error, value string, read campaign.DecimalMark) error {
	other := campaign.DecimalComma
	if read == campaign.DecimalComma {
		other = campaign.DecimalPoint
	}
	if _, oerr := readDecimal(value, other); oerr != nil || strings.Contains(err.Error(), "recipients.decimal: ") {
		return err
	}
	return fmt.Errorf("%w (with recipients.decimal: %q it reads as a number)", err, string(other.Rune()))
}
