package campaign

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// condFormat is a number format whose first section a condition chooses
// ([>=1000000]0.0,,"M";[>=1000]0.0,"K";0, [=1]"one";0): excelize passes
// the conditions over and shows every number in the first section (500
// as "0.0M"). Excel shows a number in the first section whose condition
// it meets; failing those, in the section after them (the second, or the
// third after two conditions, or after a second without one, which is
// then the negative numbers'); with no such section, as excelize does.
type condFormat struct {
	// sections are the number sections, each without its condition;
	// the text section (a fourth, or one holding @) is not among them.
	sections []condSection
	shower   *sectionShower
}

// condSection is one section of a condFormat: its condition (op "" for
// none) and its code without it.
type condSection struct {
	op    string
	limit float64
	code  string
}

// parseCondFormat returns the condFormat of a format code whose first
// section begins with a condition; ok is false for any other code, and
// for one whose conditions it cannot read.
func parseCondFormat(code string) (*condFormat, bool) {
	sections := splitSections(code)
	if !conditional(sections[0]) {
		return nil, false
	}
	cf := &condFormat{}
	for i, s := range sections[:min(len(sections), 3)] {
		if strings.Contains(s, "@") {
			break
		}
		cs, ok := parseCondSection(s)
		if !ok || cs.op != "" && i > 1 {
			return nil, false
		}
		cf.sections = append(cf.sections, cs)
	}
	if len(cf.sections) == 3 && cf.sections[1].op == "" {
		// A third section takes what the others do not: the second
		// is the negative numbers' ([<0]), as LibreOffice reads it.
		cf.sections[1].op = "<"
	}
	return cf, true
}

// parseCondSection splits a section into its condition and the rest.
func parseCondSection(s string) (condSection, bool) {
	var cs condSection
	var b strings.Builder
	for _, t := range formatTokens(s) {
		if len(t) < 3 || t[0] != '[' || strings.IndexByte("<>=", t[1]) < 0 {
			b.WriteString(t)
			continue
		}
		cond := t[1 : len(t)-1]
		num := strings.TrimLeft(cond, "<>=")
		limit, err := strconv.ParseFloat(num, 64)
		if err != nil || cs.op != "" {
			return cs, false
		}
		cs.op, cs.limit = cond[:len(cond)-len(num)], limit
	}
	cs.code = b.String()
	return cs, true
}

// meets reports whether v meets the section's condition (false when it
// has none).
func (cs condSection) meets(v float64) bool {
	switch cs.op {
	case "<":
		return v < cs.limit
	case "<=":
		return v <= cs.limit
	case ">":
		return v > cs.limit
	case ">=":
		return v >= cs.limit
	case "=":
		return v == cs.limit
	case "<>":
		return v != cs.limit
	}
	return false
}

// section is the code of the section v is shown in, and whether it shows
// v without its sign; ok is false when no section is (the conditions not
// met and none after them). As LibreOffice shows them, the second and
// third sections show a number without its sign, as a negative number's
// section does, and so does a first whose condition is [<0] or [<=0];
// a first with another condition takes the number's sign ([<=-1] shows
// -5).
func (cf *condFormat) section(v float64) (code string, abs, ok bool) {
	for i, cs := range cf.sections {
		if cs.op == "" || cs.meets(v) {
			return cs.code, i > 0 || cs.negative(), true
		}
	}
	return "", false, false
}

// negative reports whether the section's condition is [<0] or [<=0].
func (cs condSection) negative() bool {
	return (cs.op == "<" || cs.op == "<=") && cs.limit == 0
}

// show is v as Excel shows it in cf; ok is false for a value left as
// excelize shows it.
func (cf *condFormat) show(stored string) (string, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(stored), 64)
	if err != nil {
		return "", false
	}
	code, abs, ok := cf.section(v)
	if !ok || cf.shower == nil {
		return "", false
	}
	if abs {
		v = math.Abs(v)
	}
	shown, err := cf.shower.show(code, v)
	return shown, err == nil
}

// sectionShower writes numbers in a format code of one section, as
// excelize shows them: a workbook of its own, made for it, whose one
// cell takes each number and a style of the code (kept by code). The
// workbook read is left as it is. It has no files to remove.
type sectionShower struct {
	wb     *excelize.File
	styles map[string]int
}

// newSectionShower makes a sectionShower with the options the workbook
// is read with.
func newSectionShower() *sectionShower {
	return &sectionShower{wb: excelize.NewFile(xlsxOptions()), styles: map[string]int{}}
}

// show is v shown in the format code.
func (ss *sectionShower) show(code string, v float64) (string, error) {
	const sheet, cell = "Sheet1", "A1"
	style, ok := ss.styles[code]
	if !ok {
		var err error
		if style, err = ss.wb.NewStyle(&excelize.Style{CustomNumFmt: &code}); err != nil {
			return "", fmt.Errorf("campaign: number format %q: %w", code, err)
		}
		ss.styles[code] = style
	}
	if err := ss.wb.SetCellFloat(sheet, cell, v, -1, 64); err != nil {
		return "", fmt.Errorf("campaign: %w", err)
	}
	if err := ss.wb.SetCellStyle(sheet, cell, cell, style); err != nil {
		return "", fmt.Errorf("campaign: %w", err)
	}
	return ss.wb.GetCellValue(sheet, cell)
}
