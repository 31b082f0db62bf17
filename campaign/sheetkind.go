package campaign

import (
	"fmt"
	"path/filepath"
	"strings"
)

// sheetKind is how a recipient sheet is read.
type sheetKind int

const (
	kindCSV  sheetKind = iota + 1 // delimited text (csvSheet)
	kindXLSX                      // an Office Open XML workbook (xlsxSheet)
)

// otherSpreadsheets say, by extension, how to save a spreadsheet tidings
// does not read as one it does, in the program that made it.
var otherSpreadsheets = map[string]string{
	".ods": "an OpenDocument spreadsheet (LibreOffice, OpenOffice), which tidings does not read: in LibreOffice Calc, " +
		`File > Save As… with file type "Excel 2007-365 (.xlsx)", or "Text CSV (.csv)" with character set "Unicode (UTF-8)"`,
	".xls": "an Excel 97-2003 workbook, which tidings does not read: in Excel, " +
		`File > Save As… with file type "Excel Workbook (*.xlsx)" or "CSV UTF-8 (Comma delimited) (*.csv)" (LibreOffice Calc saves it as .xlsx too)`,
	".numbers": "a Numbers spreadsheet, which tidings does not read: in Numbers, " +
		`File > Export To > Excel… (an .xlsx), or CSV… with text encoding "Unicode (UTF-8)"`,
}

// sheetKindOf is how the sheet at path is read, by its extension: .xlsx
// as a workbook; .csv, and .txt and .tsv (Excel saves "Unicode Text" and
// "Text (Tab delimited)" as .txt), as delimited text, its encoding and
// delimiter found as a CSV's are. Any other extension is an error
// naming the file; for a spreadsheet tidings does not read (.ods, .xls,
// .numbers), it says how to save it as one it does.
func sheetKindOf(path string) (sheetKind, error) {
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".xlsx":
		return kindXLSX, nil
	case ".csv", ".txt", ".tsv":
		return kindCSV, nil
	}
	if how, ok := otherSpreadsheets[ext]; ok {
		return 0, fmt.Errorf("%q is %s; then set recipients.path to the new file", path, how)
	}
	return 0, fmt.Errorf("%q: only .csv, .txt, .tsv and .xlsx sheets are read", path)
}

// tabSeparated reports whether the sheet at path is tab-separated by its
// name (.tsv), whatever its first lines suggest.
func tabSeparated(path string) bool { return strings.EqualFold(filepath.Ext(path), ".tsv") }
