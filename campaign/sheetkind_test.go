package campaign

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestTextSheets: a .txt or .tsv sheet is read as a CSV is: Excel's
// "Unicode Text" (UTF-16LE with a BOM, tab-separated) and "Text (Tab
// delimited)" (the Windows code page) as .txt; a .tsv is tab-separated
// even where commas would split its lines as evenly.
func TestTextSheets(t *testing.T) {
	utf16le := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	runSheetCases(t, []sheetCase{
		{
			name: "Excel's Unicode Text",
			file: "people.txt",
			data: encode(t, utf16le, "email\tname\r\nli@example.cn\t李娜\r\nzoe@example.com\tZoë\r\n"),
			cols: []string{"email", "name"},
			want: []string{"2: li@example.cn | 李娜", "3: zoe@example.com | Zoë"},
		},
		{
			name: "Excel's Text (Tab delimited) in windows-1252",
			file: "people.TXT",
			data: encode(t, charmap.Windows1252, "email\tname\r\nzoe@example.com\tZoë Ångström\r\n"),
			rec:  Recipients{Encoding: "cp1252"},
			want: []string{"2: zoe@example.com | Zoë Ångström"},
		},
		{
			name: "tsv with commas in every line",
			file: "people.tsv",
			data: []byte("email\tlast, first\nzoe@example.com\tÅngström, Zoë\nli@example.cn\tLi, Na\n"),
			cols: []string{"email", "last, first"},
			want: []string{"2: zoe@example.com | Ångström, Zoë", "3: li@example.cn | Li, Na"},
		},
	})
}

// TestOtherSpreadsheets: a sheet tidings does not read is refused when the
// campaign is loaded, and by OpenSheet, saying how to save it as one it
// does in the program that made it.
func TestOtherSpreadsheets(t *testing.T) {
	for file, want := range map[string]string{
		"people.ods":     `in LibreOffice Calc, File > Save As… with file type "Excel 2007-365 (.xlsx)"`,
		"people.xls":     `in Excel, File > Save As… with file type "Excel Workbook (*.xlsx)" or "CSV UTF-8 (Comma delimited) (*.csv)"`,
		"People.Numbers": `in Numbers, File > Export To > Excel…`,
		"people.pdf":     "only .csv, .txt, .tsv and .xlsx sheets are read",
	} {
		_, err := Load(writeCampaign(t, strings.Replace(minimalCampaign, "people.csv", file, 1)))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 6 || !strings.Contains(err.Error(), "recipients.path: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Load: %v, want recipients.path (line 6) and %q", file, err, want)
		}
		path := filepath.Join(t.TempDir(), file)
		if err := os.WriteFile(path, []byte("email\nzoe@example.com\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err = OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
		if !errors.As(err, &fe) || fe.File != path || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: OpenSheet: %v, want a FileError naming it and %q", file, err, want)
		}
	}
}
