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
// link's query, passes. A link in a value does not hide a lost letter in
// its other words ("ул. Т?ле би 5/1"), a quote before a word does not
// either ("«?азМунайГаз»"), and a value starting with a word of "?" only
// ("??", "?? (Wang Wei)": a name of a script the code page has not, or a
// mark for one not known) is refused; a "?" standing alone after a
// question ("Что ??") passes.
func TestCSVLostLetters(t *testing.T) {
	const sheet = "email,name,note\n" +
		"a@x.example,Айгуль,Как дела? Хорошо\n" +
		"b@x.example,Н?рланов,\n" +
		"c@x.example,??рман?азы,\n" +
		"d@x.example,Ерлан,https://x.example/?id=7\n" +
		"e@x.example,Wa??sa,\n" +
		"f@x.example,Ли,Что?\n" +
		"g@x.example,Ли,ул. Т?ле би 5/1\n" +
		"h@x.example,ТОО «?азМунайГаз»,\n" +
		"i@x.example,??,\n" +
		"j@x.example,???? ????,\n" +
		"l@x.example,?? (Wang Wei),\n" +
		"k@x.example,Ли,Что ?? Как дела ?\n"
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
			"8 [note]: !lost",
			"9 [name]: !lost",
			"10 [name]: !lost",
			"11 [name]: !lost",
			"12 [name]: !lost",
			"13: k@x.example | Ли | Что ?? Как дела ?",
		},
		msgs: []string{`"Н?рланов" has "?" where a letter was: windows-1251 has no such letter`, `as "CSV UTF-8", and take recipients.encoding out`, `"Т?ле" has "?" where a letter was`, `"??" starts with a word of "?" only: either letters windows-1251 has not`, `"?? (Wang Wei)" starts with a word`, `or a mark for a value not known (type the value, or empty the cell)`},
	}})
}
