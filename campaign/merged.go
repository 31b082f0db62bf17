package campaign

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Merged tells that a cell takes its value from merged cells over several
// rows (XLSX only): the sheet shows the range's value in every row it
// covers, and the workbook holds it in the first row's cell alone.
type Merged struct {
	// Range is the merged range's A1 reference ("D2:D4"); First the row
	// whose cell holds the value.
	Range string
	First int
}

// Problem explains m for the column what names ("key", "To address"):
// several rows would share one such value.
func (m Merged) Problem(what string) error {
	return fmt.Errorf("cells %s are %w, so this row would take row %d's %s: unmerge them and write each row's own %s in its cell",
		m.Range, ErrMergedCells, m.First, what, what)
}

// MergedRange is a range of merged cells over several data rows in a
// column with a header (XLSX only): every row it covers takes its first
// cell's value (Row.Merged). Whether that is worth a warning depends on
// whether the campaign reads the column, which the sheet does not know:
// the caller warns (Warning) about those in the columns it reads.
type MergedRange struct {
	// Column is the header of the range's column, as Sheet.Columns has
	// it; Range its A1 reference ("D2:D4"); First and Last the rows it
	// covers.
	Column      string
	Range       string
	First, Last int
	// where names the sheet: "dept.xlsx: sheet \"Sheet1\"".
	where string
}

// Warning says that the rows m covers each take its value, naming the
// file, sheet and range.
func (m MergedRange) Warning() string {
	return fmt.Sprintf("%s: cells %s are merged: rows %d–%d each take its value", m.where, m.Range, m.First, m.Last)
}

// mergedRange is a range of merged cells over several data rows, in a
// column with a header: its first cell's value fills the column in the
// rows below it.
type mergedRange struct {
	ref    string
	col    int // 0-based cell position
	r1, r2 int
	value  string
}

// mergedRanges are the worksheet's merged ranges over several data rows
// in the columns with a header, by first row, out of s.mergeRefs.
func (s *xlsxSheet) mergedRanges() []mergedRange {
	var ranges []mergedRange
	for _, ref := range s.mergeRefs {
		from, to, _ := strings.Cut(ref, ":")
		c1, r1, err1 := excelize.CellNameToCoordinates(from)
		_, r2, err2 := excelize.CellNameToCoordinates(to)
		if err1 != nil || err2 != nil || r1 <= s.headerRow || r2 <= r1 || c1 > len(s.named) || !s.named[c1-1] {
			continue
		}
		ranges = append(ranges, mergedRange{ref: ref, col: c1 - 1, r1: r1, r2: r2})
	}
	slices.SortFunc(ranges, func(a, b mergedRange) int { return a.r1 - b.r1 })
	return ranges
}

// mergeRefs returns the ref attributes of the mergeCell elements of the
// worksheet XML in r, read as bytes (see scanRuns), so memory stays flat.
func mergeRefs(ctx context.Context, r io.Reader) ([]string, error) {
	rs, err := scanRuns(ctx, r)
	return rs.merges, err
}

// isNameByte says whether c may be in an XML namespace prefix (ASCII).
func isNameByte(c byte) bool {
	return c == ':' || c == '_' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// readMerges finds the merged ranges over several data rows, among the
// refs the pre-pass (prescan) collected, and notes them for MergedRanges.
func (s *xlsxSheet) readMerges(key string) {
	ranges := s.mergedRanges()
	s.mergeNotes = s.notedMerges(ranges, key)
	s.merges = ranges
}

// notedMerges are ranges as MergedRanges gives them: those outside the
// key column, whose ranges are left to the row problems
// (Merged.Problem).
func (s *xlsxSheet) notedMerges(ranges []mergedRange, key string) []MergedRange {
	var notes []MergedRange
	where := fmt.Sprintf("%s: sheet %q", filepath.Base(s.file), s.sheet)
	for _, m := range ranges {
		j := slices.Index(s.h.index, m.col)
		if j < 0 || strings.TrimSpace(s.h.columns[j]) == strings.TrimSpace(key) {
			continue
		}
		notes = append(notes, MergedRange{Column: s.h.columns[j], Range: m.ref, First: m.r1, Last: m.r2, where: where})
	}
	return notes
}

// fillMerged gives the cells of row s.row that merged ranges cover the
// value of their range's first cell, and returns them by column; nil
// when there are none.
func (s *xlsxSheet) fillMerged(values map[string]string) map[string]Merged {
	var filled map[string]Merged
	s.active = slices.DeleteFunc(s.active, func(m *mergedRange) bool { return m.r2 < s.row })
	for len(s.merges) > 0 && s.merges[0].r1 <= s.row {
		m := &s.merges[0]
		s.merges = s.merges[1:]
		if m.r1 == s.row {
			m.value = values[s.h.columns[slices.Index(s.h.index, m.col)]]
			s.active = append(s.active, m)
		}
	}
	for _, m := range s.active {
		if m.r1 == s.row || m.value == "" {
			continue
		}
		col := s.h.columns[slices.Index(s.h.index, m.col)]
		values[col] = m.value
		if filled == nil {
			filled = map[string]Merged{}
		}
		filled[col] = Merged{Range: m.ref, First: m.r1}
	}
	return filled
}
