package campaign

import (
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// unpadFormats takes out of the workbook's custom number formats what
// only lines a cell up in its column: the padding (_x, a space as wide
// as x) and the fill (*x, x repeated to the cell's width) at either end
// of a section, and every fill. Excel's accounting formats have them
// (German Excel's "_-* #,##0.00 €_-"), which excelize writes as spaces:
// a message saying "über  99.90 € ." where the cell shows 99,90 €. A
// padding between two parts stays one space. This reaches into
// excelize's decoded style sheet, as plainGeneral does; the workbook is
// only read.
func unpadFormats(wb *excelize.File) {
	rewriteFormats(wb, unpadded)
}

// rewriteFormats replaces each of the workbook's custom number format
// codes (and its formatCode16, which excelize prefers where there is one)
// with rewrite's result.
func rewriteFormats(wb *excelize.File, rewrite func(code string) string) {
	if wb.Styles == nil || wb.Styles.NumFmts == nil {
		return
	}
	for _, nf := range wb.Styles.NumFmts.NumFmt {
		nf.FormatCode = rewrite(nf.FormatCode)
		if nf.FormatCode16 != "" {
			nf.FormatCode16 = rewrite(nf.FormatCode16)
		}
	}
}

// builtinCodes are Excel's built-in number formats (by id, a workbook
// names them by id alone) that excelize shows otherwise than Excel, with
// the codes to read them by: those whose positive section is padded with
// the width of the negative's ")" (Excel writes 37 "#,##0_);(#,##0)";
// excelize shows "1,234 "), as unpadded writes them, and the fractions
// "Up to one digit" and "Up to two digits" (excelize shows "0 1/3" and
// "1  1/4 "), which shownFormat writes as Excel does.
var builtinCodes = map[int]string{
	12: "# ?/?", 13: "# ??/??",
	37: "#,##0;(#,##0)", 38: "#,##0;[Red](#,##0)",
	39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
}

// unpadBuiltins points the cell styles in a builtinCodes format, which
// the workbook's styles hold no code for, to a custom format of its code
// (excelize shows a style's custom code before a built-in one's), so the
// reader's every look at the format (rounding, zero sections and
// fractions, the decimal mark, excelize's showing) sees the same code. It
// runs before plainGeneral, whose format ids excelize's NewStyle does not
// expect.
func unpadBuiltins(wb *excelize.File) {
	customBuiltins(wb, builtinCodes)
}

// customBuiltins points the cell styles in a built-in format of codes,
// which the workbook's styles hold no code for, to a custom format of
// the code codes gives it, as unpadBuiltins does.
func customBuiltins(wb *excelize.File, codes map[int]string) {
	st := wb.Styles
	if st == nil || st.CellXfs == nil {
		return
	}
	custom := map[int]int{} // built-in id → the custom id standing for it
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			custom[nf.NumFmtID] = nf.NumFmtID // a code of its own wins
		}
	}
	for i := range len(st.CellXfs.Xf) {
		p := st.CellXfs.Xf[i].NumFmtID
		if p == nil || codes[*p] == "" {
			continue
		}
		id, ok := custom[*p]
		if !ok {
			code := codes[*p]
			style, err := wb.NewStyle(&excelize.Style{CustomNumFmt: &code})
			if err != nil || st.CellXfs.Xf[style].NumFmtID == nil {
				continue // shown as excelize shows it
			}
			id = *st.CellXfs.Xf[style].NumFmtID
			if !hasCustomCode(wb, id, code) {
				continue
			}
			custom[*p] = id
		}
		st.CellXfs.Xf[i].NumFmtID = &id
	}
}

// hasCustomCode reports whether the workbook's custom format id has code.
func hasCustomCode(wb *excelize.File, id int, code string) bool {
	if wb.Styles.NumFmts == nil {
		return false
	}
	for _, nf := range wb.Styles.NumFmts.NumFmt {
		if nf.NumFmtID == id {
			return nf.FormatCode == code
		}
	}
	return false
}

// unpadded is code without the padding and fills unpadFormats takes
// out, section by section.
func unpadded(code string) string {
	if !strings.ContainsAny(code, "_*") {
		return code
	}
	sections := splitSections(code)
	for i, s := range sections {
		sections[i] = unpaddedSection(s)
	}
	return strings.Join(sections, ";")
}

// unpaddedSection is unpadded for one section of a format code: the
// padding before its first part (brackets such as [Red] are no part, a
// currency symbol such as [$€-2] is one) and
// after its last goes, and so does every fill; a padding between parts is
// a space, unless a space is next to it already.
func unpaddedSection(section string) string {
	toks := formatTokens(section)
	last := len(toks)
	for last > 0 && isPadding(toks[last-1]) {
		last--
	}
	var b strings.Builder
	begun, space := false, false
	for i, t := range toks[:last] {
		switch {
		case t[0] == '[' && !isSymbol(t):
			b.WriteString(t)
		case isPadding(t) && !begun:
		case t[0] == '*':
		case t[0] == '_':
			if !space && !isSpaceToken(toks[i+1]) {
				b.WriteString(`\ `)
				space = true
			}
		default:
			b.WriteString(t)
			begun, space = true, isSpaceToken(t)
		}
	}
	return b.String()
}

// isSymbol reports whether tok, a bracketed part of a format code, writes
// a currency symbol ([$€-2], [$CHF-807]): a part, whose space to the
// number stays ("€ 1,234.00"), unlike a color or a condition ([Red],
// [<0]) or a locale alone ([$-407]).
func isSymbol(tok string) bool {
	sym, ok := strings.CutPrefix(tok, "[$")
	return ok && sym != "" && sym[0] != '-' && sym[0] != ']'
}

// isSpaceToken reports whether a format token writes a space.
func isSpaceToken(tok string) bool { return tok == " " || tok == `\ ` }

// isPadding reports whether a format token only lines the cell up: a
// padding, a fill or a space.
func isPadding(tok string) bool {
	return tok[0] == '_' || tok[0] == '*' || isSpaceToken(tok)
}

// formatTokens splits a section of a format code into its parts: quoted
// text, a bracketed part, an escaped character, a padding or a fill with
// its character (whole runes), and single characters.
func formatTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		n := 1
		switch s[i] {
		case '"', '[':
			end := byte('"')
			if s[i] == '[' {
				end = ']'
			}
			if j := strings.IndexByte(s[i+1:], end); j >= 0 {
				n = j + 2
			} else {
				n = len(s) - i
			}
		case '\\', '_', '*':
			if i+1 < len(s) {
				_, size := utf8.DecodeRuneInString(s[i+1:])
				n = 1 + size
			}
		default:
			_, n = utf8.DecodeRuneInString(s[i:])
		}
		toks = append(toks, s[i:i+n])
		i += n
	}
	return toks
}
