package campaign

import "strings"

// ExcelError reports whether v, trimmed of white space, is one of the error
// values Excel shows in a cell whose formula failed (#N/A from a VLOOKUP
// that found nothing, #DIV/0!, #REF! ...), and returns it trimmed. An XLSX
// reader sees these as the cell's cached value and Excel exports them to CSV
// as that literal text, so the same test serves both. The spellings are the
// ones Excel writes into a workbook file; the test is exact (case-sensitive).
func ExcelError(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) < 4 || v[0] != '#' {
		return "", false
	}
	switch v {
	case "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
		"#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!",
		"#CONNECT!", "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#TIMEOUT!":
		return v, true
	}
	return "", false
}
