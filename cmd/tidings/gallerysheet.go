package main

import (
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/preview"
)

// giveSheetWarnings hands w, the preview's writer, the warnings about the
// whole sheet that preview prints as warning: lines, for its gallery to
// show once above the list: the sheet's own (plan.Inputs.SheetWarnings:
// a title row, merged cells, rows recipients.only_blank left out …), then
// those mw tells of a column or of rows gathered (columnLines). A column
// blank in every row mw was given is told there, so the row's own
// warning of it, the same words for each row, is left out of the row's
// list (everyColumn), where 100,000 rows repeated it 100,000 times.
func giveSheetWarnings(w *preview.Writer, in *plan.Inputs, mw *messageWarnings) {
	var words []string
	for _, s := range append(in.SheetWarnings(), mw.columnLines()...) {
		words = append(words, strings.TrimPrefix(s, "warning: "))
	}
	w.SheetWarnings(words, mw.everyColumn())
}

// everyColumn reports whether warning, a row's (rowWarnings), is that
// of a column blank in every row Add was given: nil when no column is.
func (mw *messageWarnings) everyColumn() func(row int, warning string) bool {
	var every []string
	for _, c := range mw.blank.columns {
		if mw.blank.rows[c].N == mw.rows {
			every = append(every, c)
		}
	}
	if len(every) == 0 {
		return nil
	}
	return func(row int, warning string) bool {
		one := &plan.RowList{}
		one.Add(strconv.Itoa(row))
		for _, c := range every {
			if warning == mw.blank.words(c, one) {
				return true
			}
		}
		return false
	}
}
