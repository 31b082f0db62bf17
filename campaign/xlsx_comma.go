package campaign

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// A workbook's format codes write a number's marks as English Excel shows
// them ("#,##0.00": a comma groups thousands, a point marks decimals),
// and Excel shows them with the marks of the reader's locale: German
// Excel shows 1234.5 under "#,##0.00 €" as "1.234,50 €". excelize shows
// the English marks whatever the workbook; under recipients.decimal: ","
// (the sheet's locale writes a decimal comma) a number cell is read as
// that locale's Excel shows it, its marks swapped, so that a template
// printing it writes what the sheet shows and number reads it with the
// mark the campaign names, as it reads a CSV's. Cells that hold text are
// taken as they are, and so are dates and times (their marks are the
// format's own: "dd.mm.yyyy"), and numbers in a format that writes no
// decimal point or thousands separator of the number's, whose points and
// commas are its text (000"."000"."000"-"00, a Brazilian CPF).

// commaNumbers says which number cells of a workbook read under
// recipients.decimal: "," have their marks swapped: those whose style's
// format is not a date or a time, nor one whose marks are all its text
// (kept, by cell style index).
type commaNumbers struct {
	kept map[int]bool
	// decimal and group are the marks a number's point and comma are
	// written as: "," and "." under recipients.decimal: ",", and a
	// campaign locale's thousands separator ("\u00a0" in France, "'"
	// in Switzerland: see marksOf).
	decimal, group string
}

// builtinTimeFormats are the built-in number format ids that show a date
// or a time (English and East Asian ones).
func builtinTimeFormat(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// findCommaNumbers returns the commaNumbers of wb read under mark and
// loc, nil when their marks are excelize's, a point and a comma.
func findCommaNumbers(wb *excelize.File, mark DecimalMark, loc Locale) *commaNumbers {
	decimal, group := marksOf(mark, loc)
	if decimal == "." && group == "," {
		return nil
	}
	cn := &commaNumbers{kept: map[int]bool{}, decimal: decimal, group: group}
	eachStyleFormat(wb, func(i, id int, code string, custom bool) {
		if custom && (timeFormat(code) && !fractionalTime(code) || !ownMarks(code)) || !custom && builtinTimeFormat(id) {
			cn.kept[i] = true
		}
	})
	return cn
}

// timeFormat reports whether the format code shows a date or a time: it
// writes a year, month, day, hour, minute or second (y, m, d, h, s
// outside quoted text, escapes and brackets).
func timeFormat(code string) bool {
	found := false
	walkFormat(code, func(_ int, r byte) bool {
		found = strings.IndexByte("yYmMdDhHsS", r) >= 0
		return !found
	})
	return found
}

// ownMarks reports whether the format code writes a number's own decimal
// point or thousands separator (a '.' or ',' outside quoted text, escapes
// and brackets), or may show it as General does; the points and commas a
// format without them shows are its text ("."0 in 00"."00"."0000).
func ownMarks(code string) bool {
	if strings.Contains(strings.ToLower(code), "general") {
		return true
	}
	found := false
	walkFormat(code, func(_ int, r byte) bool {
		found = r == '.' || r == ','
		return !found
	})
	return found
}

// fractionalTime reports whether the format code shows a time, and no
// date, with a fraction of a second (mm:ss.0, [h]:mm:ss.00): its point
// is a decimal mark, which German Excel shows as a comma (00:10,6), as
// it does a number's; swapping the marks touches no other.
func fractionalTime(code string) bool {
	date := false
	walkFormat(code, func(_ int, r byte) bool {
		date = strings.IndexByte("yYdD", r) >= 0
		return !date
	})
	return !date && strings.Contains(strings.ToLower(code), "s.0") // s\.0 is a point of text
}

// swaps reports whether a number cell of style index style, whose stored
// value is value, is read with its marks swapped.
func (cn *commaNumbers) swaps(style int, value string) bool {
	return cn != nil && strings.TrimSpace(value) != "" && !cn.kept[style]
}

// marksOf are the decimal mark and thousands separator a workbook's
// numbers are read with under recipients.decimal (mark) and the campaign
// locale: mark, and the locale's separator (LibreOffice's: "." in
// Germany, a no-break space U+00A0 in France, "'" in Switzerland), or,
// with no locale or one whose separator is mark, the other mark.
func marksOf(mark DecimalMark, loc Locale) (decimal, group string) {
	decimal, group = ".", ","
	if mark == DecimalComma {
		decimal, group = ",", "."
	}
	if g := loc.Group(); g != "" && g != decimal {
		group = g
	}
	return decimal, group
}

// write is v, a number as excelize shows it, with the points and commas
// of its digits written as cn's decimal mark and thousands separator
// (1,234.50 € → 1.234,50 € under recipients.decimal: ",", 1 234,50 €
// under locale: fr-FR): those next to a digit with no letter on either
// side, so that a format's literal text ("Nr."0 showing Nr.5, 0" St."
// showing 5 St.) keeps its own.
func (cn *commaNumbers) write(v string) string {
	if strings.IndexAny(v, ".,") < 0 {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '.' && numberMark(v, i):
			b.WriteString(cn.decimal)
		case c == ',' && numberMark(v, i):
			b.WriteString(cn.group)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// numberMark reports whether the point or comma at v[i] is a number's:
// next to a digit, with no letter on either side.
func numberMark(v string, i int) bool {
	var prev, next byte
	if i > 0 {
		prev = v[i-1]
	}
	if i+1 < len(v) {
		next = v[i+1]
	}
	return (isDigit(prev) || isDigit(next)) && !isLetter(prev) && !isLetter(next)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
