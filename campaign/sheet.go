package campaign

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Row is one recipient: the sheet's record number (header = 1) and the cell
// values by column header, as the user sees them in the sheet.
type Row struct {
	Number int
	Values map[string]string
	// Uncalculated names, by column, the cells whose formula the workbook
	// holds without a calculated value (XLSX only; nil for most rows).
	// Their Values are empty or a placeholder: the renderer refuses a row
	// whose columns in use are among them.
	Uncalculated map[string]Uncalculated
	// DateFormats names, by column, the cells shown in a custom date
	// format of the other order than recipients.dates (XLSX only; nil for
	// most rows): the renderer refuses a row that passes one to date.
	DateFormats map[string]DateFormat
	// Merged names, by column, the cells that take their value from
	// merged cells over several rows (XLSX only; nil for most rows): the
	// renderer refuses a row whose key or To comes from one.
	Merged map[string]Merged
}

// Sheet streams the recipient rows of a CSV or XLSX file. A Sheet is not safe
// for concurrent use; the caller closes it.
//
// Row numbers are the sheet's own, as a spreadsheet program shows them: blank
// rows are skipped but still counted, a header below blank or title rows has
// the number of the row it is on, and a CSV value spanning several lines is
// one row. Values are strings as the sheet displays them (see xlsxSheet for
// how XLSX cells are formatted); control characters are passed through, since
// a body may hold line breaks, and only the renderer knows which values reach
// a header.
type Sheet interface {
	// Columns returns the header texts in sheet order.
	Columns() []string
	// Next returns the next non-blank row, or io.EOF after the last. A
	// *RowError, or RowErrors when several of the row's cells have one
	// (errors.As finds the first), spoils only that row (the Row returned
	// with it carries its Number but no Values, but for a problem of the
	// cell recipients.only_blank or only_filled choose by, whose Row has
	// the Values read: its key still tells a row sent before): the caller
	// may go on calling Next. Any other
	// error (a *FileError, or ctx's error) ends the sheet, and later calls
	// return it again.
	Next(ctx context.Context) (Row, error)
	// Warnings returns notes about the sheet that do not stop it (trimmed
	// header whitespace, a guessed encoding).
	Warnings() []string
	// MergedRanges returns the ranges of merged cells over several data
	// rows whose value the rows they cover take, outside the key column
	// (a merge there is a problem of each row: Merged.Problem); nil for
	// a CSV sheet. They are no warning of their own: one in a column the
	// campaign does not read changes no message, so the caller, which
	// knows the columns read, warns about the others
	// (MergedRange.Warning).
	MergedRanges() []MergedRange
	// HeaderRow is the header's row number: the first row with the key
	// column (title rows may stand above it).
	HeaderRow() int
	// Close releases the file and any temporary files.
	Close() error
}

// OpenSheet opens the campaign's recipient sheet. The key column must exist.
func OpenSheet(ctx context.Context, r Recipients) (Sheet, error) {
	var s Sheet
	kind, err := sheetKindOf(r.Path)
	switch kind {
	case kindXLSX:
		s, err = openXLSX(ctx, r)
	case kindCSV:
		s, err = openCSV(ctx, r)
	default:
		return nil, &FileError{File: r.Path, Err: fmt.Errorf("campaign: %w", err)}
	}
	if err != nil {
		return nil, err
	}
	found, near := false, ""
	for _, c := range s.Columns() {
		if c == r.Key {
			found = true
		}
		if near == "" && strings.EqualFold(strings.TrimSpace(c), strings.TrimSpace(r.Key)) {
			near = c
		}
	}
	if !found {
		if near == "" {
			near = ClosestOrContaining(r.Key, s.Columns())
		}
		whose := ""
		if r.KeyDefault {
			whose = "the default of recipients.key, which the campaign file does not write; "
		}
		err := fmt.Errorf("%w: %q (%scolumns: %s)", ErrNoKeyColumn, r.Key, whose, strings.Join(s.Columns(), ", "))
		if c, advice := MisreadHeader(r.Encoding, s.Columns(), func(n string) bool { return n == r.Key }); c != "" {
			err = fmt.Errorf("%w; %s", err, advice)
		} else if near != "" {
			err = fmt.Errorf("%w; did you mean recipients.key: %q?", err, near)
		}
		if note := SheetNote(s); note != "" {
			err = fmt.Errorf("%w; %s", err, note)
		}
		s.Close()
		return nil, &FileError{File: r.Path, Err: err}
	}
	return selectRows(s, r)
}

// SheetNote says which worksheet of a workbook s reads and which others
// the workbook has, for a message about a column that is not there: read
// sheet "Summary" of people.xlsx (sheets: Summary, Subscribers, Notes); set
// recipients.sheet. It is "" for a CSV file and a workbook of one sheet.
func SheetNote(s Sheet) string {
	if sel, ok := s.(*selectedSheet); ok {
		s = sel.Sheet
	}
	x, ok := s.(*xlsxSheet)
	if !ok || len(x.sheets) < 2 {
		return ""
	}
	list := strings.Join(x.sheets, ", ")
	if x.chosen {
		return fmt.Sprintf("read sheet %q of %s, as recipients.sheet says (sheets: %s)", x.sheet, filepath.Base(x.file), list)
	}
	return fmt.Sprintf("read sheet %q of %s (sheets: %s); set recipients.sheet", x.sheet, filepath.Base(x.file), list)
}

// SheetEncoding says which encoding a CSV sheet s is read in and what
// chose it, for the line check and preview print before their summary,
// and send and send --test before their plan:
// `class.csv is read as gbk (Chinese Windows), as recipients.encoding
// says`, or `as its byte order mark says` (UTF-16, or a mark that wins
// over the setting). It is "" for a workbook and for UTF-8 that nothing
// declared (the default, which needs no word).
func SheetEncoding(s Sheet) string {
	if sel, ok := s.(*selectedSheet); ok {
		s = sel.Sheet
	}
	c, ok := s.(*csvSheet)
	if !ok || c.text == nil || c.text.name == "" || c.text.name == "utf-8" && c.text.declared == "" {
		return ""
	}
	name := c.text.name
	if i := slices.IndexFunc(legacyEncodings, func(e legacyEncoding) bool { return e.name == name || name == "gbk" && e.name == "gb18030" }); i >= 0 {
		name += " (" + legacyEncodings[i].system + ")"
	}
	by := "its byte order mark"
	if _, canon, err := LookupEncoding(c.text.declared); c.text.declared != "" && err == nil && canon == c.text.name {
		by = "recipients.encoding"
	}
	return fmt.Sprintf("%s is read as %s, as %s says", filepath.Base(c.file), name, by)
}

// errClosed is returned by Next after Close.
var errClosed = errors.New("campaign: sheet is closed")

// header is a parsed header row.
type header struct {
	// columns are the header texts, trimmed, in sheet order.
	columns []string
	// index[i] is the 0-based cell position of columns[i]; for a CSV it is
	// i, for an XLSX sheet empty header cells leave gaps.
	index []int
	// warnings note trimmed white space.
	warnings []string
}

// parseHeader checks a header row's cells: names are trimmed (with a
// warning), and must be unique. An empty cell is an error unless holes is
// set, in which case the column is left out (an XLSX spacer column; a value
// under it is a row error) and trailing empty cells are not columns. base
// names the file in warnings.
func parseHeader(base string, cells []string, row int, holes bool) (header, error) {
	var h header
	last := len(cells) - 1
	for holes && last >= 0 && strings.TrimSpace(cells[last]) == "" {
		last--
	}
	seen := make(map[string]int, last+1)
	var spaced []string // the headers trimmed, with their columns
	for i, raw := range cells[:last+1] {
		name := strings.TrimSpace(raw)
		if name == "" {
			if holes {
				continue
			}
			return header{}, fmt.Errorf("%w: header row %d, column %s is empty: every column needs a name", ErrHeaderColumn, row, columnName(i))
		}
		if j, dup := seen[name]; dup {
			return header{}, fmt.Errorf("%w: header row %d: %q names both column %s and column %s; column names must be unique", ErrHeaderColumn, row, name, columnName(j), columnName(i))
		}
		seen[name] = i
		if name != raw {
			spaced = append(spaced, fmt.Sprintf("%q (column %s)", raw, columnName(i)))
		}
		h.columns = append(h.columns, name)
		h.index = append(h.index, i)
	}
	if w := spacedHeaders(spaced); w != "" {
		h.warnings = append(h.warnings, base+": "+w)
	}
	return h, nil
}

// maxSpacedHeaders bounds the headers spacedHeaders names.
const maxSpacedHeaders = 4

// spacedHeaders is the one warning about the headers with white space
// around them (a sheet saved with "email ;name ;…" has it in every
// column), naming the first few; "" when there are none.
func spacedHeaders(spaced []string) string {
	switch len(spaced) {
	case 0:
		return ""
	case 1:
		return "header " + spaced[0] + " has white space around it; read without it"
	}
	named := spaced[:min(len(spaced), maxSpacedHeaders)]
	list := JoinAnd(named)
	if more := len(spaced) - len(named); more > 0 {
		list = strings.Join(named, ", ") + fmt.Sprintf(" and %d more", more)
	}
	return "headers " + list + " have white space around them; read without it"
}

// clipValue is a cell's value cut to 40 characters for an error message.
func clipValue(v string) string {
	if r := []rune(v); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return v
}

// columnName is the spreadsheet letter of the 0-based column i: A, B, ... AA.
func columnName(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprintf("#%d", i+1)
	}
	return name
}

// aboveHeader words the warning about the non-blank rows first to last
// skipped above the header row, which has the key column while they do not.
func aboveHeader(first, last, headerRow int) string {
	if first == last {
		return fmt.Sprintf("row %d above the header (row %d, the first with the key column) is ignored", first, headerRow)
	}
	return fmt.Sprintf("rows %d to %d above the header (row %d, the first with the key column) are ignored", first, last, headerRow)
}

// containsTrimmed reports whether a cell of a row, trimmed, equals v.
func containsTrimmed(cells []string, v string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) == v {
			return true
		}
	}
	return false
}
