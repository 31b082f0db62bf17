package campaign

import (
	"errors"
	"fmt"
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

func (e *FileError) Error() string {
	switch {
	case e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	default:
		return fmt.Sprintf("%s: %v", e.File, e.Err)
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

// Sentinel errors carried inside RowError and FileError.
var (
	ErrFieldCount   = errors.New("wrong number of fields")
	ErrNoKeyColumn  = errors.New("key column not in the sheet")
	ErrEmptyKey     = errors.New("key is empty")
	ErrControlChar  = errors.New("control character (CR, LF or other) in a value that reaches a header")
	ErrNotXLSX      = errors.New("not an XLSX workbook")
	ErrBadEncoding  = errors.New("text is not valid UTF-8")
	ErrHeaderColumn = errors.New("bad header")
	// ErrExcelError: a cell holds one of Excel's error values (see
	// ExcelError).
	ErrExcelError = errors.New("Excel's error value")
)
