package campaign

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// cellScan reads a worksheet's XML a second time, a row at a time in step
// with excelize's Rows iterator, for what that iterator does not tell
// about a cell: whether it holds a formula without a calculated value
// (Uncalculated), which number format a number cell is shown in (for
// dateClash), and its stored value, which excelize may round otherwise
// than Excel (fixedFormat); it also tallies each column's dates and dates
// typed as text (textDates). Memory is one row's cells plus the shared and array
// formulas met. Not safe for concurrent use; Close closes the archive.
type cellScan struct {
	zr *zip.ReadCloser
	rc io.ReadCloser
	d  *xml.Decoder
	// stale: the workbook asks to be recalculated when opened, so a
	// formula's saved 0 may be a placeholder.
	stale bool
	// dated maps the cell style indexes whose number format clashes with
	// recipients.dates to that format; nil when none does.
	dated map[int]string
	// fixed maps the cell style indexes whose number format shows fixed
	// decimals to that format (see fixedFormat); nil when none does.
	fixed map[int]fixedFormat
	// comma says which number cells are read with their marks swapped;
	// nil when none is (recipients.decimal is the point).
	comma *commaNumbers
	// shown maps the cell style indexes whose number format excelize
	// shows otherwise than Excel to that format (see shownFormat); nil
	// when none does.
	shown map[int]shownFormat
	// texts tallies the columns' dates and texts that look like dates;
	// nil when the workbook has none of either (findTextDates).
	texts *textDates
	// pending is the number of the row whose start tag was read and whose
	// cells were not yet, 0 when none; last is the number of the row read
	// last.
	pending, last int
	cell          scanCell
	cells         []scannedCell
	// shared maps a shared formula's si to its text and first cell; arrays
	// are the ranges of the array formulas met without a value.
	shared map[string]Uncalculated
	arrays []arrayRange
}

// scannedCell is what the scan tells about one cell of a row.
type scannedCell struct {
	col int // 1-based
	// uncalculated is set for a formula without a calculated value.
	uncalculated *Uncalculated
	// dateFormat is the clashing date format a number cell is shown in.
	dateFormat string
	// rounded is set for a number cell excelize shows rounded otherwise
	// than Excel does (fixedFormat).
	rounded *roundedDigits
	// swapped is set for a number cell shown with its marks swapped
	// (recipients.decimal: ",", commaNumbers).
	swapped bool
	// shown is set for a number cell whose format excelize shows
	// otherwise than Excel does (shownFormat).
	shown *shownCell
}

// shownCell is a number cell's format that excelize shows otherwise than
// Excel does, and the cell's stored value.
type shownCell struct {
	format shownFormat
	stored string
}

// roundedDigits are the digits excelize shows for a number cell (from)
// and those Excel shows (to).
type roundedDigits struct{ from, to string }

// scanCell is the cell being read.
type scanCell struct {
	col                  int
	ref, typ, style      string
	fType, fRef, si      string
	formula, value, text string
	hasF, hasV, hasIs    bool
	inF, inV             bool
}

// arrayRange is the range of an array formula with no calculated value.
type arrayRange struct {
	c1, r1, c2, r2 int
	u              Uncalculated
}

// openCellScan returns a cellScan of the worksheet named sheet in the
// workbook at file, or nil when there is nothing to look for: by a fast
// byte scan (worthScanning), no formula element and no cell in a style of
// dated, fixed, shown or texts, and no comma (its number cells are all
// looked at).
func openCellScan(ctx context.Context, file string, wb *excelize.File, sheet string, dated map[int]string, fixed map[int]fixedFormat, comma *commaNumbers, shown map[int]shownFormat, texts *textDates) (*cellScan, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	part := worksheetPart(&zr.Reader, wb, sheet)
	if part == nil {
		zr.Close()
		return nil, nil
	}
	styles := append(slices.Collect(maps.Keys(dated)), slices.Collect(maps.Keys(fixed))...)
	styles = append(styles, slices.Collect(maps.Keys(shown))...)
	if texts != nil {
		if found, err := texts.readStrings(ctx, &zr.Reader); err != nil || !found {
			texts = nil // no text looks like a date: nothing to tally
		} else {
			styles = append(styles, slices.Collect(maps.Keys(texts.styles))...)
		}
	}
	if comma == nil {
		if worth, err := partWorthScanning(ctx, part, styles); err != nil || !worth {
			zr.Close()
			return nil, err
		}
	}
	rc, err := part.Open()
	if err != nil {
		zr.Close()
		return nil, err
	}
	stale := false
	if cp := wb.WorkBook.CalcPr; cp != nil && cp.FullCalcOnLoad != nil {
		stale = *cp.FullCalcOnLoad
	}
	sc := newCellScan(rc, stale, dated)
	sc.zr, sc.rc, sc.fixed, sc.comma, sc.shown, sc.texts = zr, rc, fixed, comma, shown, texts
	sc.d.CharsetReader = wb.CharsetReader // as excelize reads it
	return sc, nil
}

// newCellScan returns a cellScan of the worksheet XML in r; stale and
// dated are as in cellScan.
func newCellScan(r io.Reader, stale bool, dated map[int]string) *cellScan {
	return &cellScan{d: xml.NewDecoder(r), stale: stale, dated: dated}
}

// partWorthScanning runs worthScanning over part.
func partWorthScanning(ctx context.Context, part *zip.File, styles []int) (bool, error) {
	rc, err := part.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	return worthScanning(ctx, rc, styles)
}

// Close closes the archive.
func (sc *cellScan) Close() error {
	if sc.zr == nil {
		return nil
	}
	sc.rc.Close()
	err := sc.zr.Close()
	sc.zr = nil
	return err
}

// row returns what the scan tells about the cells of sheet row n, in
// column order; rows must be asked for in ascending order. Cells it has
// nothing to say about are left out.
func (sc *cellScan) row(n int) ([]scannedCell, error) {
	for {
		if sc.pending == 0 {
			tok, err := sc.d.RawToken()
			if err == io.EOF {
				return nil, nil
			}
			if err != nil {
				return nil, err
			}
			if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "row" {
				sc.pending = attrInt(t.Attr, "r", sc.last+1)
			}
			continue
		}
		if sc.pending > n {
			return nil, nil
		}
		cells, err := sc.readRow()
		if err != nil || sc.last == n {
			return cells, err
		}
	}
}

// readRow reads the cells of the pending row up to its end tag.
func (sc *cellScan) readRow() ([]scannedCell, error) {
	sc.last, sc.pending = sc.pending, 0
	sc.cells, sc.cell.col = sc.cells[:0], 0
	for {
		tok, err := sc.d.RawToken()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			sc.start(t)
		case xml.CharData:
			if sc.cell.inF || sc.cell.inV {
				sc.cell.text += string(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "row":
				sc.arrayGaps()
				return sc.cells, nil
			case "c":
				sc.endCell()
			case "f":
				sc.cell.formula, sc.cell.inF = strings.TrimSpace(sc.cell.text), false
			case "v":
				sc.cell.value, sc.cell.inV = sc.cell.text, false
			}
		}
	}
}

// start takes an element's start tag inside a row.
func (sc *cellScan) start(t xml.StartElement) {
	c := &sc.cell
	switch t.Name.Local {
	case "c":
		*c = scanCell{col: c.col + 1, ref: attrString(t.Attr, "r"), typ: attrString(t.Attr, "t"), style: attrString(t.Attr, "s")}
		if col, _, err := excelize.CellNameToCoordinates(c.ref); err == nil {
			c.col = col
		}
	case "f":
		c.hasF, c.inF, c.text = true, true, ""
		c.fType, c.fRef, c.si = attrString(t.Attr, "t"), attrString(t.Attr, "ref"), attrString(t.Attr, "si")
	case "v":
		c.hasV, c.inV, c.text = true, true, ""
	case "is":
		c.hasIs = true
	}
}

// endCell notes the cell read last when it has a formula without a
// calculated value, lies in such an array formula's range, or is a number
// shown in a clashing date format, rounded otherwise than Excel does, or
// with its marks swapped.
func (sc *cellScan) endCell() {
	c := &sc.cell
	if c.ref == "" {
		c.ref, _ = excelize.CoordinatesToCellName(c.col, sc.last)
	}
	if sc.texts != nil {
		sc.texts.tally(c, sc.last)
	}
	number := c.typ == "" || c.typ == "n"
	out := scannedCell{col: c.col}
	if f, ok := sc.dated[styleIndex(c.style)]; ok && number && strings.TrimSpace(c.value) != "" {
		out.dateFormat = f
	}
	if f, ok := sc.fixed[styleIndex(c.style)]; ok && number {
		if from, to, ok := f.fix(c.value); ok {
			out.rounded = &roundedDigits{from: from, to: to}
		}
	}
	out.swapped = number && sc.comma.swaps(styleIndex(c.style), c.value)
	if f, ok := sc.shown[styleIndex(c.style)]; ok && number && strings.TrimSpace(c.value) != "" {
		out.shown = &shownCell{format: f, stored: c.value}
	}
	if c.hasF {
		out.uncalculated = sc.formulaCell()
	} else if u, ok := sc.inArray(c.col, sc.last); ok {
		out.uncalculated = &u
	}
	if out.uncalculated != nil || out.dateFormat != "" || out.rounded != nil || out.swapped || out.shown != nil {
		sc.cells = append(sc.cells, out)
	}
}

// formulaCell returns the Uncalculated of the formula cell read last, nil
// when its value was calculated. It remembers shared formulas' text and
// the ranges of array formulas without a value.
func (sc *cellScan) formulaCell() *Uncalculated {
	c := &sc.cell
	u := Uncalculated{Cell: c.ref, Formula: c.formula}
	if c.fType == "shared" {
		if c.formula != "" && c.fRef != "" {
			if sc.shared == nil {
				sc.shared = make(map[string]Uncalculated)
			}
			sc.shared[c.si] = Uncalculated{Formula: c.formula, From: "shared from " + c.ref}
		} else if m, ok := sc.shared[c.si]; ok {
			u.Formula, u.From = m.Formula, m.From
		}
	}
	value := strings.TrimSpace(c.value)
	switch {
	case c.typ == "e":
		return nil // an error value: see ExcelError
	case !c.hasV && !c.hasIs, value == "" && c.typ != "str" && c.typ != "inlineStr":
	case sc.stale && value == "0" && (c.typ == "" || c.typ == "n"):
		u.Placeholder = value
	default:
		return nil
	}
	if c.fType == "array" && c.fRef != "" {
		if a, ok := parseRange(c.fRef); ok {
			a.u = Uncalculated{Formula: c.formula, From: "array formula in " + c.fRef, Placeholder: u.Placeholder}
			sc.arrays = append(sc.arrays, a)
		}
	}
	return &u
}

// inArray returns the Uncalculated for cell (col, row) when it lies in the
// range of an array formula without a value.
func (sc *cellScan) inArray(col, row int) (Uncalculated, bool) {
	for _, a := range sc.arrays {
		if a.r1 <= row && row <= a.r2 && col >= a.c1 && col <= a.c2 {
			u := a.u
			u.Cell, _ = excelize.CoordinatesToCellName(col, row)
			return u, true
		}
	}
	return Uncalculated{}, false
}

// arrayGaps adds the cells of array ranges that the row left out (an
// empty cell has no element), once the row's end tag is read, and forgets
// the ranges that end with the row.
func (sc *cellScan) arrayGaps() {
	for _, a := range sc.arrays {
		if a.r1 > sc.last || a.r2 < sc.last {
			continue
		}
		for col := a.c1; col <= a.c2; col++ {
			if !sc.hasCell(col) {
				u, _ := sc.inArray(col, sc.last)
				sc.cells = append(sc.cells, scannedCell{col: col, uncalculated: &u})
			}
		}
	}
	sc.arrays = slices.DeleteFunc(sc.arrays, func(a arrayRange) bool { return a.r2 <= sc.last })
}

// hasCell reports whether the row being read noted column col.
func (sc *cellScan) hasCell(col int) bool {
	for _, c := range sc.cells {
		if c.col == col {
			return true
		}
	}
	return false
}

// parseRange reads an A1:B2 range (or a single cell).
func parseRange(ref string) (arrayRange, bool) {
	first, last, _ := strings.Cut(ref, ":")
	if last == "" {
		last = first
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(first)
	c2, r2, err2 := excelize.CellNameToCoordinates(last)
	if err1 != nil || err2 != nil {
		return arrayRange{}, false
	}
	return arrayRange{c1: min(c1, c2), r1: min(r1, r2), c2: max(c1, c2), r2: max(r1, r2)}, true
}

// styleIndex reads a cell's s attribute; -1 when it has none.
func styleIndex(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return -1
}
