package campaign

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// csvSheet streams a CSV file through encoding/csv: one record in memory at a
// time, whatever the file's size.
//
// Row numbers are record numbers as a spreadsheet shows them when it opens
// the file: a quoted value spanning several lines is one row, and a blank
// line is a (skipped) row of its own, because Excel and LibreOffice show it as
// an empty row. So with one blank line between them, the records after the
// header are rows 2 and 4.
type csvSheet struct {
	file    string
	closer  io.Closer
	text    *textSource
	cr      *csv.Reader
	columns []string
	// width is the header row's cell count: more than len(columns) when
	// it ends in empty cells (Excel writes a separator for every column
	// of its used range), which no row may fill.
	width     int
	headerRow int
	warnings  []string
	status    *statusTally // the rows a status column says not to mail
	// row is the record number of the record read last; endLine is the
	// line it ended on, as encoding/csv counts them. Blank lines between
	// records count as rows.
	row, endLine int
	// lineBase is how many file lines come before encoding/csv's first
	// (Excel's sep= line): a line it names is file line lineBase more,
	// as a text editor shows it.
	lineBase int
	// crOnly is set when the lines end in CR alone, read as LF.
	crOnly bool
	// again is the file read a second time for the character column of
	// a quote problem (charColumn); nil until one.
	again *rereading
	// err is set once the sheet has ended (io.EOF or a fatal error) and
	// is returned by every later Next.
	err error
}

var _ Sheet = (*csvSheet)(nil)

// headerSearch is how many non-blank rows are searched for the one holding
// the key column, so that a title row above the header is skipped.
const headerSearch = 10

// openCSV opens r's CSV file and reads its header; the caller closes the
// sheet, which closes the file.
func openCSV(ctx context.Context, r Recipients) (Sheet, error) {
	f, err := os.Open(r.Path)
	if err != nil {
		return nil, &FileError{File: r.Path, Err: openError(err)}
	}
	s, err := newCSVSheet(ctx, f, r)
	if err != nil {
		f.Close()
		return nil, err
	}
	s.closer = f
	return s, nil
}

// openError drops the path from an *os.PathError, which FileError names.
func openError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// newCSVSheet reads the header from rd (the text of r.Path) and returns the
// sheet positioned at the first data row. The caller closes rd.
func newCSVSheet(ctx context.Context, rd io.Reader, r Recipients) (*csvSheet, error) {
	s := &csvSheet{file: r.Path}
	ts, err := newTextSource(rd, r.Encoding, filepath.Base(r.Path))
	if err != nil {
		return nil, &FileError{File: r.Path, Err: err}
	}
	s.text = ts
	s.warnings = append(s.warnings, ts.warnings...)

	text := ts.r
	sample, peekErr := text.Peek(sniffSize)
	if bytes.IndexByte(sample, '\r') >= 0 && bytes.IndexByte(sample, '\n') < 0 {
		// Classic Mac OS line ends (Excel for Mac's "CSV (Macintosh)"):
		// encoding/csv only knows LF and CRLF. A CR inside a quoted value
		// becomes LF too, which is what such a file means by it.
		text = bufio.NewReaderSize(crToLF{text}, readBufferSize)
		s.crOnly = true
		sample, peekErr = text.Peek(sniffSize)
		s.warnings = append(s.warnings, fmt.Sprintf("%s: lines end with CR only (old Mac format); read as line breaks", filepath.Base(r.Path)))
	}
	sepLine, sep := excelSepLine(sample)
	if sepLine > 0 {
		// Excel's own hint of the delimiter, a line Excel reads and
		// does not show: the sheet's rows number from the next line.
		_, _ = text.Discard(sepLine)
		s.lineBase = 1
	}
	var comma rune
	switch {
	case r.Delimiter != "":
		if comma, err = ParseDelimiter(r.Delimiter); err != nil {
			return nil, &FileError{File: r.Path, Err: err}
		}
	case sep != 0:
		comma = sep
	case tabSeparated(r.Path):
		comma = '\t'
	default:
		comma = sniffDelimiter(sample, peekErr == nil)
	}
	// encoding/csv uses a bufio.Reader this size as it is, without one of
	// its own in between.
	s.cr = csv.NewReader(bufio.NewReaderSize(newRowCap(text, comma, maxRowBytes), readBufferSize))
	s.cr.Comma = comma
	s.cr.FieldsPerRecord = -1 // checked here, so blank rows may differ
	s.cr.ReuseRecord = true
	if err := s.readHeader(ctx, r.Key); err != nil {
		return nil, err
	}
	s.status.skipListed(r)
	return s, nil
}

// excelSepLine reads the "sep=;" line some programs write first in a CSV
// for Excel, which takes its delimiter from it and shows the rows after it
// only: its length with its line end and its delimiter (',', ';' or a
// tab), or 0 and 0 when sample does not start with one.
func excelSepLine(sample []byte) (n int, sep rune) {
	const prefix = "sep="
	if len(sample) < len(prefix)+1 || !bytes.EqualFold(sample[:len(prefix)], []byte(prefix)) {
		return 0, 0
	}
	c, rest := sample[len(prefix)], sample[len(prefix)+1:]
	if c != ',' && c != ';' && c != '\t' {
		return 0, 0
	}
	end := 0
	switch {
	case bytes.HasPrefix(rest, []byte("\r\n")):
		end = 2
	case bytes.HasPrefix(rest, []byte("\n")):
		end = 1
	default:
		return 0, 0
	}
	return len(prefix) + 1 + end, rune(c)
}

// ParseDelimiter parses a recipients.delimiter setting: ",", ";", or a tab
// written as "\t" (a real tab), `\t` or "tab".
func ParseDelimiter(s string) (rune, error) {
	switch s {
	case ",":
		return ',', nil
	case ";":
		return ';', nil
	case "\t", `\t`, "tab", "TAB":
		return '\t', nil
	default:
		return 0, fmt.Errorf("recipients.delimiter: %q: use \",\", \";\" or \"\\t\"", s)
	}
}

// sniffDelimiter picks the delimiter among comma, semicolon and tab that
// splits the sample into the most rows with the same number (> 1) of fields
// (the most common count wins, the smaller on a tie); ties go to the earlier
// of comma, semicolon, tab. A sheet with one column gets a delimiter that
// splits no row. more says the sample is a prefix of
// the text, so its last, possibly cut, line is ignored.
func sniffDelimiter(sample []byte, more bool) rune {
	if more {
		if i := bytes.LastIndexByte(sample, '\n'); i >= 0 {
			sample = sample[:i+1]
		}
	}
	type score struct{ class, agree, fields int }
	better := func(a, b score) bool {
		if a.class != b.class {
			return a.class > b.class
		}
		if a.agree != b.agree {
			return a.agree > b.agree
		}
		return a.fields > b.fields
	}
	best, bestScore := ',', score{}
	for _, c := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(sample))
		cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = c, -1, true
		counts, records := map[int]int{}, 0
		for {
			rec, err := cr.Read()
			if err != nil {
				break // EOF, or a quote problem: judge the rows before it
			}
			records++
			if !isBlank(rec) {
				counts[len(rec)]++
			}
		}
		mode, agree := 0, 0
		for n, k := range counts {
			if k > agree || k == agree && n < mode {
				mode, agree = n, k
			}
		}
		var sc score
		switch {
		case records > 0 && len(counts) == 0:
			// Only delimiters and white space: blank rows, whatever
			// else the other candidates make of them.
			sc = score{3, 0, 0}
		case mode > 1:
			sc = score{2, agree, mode}
		case len(counts) == 1 && mode == 1:
			sc = score{1, agree, 1}
		}
		if better(sc, bestScore) {
			best, bestScore = c, sc
		}
	}
	return best
}

// crToLF turns every CR into LF.
type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}

// read reads the next record and its row number. A *RowError reports a quote
// problem in that row; the next read goes on after it. A *FileError
// reports a row too long to read (see rowCap), and ends the sheet.
func (s *csvSheet) read() ([]string, int, error) {
	rec, err := s.cr.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row := s.row + pe.StartLine - s.endLine
			s.row, s.endLine = row, pe.Line
			inFile := *pe
			inFile.StartLine += s.lineBase
			inFile.Line += s.lineBase
			inFile.Column = s.charColumn(inFile.Line, inFile.Column)
			return nil, row, &RowError{File: s.file, Row: row, Err: quoteError(&inFile)}
		}
		if long, ok := errors.AsType[*rowTooLong](err); ok {
			return nil, 0, s.tooLong(long)
		}
		return nil, 0, err
	}
	start, _ := s.cr.FieldPos(0)
	last, _ := s.cr.FieldPos(len(rec) - 1)
	s.row += start - s.endLine
	// A quoted last value may run over lines; encoding/csv has turned each
	// of its line ends into one LF.
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	return rec, s.row, nil
}

// tooLong is the *FileError for the row rowCap stopped at, with its row
// number and the column it was in.
func (s *csvSheet) tooLong(e *rowTooLong) error {
	row := max(s.row+e.Line-s.endLine, s.row+1)
	inFile := *e
	inFile.Line += s.lineBase
	inFile.QuoteLine += s.lineBase
	col := "column " + columnName(e.Field)
	if e.Field < len(s.columns) {
		col = fmt.Sprintf("column %q", s.columns[e.Field])
	}
	return &FileError{File: s.file, Err: fmt.Errorf("row %d, %s: %w", row, col, &inFile)}
}

// charColumn turns col, encoding/csv's 1-based byte position on file
// line line, into the character position a text editor shows there
// (O"Brien after a Chinese or Arabic name: each of its characters is
// several bytes), reading the file again up to it; col as it is when the
// file cannot be read again so. The second reading goes on from the line
// of the previous call (the errors come in the file's order: a sheet with
// a bare quote in each of its rows is read twice, not once per row).
func (s *csvSheet) charColumn(line, col int) int {
	a := s.again
	if a == nil || a.line > line {
		a.close()
		s.again = nil
		f, err := os.Open(s.file)
		if err != nil {
			return col
		}
		ts, err := newTextSource(f, s.text.declared, "")
		if err != nil {
			f.Close()
			return col
		}
		var text io.Reader = ts.r
		if s.crOnly {
			text = crToLF{text}
		}
		a = &rereading{f: f, br: bufio.NewReaderSize(text, readBufferSize), line: 1}
		s.again = a
	}
	for a.line < line {
		_, err := a.br.ReadSlice('\n')
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
		case err != nil:
			a.close()
			s.again = nil
			return col
		default:
			a.line++
		}
	}
	head, _ := a.br.Peek(col - 1)
	if len(head) < col-1 || !utf8.Valid(head) {
		return col
	}
	return utf8.RuneCount(head) + 1
}

// rereading is the file of a csvSheet read a second time, for charColumn:
// its reader stands at the start of file line line.
type rereading struct {
	f    *os.File
	br   *bufio.Reader
	line int
}

// close closes a's file; a nil a is none.
func (a *rereading) close() {
	if a != nil {
		a.f.Close()
	}
}

// quoteError explains a csv.ParseError in words a spreadsheet user follows;
// it wraps csv.ErrQuote or csv.ErrBareQuote.
func quoteError(pe *csv.ParseError) error {
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Errorf("%w (line %d, character %d): enclose the whole value in quotes and double the quote inside it, as in \"O\"\"Brien\"", pe.Err, pe.Line, pe.Column)
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line > pe.StartLine:
		return fmt.Errorf("%w: the quoted value opened on line %d is not closed properly before line %d, so the lines between were read as one value; look for a stray \"", pe.Err, pe.StartLine, pe.Line)
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Errorf("%w (line %d, character %d): a value that starts with \" ends with the next single \", right before the next delimiter or the line's end; to keep quotes inside a value, enclose the whole value in quotes and double each quote inside it, as Excel writes it: \"\"\"Lee, Dr.\"\" <lee@example.com>\"", pe.Err, pe.Line, pe.Column)
	default:
		return fmt.Errorf("%w (line %d, character %d)", pe.Err, pe.Line, pe.Column)
	}
}

// readHeader reads up to the header row: the first non-blank row, or, when
// that lacks the key column, the first of the next few rows that has it (a
// title above the table is common in exported sheets).
func (s *csvSheet) readHeader(ctx context.Context, key string) error {
	var (
		first              []string
		firstRow, lastSkip int
		header             []string
		row                int
	)
	for n := 0; n < headerSearch; {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, r, err := s.read()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			return &FileError{File: s.file, Err: fmt.Errorf("row %d, before the header was found: %w", re.Row, re.Err)}
		}
		if _, ok := errors.AsType[*FileError](err); ok {
			return err
		}
		if err != nil {
			return &FileError{File: s.file, Err: err}
		}
		if isBlank(rec) {
			continue
		}
		n++
		if first == nil {
			first, firstRow = slices.Clone(rec), r
		}
		if key == "" || containsTrimmed(rec, key) || s.text.compose && containsTrimmed(composed(s.text, rec), key) {
			header, row = slices.Clone(rec), r
			break
		}
		lastSkip = r
	}
	if first == nil {
		return &FileError{File: s.file, Err: fmt.Errorf("%w: the sheet has no header row (it is empty)", ErrHeaderColumn)}
	}
	if header == nil {
		// No row has the key: the first is the header, and OpenSheet
		// reports the missing key column with its columns.
		header, row = first, firstRow
	} else if row != firstRow {
		s.warnings = append(s.warnings, fmt.Sprintf("%s: %s", filepath.Base(s.file), aboveHeader(firstRow, lastSkip, row)))
	}
	for i, v := range header {
		if err := s.text.checkText(v); err != nil {
			return &FileError{File: s.file, Err: fmt.Errorf("header row %d, column %s: %w", row, columnName(i), err)}
		}
		if strings.IndexByte(v, 0) >= 0 {
			return &FileError{File: s.file, Err: fmt.Errorf("header row %d, column %s: %w: NUL bytes, most likely of UTF-16 text without a byte order mark: %s", row, columnName(i), ErrBadEncoding, s.text.utf16Advice())}
		}
		header[i] = s.text.value(v)
	}
	s.width, s.headerRow = len(header), row
	named := len(header)
	for named > 0 && strings.TrimSpace(header[named-1]) == "" {
		named--
	}
	h, err := parseHeader(filepath.Base(s.file), header[:named], row, false)
	if err != nil {
		return &FileError{File: s.file, Err: err}
	}
	s.columns = h.columns
	s.warnings = append(s.warnings, h.warnings...)
	s.status = newStatusTally(s.columns)
	// Columns after the last named one (Excel's ';' at the end of every
	// line) are ignored without a warning: a row with a value under one
	// is a row problem, and one without has nothing to warn about.
	return nil
}

// composed is rec's values as ts gives them (see textSource.value), for
// a key written composed to find its header in windows-1258.
func composed(ts *textSource, rec []string) []string {
	out := make([]string, len(rec))
	for i, v := range rec {
		out[i] = ts.value(v)
	}
	return out
}

// plural is one when n is 1, else many.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Columns returns the header texts in sheet order.
func (s *csvSheet) Columns() []string { return s.columns }

// Warnings returns notes about the sheet.
func (s *csvSheet) Warnings() []string { return s.warnings }

// MergedRanges returns nil: a CSV file has no merged cells.
func (s *csvSheet) MergedRanges() []MergedRange { return nil }

func (s *csvSheet) HeaderRow() int { return s.headerRow }

// Next returns the next non-blank row. See Sheet.
func (s *csvSheet) Next(ctx context.Context) (Row, error) {
	if s.err != nil {
		return Row{}, s.err
	}
	for {
		if err := ctx.Err(); err != nil {
			return Row{}, err
		}
		rec, row, err := s.read()
		if err != nil {
			return s.failed(row, err)
		}
		if isBlank(rec) {
			continue
		}
		if len(rec) != len(s.columns) && len(rec) != s.width {
			return Row{Number: row}, &RowError{File: s.file, Row: row, Err: fmt.Errorf("%w: %s, the header has %d columns%s", ErrFieldCount, valuesCount(len(rec)), len(s.columns), fieldCountHint(len(rec), len(s.columns), s.cr.Comma))}
		}
		for i := len(s.columns); i < len(rec); i++ {
			if v := strings.TrimSpace(rec[i]); v != "" {
				return Row{Number: row}, &RowError{File: s.file, Row: row,
					Err: fmt.Errorf("%w: column %s holds %q but has no header in row %d", ErrHeaderColumn, columnName(i), clipValue(v), s.headerRow)}
			}
		}
		values, err := s.values(rec, row)
		if err != nil {
			if _, ok := errors.AsType[*FileError](err); ok {
				return Row{}, err
			}
			return Row{Number: row}, err
		}
		s.status.note(row, values)
		return Row{Number: row, Values: values}, nil
	}
}

// values are rec's values by column, rec being the sheet's row row. A
// value in another encoding than the file's is a *FileError, which ends
// the sheet (s.err); a cell holding a NUL, text its code page misreads or
// a letter lost as "?" is a problem of the row, and every such cell of
// the row is named (one a *RowError, more a RowErrors), as a person fixes
// them all in one round.
func (s *csvSheet) values(rec []string, row int) (map[string]string, error) {
	values := make(map[string]string, len(s.columns))
	var problems []error
	for i, v := range rec[:len(s.columns)] {
		if err := s.text.checkText(v); err != nil {
			// The whole file is in another encoding: no later row
			// can be trusted either.
			s.err = &FileError{File: s.file, Err: fmt.Errorf("row %d, column %q: %w", row, s.columns[i], err)}
			return nil, s.err
		}
		err := s.text.cellProblem(v)
		if err != nil {
			problems = append(problems, &RowError{File: s.file, Row: row, Column: s.columns[i], Err: err})
			continue
		}
		values[s.columns[i]] = s.text.value(v)
	}
	if len(problems) > 0 {
		return nil, JoinRow(problems...)
	}
	return values, nil
}

// failed is what Next returns for read's error err at row: the row with
// a *RowError, else the end of the sheet (io.EOF, or a *FileError every
// later Next returns too).
func (s *csvSheet) failed(row int, err error) (Row, error) {
	if _, ok := errors.AsType[*RowError](err); ok {
		return Row{Number: row}, err
	}
	_, isFile := errors.AsType[*FileError](err)
	if err != io.EOF && !isFile {
		err = &FileError{File: s.file, Err: fmt.Errorf("reading after row %d: %w", s.row, err)}
	}
	if w := s.status.warning(s.file); err == io.EOF && w != "" {
		s.warnings = append(s.warnings, w)
	}
	s.err = err
	return Row{}, err
}

// Close closes the file. It may be called more than once.
func (s *csvSheet) Close() error {
	if s.err == nil {
		s.err = errClosed
	}
	s.again.close()
	s.again = nil
	if s.closer == nil {
		return nil
	}
	c := s.closer
	s.closer = nil
	return c.Close()
}

// isBlank reports whether every value of a record is empty or white space.
func isBlank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// fieldCountHint says what most often gives a row n values where the
// header has cols, with comma the sheet's delimiter.
func fieldCountHint(n, cols int, comma rune) string {
	d, example := string(comma), fmt.Sprintf(`, "Doe%c John"`, comma)
	if comma == '\t' {
		d, example = "tab", ""
	}
	if n > cols {
		return fmt.Sprintf(" (a %s inside a value needs the value in double quotes%s; a %s at the end of the line adds an empty value)", d, example, d)
	}
	return " (a value is missing, or a line break inside a value without double quotes split the row)"
}

// valuesCount is "1 value" or "N values".
func valuesCount(n int) string { return fmt.Sprintf("%d %s", n, plural(n, "value", "values")) }
