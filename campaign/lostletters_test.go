package campaign

import (
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// TestCSVLostLetters: a windows-1251 sheet Excel saved from a workbook
// with Kazakh names holds "?" for the letters windows-1251 has not
// ("Н?рланов" for "Нұрланов", "??рман?азы" for "Құрманғазы"): a problem
// of its row naming the cell and saying to save as CSV UTF-8, not a
// message with "?" in the name; a question mark ending a word, or in a
// link's query, passes.
func TestCSVLostLetters(t *testing.T) {
	const sheet = "email,name,note\n" +
		"a@x.example,Айгуль,Как дела? Хорошо\n" +
		"b@x.example,Н?рланов,\n" +
		"c@x.example,??рман?азы,\n" +
		"d@x.example,Ерлан,https://x.example/?id=7\n" +
		"e@x.example,Wa??sa,\n" +
		"f@x.example,Ли,Что?\n"
	runSheetCases(t, []sheetCase{{
		name: "windows-1251 with lost letters", file: "people.csv",
		data: encode(t, charmap.Windows1251, sheet), rec: Recipients{Encoding: "windows-1251"},
		want: []string{
			"2: a@x.example | Айгуль | Как дела? Хорошо",
			"3 [name]: !lost",
			"4 [name]: !lost",
			"5: d@x.example | Ерлан | https://x.example/?id=7",
			"6 [name]: !lost",
			"7: f@x.example | Ли | Что?",
		},
		msgs: []string{`"Н?рланов" has "?" where a letter was: windows-1251 has no such letter`, `as "CSV UTF-8", and take recipients.encoding out`},
	}})
}
