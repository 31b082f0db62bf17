package campaign

import (
	"fmt"
	"path/filepath"
	"strings"
)

// DecimalMark is the character the sheet writes between a number's whole
// part and its fraction, for the number template function: a point, as
// the US, UK and China write 1,234.5, or a comma, as most of Europe
// writes 1.234,5. The other character (and a space, a no-break space or
// an apostrophe) may only group thousands. tidings does not guess it from
// the sheet: 1,234 reads as a thousand or as one point two.
type DecimalMark int

const (
	// DecimalPoint reads 1,234.5 as one thousand two hundred thirty-four
	// point five (the default).
	DecimalPoint DecimalMark = iota
	// DecimalComma reads 1.234,5 as that number.
	DecimalComma
)

// ParseDecimalMark parses "." (or "") and ","; anything else, spaces
// around them too, is an error.
func ParseDecimalMark(s string) (DecimalMark, error) {
	switch s {
	case ".", "":
		return DecimalPoint, nil
	case ",":
		return DecimalComma, nil
	default:
		return 0, fmt.Errorf("campaign: unknown decimal mark %q (use \".\" for 1,234.5 or \",\" for 1.234,5, in quotes)", s)
	}
}

// Rune is the mark itself: '.' or ','.
func (m DecimalMark) Rune() rune {
	if m == DecimalComma {
		return ','
	}
	return '.'
}

func (m DecimalMark) String() string {
	switch m {
	case DecimalPoint, DecimalComma:
		return string(m.Rune())
	default:
		return fmt.Sprintf("DecimalMark(%d)", int(m))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *DecimalMark) UnmarshalText(b []byte) error {
	v, err := ParseDecimalMark(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// NumbersMark is the decimal mark the number function reads the sheet's
// values with: r.Decimal for a CSV, and a point for an XLSX workbook,
// whose number cells tidings shows as Excel does in English (1,234.5)
// whatever the language of the Excel that wrote it; r.Decimal is then
// only the mark number writes.
func (r Recipients) NumbersMark() DecimalMark {
	if r.xlsx() {
		return DecimalPoint
	}
	return r.Decimal
}

// DecimalReads reports whether r.Decimal decides how the number function
// reads the sheet (a CSV), not only how it writes (an XLSX workbook).
func (r Recipients) DecimalReads() bool { return !r.xlsx() }

// xlsx reports whether the sheet is an XLSX workbook.
func (r Recipients) xlsx() bool { return strings.EqualFold(filepath.Ext(r.Path), ".xlsx") }
