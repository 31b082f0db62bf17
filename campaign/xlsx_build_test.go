package campaign

import (
	"archive/zip"
	"bufio"
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// This file writes XLSX workbooks the way Excel itself does (shared strings,
// numbers without a type attribute, formulas with their cached value, style
// indexes into cellXfs), so the reader is tested against Excel's shape and
// not only against what excelize's own writer produces.

// Style indexes of testStylesXML's cellXfs.
const (
	stGeneral     = 0  // no style at all
	stBold        = 1  // General number format, bold font
	stDate14      = 2  // built-in 14: the system short date
	stDateTime22  = 3  // built-in 22: short date and time
	stISODate     = 4  // custom yyyy-mm-dd
	stEUDateTime  = 5  // custom dd/mm/yyyy hh:mm
	stCNDate      = 6  // custom yyyy"年"m"月"d"日"
	stCNDate31    = 7  // built-in 31, zh-CN: yyyy"年"m"月"d"日"
	stText        = 8  // built-in 49: @ (text)
	stZip5        = 9  // custom 00000
	stPercent     = 10 // built-in 9: 0%
	stThousands   = 11 // built-in 4: #,##0.00
	stScientific  = 12 // built-in 11: 0.00E+00
	stGeneralBold = 13 // General written as an explicit numFmtId="0" with applyNumberFormat
	stCustomGen   = 14 // custom 168 whose code is General
)

const testStylesXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="5"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy\ hh:mm"/><numFmt numFmtId="166" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="167" formatCode="00000"/><numFmt numFmtId="168" formatCode="General"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="15"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="31" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="167" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="9" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="11" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/><xf numFmtId="168" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

// xc is one cell as Excel writes it. The zero xc writes no cell at all.
type xc struct {
	t string // type attribute: "" (number), s, str, b, e, inlineStr
	v string // value; for t "s" the text, which goes to the shared strings
	f string // formula
	s int    // style index
}

func xs(text string) xc               { return xc{t: "s", v: text} }
func xsStyled(text string, s int) xc  { return xc{t: "s", v: text, s: s} }
func xn(v string, s int) xc           { return xc{v: v, s: s} }
func xf(f, cached string, s int) xc   { return xc{f: f, v: cached, s: s} }
func xb(v bool) xc                    { return xc{t: "b", v: map[bool]string{true: "1", false: "0"}[v]} }
func xinline(text string) xc          { return xc{t: "inlineStr", v: text} }
func xerr(code string) xc             { return xc{t: "e", v: code} }
func xstrFormula(f, cached string) xc { return xc{t: "str", f: f, v: cached} }

// xr is one row; n is its sheet row number (Excel leaves empty rows out).
type xr struct {
	n      int
	hidden bool
	cells  []xc
}

// xsheet is one worksheet.
type xsheet struct {
	name   string
	rows   []xr
	merges []string
}

// rowsFrom numbers rows 1, 2, ... from plain cell lists.
func rowsFrom(cells ...[]xc) []xr {
	rows := make([]xr, len(cells))
	for i, c := range cells {
		rows[i] = xr{n: i + 1, cells: c}
	}
	return rows
}

// strs is a row of shared-string cells.
func strs(texts ...string) []xc {
	cells := make([]xc, len(texts))
	for i, t := range texts {
		if t != "" {
			cells[i] = xs(t)
		}
	}
	return cells
}

// xlsxWriter writes an Excel-shaped workbook; sheets stream into the zip and
// collect shared strings, which are written last.
type xlsxWriter struct {
	zw     *zip.Writer
	sst    []string
	sstIdx map[string]int
	names  []string
	// calcOnLoad writes calcPr fullCalcOnLoad="1", as writers that do not
	// calculate formulas (XlsxWriter, openpyxl) do.
	calcOnLoad bool
	// encoding, when set, is declared in the worksheets' XML declaration
	// (and the sheet written in it: only ASCII is, as tests use it).
	encoding string
}

func newXLSXWriter(w io.Writer) *xlsxWriter {
	return &xlsxWriter{zw: zip.NewWriter(w), sstIdx: map[string]int{}}
}

func (x *xlsxWriter) create(name string) (io.Writer, error) {
	return x.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC)})
}

func (x *xlsxWriter) sharedString(s string) int {
	if i, ok := x.sstIdx[s]; ok {
		return i
	}
	x.sst = append(x.sst, s)
	x.sstIdx[s] = len(x.sst) - 1
	return len(x.sst) - 1
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// sheet writes one worksheet; rows come from emit so that big sheets stream.
func (x *xlsxWriter) sheet(name string, merges []string, gen func(emit func(xr))) error {
	x.names = append(x.names, name)
	w, err := x.create(fmt.Sprintf("xl/worksheets/sheet%d.xml", len(x.names)))
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="` + cmp.Or(x.encoding, "UTF-8") + `" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>`)
	gen(func(r xr) {
		fmt.Fprintf(bw, `<row r="%d"`, r.n)
		if r.hidden {
			bw.WriteString(` hidden="1"`)
		}
		bw.WriteString(">")
		for i, c := range r.cells {
			if c == (xc{}) {
				continue
			}
			fmt.Fprintf(bw, `<c r="%s%d"`, columnName(i), r.n)
			if c.s != 0 {
				fmt.Fprintf(bw, ` s="%d"`, c.s)
			}
			if c.t != "" {
				fmt.Fprintf(bw, ` t="%s"`, c.t)
			}
			bw.WriteString(">")
			if c.f != "" {
				fmt.Fprintf(bw, "<f>%s</f>", xmlText(c.f))
			}
			switch c.t {
			case "s":
				fmt.Fprintf(bw, "<v>%d</v>", x.sharedString(c.v))
			case "inlineStr":
				fmt.Fprintf(bw, "<is><t>%s</t></is>", xmlText(c.v))
			default:
				if c.v != "" {
					fmt.Fprintf(bw, "<v>%s</v>", xmlText(c.v))
				}
			}
			bw.WriteString("</c>")
		}
		bw.WriteString("</row>")
	})
	bw.WriteString("</sheetData>")
	if len(merges) > 0 {
		fmt.Fprintf(bw, `<mergeCells count="%d">`, len(merges))
		for _, m := range merges {
			fmt.Fprintf(bw, `<mergeCell ref="%s"/>`, m)
		}
		bw.WriteString("</mergeCells>")
	}
	bw.WriteString("</worksheet>")
	return bw.Flush()
}

// close writes the workbook parts and the shared strings.
func (x *xlsxWriter) close() error {
	var types, sheets, rels strings.Builder
	calcPr := ""
	if x.calcOnLoad {
		calcPr = `<calcPr calcId="124519" fullCalcOnLoad="1"/>`
	}
	for i, name := range x.names {
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, xmlText(name), i+1, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>` + types.String() + `<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` + sheets.String() + `</sheets>` + calcPr + `</workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `<Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/styles.xml", testStylesXML},
	}
	for _, p := range parts {
		w, err := x.create(p.name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, p.body); err != nil {
			return err
		}
	}
	w, err := x.create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(x.sst), len(x.sst))
	for _, s := range x.sst {
		fmt.Fprintf(bw, "<si><t xml:space=\"preserve\">%s</t></si>", xmlText(s))
	}
	bw.WriteString("</sst>")
	if err := bw.Flush(); err != nil {
		return err
	}
	return x.zw.Close()
}

// writeXLSX writes an Excel-shaped workbook to path.
func writeXLSX(tb testing.TB, path string, sheets ...xsheet) {
	tb.Helper()
	writeXLSXWith(tb, path, func(*xlsxWriter) {}, sheets...)
}

// writeXLSXWith is writeXLSX with the writer set up by opt first.
func writeXLSXWith(tb testing.TB, path string, opt func(*xlsxWriter), sheets ...xsheet) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	x := newXLSXWriter(f)
	opt(x)
	for _, s := range sheets {
		if err := x.sheet(s.name, s.merges, func(emit func(xr)) {
			for _, r := range s.rows {
				emit(r)
			}
		}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := x.close(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}
