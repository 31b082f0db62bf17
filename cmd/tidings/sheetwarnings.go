package main

import (
	"io"
	"slices"

	"github.com/tidings/tidings/sendpool/plan"
)

// sheetWarnings prints a sheet's warnings before its rows' problems, as
// a person reads a sheet: a title row above the header, its spacing or
// encoding say what the problems below are about (a first row of data
// taken for a title). Those a read of the rows found (hidden rows of a
// workbook) come once the rows are read (Rest). It is not safe for
// concurrent use.
type sheetWarnings struct {
	w    io.Writer
	in   *plan.Inputs
	said int // how many of in.Sheet.Warnings() First printed
}

// First prints the warnings the sheet has now (plan.Inputs.SheetWarnings),
// before the rows are read or their problems printed.
func (s *sheetWarnings) First() {
	s.said = len(s.in.Sheet.Warnings())
	printWarnings(s.w, s.in.SheetWarnings())
}

// Rest prints the sheet's warnings First did not: those a read of its
// rows added.
func (s *sheetWarnings) Rest() {
	printWarnings(s.w, s.in.Sheet.Warnings()[s.said:])
}

// RestOf prints those of all, the sheet's warnings after a read to its
// end (plan.Plan.SheetWarnings), that First did not: a send from a
// reused spool, which reads the sheet only up to its last row to send,
// or not at all, tells those its spool kept of the read that made it
// (a status column's blocklisted rows, hidden rows past the last row it
// sends), as that read's run did.
func (s *sheetWarnings) RestOf(all []string) {
	said := s.in.Sheet.Warnings()[:s.said]
	for _, w := range all {
		if !slices.Contains(said, w) {
			printWarnings(s.w, []string{w})
			said = append(said[:len(said):len(said)], w)
		}
	}
}
