package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
)

// maxLeftOutRows bounds the row numbers the left-out warning names.
const maxLeftOutRows = 5

// validateSelection checks recipients.only_blank and only_filled as
// written: each names a column once, and no column is in both.
func (r *Recipients) validateSelection() []error {
	var errs []error
	for _, s := range selectionSettings(r.OnlyBlank, r.OnlyFilled) {
		for i, c := range s.cols {
			switch {
			case strings.TrimSpace(c) == "":
				errs = append(errs, fmt.Errorf("%s: item %d is empty: write a column's header (%s: [Bezahlt])", s.name, i+1, s.name))
			case slices.Contains(s.cols[:i], c):
				errs = append(errs, fmt.Errorf("%s: %q is named twice; keep one", s.name, c))
			}
		}
	}
	for _, c := range r.OnlyBlank {
		if strings.TrimSpace(c) != "" && slices.Contains(r.OnlyFilled, c) {
			errs = append(errs, fmt.Errorf("recipients.only_blank and recipients.only_filled both name %q: no row would be left; keep it in one", c))
		}
	}
	return errs
}

// selectionSetting is recipients.only_blank or only_filled: its name and
// columns.
type selectionSetting struct {
	name string
	cols []string
}

// selectionSettings are the two settings of the columns blank and filled.
func selectionSettings(blank, filled []string) []selectionSetting {
	return []selectionSetting{{"recipients.only_blank", blank}, {"recipients.only_filled", filled}}
}

// selectedSheet is a Sheet that passes on only the rows recipients.only_blank
// and only_filled choose; the rows it leaves out keep their numbers
// counted, as blank rows do, and once the sheet is read to its end a
// warning names them. A row with a problem (a *RowError, no Values) is
// passed on as it is: its cells cannot tell; so is one whose cell that
// chooses cannot tell (choiceProblem), with its Values.
type selectedSheet struct {
	Sheet
	file          string
	blank, filled []string
	left          int   // rows left out so far
	first         []int // the first of them, up to maxLeftOutRows
	warning       string
}

// selectRows wraps s in a selectedSheet when r chooses rows, after checking
// that the columns it names are the sheet's; s is returned as it is when
// r chooses none. On error s is closed.
func selectRows(s Sheet, r Recipients) (Sheet, error) {
	if len(r.OnlyBlank) == 0 && len(r.OnlyFilled) == 0 {
		return s, nil
	}
	cols := s.Columns()
	for _, set := range selectionSettings(r.OnlyBlank, r.OnlyFilled) {
		for _, c := range set.cols {
			if slices.Contains(cols, c) {
				continue
			}
			err := fmt.Errorf("%w: %s names %q (columns: %s)", ErrNoSelectColumn, set.name, c, strings.Join(cols, ", "))
			if near := ClosestOrContaining(c, cols); near != "" {
				err = fmt.Errorf("%w; did you mean %q?", err, near)
			}
			s.Close()
			return nil, &FileError{File: r.Path, Err: err}
		}
	}
	return &selectedSheet{Sheet: s, file: r.Path, blank: r.OnlyBlank, filled: r.OnlyFilled}, nil
}

// Next returns the next row the selection chooses (see Sheet.Next). A
// row whose cell in a column that chooses holds a formula that failed or
// was never calculated is that row's problem (as in a column a template
// reads): its cell cannot tell.
func (s *selectedSheet) Next(ctx context.Context) (Row, error) {
	for {
		row, err := s.Sheet.Next(ctx)
		if errors.Is(err, io.EOF) && s.left > 0 && s.warning == "" {
			s.warning = s.leftOutWarning()
		}
		if err != nil {
			return Row{Number: row.Number}, err
		}
		if err := s.choiceProblem(row); err != nil {
			return row, err // its key still tells a row sent before
		}
		if s.chosen(row.Values) {
			return row, nil
		}
		s.left++
		if len(s.first) < maxLeftOutRows {
			s.first = append(s.first, row.Number)
		}
	}
}

// choiceProblem is the problem of row whose cells in the columns that choose
// hold none of their own: a formula that failed (Excel's error value) or
// was never calculated; nil when each has one.
func (s *selectedSheet) choiceProblem(row Row) error {
	var errs []error
	for _, set := range selectionSettings(s.blank, s.filled) {
		for _, c := range set.cols {
			var err error
			if u, ok := row.Uncalculated[c]; ok {
				err = fmt.Errorf("campaign: %w; %s cannot tell whether the row is a recipient until then", u.Problem(), set.name)
			} else if code, ok := ExcelError(row.Values[c]); ok {
				err = fmt.Errorf("campaign: the cell holds %w %s (a formula that failed in the spreadsheet), so %s cannot tell whether the row is a recipient; fix it there", ErrExcelError, code, set.name)
			}
			if err != nil {
				errs = append(errs, &RowError{File: s.file, Row: row.Number, Column: c, Err: err})
			}
		}
	}
	return JoinRow(errs...)
}

// chosen reports whether a row with values is one the selection keeps.
func (s *selectedSheet) chosen(values map[string]string) bool {
	return leftOutBy(s.blank, s.filled, values) == ""
}

// LeftOut says why recipients.only_blank or only_filled leave out a row
// with values, naming the setting, the column and its cell; "" when the
// row is chosen (or r chooses no rows). For a caller that read the row
// from a sheet opened without the selection (tidings show --row N).
func (r Recipients) LeftOut(values map[string]string) string {
	return leftOutBy(r.OnlyBlank, r.OnlyFilled, values)
}

// LeftOutNote is the words for a row in the sheet that recipients.only_blank
// or only_filled leave out now (why: LeftOut) while a message went to it
// before: the one wording the report, its page, report.json, send's
// summary and show use, so that none calls it gone from the sheet.
func LeftOutNote(why string) string {
	return "in the sheet, but left out now: " + why
}

// Unselected is r without its row selection (only_blank, only_filled):
// a sheet opened with it passes on every row, for a caller that tells a
// row left out (LeftOut) from one the sheet has not.
func (r Recipients) Unselected() Recipients {
	r.OnlyBlank, r.OnlyFilled = nil, nil
	return r
}

// leftOutBy is LeftOut of the columns blank and filled.
func leftOutBy(blank, filled []string, values map[string]string) string {
	for _, c := range blank {
		if v := strings.TrimSpace(values[c]); v != "" {
			return fmt.Sprintf("recipients.only_blank takes the rows whose %q is blank, and its cell holds %q", c, clipValue(v))
		}
	}
	for _, c := range filled {
		if strings.TrimSpace(values[c]) == "" {
			return fmt.Sprintf("recipients.only_filled takes the rows whose %q is filled, and its cell is blank", c)
		}
	}
	return ""
}

// Warnings returns the sheet's warnings and, once it was read to its end,
// the one naming the rows the selection left out.
func (s *selectedSheet) Warnings() []string {
	w := s.Sheet.Warnings()
	if s.warning == "" {
		return w
	}
	return append(slices.Clip(w), s.warning)
}

// leftOutWarning names the rows left out and the setting that left them.
func (s *selectedSheet) leftOutWarning() string {
	var why []string
	if len(s.blank) > 0 {
		why = append(why, fmt.Sprintf("recipients.only_blank: [%s] takes the rows whose %s blank", strings.Join(s.blank, ", "), columnsWord(s.blank)))
	}
	if len(s.filled) > 0 {
		why = append(why, fmt.Sprintf("recipients.only_filled: [%s] takes the rows whose %s filled", strings.Join(s.filled, ", "), columnsWord(s.filled)))
	}
	return fmt.Sprintf("%s: %s left out, not recipients of this campaign (%s): %s", filepath.Base(s.file), rowCount(s.left), strings.Join(why, "; "), firstRows(s.first, s.left))
}

// columnsWord is `"Bezahlt" is` or `"A" and "B" are`.
func columnsWord(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = fmt.Sprintf("%q", c)
	}
	if len(q) == 1 {
		return q[0] + " is"
	}
	return JoinAnd(q) + " are"
}
