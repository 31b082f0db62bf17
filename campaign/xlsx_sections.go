package campaign

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// shownFormat is what tidings writes itself of a number format that
// excelize shows otherwise than Excel and LibreOffice do:
//
//   - a third section, the one Excel shows a zero in ("#,##0.00 €;
//     -#,##0.00 €;"-" €", German Excel's accounting format: a zero shows
//     "- €"; "0;-0;" shows nothing), which excelize passes over, showing
//     a zero in the first ("0,00 €");
//   - text between the digits and a percent sign ("0.00 %", as
//     LibreOffice writes the percent formats of German and French:
//     12,50 %), which excelize moves after the sign ("12,50% ");
//   - a fraction ("# ?/?"), which excelize shows with a 0 whole part
//     Excel leaves out ("0 1/3" for 1/3) and without its whole part when
//     the format has none ("1/4" for 5/4);
//   - sections chosen by conditions ([>=1000]0.0,"K";0), which excelize
//     passes over, showing 500 as "0.5K" (condFormat).
type shownFormat struct {
	// zero is the text a zero shows, when hasZero.
	zero    string
	hasZero bool
	// gaps are the texts between the digits and the percent sign of the
	// number sections, as they are shown.
	gaps []string
	// frac is set for a format of one section that shows a fraction.
	frac *fractionFormat
	// cond is set for a format whose sections conditions choose.
	cond *condFormat
}

// fractionFormat is a number format showing a fraction: whole is the
// placeholders of its whole part ("" when it has none), den the count of
// the denominator's placeholders, or fixed its fixed denominator.
type fractionFormat struct {
	whole      string
	den, fixed int
}

// fractionRE matches a fraction format section: an optional whole part
// and a space, the numerator, and the denominator's placeholders or
// digits.
var fractionRE = regexp.MustCompile(`^(?:([#0?]+)(?: |\\ ))?[#0?]+/(?:([#0?]+)|([1-9][0-9]{0,3}))$`)

// findShownFormats returns the cell style indexes whose number format is
// one shownFormat corrects, nil when none is: a custom format, read as
// unpadFormats left it (Excel's built-in fractions among them: see
// builtinCodes).
func findShownFormats(wb *excelize.File) map[int]shownFormat {
	var found map[int]shownFormat
	var shower *sectionShower
	byID := map[int]*shownFormat{} // each format parsed once, however many styles share it; nil: not one
	eachStyleFormat(wb, func(i, id int, code string, custom bool) {
		if !custom {
			return
		}
		f, seen := byID[id]
		if !seen {
			f = parsedShownFormat(code, &shower)
			byID[id] = f
		}
		if f == nil {
			return
		}
		if found == nil {
			found = make(map[int]shownFormat)
		}
		found[i] = *f
	})
	return found
}

// parsedShownFormat is parseShownFormat's format of code, nil when none,
// its conditions shown by *shower (made at the first that has any).
func parsedShownFormat(code string, shower **sectionShower) *shownFormat {
	f, ok := parseShownFormat(code)
	if !ok {
		return nil
	}
	if f.cond != nil {
		if *shower == nil {
			*shower = newSectionShower()
		}
		f.cond.shower = *shower
	}
	return &f
}

// parseShownFormat returns the shownFormat of a number format code; ok is
// false when excelize shows it as Excel does, and for dates and times,
// which are left to excelize.
func parseShownFormat(code string) (f shownFormat, ok bool) {
	if timeFormat(code) {
		return f, false
	}
	sections := splitSections(code)
	if m := fractionRE.FindStringSubmatch(unbracketed(code)); m != nil {
		ff := &fractionFormat{whole: m[1], den: len(m[2])}
		if ff.den > 4 {
			return f, false
		}
		if m[3] != "" {
			ff.fixed, _ = strconv.Atoi(m[3])
		}
		f.frac = ff
		return f, true
	}
	if cf, ok := parseCondFormat(code); ok {
		f.cond = cf
		return f, true
	}
	for _, s := range sections {
		if conditional(s) {
			return f, false
		}
	}
	for _, s := range sections[:min(len(sections), 2)] {
		if gap, found := percentGap(s); found {
			f.gaps = append(f.gaps, gap)
		}
	}
	if len(sections) >= 3 {
		f.zero, f.hasZero = zeroShown(sections[2])
	}
	return f, f.hasZero || len(f.gaps) > 0
}

// show writes v as Excel shows it in the fraction format, without the
// spaces that only line it up; ok is false for a value it leaves to
// excelize (none, or 0 without a whole part).
func (ff *fractionFormat) show(v float64) (shown string, ok bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) >= 1e15 {
		return "", false
	}
	neg, v := v < 0, math.Abs(v)
	whole := 0.0
	if ff.whole != "" {
		whole = math.Floor(v)
	}
	num, den := nearestFraction(v-whole, ff.den, ff.fixed)
	if num == den && ff.whole != "" {
		whole, num = whole+1, 0
	}
	var b strings.Builder
	if neg && (whole > 0 || num > 0) {
		b.WriteByte('-')
	}
	switch {
	case num == 0 && ff.whole == "":
		return "", false
	case num == 0:
		b.WriteString(strconv.FormatFloat(whole, 'f', 0, 64))
	case whole > 0 || strings.Contains(ff.whole, "0"):
		b.WriteString(strconv.FormatFloat(whole, 'f', 0, 64) + " ")
		fallthrough
	default:
		b.WriteString(strconv.Itoa(num) + "/" + strconv.Itoa(den))
	}
	return b.String(), true
}

// nearestFraction is the fraction nearest f (≥ 0) with the fixed
// denominator, or else with a denominator of at most digits digits, the
// smallest such denominator when several are as near.
func nearestFraction(f float64, digits, fixed int) (num, den int) {
	if fixed > 0 {
		return int(math.Round(f * float64(fixed))), fixed
	}
	limit := int(math.Pow(10, float64(digits))) - 1
	best := math.Inf(1)
	for d := 1; d <= limit; d++ {
		n := math.Round(f * float64(d))
		if e := math.Abs(f - n/float64(d)); e < best-1e-12 {
			best, num, den = e, int(n), d
		}
	}
	return num, den
}

// unbracketed is code without its colors and locales ([Red], [$-407]),
// which change no digit it shows; a currency symbol's bracket stays.
func unbracketed(code string) string {
	if !strings.Contains(code, "[") {
		return code
	}
	var b strings.Builder
	for _, t := range formatTokens(code) {
		if t[0] != '[' || isSymbol(t) || conditional(t) {
			b.WriteString(t)
		}
	}
	return b.String()
}

// conditional reports whether a section of a format code begins with a
// condition ([<0], [>=100], [=1]).
func conditional(section string) bool {
	for _, t := range formatTokens(section) {
		if t[0] != '[' {
			return false
		}
		if len(t) > 1 && strings.IndexByte("<>=", t[1]) >= 0 {
			return true
		}
	}
	return false
}

// percentGap returns the text a section shows between its last digit
// placeholder and a percent sign after it ("0.00\ %": " "); found is
// false when there is none, or when anything but text lies between.
func percentGap(section string) (gap string, found bool) {
	toks := formatTokens(section)
	last := -1
	for i, t := range toks {
		if len(t) == 1 && strings.IndexByte("0#?", t[0]) >= 0 {
			last = i
		}
	}
	if last < 0 {
		return "", false
	}
	var b strings.Builder
	for _, t := range toks[last+1:] {
		switch {
		case t == "%":
			return b.String(), b.Len() > 0
		case t[0] == '"' && len(t) >= 2 && t[len(t)-1] == '"':
			b.WriteString(t[1 : len(t)-1])
		case t[0] == '\\' && len(t) > 1:
			b.WriteString(t[1:])
		case t == " ":
			b.WriteString(t)
		default:
			return "", false
		}
	}
	return "", false
}

// zeroShown returns the text the zero section of a format code shows for
// a zero: its text as it is, the digits a 0 placeholder writes, nothing
// for # and ? (the spaces ? writes line the cell up, as the padding
// unpadFormats takes out does), the decimal point and the percent sign;
// ok is false for a section tidings does not write itself (fractions,
// exponents, text, dates).
func zeroShown(section string) (shown string, ok bool) {
	if strings.EqualFold(strings.TrimSpace(section), "General") {
		return "0", true
	}
	var b strings.Builder
	toks := formatTokens(section)
	for i, t := range toks {
		switch c := t[0]; {
		case c == '"':
			b.WriteString(strings.TrimSuffix(t[1:], `"`))
		case c == '\\' && len(t) > 1:
			b.WriteString(t[1:])
		case c == '[':
			if strings.HasPrefix(t, "[$") { // a currency: [$€-407]
				cur, _, _ := strings.Cut(strings.TrimSuffix(t[2:], "]"), "-")
				b.WriteString(cur)
			} // else a colour
		case c == '_':
			b.WriteByte(' ')
		case c == '*', c == '#', c == '?', c == ',':
		case c == '0', c == '.', c == '%', c == ' ', c == '-', c == '+', c == '(', c == ')', c == '$', c == ':':
			b.WriteString(t)
		case (c == 'E' || c == 'e') && i+1 < len(toks) && (toks[i+1] == "+" || toks[i+1] == "-"):
			return "", false
		case c == '/', c == '@', isLetter(c):
			return "", false
		default:
			if c < 0x80 && !isDigit(c) {
				return "", false
			}
			b.WriteString(t) // a character such as €
		}
	}
	return strings.TrimSpace(b.String()), true
}

// fix returns v, a number cell's value as excelize shows it, as Excel
// shows it; stored is the cell's stored value.
func (f shownFormat) fix(stored, v string) string {
	if f.cond != nil {
		if shown, ok := f.cond.show(stored); ok {
			return shown
		}
		return v
	}
	if f.frac != nil {
		if n, err := strconv.ParseFloat(strings.TrimSpace(stored), 64); err == nil {
			if shown, ok := f.frac.show(n); ok {
				return shown
			}
		}
		return v
	}
	if f.hasZero {
		if n, err := strconv.ParseFloat(strings.TrimSpace(stored), 64); err == nil && n == 0 {
			return f.zero
		}
	}
	for _, gap := range f.gaps {
		if strings.Contains(v, "%"+gap) {
			return strings.Replace(v, "%"+gap, gap+"%", 1)
		}
	}
	return v
}
