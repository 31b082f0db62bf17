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
}

// builtinTimeFormats are the built-in number format ids that show a date
// or a time (English and East Asian ones).
func builtinTimeFormat(id int) bool {
	return id >= 14 && id <= 22 || id >= 27 && id <= 36 || id >= 45 && id <= 47 || id >= 50 && id <= 58
}

// findCommaNumbers returns the commaNumbers of wb read under mark, nil
// when mark is the point (excelize's marks are the sheet's).
func findCommaNumbers(wb *excelize.File, mark DecimalMark) *commaNumbers {
	if mark != DecimalComma {
		return nil
	}
	cn := &commaNumbers{kept: map[int]bool{}}
	st := wb.Styles
	if st == nil || st.CellXfs == nil {
		return cn
	}
	custom := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			custom[nf.NumFmtID] = nf.FormatCode
		}
	}
	for i, xf := range st.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		if code, ok := custom[id]; ok && (timeFormat(code) && !fractionalTime(code) || !ownMarks(code)) || !ok && builtinTimeFormat(id) {
			cn.kept[i] = true
		}
	}
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

// swapMarks is v, a number as excelize shows it, with the points and
// commas of its digits swapped (1,234.50 € → 1.234,50 €): those next to a
// digit with no letter on either side, so that a format's literal text
// ("Nr."0 showing Nr.5, 0" St." showing 5 St.) keeps its own.
func swapMarks(v string) string {
	if strings.IndexAny(v, ".,") < 0 {
		return v
	}
	b := []byte(v)
	for i, c := range b {
		if c != '.' && c != ',' {
			continue
		}
		var prev, next byte
		if i > 0 {
			prev = b[i-1]
		}
		if i+1 < len(b) {
			next = b[i+1]
		}
		if (isDigit(prev) || isDigit(next)) && !isLetter(prev) && !isLetter(next) {
			b[i] = ',' + '.' - c
		}
	}
	return string(b)
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
