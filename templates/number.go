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

// numberFunc is the number function for a sheet whose values write
// their decimal mark read, written with mark write (see fnNumber).
func numberFunc(read, write campaign.DecimalMark) func(places int, value string) (string, error) {
	return func(places int, value string) (string, error) { return fnNumber(read, write, places, value) }
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
		return "", fmt.Errorf("templates: number: cannot read %q: %w%s", value, err, otherMarkHint(value, read, write))
	}
	return d.round(places).format(write), nil
}

// otherMarkHint is what number adds to its refusal of value when value
// reads as a number with the other decimal mark and the setting decides
// how the sheet is read (a CSV: read is the mark written): that
// recipients.decimal would read it. "" otherwise, or when the refusal
// says so already.
func otherMarkHint(value string, read, write campaign.DecimalMark) string {
	other := campaign.DecimalComma
	if read == campaign.DecimalComma {
		other = campaign.DecimalPoint
	}
	if read != write {
		return "" // an XLSX sheet: its numbers are read with a point whatever the setting
	}
	if _, err := readDecimal(value, other); err != nil {
		return ""
	}
	if _, err := readDecimal(value, read); err != nil && strings.Contains(err.Error(), "recipients.decimal: ") {
		return ""
	}
	return fmt.Sprintf(" (with recipients.decimal: %q it reads as a number)", string(other.Rune()))
}
