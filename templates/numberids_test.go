package templates

import (
	"strings"
	"testing"
)

// TestIdLike: headers that read as a year or a number naming something,
// and some that read as amounts or counts.
func TestIdLike(t *testing.T) {
	for _, h := range []string{"Jahr", "year", "Baujahr", "Year of birth", "Kundennummer", "Kunden-Nr", "Kdnr", "customer_id", "KundenID", "id", "PLZ", "zip", "Postal Code", "Invoice No", "Rechnungsnummer", "phone", "IBAN", "Jahrgang", "BLZ", "Bankleitzahl"} {
		if !idLike(h) {
			t.Errorf("idLike(%q) = false", h)
		}
	}
	for _, h := range []string{"amount", "Betrag", "Amount per year", "Number of seats", "paid", "Anzahl", "Jahresbeitrag", "total"} {
		if idLike(h) {
			t.Errorf("idLike(%q) = true", h)
		}
	}
}

// TestNumberIDsWarned: under a locale that groups, number given a year
// or a customer number (called or piped) is warned of at its line, once
// a call; an amount is not, and without a locale nothing is.
func TestNumberIDsWarned(t *testing.T) {
	body := "{{number 2 .Betrag}} €\nJahr {{number 0 .Jahr}}\n{{.Kundennummer | number 0}}\n{{number 0 .Jahr}}\n"
	cols := []string{"email", "Betrag", "Jahr", "Kundennummer"}
	yaml := "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	s, err := Compile(load(t, "locale: de-DE\n"+yaml, map[string]string{"body.txt": body}), cols)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Warnings(), "\n")
	for _, want := range []string{`body.txt:2: templates: text: {{number 0 .Jahr}}: column "Jahr" reads as a year`, `2026 as "2.026"; print it as it is ({{.Jahr}})`, `body.txt:3: templates: text: {{.Kundennummer | number 0}}: column "Kundennummer"`, `10042 as "10.042"; print it as it is ({{.Kundennummer}})`, `body.txt:4: templates: text: {{number 0 .Jahr}}`} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings lack %q:\n%s", want, got)
		}
	}
	if len(s.Warnings()) != 3 || strings.Contains(got, "Betrag") {
		t.Errorf("warnings:\n%s", got)
	}
	if s, err := Compile(load(t, yaml, map[string]string{"body.txt": body}), cols); err != nil || len(s.Warnings()) != 0 {
		t.Errorf("without a locale: %v %v", s.Warnings(), err)
	}
}
