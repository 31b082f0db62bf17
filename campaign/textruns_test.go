package campaign

import (
	"archive/zip"
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// writeRawXLSX writes a minimal workbook of one sheet, "S", whose
// worksheet XML is sheet, with the shared strings sst when not "".
func writeRawXLSX(t *testing.T, path, sheet, sst string) {
	t.Helper()
	writeRawParts(t, path, sheet, sst, nil)
}

// writeRawParts is writeRawXLSX with the members extra besides, by name.
func writeRawParts(t *testing.T, path, sheet, sst string, extra map[string]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z := zip.NewWriter(f)
	parts := map[string]string{
		"[Content_Types].xml":        `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
		"_rels/.rels":                `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml":   sheet,
	}
	if sst != "" {
		parts["xl/sharedStrings.xml"] = sst
	}
	maps.Copy(parts, extra)
	for name, body := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
}

const (
	sheetHead = `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` +
		`<row r="1"><c r="A1" t="inlineStr"><is><t>email</t></is></c></row>`
	sheetTail = `</sheetData></worksheet>`
)

// inline is a row of one inline-string cell in column A.
func inline(row, text string) string {
	return `<row r="` + row + `"><c r="A` + row + `" t="inlineStr"><is><t>` + text + `</t></is></c></row>`
}

// TestXLSXTextRunTooLong: a run of text past maxTextRun, between the rows
// (the reported bomb), in a cell or in the shared strings, is refused
// when the sheet is opened, before excelize decodes it, naming the sheet
// and the row; a cell of Excel's 32,767 characters, escaped, is read.
func TestXLSXTextRunTooLong(t *testing.T) {
	pad := strings.Repeat(" ", maxTextRun+1)
	full := strings.Repeat("&#x10FFFF;", 32767)
	for _, tt := range []struct {
		name, sheet, sst, want string
	}{
		{"between rows", sheetHead + inline("2", "a@example.com") + pad + sheetTail, "", `sheet "S", after row 2: too long for a recipient sheet`},
		{"in a cell", sheetHead + inline("2", "a@example.com") + inline("7", "b@example.com"+pad) + sheetTail, "", `sheet "S", row 7: too long`},
		{"before the first row", `<worksheet><sheetData>` + pad + inline("1", "email") + sheetTail, "", `sheet "S", before the first row: too long`},
		{"in the shared strings", sheetHead + `<row r="2"><c r="A2" t="s"><v>1</v></c></row>` + sheetTail,
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t>x</t></si><si><t>` + pad + `</t></si></sst>`,
			`the shared strings (xl/sharedStrings.xml), string 2: too long`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			writeRawXLSX(t, path, tt.sheet, tt.sst)
			s, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
			if err == nil {
				s.Close()
			}
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), tt.want) || fe.File != path {
				t.Errorf("OpenSheet = %.300v, want a FileError of %s containing %q", err, path, tt.want)
			}
		})
	}
	t.Run("a full cell", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "full.xlsx")
		writeRawXLSX(t, path, sheetHead+inline("2", "a@example.com"+full)+sheetTail, "")
		s, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if r, err := s.Next(context.Background()); err != nil || len(r.Values["email"]) != len("a@example.com")+4*32767 {
			t.Errorf("Next = %d bytes, %v", len(r.Values["email"]), err)
		}
	})
}

// TestScanRuns: rows are numbered by their r attribute or, without one,
// after the last; a run is measured across reads of one byte.
func TestScanRuns(t *testing.T) {
	xml := `<x:worksheet><x:sheetData><x:row r="3"><x:c/></x:row><x:row spans="1:2"><x:c><x:v>1</x:v></x:c></x:row><x:row r = '9'/>` +
		`</x:sheetData><mergeCells><mergeCell ref="A4:A5"/></mergeCells></x:worksheet>`
	rs, err := scanRuns(context.Background(), iotest.OneByteReader(strings.NewReader(xml)))
	if err != nil || rs.row != 9 || rs.inRow || len(rs.merges) != 1 || rs.merges[0] != "A4:A5" {
		t.Errorf("scanRuns = row %d (in %v), merges %q, %v", rs.row, rs.inRow, rs.merges, err)
	}
	rs, err = scanRuns(context.Background(), strings.NewReader(`<row r="3"><c/></row><row><c><v>`+strings.Repeat("9", maxTextRun)+`</v></c></row>`))
	var te *textRunError
	if !errors.As(err, &te) || te.where() != "row 4" {
		t.Errorf("scanRuns over a long run = %v (%+v)", err, te)
	}
}

// TestXLSXUnpacksTooBig: a workbook whose parts declare more than
// maxUnzipBytes is refused from the archive's directory alone.
func TestXLSXUnpacksTooBig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.xlsx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	z := zip.NewWriter(f)
	for _, h := range []*zip.FileHeader{
		{Name: "[Content_Types].xml", Method: zip.Store},
		{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate, CompressedSize64: 1, UncompressedSize64: maxUnzipBytes + 1},
	} {
		if _, err := z.CreateRaw(h); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), "unpacks to more than 4 GiB") {
		t.Errorf("OpenSheet = %v, want ErrTooLong", err)
	}
}
