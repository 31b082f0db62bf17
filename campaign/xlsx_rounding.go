package campaign

import (
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// fixedFormat is a number format that shows a number with a fixed count
// of decimals ("0.00", "#,##0.00 €", "0.0%"), which excelize rounds on
// the binary value (1.005 under 0.00 is 1.00499999999999989…: 1.00)
// where Excel and LibreOffice round the number as they show it, at 15
// significant digits (1.005: 1.01).
type fixedFormat struct {
	places  int  // digits after the decimal point
	percent int  // % signs: each multiplies by 100
	grouped bool // thousands separated by commas
}

// builtinFixedFormats are the built-in number formats (by id) that show
// fixed decimals; custom formats come from the workbook's styles.
var builtinFixedFormats = map[int]string{
	1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 9: "0%", 10: "0.00%",
	37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
}

// findFixedFormats returns the cell style indexes whose number format
// shows fixed decimals (parseFixedFormat), or nil when none does.
func findFixedFormats(wb *excelize.File) map[int]fixedFormat {
	var found map[int]fixedFormat
	eachStyleFormat(wb, func(i, id int, code string, custom bool) {
		if !custom {
			code = builtinFixedFormats[id]
		}
		f, ok := parseFixedFormat(code)
		if !ok {
			return
		}
		if found == nil {
			found = make(map[int]fixedFormat)
		}
		found[i] = f
	})
	return found
}

// parseFixedFormat reads a number format code whose positive and negative
// sections show the same fixed count of decimals, each a '0' after the
// point; ok is false for anything else (dates and times, exponents,
// fractions, text, '#' or '?' decimals, thousands scaling).
func parseFixedFormat(code string) (fixedFormat, bool) {
	sections := splitSections(code)
	if len(sections) == 0 {
		return fixedFormat{}, false
	}
	first, ok := parseFixedSection(sections[0])
	if !ok {
		return fixedFormat{}, false
	}
	if len(sections) > 1 {
		if second, ok := parseFixedSection(sections[1]); !ok || second != first {
			return fixedFormat{}, false
		}
	}
	return first, true
}

// splitSections splits a format code at the semicolons outside quotes,
// brackets and escapes.
func splitSections(code string) []string {
	var out []string
	start := 0
	walkFormat(code, func(i int, r byte) bool {
		if r == ';' {
			out = append(out, code[start:i])
			start = i + 1
		}
		return true
	})
	return append(out, code[start:])
}

// walkFormat calls fn with each character of code (its byte index) that
// is not quoted text, an escaped character, a bracketed part ([Red],
// [$-40C]) or the character after '_' or '*'; it stops when fn returns
// false.
func walkFormat(code string, fn func(i int, r byte) bool) {
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '[':
			if j := strings.IndexByte(code[i+1:], ']'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++
		default:
			if !fn(i, c) {
				return
			}
		}
	}
}

// parseFixedSection reads one section of a format code (see
// parseFixedFormat).
func parseFixedSection(section string) (fixedFormat, bool) {
	var (
		f                      fixedFormat
		ok, point, placeholder bool
		lastComma              = -1
	)
	ok = true
	walkFormat(section, func(i int, r byte) bool {
		switch {
		case strings.IndexByte("yYmMdDhHsSeE/@?gGbB", r) >= 0:
			ok = false
		case r == '%':
			f.percent++
		case r == '.':
			point = true
		case r == ',' && point:
			ok = false // a comma after the point scales ("0.0,,": millions)
		case r == ',':
			lastComma = i
		case r == '0' && point:
			f.places++
		case r == '#' && point:
			ok = false
		case r == '0' || r == '#':
			placeholder = true
			if lastComma >= 0 {
				f.grouped = true
			}
		}
		return ok
	})
	if !ok || !placeholder {
		return fixedFormat{}, false
	}
	if lastComma >= 0 && !f.grouped || lastComma > strings.LastIndexAny(section, "0#") {
		return fixedFormat{}, false // a comma after the digits scales by a thousand
	}
	return f, true
}

// fix returns, for a number cell's stored value under f, the digits
// excelize shows (from) and those Excel shows (to), when they differ.
func (f fixedFormat) fix(value string) (from, to string, ok bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return "", "", false
	}
	ratio := math.Pow(10, float64(f.places))
	shown := excelizeValue(strings.TrimSpace(value), v) * math.Pow(100, float64(f.percent))
	from = strconv.FormatFloat(math.Abs(math.Round(shown*ratio)/ratio), 'f', f.places, 64)
	to = roundShown(v, f.places, 2*f.percent)
	if from == to {
		return "", "", false
	}
	if f.grouped {
		from, to = groupThousands(from), groupThousands(to)
	}
	return from, to, true
}

// excelizeValue returns the number excelize formats for a cell's stored
// value v (written as value): a value written with more than 15
// significant digits is first cut to 15 (0.28500000000000003 is 0.285,
// whose binary value excelize then rounds down), as excelize's
// getCellDefault does.
func excelizeValue(value string, v float64) float64 {
	plain := strconv.FormatFloat(v, 'f', -1, 64)
	if len(plain)-strings.Count(plain, ".") <= 15 {
		return v
	}
	if !strings.ContainsAny(value, ".Ee") && len(strings.TrimRight(strings.TrimLeft(value, "+-0"), "0")) <= 15 {
		return v // a whole number with at most 15 significant digits
	}
	cut, err := strconv.ParseFloat(strconv.FormatFloat(v, 'G', 15, 64), 64)
	if err != nil {
		return v
	}
	return cut
}

// roundShown writes |v|×10^shift with places decimals as Excel shows it:
// at 15 significant digits, then rounded half away from zero on those
// decimal digits.
func roundShown(v float64, places, shift int) string {
	mant, exp, _ := strings.Cut(strconv.FormatFloat(math.Abs(v), 'e', 14, 64), "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	point := e + 1 + shift // digits before the decimal point
	var whole, frac string
	switch {
	case point <= 0:
		whole, frac = "0", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		whole = digits + strings.Repeat("0", point-len(digits))
	default:
		whole, frac = digits[:point], digits[point:]
	}
	w, f := RoundDigits(whole, frac, places)
	if w = strings.TrimLeft(w, "0"); w == "" {
		w = "0"
	}
	if places == 0 {
		return w
	}
	return w + "." + f
}

// groupThousands puts a comma between the groups of three digits of a
// number's whole part, as excelize's "#,##0" does.
func groupThousands(s string) string {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i := range len(whole) {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(whole[i])
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	return b.String()
}
