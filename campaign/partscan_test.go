package campaign

import (
	"archive/zip"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestXLSXBombNoTempFile: a worksheet or shared strings of a text run
// past maxTextRun, over excelize's UnzipXMLSizeLimit (lowered here, as a
// 3 GB part is over 16 MiB), is refused before excelize unpacks a byte
// of it to its temporary folder: the folder is never written to (its
// modification time stays where the test put it). A worksheet part no
// sheet names is scanned too, since excelize unpacks it as well.
func TestXLSXBombNoTempFile(t *testing.T) {
	pad := strings.Repeat(" ", maxTextRun+1)
	for _, tt := range []struct {
		name, sheet, sst string
		extra            map[string]string
		want             string
	}{
		{"worksheet", sheetHead + inline("2", "a@example.com") + pad + sheetTail, "", nil, `sheet "S", after row 2: too long for a recipient sheet`},
		{"shared strings", sheetHead + inline("2", "a@example.com") + sheetTail, `<sst><si><t>` + pad + `</t></si></sst>`, nil, `the shared strings (xl/sharedStrings.xml), string 1: too long`},
		{"a part no sheet names", sheetHead + inline("2", "a@example.com") + sheetTail, "", map[string]string{"xl/worksheets/sheet9.xml": sheetHead + pad + sheetTail},
			`the worksheet part xl/worksheets/sheet9.xml (no sheet of the workbook), after row 1: too long`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bomb.xlsx")
			writeRawParts(t, path, tt.sheet, tt.sst, tt.extra)
			tmp := t.TempDir()
			past := time.Now().Add(-time.Hour).Truncate(time.Second)
			if err := os.Chtimes(tmp, past, past); err != nil {
				t.Fatal(err)
			}
			opts := xlsxOptions()
			opts.UnzipXMLSizeLimit, opts.TmpDir = 64, tmp
			s, err := openXLSXWith(context.Background(), Recipients{Path: path, Key: "email"}, opts)
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("open = %.300v, want ErrTooLong containing %q", err, tt.want)
			}
			if fi, err := os.Stat(tmp); err != nil || !fi.ModTime().Equal(past) {
				t.Errorf("the temporary folder was written to (modified %v, not %v; %v)", fi.ModTime(), past, err)
			}
		})
	}
}

// TestXLSXWholePartTooBig: a part excelize decodes whole (the styles, a
// workbook part at the path _rels/.rels names) declaring more than
// maxWholePart is refused from the archive's directory, naming it; a
// big part excelize only holds (a pivot cache) is not.
func TestXLSXWholePartTooBig(t *testing.T) {
	rels := `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="book/main.xml"/></Relationships>`
	for _, tt := range []struct {
		name, big, want string
	}{
		{"styles", "xl/styles.xml", "the part xl/styles.xml unpacks to 64 MiB, more than the 64 MiB"},
		{"the workbook elsewhere", "book/main.xml", "the part book/main.xml unpacks to"},
		{"a pivot cache", "xl/pivotCache/pivotCacheRecords1.xml", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "big.xlsx")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			z := zip.NewWriter(f)
			w, _ := z.Create("[Content_Types].xml")
			w.Write([]byte("<Types/>"))
			w, _ = z.Create("_rels/.rels")
			w.Write([]byte(rels))
			if _, err := z.CreateRaw(&zip.FileHeader{Name: tt.big, Method: zip.Deflate, CompressedSize64: 1, UncompressedSize64: maxWholePart + 1}); err != nil {
				t.Fatal(err)
			}
			if err := z.Close(); err != nil {
				t.Fatal(err)
			}
			f.Close()
			err = sniffWorkbook(path)
			if tt.want == "" {
				if err != nil {
					t.Errorf("sniffWorkbook = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrTooLong) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("sniffWorkbook = %v, want ErrTooLong containing %q", err, tt.want)
			}
		})
	}
}
