package campaign

import "github.com/xuri/excelize/v2"

// eachStyleFormat calls f, in style order, for each cell style of wb that
// names a number format: the style's index, the format's id, and its code
// when the workbook defines it (custom true; Excel's built-in ids carry no
// code in the file). It does nothing for a workbook without cell styles.
// The findings of xlsx_dates.go, xlsx_comma.go, xlsx_rounding.go,
// xlsx_sections.go and textdates.go each walk the styles this way.
func eachStyleFormat(wb *excelize.File, f func(style, id int, code string, custom bool)) {
	st := wb.Styles
	if st == nil || st.CellXfs == nil {
		return
	}
	codes := map[int]string{}
	if st.NumFmts != nil {
		for _, nf := range st.NumFmts.NumFmt {
			codes[nf.NumFmtID] = nf.FormatCode
		}
	}
	for i, xf := range st.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		code, ok := codes[*xf.NumFmtID]
		f(i, *xf.NumFmtID, code, ok)
	}
}
