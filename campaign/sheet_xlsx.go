package campaign

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// xlsxSheet streams one worksheet of an XLSX workbook through excelize's
// Rows iterator, which decodes the sheet's XML row by row (GetRows would hold
// every row in memory). excelize keeps parts over its UnzipXMLSizeLimit in
// temporary files; Close removes them.
//
// Cells are read as Excel displays them, with these decisions where Excel's
// display depends on the viewer's machine or the column's width:
//   - General numbers show every significant digit (up to Excel's 15) and
//     never switch to scientific notation: 8613800138000 stays
//     8613800138000, and a cached 0.30000000000000004 shows 0.3.
//   - Number format 14 and 22 (the system's short date, which Excel renders
//     in the viewer's locale) show as yyyy-mm-dd and yyyy-mm-dd hh:mm.
//   - The East Asian built-in date formats (ids 27-36 and 50-58) read as
//     Chinese (zh-CN) Excel shows them, e.g. 2025年11月4日.
//
// A text cell that happens to look like one of excelize's 15-digit
// scientific renderings (e.g. "1.5E+20") is read as that number written out;
// excelize does not expose cell types through the streaming iterator.
type xlsxSheet struct {
	file  string
	wb    *excelize.File
	rows  *excelize.Rows
	sheet string
	// sheets are the workbook's worksheets, in order; chosen says
	// recipients.sheet named the one read.
	sheets []string
	chosen bool
	h      header
	// named[i] says cell position i has a header.
	named []bool
	// headerRow is the header's row number; row is the number of the row
	// read last (the sheet's own numbering).
	headerRow, row int
	warnings       []string
	hiddenWarned   bool
	status         *statusTally // the rows a status column says not to mail
	// mergeHint caches the explanation of a header-less column, by cell
	// position, once the merged cells have been looked up.
	mergeHint map[int]string
	// scan reads the sheet a second time, in step, for formulas without
	// a value, date formats and numbers excelize rounds otherwise than
	// Excel (see cellScan); nil when there is nothing to look for.
	scan *cellScan
	// scans are the worksheets' scans scanParts made, by member name.
	scans map[string]*runScan
	// mergeRefs are the refs of the worksheet's merged ranges (see
	// prescan); merges are those over several data rows not yet
	// reached, by first row, and active those over the row read last.
	mergeRefs []string
	merges    []mergedRange
	active    []*mergedRange
	// mergeNotes are the ranges MergedRanges gives.
	mergeNotes []MergedRange
	// dates are the styles whose date format clashes with
	// recipients.dates; nil when none does.
	dates *dateClash
	err   error
}

var _ Sheet = (*xlsxSheet)(nil)

// oleSignature starts every OLE2 compound file: old .xls workbooks, and
// password-protected .xlsx ones.
var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// maxUnzipBytes is the most a workbook may unpack to, all its parts
// together (excelize's default is 16 GB): excelize unpacks a worksheet
// over its UnzipXMLSizeLimit (16 MiB, kept) to a temporary file and holds
// every other part in memory. A million rows of 20 short text columns is
// about 1.5 GB of worksheet XML; 4 GiB leaves room for that and more.
const maxUnzipBytes = 4 << 30

// xlsxOptions are the excelize options tidings reads with; tests lower
// UnzipXMLSizeLimit to exercise the temporary-file path.
func xlsxOptions() excelize.Options {
	return excelize.Options{
		ShortDatePattern: "yyyy-mm-dd",
		CultureInfo:      excelize.CultureNameZhCN,
		UnzipSizeLimit:   maxUnzipBytes,
	}
}

// openXLSX opens r's workbook, chooses the sheet and reads its header. The
// caller closes the sheet, which removes excelize's temporary files.
func openXLSX(ctx context.Context, r Recipients) (Sheet, error) {
	s, err := openXLSXWith(ctx, r, localOptions(xlsxOptions(), r.Locale))
	if err != nil {
		return nil, err
	}
	return s, nil
}

// openXLSXWith is openXLSX with the excelize options given.
func openXLSXWith(ctx context.Context, r Recipients, opts excelize.Options) (*xlsxSheet, error) {
	if err := sniffWorkbook(r.Path); err != nil {
		return nil, &FileError{File: r.Path, Err: err}
	}
	scans, err := scanParts(ctx, r.Path)
	if err != nil {
		return nil, err
	}
	wb, err := excelize.OpenFile(r.Path, opts)
	if err != nil {
		if wb != nil {
			wb.Close()
		}
		if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrAlgorithm) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, &FileError{File: r.Path, Err: fmt.Errorf("%w: the file is damaged or cut short (%v); save it again from the spreadsheet program", ErrNotXLSX, err)}
		}
		return nil, &FileError{File: r.Path, Err: openError(err)}
	}
	s := &xlsxSheet{file: r.Path, wb: wb, scans: scans}
	if r.Encoding != "" || r.Delimiter != "" {
		s.warnings = append(s.warnings, fmt.Sprintf("%s: recipients.encoding and recipients.delimiter apply to CSV files only; ignored for a workbook", filepath.Base(r.Path)))
	}
	if err := s.open(ctx, r); err != nil {
		s.Close() // removes excelize's temporary files
		return nil, err
	}
	s.readMerges(r.Key)
	var dated map[int]string
	if s.dates = findDateClash(wb, r); s.dates != nil {
		dated = s.dates.styles
	}
	if s.scan, err = openCellScan(ctx, r.Path, wb, s.sheet, dated, findFixedFormats(wb), findCommaNumbers(wb, r.Decimal, r.Locale), findShownFormats(wb), findTextDates(wb, s.headerRow+1)); err != nil {
		s.scanFailed(err)
	}
	return s, nil
}

// open chooses the worksheet and reads its header.
func (s *xlsxSheet) open(ctx context.Context, r Recipients) error {
	names := s.wb.GetSheetList()
	if len(names) == 0 {
		return &FileError{File: r.Path, Err: fmt.Errorf("%w: the archive holds no worksheets (is it an .ods or .docx file renamed?)", ErrNotXLSX)}
	}
	s.sheets, s.chosen = names, r.Sheet != ""
	if r.Sheet == "" {
		s.sheet = s.firstVisible(names)
		if s.sheet != names[0] {
			s.warnings = append(s.warnings, fmt.Sprintf("%s: the first sheet, %q, is hidden; reading %q, the first visible one (recipients.sheet chooses another)", filepath.Base(r.Path), names[0], s.sheet))
		}
	} else {
		for _, n := range names {
			if strings.EqualFold(n, r.Sheet) { // Excel's sheet names ignore case
				s.sheet = n
				break
			}
		}
		if s.sheet == "" {
			quoted := make([]string, len(names))
			for i, n := range names {
				quoted[i] = strconv.Quote(n)
			}
			return &FileError{File: r.Path, Err: fmt.Errorf("recipients.sheet: no sheet named %q; the workbook has %s", r.Sheet, strings.Join(quoted, ", "))}
		}
		if visible, err := s.wb.GetSheetVisible(s.sheet); err == nil && !visible {
			s.warnings = append(s.warnings, fmt.Sprintf("%s: sheet %q is hidden in the workbook", filepath.Base(r.Path), s.sheet))
		}
	}
	unpadBuiltins(s.wb)
	localBuiltins(s.wb, r.Locale)
	plainGeneral(s.wb)
	unpadFormats(s.wb)
	localNameFormats(s.wb, r.Locale)
	localDateSeparators(s.wb, r.Locale)
	if err := s.prescan(ctx); err != nil {
		return err
	}
	var err error
	if s.rows, err = s.wb.Rows(s.sheet); err != nil {
		return &FileError{File: r.Path, Err: fmt.Errorf("sheet %q: %w", s.sheet, err)}
	}
	if err := s.readHeader(ctx, r.Key); err != nil {
		return err
	}
	s.status.skipListed(r)
	return nil
}

// firstVisible is the first of names that the workbook does not hide (a
// lookup table kept on a hidden first sheet is not the recipient list),
// or the first when all are hidden.
func (s *xlsxSheet) firstVisible(names []string) string {
	for _, n := range names {
		if visible, err := s.wb.GetSheetVisible(n); err == nil && visible {
			return n
		}
	}
	return names[0]
}

// sniffWorkbook tells a file that cannot be an XLSX workbook by its first
// bytes, so the error says what the file is instead of a ZIP error.
func sniffWorkbook(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return openError(err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return sniffZip(path)
	case n == 0:
		return fmt.Errorf("%w: the file is empty", ErrNotXLSX)
	case bytes.HasPrefix(head, oleSignature):
		return fmt.Errorf("%w: this is an .xls (Excel 97-2003) workbook or a password-protected one; .xls (Excel 97-2003) is not supported: save as .xlsx or .csv (without a password)", ErrNotXLSX)
	case looksLikeText(head):
		return fmt.Errorf("%w: this is a text file, probably a CSV renamed to .xlsx: name it .csv (or save it as .xlsx from the spreadsheet program)", ErrNotXLSX)
	default:
		return fmt.Errorf("%w: the file is not a ZIP archive, which every .xlsx is; save the sheet as .xlsx or .csv", ErrNotXLSX)
	}
}

// sniffZip tells a damaged ZIP archive, one that is not an Office Open
// XML package (an OpenDocument .ods, say), one that unpacks to more than
// maxUnzipBytes from a workbook and one with a part excelize decodes
// whole over maxWholePart (checkWholeParts). Only the archive's
// directory and its package relationships are read.
func sniffZip(path string) error {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return fmt.Errorf("%w: the file is damaged or cut short (%v); save it again from the spreadsheet program", ErrNotXLSX, err)
	}
	defer zr.Close()
	ooxml, total := false, uint64(0)
	for _, f := range zr.File {
		// archive/zip refuses to read a member past its declared size.
		if total += f.UncompressedSize64; total > maxUnzipBytes {
			return fmt.Errorf("%w: the workbook unpacks to more than %d GiB (at %s), more than a recipient sheet of a million rows does; the file is damaged or not a real workbook", ErrTooLong, maxUnzipBytes>>30, f.Name)
		}
		switch {
		case strings.EqualFold(f.Name, "[Content_Types].xml"):
			ooxml = true
		case f.Name == "mimetype" && f.UncompressedSize64 < 100:
			if rc, err := f.Open(); err == nil {
				b, _ := io.ReadAll(rc)
				rc.Close()
				if bytes.Contains(b, []byte("opendocument.spreadsheet")) {
					return fmt.Errorf("%w: this is an OpenDocument spreadsheet (.ods): save it as .xlsx or .csv", ErrNotXLSX)
				}
			}
		}
	}
	if !ooxml {
		return fmt.Errorf("%w: the ZIP archive is not an Office Open XML package; save the sheet as .xlsx or .csv", ErrNotXLSX)
	}
	return checkWholeParts(&zr.Reader)
}

// looksLikeText reports whether b reads as text in any ASCII-compatible
// encoding: a byte order mark, or no control bytes besides tab, CR and LF.
func looksLikeText(b []byte) bool {
	if bytes.HasPrefix(b, bomUTF8) || bytes.HasPrefix(b, bomUTF16LE) || bytes.HasPrefix(b, bomUTF16BE) {
		return true
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7F {
			return false
		}
	}
	return true
}

// plainGeneral stops excelize from rendering General-format cells the way a
// narrow Excel column does (8613800138000 as 8.613800138E+12): it points every
// cell style with the General format at a format id excelize does not know,
// so such cells keep the value excelize has already normalized (at most 15
// significant digits, float noise rounded away). Cells with no style take
// that path already. This reaches into excelize's decoded style sheet: there
// is no option for it, and the workbook is only read, never saved.
func plainGeneral(wb *excelize.File) {
	if _, err := wb.GetStyle(0); err != nil || wb.Styles == nil || wb.Styles.CellXfs == nil {
		return // no styles: every cell is unstyled
	}
	// Some writers declare General as a custom format of their own.
	general := map[int]bool{0: true}
	if wb.Styles.NumFmts != nil {
		for _, nf := range wb.Styles.NumFmts.NumFmt {
			if strings.EqualFold(nf.FormatCode, "General") {
				general[nf.NumFmtID] = true
			}
		}
	}
	for i := range wb.Styles.CellXfs.Xf {
		xf := &wb.Styles.CellXfs.Xf[i]
		if xf.NumFmtID == nil || general[*xf.NumFmtID] {
			id := unknownNumFmt
			xf.NumFmtID = &id
		}
	}
}

// unknownNumFmt is a number format id that is neither built in nor custom.
const unknownNumFmt = -1

// sciRE matches excelize's rendering of an unstyled number with more than 15
// significant digits: strconv's 'G' format, 15 digits.
var sciRE = regexp.MustCompile(`^-?[1-9](\.[0-9]*[1-9])?E[+-][0-9]{2,3}$`)

// plainNumber writes out a number excelize rendered in scientific notation
// (1.23456789012346E+19 → 12345678901234600000); other values are returned
// unchanged, including a deliberate scientific format such as 1.00E+02.
func plainNumber(v string) string {
	if strings.IndexByte(v, 'E') < 0 || !sciRE.MatchString(v) {
		return v
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || strconv.FormatFloat(x, 'G', 15, 64) != v {
		return v
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// scanFailed notes that the cell scan stopped with err, and stops it:
// the sheet is still read, without looking for formulas never
// calculated or date formats.
func (s *xlsxSheet) scanFailed(err error) {
	s.warnings = append(s.warnings, fmt.Sprintf("%s: sheet %q: could not read its cells' formats (%v): formulas never calculated and dates in the other order go unnoticed, and numbers read as excelize shows them, not as Excel does (rounding, zero sections, fractions, the decimal comma): check those cells by eye", filepath.Base(s.file), s.sheet, err))
	if s.scan != nil {
		s.scan.Close()
		s.scan = nil
	}
}

// rowScan is what the cell scan tells of the row read last, by column:
// the cells whose formula has no calculated value, those shown in a date
// format of the other order than recipients.dates, the digits to correct
// in those excelize rounds otherwise than Excel, the number cells whose
// format excelize shows otherwise than Excel (a zero section, a percent
// sign after a space), and the number cells read with their marks
// swapped (recipients.decimal: ",").
type rowScan struct {
	uncalculated map[string]Uncalculated
	dates        map[string]DateFormat
	rounded      map[string]roundedDigits
	shown        map[string]shownCell
	swapped      []string
}

// scanned returns the rowScan of the row read last; cells outside the
// named columns are not looked at.
func (s *xlsxSheet) scanned() rowScan {
	var rs rowScan
	if s.scan == nil {
		return rs
	}
	cells, err := s.scan.row(s.row)
	if err != nil {
		s.scanFailed(err)
		return rs
	}
	for _, c := range cells {
		if j := slices.Index(s.h.index, c.col-1); j >= 0 {
			rs.add(s.h.columns[j], c, s.row, s.dates)
		}
	}
	return rs
}

// add notes what c, the scanned cell of column col in sheet row row, tells.
func (rs *rowScan) add(col string, c scannedCell, row int, dates *dateClash) {
	if c.dateFormat != "" && dates != nil {
		if rs.dates == nil {
			rs.dates = make(map[string]DateFormat)
		}
		rs.dates[col] = DateFormat{Cell: columnName(c.col-1) + strconv.Itoa(row), Code: c.dateFormat, Want: dates.want, Unsaid: dates.unsaid}
	}
	if c.uncalculated != nil {
		if rs.uncalculated == nil {
			rs.uncalculated = make(map[string]Uncalculated)
		}
		rs.uncalculated[col] = *c.uncalculated
	}
	if c.rounded != nil {
		if rs.rounded == nil {
			rs.rounded = make(map[string]roundedDigits)
		}
		rs.rounded[col] = *c.rounded
	}
	if c.shown != nil {
		if rs.shown == nil {
			rs.shown = make(map[string]shownCell)
		}
		rs.shown[col] = *c.shown
	}
	if c.swapped {
		rs.swapped = append(rs.swapped, col)
	}
}

// next reads the next row's cells, counting rows the sheet leaves out.
func (s *xlsxSheet) next() ([]string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	s.row++
	cells, err := s.rows.Columns()
	if err != nil {
		return nil, err
	}
	if !s.hiddenWarned && s.rows.GetRowOpts().Hidden && !isBlank(cells) {
		s.hiddenWarned = true
		s.warnings = append(s.warnings, fmt.Sprintf("%s: sheet %q has hidden rows (row %d is the first); they are recipients too", filepath.Base(s.file), s.sheet, s.row))
	}
	return cells, nil
}

// readHeader finds the header row as csvSheet.readHeader does.
func (s *xlsxSheet) readHeader(ctx context.Context, key string) error {
	var (
		first              []string
		firstRow, lastSkip int
		hdr                []string
	)
	for n := 0; n < headerSearch; {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells, err := s.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return &FileError{File: s.file, Err: fmt.Errorf("sheet %q, row %d: %w", s.sheet, s.row+1, err)}
		}
		if isBlank(cells) {
			continue
		}
		n++
		if first == nil {
			first, firstRow = cells, s.row
		}
		if key == "" || containsTrimmed(cells, key) {
			hdr, s.headerRow = cells, s.row
			break
		}
		lastSkip = s.row
	}
	if first == nil {
		return &FileError{File: s.file, Err: fmt.Errorf("%w: sheet %q is empty: it has no header row", ErrHeaderColumn, s.sheet)}
	}
	if hdr == nil {
		hdr, s.headerRow = first, firstRow
	} else if s.headerRow != firstRow {
		s.warnings = append(s.warnings, fmt.Sprintf("%s: sheet %q: %s", filepath.Base(s.file), s.sheet, aboveHeader(firstRow, lastSkip, s.headerRow)))
	}
	h, err := parseHeader(filepath.Base(s.file), hdr, s.headerRow, true)
	if err != nil {
		return &FileError{File: s.file, Err: fmt.Errorf("sheet %q: %w", s.sheet, err)}
	}
	s.h = h
	s.warnings = append(s.warnings, h.warnings...)
	s.status = newStatusTally(h.columns)
	if len(h.index) > 0 {
		s.named = make([]bool, h.index[len(h.index)-1]+1)
		for _, i := range h.index {
			s.named[i] = true
		}
	}
	return nil
}

// Columns returns the header texts in sheet order.
func (s *xlsxSheet) Columns() []string { return s.h.columns }

// Warnings returns notes about the sheet.
func (s *xlsxSheet) Warnings() []string { return s.warnings }

// MergedRanges returns the merged ranges outside the key column.
func (s *xlsxSheet) MergedRanges() []MergedRange { return s.mergeNotes }

func (s *xlsxSheet) HeaderRow() int { return s.headerRow }

// Next returns the next non-blank row. A value in a column without a header
// is a *RowError for its row. See Sheet.
func (s *xlsxSheet) Next(ctx context.Context) (Row, error) {
	if s.err != nil {
		return Row{}, s.err
	}
	for {
		if err := ctx.Err(); err != nil {
			return Row{}, err
		}
		cells, err := s.next()
		if err == io.EOF {
			s.err = io.EOF
			if s.scan != nil && s.scan.texts != nil { // the scan met every row
				s.warnings = append(s.warnings, s.scan.texts.warnings(s.file, s.sheet, s.h)...)
			}
			if w := s.status.warning(s.file); w != "" {
				s.warnings = append(s.warnings, w)
			}
			return Row{}, io.EOF
		}
		if err != nil {
			s.err = &FileError{File: s.file, Err: fmt.Errorf("sheet %q, row %d: %w", s.sheet, s.row, err)}
			return Row{}, s.err
		}
		rs := s.scanned()
		if isBlank(cells) && rs.uncalculated == nil { // formulas without values look blank
			continue
		}
		for i, v := range cells {
			if (i >= len(s.named) || !s.named[i]) && strings.TrimSpace(v) != "" {
				return Row{Number: s.row}, &RowError{File: s.file, Row: s.row, Err: s.strayValue(i, v)}
			}
		}
		values := make(map[string]string, len(s.h.columns))
		for j, name := range s.h.columns {
			v := ""
			if i := s.h.index[j]; i < len(cells) {
				v = plainNumber(cells[i])
			}
			values[name] = v
		}
		for c, d := range rs.rounded {
			values[c] = strings.Replace(values[c], d.from, d.to, 1)
		}
		for c, sc := range rs.shown {
			values[c] = sc.format.fix(sc.stored, values[c])
		}
		for _, c := range rs.swapped {
			values[c] = s.scan.comma.write(values[c])
		}
		for c, f := range rs.dates {
			f.Value = values[c]
			rs.dates[c] = f
		}
		merged := s.fillMerged(values)
		s.status.note(s.row, values)
		return Row{Number: s.row, Values: values, Uncalculated: rs.uncalculated, DateFormats: rs.dates, Merged: merged}, nil
	}
}

// strayValue explains a value in the header-less column i, looking up merged
// header cells (which leave all but the first cell of the range empty) the
// first time. Reading merged cells loads the whole worksheet, so it is only
// done on this error path.
func (s *xlsxSheet) strayValue(i int, v string) error {
	col := columnName(i)
	if s.mergeHint == nil {
		s.mergeHint = map[int]string{}
		merges, _ := s.wb.GetMergeCells(s.sheet)
		for _, m := range merges {
			c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
			c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
			if err1 != nil || err2 != nil || s.headerRow < r1 || s.headerRow > r2 {
				continue
			}
			for c := c1; c <= c2; c++ {
				s.mergeHint[c-1] = fmt.Sprintf("; header cells %s:%s are merged: unmerge them and give each column its own header", m.GetStartAxis(), m.GetEndAxis())
			}
		}
	}
	return fmt.Errorf("%w: cell %s%d holds %q but column %s has no header in row %d%s", ErrHeaderColumn, col, s.row, clipValue(v), col, s.headerRow, s.mergeHint[i])
}

// Close closes the workbook and removes excelize's temporary files. It may be
// called more than once.
func (s *xlsxSheet) Close() error {
	if s.err == nil {
		s.err = errClosed
	}
	var errs []error
	if s.scan != nil {
		if err := s.scan.Close(); err != nil {
			errs = append(errs, err)
		}
		s.scan = nil
	}
	if s.rows != nil {
		if err := s.rows.Close(); err != nil && err != s.rows.Error() {
			errs = append(errs, err)
		}
		s.rows = nil
	}
	if s.wb != nil {
		if err := s.wb.Close(); err != nil {
			errs = append(errs, err)
		}
		s.wb = nil
	}
	if err := errors.Join(errs...); err != nil {
		return &FileError{File: s.file, Err: fmt.Errorf("closing: %w", err)}
	}
	return nil
}
