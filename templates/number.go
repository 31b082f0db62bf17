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

// numberFunc is the number function for a sheet whose decimal mark is
// mark: fnNumber reading and writing that mark.
func numberFunc(mark campaign.DecimalMark) func(places int, value string) (string, error) {
	return func(places int, value string) (string, error) { return fnNumber(mark, places, value) }
}

// fnNumber reads value as a decimal number written with mark (see
// readDecimal) and writes it with places digits after mark, rounded half
// away from zero on its digits as written (no float64: 2.675 is 2.68),
// without grouping. An empty value is an error that says how default
// gives one; so is a value that is no number, and places outside 0-10.
func fnNumber(mark campaign.DecimalMark, places int, value string) (string, error) {
	if places < 0 || places > maxPlaces {
		return "", fmt.Errorf("templates: number: %d places: number writes 0 to %d digits after the decimal mark ({{number 2 .amount}})", places, maxPlaces)
	}
	if strings.TrimSpace(value) == "" {
		return "", fmt.Errorf("templates: number: the value is empty: %w (for a default, write {{.amount | default \"0\" | number 2}})", errNotNumber)
	}
	d, err := readDecimal(value, mark)
	if err != nil {
		return "", fmt.Errorf("templates: number: cannot read %q: %w", value, err)
	}
	return d.round(places).format(mark), nil
}
