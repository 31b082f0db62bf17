package templates

import (
	"context"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// dutchSheet is a booking system's export as a Dutch practice has it:
// semicolons, Dutch headers, dates day first with dashes (9 December).
const dutchSheet = "Naam;E-mail;Datum;Tijd\nDaan de Vries;daan@voorbeeld.nl;09-12-2026;09:30\nSanne Bakker;sanne@voorbeeld.nl;25-12-2026;10:00\n"

// TestDashDatesOrderUnsaid: a sheet writing 09-12-2026 (9 December, as
// Dutch sheets do) under a campaign file that says no recipients.dates
// and no locale went out as "12 September 2026" to every recipient whose
// day is 12 or less, without a word (rev-user24): it is a problem of the
// row, naming both readings and the setting; said either way, or under a
// locale, it reads as said. A day over 12 is refused month first, as
// before.
func TestDashDatesOrderUnsaid(t *testing.T) {
	const yaml = "name: herinnering\nfrom: \"Praktijk <p@delinde.example>\"\nto: '{{.E_mail}}'\nsubject: 'Uw afspraak op {{date \"long\" .Datum}}'\ntext: body.txt\nrecipients:\n  path: afspraken.csv\n  key: E-mail\n"
	for _, tc := range []struct{ name, extra, want2, want3 string }{
		{"unsaid", "", "", ""},
		{"day-first", "  dates: day-first\n", "Uw afspraak op 9 December 2026", "Uw afspraak op 25 December 2026"},
		{"month-first", "  dates: month-first\n", "Uw afspraak op 12 September 2026", ""},
		{"locale", "locale: en-GB\n", "Uw afspraak op 9 December 2026", "Uw afspraak op 25 December 2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := yaml + tc.extra
			if strings.HasPrefix(tc.extra, "locale") {
				y = tc.extra + yaml
			}
			c := load(t, y, map[string]string{"afspraken.csv": dutchSheet, "body.txt": "Beste {{.Naam}}\n"})
			sheet, err := campaign.OpenSheet(context.Background(), c.Recipients)
			if err != nil {
				t.Fatal(err)
			}
			defer sheet.Close()
			s, err := CompileSheet(c, sheet)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{tc.want2, tc.want3} {
				row, err := sheet.Next(context.Background())
				if err != nil {
					t.Fatal(err)
				}
				f, err := s.Execute(row)
				switch {
				case want == "" && tc.name == "unsaid" && row.Number == 2:
					if err == nil || !strings.Contains(err.Error(), `"09-12-2026" reads as 12 September 2026 month first and as 9 December 2026 day first, and the campaign file does not say which its sheet writes: set recipients.dates: day-first (or month-first)`) {
						t.Errorf("row %d: %v; want a problem naming both readings and recipients.dates", row.Number, err)
					}
				case want == "":
					if err == nil {
						t.Errorf("row %d: no error; want 25-12-2026 refused month first, as before", row.Number)
					}
				case err != nil:
					t.Errorf("row %d: %v; want %q", row.Number, err, want)
				default:
					if f.Subject != want {
						t.Errorf("row %d: subject %q, want %q", row.Number, f.Subject, want)
					}
					f.Release()
				}
			}
		})
	}
}
