package campaign

import (
	"fmt"
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
