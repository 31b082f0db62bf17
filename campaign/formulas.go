package campaign

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Uncalculated is a cell whose formula the workbook holds without a value
// that was ever calculated: the program that wrote the file (a script
// using openpyxl, XlsxWriter, excelize ...) stores formulas and leaves the
// calculation to the spreadsheet program that opens it. The value read for
// such a cell is empty or a placeholder (XlsxWriter writes 0), so a message
// made from it would be wrong.
type Uncalculated struct {
	// Cell is the cell's A1 reference, e.g. "D5".
	Cell string
	// Formula is the formula as written, without "="; empty for the
	// copies of a shared formula, which the file writes once.
	Formula string
	// Stale says a value is saved but the workbook asks to be
	// recalculated when opened (calcPr fullCalcOnLoad), which writers
	// that do not calculate set; without it no value is saved at all.
	Stale bool
}

// ErrUncalculated is carried by the error for a cell that is Uncalculated.
var ErrUncalculated = errors.New("a formula never calculated")

// Problem explains u for the person who has to fix the workbook.
func (u Uncalculated) Problem() error {
	f := ""
	if u.Formula != "" {
		f = " =" + u.Formula
	}
	if u.Stale {
		return fmt.Errorf("cell %s holds the formula%s with a saved value that is %w (the program that wrote the workbook asks for it to be recalculated when opened): open the file in Excel and save it (in LibreOffice Calc, Data ▸ Calculate ▸ Recalculate Hard first)", u.Cell, f, ErrUncalculated)
	}
	return fmt.Errorf("cell %s holds the formula%s with no value saved, %w (the program that wrote the workbook does not calculate): open the file in Excel or LibreOffice Calc and save it, which stores the values", u.Cell, f, ErrUncalculated)
}

// formulaCell is one Uncalculated cell as the scan finds it.
type formulaCell struct {
	col int // 1-based
	Uncalculated
}

// uncalculated finds the cells of the worksheet named sheet in the
// workbook at file whose formulas have no calculated value, by row number.
// excelize's streaming reader gives a formula cell's saved value but not
// whether it has a formula, so the worksheet's XML is read a second time
// here: first a byte scan for formula elements (most sheets have none, and
// the scan is fast), then, only when one is found, a token pass. Memory is
// one entry per such cell.
func uncalculated(ctx context.Context, file string, wb *excelize.File, sheet string) (map[int][]formulaCell, error) {
	zr, err := zip.OpenReader(file)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	part, err := worksheetPart(&zr.Reader, wb, sheet)
	if err != nil || part == nil {
		return nil, err
	}
	if found, err := readPart(part, func(r io.Reader) (bool, error) { return hasFormula(ctx, r) }); err != nil || !found {
		return nil, err
	}
	stale := false
	if cp := wb.WorkBook.CalcPr; cp != nil && cp.FullCalcOnLoad != nil {
		stale = *cp.FullCalcOnLoad
	}
	var cells map[int][]formulaCell
	_, err = readPart(part, func(r io.Reader) (bool, error) {
		cells, err = scanFormulas(ctx, r, stale)
		return false, err
	})
	return cells, err
}

// readPart opens part and hands it to read.
func readPart(part *zip.File, read func(io.Reader) (bool, error)) (bool, error) {
	rc, err := part.Open()
	if err != nil {
		return false, err
	}
	defer rc.Close()
	return read(rc)
}

// worksheetPart finds the archive member of the worksheet named sheet as
// an Office Open XML reader must (ECMA-376 Part 2): the package's
// relationships name the workbook part, and the workbook's relationships
// name the part of each sheet's r:id. It returns nil when the workbook
// does not say (excelize reads such a sheet as empty).
func worksheetPart(zr *zip.Reader, wb *excelize.File, sheet string) (*zip.File, error) {
	id := ""
	for _, s := range wb.WorkBook.Sheets.Sheet {
		if s.Name == sheet {
			id = s.ID
		}
	}
	book := cmp.Or(relTarget(zr, "_rels/.rels", "", func(r relationship) bool {
		return strings.HasSuffix(r.Type, "/officeDocument")
	}), "xl/workbook.xml")
	dir, base := path.Split(book)
	target := relTarget(zr, dir+"_rels/"+base+".rels", dir, func(r relationship) bool { return r.ID == id })
	if id == "" || target == "" {
		return nil, nil
	}
	for _, f := range zr.File {
		if strings.EqualFold(f.Name, target) {
			return f, nil
		}
	}
	return nil, nil
}

// relationship is one entry of a .rels part.
type relationship struct {
	ID     string `xml:"Id,attr"`
	Type   string `xml:"Type,attr"`
	Target string `xml:"Target,attr"`
}

// relTarget is the archive path of the first relationship in the .rels
// part at name that match accepts, relative targets resolved against dir;
// "" when there is none or the part cannot be read.
func relTarget(zr *zip.Reader, name, dir string, match func(relationship) bool) string {
	var rels struct {
		Rel []relationship `xml:"Relationship"`
	}
	for _, f := range zr.File {
		if !strings.EqualFold(f.Name, name) {
			continue
		}
		if _, err := readPart(f, func(r io.Reader) (bool, error) { return false, xml.NewDecoder(r).Decode(&rels) }); err != nil {
			return ""
		}
		break
	}
	for _, r := range rels.Rel {
		if !match(r) {
			continue
		}
		if strings.HasPrefix(r.Target, "/") {
			return strings.TrimPrefix(r.Target, "/")
		}
		return path.Clean(dir + r.Target)
	}
	return ""
}

// hasFormula reports whether the XML in r may hold a formula element:
// <f>, <f ...> or <f/>, with or without a namespace prefix. A false
// positive only costs scanFormulas' pass.
func hasFormula(ctx context.Context, r io.Reader) (bool, error) {
	buf := make([]byte, 64<<10)
	keep := 0 // bytes carried over from the previous read: a tag cut in two
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		n, err := r.Read(buf[keep:])
		chunk := buf[:keep+n]
		if formulaTag(chunk) {
			return true, nil
		}
		keep = min(len(chunk), 2)
		copy(buf, chunk[len(chunk)-keep:])
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
	}
}

// formulaTag reports whether b holds the start of an element named f, at
// "<f" or ":f" followed by '>', '/' or white space.
func formulaTag(b []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], 'f')
		if j < 0 {
			return false
		}
		i += j + 1
		if i < 2 || (b[i-2] != '<' && b[i-2] != ':') || i >= len(b) {
			continue
		}
		switch b[i] {
		case '>', '/', ' ', '\t', '\r', '\n':
			return true
		}
	}
}

// scanFormulas reads a worksheet's XML and returns its formula cells that
// have no calculated value, by row: a formula without a value element
// (excelize writes none), or with an empty one unless the cell is text
// (Excel writes a formula giving empty text as t="str" and <v></v>), or, when stale (the workbook asks to be recalculated on opening),
// every formula cell but those holding an error value.
func scanFormulas(ctx context.Context, r io.Reader, stale bool) (map[int][]formulaCell, error) {
	d := xml.NewDecoder(r)
	sc := formulaScan{stale: stale}
	for n := 0; ; n++ {
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tok, err := d.RawToken()
		if err == io.EOF {
			return sc.cells, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			sc.start(t)
		case xml.CharData:
			if sc.inF || sc.inV {
				sc.text += string(t)
			}
		case xml.EndElement:
			sc.end(t.Name.Local)
		}
	}
}

// formulaScan is scanFormulas' state: where it is in the sheet and in the
// cell being read.
type formulaScan struct {
	stale          bool
	cells          map[int][]formulaCell
	row, col       int
	typ, ref, text string
	formula, value string
	hasF, hasV     bool
	inF, inV       bool
}

// start takes an element's start tag.
func (sc *formulaScan) start(t xml.StartElement) {
	switch t.Name.Local {
	case "row":
		sc.row, sc.col = attrInt(t.Attr, "r", sc.row+1), 0
	case "c":
		sc.ref, sc.typ = attrString(t.Attr, "r"), attrString(t.Attr, "t")
		sc.col++
		if c, _, err := excelize.CellNameToCoordinates(sc.ref); err == nil {
			sc.col = c
		}
		sc.hasF, sc.hasV, sc.formula, sc.value = false, false, "", ""
	case "f":
		sc.hasF, sc.inF, sc.text = true, true, ""
	case "v":
		sc.hasV, sc.inV, sc.text = true, true, ""
	}
}

// end takes an element's end tag, and notes a cell that ends without a
// calculated value.
func (sc *formulaScan) end(local string) {
	switch local {
	case "f":
		sc.formula, sc.inF = strings.TrimSpace(sc.text), false
	case "v":
		sc.value, sc.inV = sc.text, false
	case "c":
		if !sc.hasF || sc.typ == "e" {
			return
		}
		never := !sc.hasV || strings.TrimSpace(sc.value) == "" && sc.typ != "str" && sc.typ != "inlineStr"
		if !never && !sc.stale {
			return
		}
		if sc.cells == nil {
			sc.cells = make(map[int][]formulaCell)
		}
		ref := sc.ref
		if ref == "" {
			ref, _ = excelize.CoordinatesToCellName(sc.col, sc.row)
		}
		sc.cells[sc.row] = append(sc.cells[sc.row], formulaCell{sc.col, Uncalculated{Cell: ref, Formula: sc.formula, Stale: !never}})
	}
}

// attrString is the value of the attribute named local, or "".
func attrString(attrs []xml.Attr, local string) string {
	for _, a := range attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// attrInt is the attribute named local as a number, or def.
func attrInt(attrs []xml.Attr, local string, def int) int {
	if n, err := strconv.Atoi(attrString(attrs, local)); err == nil && n > 0 {
		return n
	}
	return def
}
