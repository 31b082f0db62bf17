package campaign

import "testing"

func TestExcelError(t *testing.T) {
	tests := []struct {
		v, code string
	}{
		{"#NULL!", "#NULL!"},
		{"#DIV/0!", "#DIV/0!"},
		{"#VALUE!", "#VALUE!"},
		{"#REF!", "#REF!"},
		{"#NAME?", "#NAME?"},
		{"#NUM!", "#NUM!"},
		{"#N/A", "#N/A"},
		{"#GETTING_DATA", "#GETTING_DATA"},
		{"#SPILL!", "#SPILL!"},
		{"#CALC!", "#CALC!"},
		{"#FIELD!", "#FIELD!"},
		{"#BLOCKED!", "#BLOCKED!"},
		{"#CONNECT!", "#CONNECT!"},
		{"#BUSY!", "#BUSY!"},
		{"#UNKNOWN!", "#UNKNOWN!"},
		{"#EXTERNAL!", "#EXTERNAL!"},
		{"#TIMEOUT!", "#TIMEOUT!"},
		{"  #N/A\t", "#N/A"},
		// Not an error value: only the whole cell counts, spelled as
		// Excel writes it.
		{"", ""},
		{"#", ""},
		{"#n/a", ""},
		{"#N/A!", ""},
		{"N/A", ""},
		{"#N/A or later", ""},
		{"price #DIV/0!", ""},
		{"#1 customer", ""},
		{"#hashtag", ""},
	}
	for _, tt := range tests {
		code, ok := ExcelError(tt.v)
		if code != tt.code || ok != (tt.code != "") {
			t.Errorf("ExcelError(%q) = %q, %v; want %q, %v", tt.v, code, ok, tt.code, tt.code != "")
		}
	}
}
