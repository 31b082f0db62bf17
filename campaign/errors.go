package campaign

import (
	"errors"
	"fmt"
	"strings"
)

// FileError is a problem with a whole file: the campaign file, a template, a
// sheet that cannot be read. Line and Column are 1-based and 0 when unknown.
// A FileError makes the campaign unusable (exit code 2).
type FileError struct {
	File   string
	Line   int
	Column int
	Err    error
}

// Error names the file as ShownPath does ("c.yaml:4: …" run from its
// folder); File itself stays as it was given.
func (e *FileError) Error() string {
	file := ShownPath(e.File)
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", file, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", file, e.Line, e.Err)
	default:
		return fmt.Sprintf("%s: %v", file, e.Err)
	}
}

func (e *FileError) Unwrap() error { return e.Err }

// RowError is a problem with one recipient row, like encoding/csv's
// ParseError. Row is the sheet's own record number (the header is row 1, the
// first data row is row 2); Column is the header text of the cell at fault,
// or "" when the problem is not one cell's. A RowError spoils only its row.
type RowError struct {
	File   string
	Row    int
	Column string
	Err    error
}

func (e *RowError) Error() string {
	if e.Column != "" {
		return fmt.Sprintf("%s: row %d, column %q: %v", e.File, e.Row, e.Column, e.Err)
	}
	return fmt.Sprintf("%s: row %d: %v", e.File, e.Row, e.Err)
}

func (e *RowError) Unwrap() error { return e.Err }

// RowErrors is every problem found in one row, the first first: a row can
// hold a failed formula in one column and an address with a typo in
// another, and a person fixes both in one round. Each is a *RowError of
// the same file and row; errors.As finds the first. Error writes each in
// full, "; " between them, on one line for a report's cell.
type RowErrors []*RowError

func (e RowErrors) Error() string {
	if len(e) == 0 {
		return "no problem"
	}
	words := make([]string, len(e))
	for i, re := range e {
		words[i] = re.Error()
	}
	return strings.Join(words, "; ")
}

// Unwrap returns the problems, for errors.Is and errors.As.
func (e RowErrors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, re := range e {
		errs[i] = re
	}
	return errs
}

// JoinRow is the problems of one row in errs (each as RowProblems gives
// them), in order: one is its *RowError, more a RowErrors. Errors without
// a row problem are left out; nil when none has one.
func JoinRow(errs ...error) error {
	var all RowErrors
	for _, err := range errs {
		all = append(all, RowProblems(err)...)
	}
	switch len(all) {
	case 0:
		return nil
	case 1:
		return all[0]
	}
	return all
}

// RowProblems returns the row's problems: each of a RowErrors, or the one
// *RowError err is or wraps; nil when err holds none.
func RowProblems(err error) []*RowError {
	if es, ok := errors.AsType[RowErrors](err); ok {
		return es
	}
	if re, ok := errors.AsType[*RowError](err); ok {
		return []*RowError{re}
	}
	return nil
}

// badEncodingError is an ErrBadEncoding in words of its own, for text
// that is not UTF-8's fault, which the sentinel's words name: a value with
// bytes its declared code page does not define, a file in UTF-8 under a
// declared code page.
type badEncodingError string

func (e badEncodingError) Error() string { return string(e) }

// Unwrap makes it an ErrBadEncoding.
func (e badEncodingError) Unwrap() error { return ErrBadEncoding }

// ErrNoSelectColumn is carried inside a FileError: recipients.only_blank
// or only_filled names a column the sheet has not.
var ErrNoSelectColumn = errors.New("column to choose rows by not in the sheet")

// Sentinel errors carried inside RowError and FileError.
var (
	ErrFieldCount  = errors.New("wrong number of fields")
	ErrNoKeyColumn = errors.New("key column not in the sheet")
	ErrEmptyKey    = errors.New("key is empty")
	ErrControlChar = errors.New("control character (CR, LF or other) in a value that reaches a header")
	ErrNotXLSX     = errors.New("not an XLSX workbook")
	ErrBadEncoding = errors.New("text is not valid UTF-8")
	// ErrMisread: recipients.encoding names a code page that reads a
	// value as no text of its script, while another reads it as text.
	ErrMisread      = errors.New("text read in the wrong code page")
	ErrHeaderColumn = errors.New("bad header")
	// ErrNULChar: a cell holds a NUL byte, which no mail may carry and a
	// text sheet does not hold unless damaged.
	ErrNULChar = errors.New("a NUL character (byte 0) in the cell: remove it (is the file damaged, or not text?)")
	// ErrExcelError: a cell holds one of Excel's error values (see
	// ExcelError).
	ErrExcelError = errors.New("Excel's error value")
	// ErrMergedCells: a cell takes its value from merged cells where
	// each row needs its own (see Merged).
	ErrMergedCells = errors.New("merged")
	// ErrTooLong: a sheet's row or cell is far longer than any
	// spreadsheet writes (a damaged file, or one made to exhaust memory);
	// it is refused before it is read whole.
	ErrTooLong = errors.New("too long for a recipient sheet")
)
