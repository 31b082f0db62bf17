package campaign

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestSheetRowSelection: recipients.only_blank and only_filled pass on
// only the rows they choose, numbered as the sheet numbers them; a cell of
// spaces (or a no-break space) is blank, as it looks; the rows left out are
// named in one warning; a column the sheet has not is refused, naming it.
func TestSheetRowSelection(t *testing.T) {
	const members = "email,Vorname,Bezahlt,Lastschrift\n" +
		"anna@example.de,Anna,03.02.2027,\n" +
		"jo@example.de,Jörg,,ja\n" +
		"kaethe@example.de,Käthe,ja,ja\n" +
		"uwe@example.de,Uwe,\"  \",\n" +
		"grete@example.de,Grete,\u00a0,ja\n"
	runSheetCases(t, []sheetCase{
		{
			name:  "only_blank, a reminder to those who have not paid",
			file:  "mitglieder.csv",
			data:  []byte(members),
			rec:   Recipients{OnlyBlank: []string{"Bezahlt"}},
			want:  []string{"3: jo@example.de | Jörg |  | ja", "5: uwe@example.de | Uwe |    | ", "6: grete@example.de | Grete | \u00a0 | ja"},
			warns: []string{`mitglieder.csv: 2 rows left out, not recipients of this campaign (recipients.only_blank: [Bezahlt] takes the rows whose "Bezahlt" is blank): 2, 4`},
		},
		{
			name:  "only_blank and only_filled together",
			file:  "mitglieder.csv",
			data:  []byte(members),
			rec:   Recipients{OnlyBlank: []string{"Bezahlt"}, OnlyFilled: []string{"Lastschrift"}},
			want:  []string{"3: jo@example.de | Jörg |  | ja", "6: grete@example.de | Grete | \u00a0 | ja"},
			warns: []string{`3 rows left out, not recipients of this campaign (recipients.only_blank: [Bezahlt] takes the rows whose "Bezahlt" is blank; recipients.only_filled: [Lastschrift] takes the rows whose "Lastschrift" is filled): 2, 4, 5`},
		},
		{
			name: "every row chosen: no warning",
			file: "mitglieder.csv",
			data: []byte("email,Bezahlt\nanna@example.de,\n"),
			rec:  Recipients{OnlyBlank: []string{"Bezahlt"}},
			want: []string{"2: anna@example.de | "},
		},
		{
			name: "a workbook's date and text cells are filled",
			file: "mitglieder.xlsx",
			build: func(t testing.TB, path string) {
				writeXLSX(t, path, xsheet{name: "Mitglieder", rows: rowsFrom(
					strs("email", "Bezahlt"),
					[]xc{xs("anna@example.de"), xn("46421", stDate14)},
					[]xc{xs("jo@example.de")},
					[]xc{xs("kaethe@example.de"), xs("ja")},
					[]xc{xs("uwe@example.de"), xs(" ")},
				)})
			},
			rec:   Recipients{OnlyBlank: []string{"Bezahlt"}},
			want:  []string{"3: jo@example.de | ", "5: uwe@example.de |  "},
			warns: []string{`mitglieder.xlsx: 2 rows left out`},
		},
		{
			name: "a formula that failed, or was never calculated, in a column that chooses",
			file: "mitglieder.xlsx",
			build: func(t testing.TB, path string) {
				writeXLSX(t, path, xsheet{name: "Mitglieder", rows: rowsFrom(
					strs("email", "Bezahlt"),
					[]xc{xs("anna@example.de"), xf(`VLOOKUP(A2,Zahlungen!A:B,2,FALSE)`, "#N/A", 0)},
					[]xc{xs("jo@example.de"), xs("")},
					[]xc{xs("uwe@example.de"), xf(`VLOOKUP(A4,Zahlungen!A:B,2,FALSE)`, "", 0)},
				)})
			},
			rec:  Recipients{OnlyBlank: []string{"Bezahlt"}},
			want: []string{"2 [Bezahlt]: !excelerror", "3: jo@example.de | ", "4 [Bezahlt]: !uncalculated"},
			msgs: []string{`the cell holds Excel's error value #N/A (a formula that failed in the spreadsheet), so recipients.only_blank cannot tell whether the row is a recipient; fix it there`},
		},
		{
			name:    "a column the sheet has not",
			file:    "mitglieder.csv",
			data:    []byte(members),
			rec:     Recipients{OnlyBlank: []string{"bezahlt "}},
			openErr: "noselect",
			msgs:    []string{`recipients.only_blank names "bezahlt " (columns: email, Vorname, Bezahlt, Lastschrift); did you mean "Bezahlt"?`},
		},
	})
}

// TestLoadRowSelection: the settings are read from the campaign file, and
// one that cannot choose a row is refused, naming it.
func TestLoadRowSelection(t *testing.T) {
	c, err := Load(writeCampaign(t, minimalCampaign+"  only_blank: [Bezahlt]\n  only_filled: [Lastschrift, E-Mail]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Recipients.OnlyBlank, "|") + " / " + strings.Join(c.Recipients.OnlyFilled, "|"); got != "Bezahlt / Lastschrift|E-Mail" {
		t.Errorf("only_blank / only_filled = %s", got)
	}
	for _, bad := range []struct{ yaml, msg string }{
		{"  only_blank: [Bezahlt]\n  only_filled: [Bezahlt]\n", `recipients.only_blank and recipients.only_filled both name "Bezahlt"`},
		{"  only_blank: [Bezahlt, Bezahlt]\n", `recipients.only_blank: "Bezahlt" is named twice`},
		{"  only_filled: [\"\"]\n", `recipients.only_filled: item 1 is empty`},
		{"  only_blank: Bezahlt\n", `only_blank: takes a list, even of one item: write only_blank: [Bezahlt]`},
	} {
		_, err := Load(writeCampaign(t, minimalCampaign+bad.yaml))
		if err == nil || !strings.Contains(err.Error(), bad.msg) {
			t.Errorf("%q: Load = %v, want an error with %q", bad.yaml, err, bad.msg)
		}
	}
}

// TestDigestWithoutSelection: a campaign that chooses no rows digests
// without recipients.only_blank and only_filled, as it did before they
// were added, so an upgraded tidings tells no "campaign.yaml changed since
// an earlier send" of a file nobody touched (and renders no spool again);
// one that chooses rows digests them.
func TestDigestWithoutSelection(t *testing.T) {
	text := func(r Recipients) string {
		var b strings.Builder
		newDigester(&b, "").value(reflect.ValueOf(r))
		return b.String()
	}
	if got := text(Recipients{Path: "r.csv", Key: "email", OnlyBlank: []string{}}); strings.Contains(got, "Only") {
		t.Errorf("no selection digested as %s, want no OnlyBlank or OnlyFilled in it", got)
	}
	if got := text(Recipients{Path: "r.csv", Key: "email", OnlyBlank: []string{"Bezahlt"}}); !strings.Contains(got, `OnlyBlank:[1:"Bezahlt";]`) || strings.Contains(got, "OnlyFilled") {
		t.Errorf("only_blank: [Bezahlt] digested as %s, want OnlyBlank with Bezahlt and no OnlyFilled", got)
	}
	dir := t.TempDir()
	plain, err := Parse([]byte(minimalCampaign), filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	chosen, err := Parse([]byte(minimalCampaign+"  only_blank: [Bezahlt]\n"), filepath.Join(dir, "c.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if plain.MessagesDigest() == chosen.MessagesDigest() {
		t.Error("only_blank: [Bezahlt] left the campaign's digest as it was: a spool made for every row would be sent from")
	}
}
