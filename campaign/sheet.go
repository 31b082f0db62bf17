package campaign

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
)

// Row is one recipient: the sheet's record number (header = 1) and the cell
// values by column header, as the user sees them in the sheet.
type Row struct {
	Number int
	Values map[string]string
}

// Sheet streams the recipient rows of a CSV or XLSX file. A Sheet is not safe
// for concurrent use; the caller closes it.
type Sheet interface {
	// Columns returns the header texts in sheet order.
	Columns() []string
	// Next returns the next non-blank row, or io.EOF after the last. A
	// *RowError spoils only that row: the caller may go on calling Next. Any
	// other error ends the sheet.
	Next(ctx context.Context) (Row, error)
	// Warnings returns notes about the sheet that do not stop it (trimmed
	// header whitespace, a guessed encoding).
	Warnings() []string
	// Close releases the file and any temporary files.
	Close() error
}

// OpenSheet opens the campaign's recipient sheet. The key column must exist.
func OpenSheet(ctx context.Context, r Recipients) (Sheet, error) {
	var (
		s   Sheet
		err error
	)
	switch strings.ToLower(filepath.Ext(r.Path)) {
	case ".xlsx":
		s, err = openXLSX(ctx, r)
	case ".csv":
		s, err = openCSV(ctx, r)
	default:
		return nil, &FileError{File: r.Path, Err: fmt.Errorf("campaign: unknown sheet type %q (use .csv or .xlsx)", filepath.Ext(r.Path))}
	}
	if err != nil {
		return nil, err
	}
	found := false
	for _, c := range s.Columns() {
		if c == r.Key {
			found = true
		}
	}
	if !found {
		s.Close()
		return nil, &FileError{File: r.Path, Err: fmt.Errorf("%w: %q (columns: %s)", ErrNoKeyColumn, r.Key, strings.Join(s.Columns(), ", "))}
	}
	return s, nil
}
