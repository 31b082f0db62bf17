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
	"slices"
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
	// Formula is the formula as written, without "=".
	Formula string
	// From says where Formula is written when it is not in Cell: "shared
	// from C2" for a copy of a shared formula, "array formula in C2:C5"
	// for a cell of an array formula's range; "" otherwise.
	From string
	// Placeholder is the value saved when it is one that a writer which
	// does not calculate puts there (XlsxWriter's 0, with calcPr
	// fullCalcOnLoad set to have the workbook recalculated when opened);
	// "" when no value is saved at all.
	Placeholder string
}

// ErrUncalculated is carried by the error for a cell that is Uncalculated.
var ErrUncalculated = errors.New("never calculated")

// Problem explains u for the person who has to fix the workbook.
func (u Uncalculated) Problem() error {
	f := "a formula"
	if u.Formula != "" {
		f = "the formula =" + u.Formula
	}
	if u.From != "" {
		f += " (" + u.From + ")"
	}
	if u.Placeholder != "" {
		return fmt.Errorf("cell %s holds %s, %w: its saved value, %s, is a placeholder from the program that wrote the workbook, which asks for it to be recalculated when opened; open the file in Excel and save it (in LibreOffice Calc, Data ▸ Calculate ▸ Recalculate Hard first)", u.Cell, f, ErrUncalculated, u.Placeholder)
	}
	return fmt.Errorf("cell %s holds %s, %w: no value is saved for it (the program that wrote the workbook does not calculate); open the file in Excel or LibreOffice Calc and save it, which stores the values", u.Cell, f, ErrUncalculated)
}

// worksheetPart finds the archive member of the worksheet named sheet as
// an Office Open XML reader must (ECMA-376 Part 2): the package's
// relationships name the workbook part, and the workbook's relationships
// name the part of each sheet's r:id. It returns nil when the workbook
// does not say (excelize reads such a sheet as empty). Member names are
// compared as excelize does: case aside, and '\\' read as '/'.
func worksheetPart(zr *zip.Reader, wb *excelize.File, sheet string) *zip.File {
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
		return nil
	}
	return member(zr, target)
}

// member is the archive member named name, nil when there is none.
func member(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			return f
		}
	}
	return nil
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
	f := member(zr, name)
	if f == nil {
		return ""
	}
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(&rels); err != nil {
		return ""
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

// worthScanning reports whether the worksheet XML in r may hold a formula
// element (<f>, <f ...> or <f/>, with or without a namespace prefix) or a
// cell in one of the given style indexes (s="N"): a byte scan, several
// times faster than a token pass, that spares most sheets cellScan's
// pass. A false positive only costs that pass.
func worthScanning(ctx context.Context, r io.Reader, styles []int) (bool, error) {
	var attrs [][]byte
	keep := 2 // bytes carried over from the previous read: a tag cut in two
	for _, st := range styles {
		for _, q := range []string{`"`, `'`} {
			attrs = append(attrs, []byte(" s="+q+strconv.Itoa(st)+q))
			keep = max(keep, len(attrs[len(attrs)-1])-1)
		}
	}
	buf := make([]byte, 64<<10)
	carried := 0
	for {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		n, err := r.Read(buf[carried:])
		chunk := buf[:carried+n]
		if formulaTag(chunk) || slices.ContainsFunc(attrs, func(a []byte) bool { return bytes.Contains(chunk, a) }) {
			return true, nil
		}
		carried = min(len(chunk), keep)
		copy(buf, chunk[len(chunk)-carried:])
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
