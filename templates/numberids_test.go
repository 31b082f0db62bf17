package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
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

// TestIdLikeAmountsAndCounts: headers a real sheet gives an amount or a
// count, though they hold a word of an identifier's, read as no
// identifier: a year's total ("Year total", "Year-to-date giving"), a
// fee ("Postal fees", "ID card fee"), a count of things ("Tickets
// (no.)", "Seats No", "Guests number") and a yes/no column; an identifier
// beside them still is one ("Invoice No", "Address No", "Year joined").
func TestIdLikeAmountsAndCounts(t *testing.T) {
	for _, h := range []string{"Year total", "Year-to-date giving", "Postal fees", "ID card fee", "Tickets (no.)", "Seats No", "Guests number", "Newsletter (yes/no)", "Betrag Nr"} {
		if idLike(h) {
			t.Errorf("idLike(%q) = true, want false: an amount or a count", h)
		}
	}
	for _, h := range []string{"Invoice No", "Address No", "Year joined", "Class Nr", "Order number", "Member ID", "Rechnungs-Nr.", "Mitglieds-Nr"} {
		if !idLike(h) {
			t.Errorf("idLike(%q) = false", h)
		}
	}
}

// TestNumberIDRowProblem: number given a phone number it cannot read
// ("030 1234567", a German club's Telefon, rev-user3) is a row problem
// that says to print the column as it is, not only which decimal mark
// would read it; an amount's problem does not say so.
func TestNumberIDRowProblem(t *testing.T) {
	yaml := "name: test\nlocale: de-DE\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	set, err := Compile(load(t, yaml, map[string]string{"body.txt": "{{number 0 .Telefon}} {{number 2 .Beitrag}}\n"}), []string{"email", "Telefon", "Beitrag"})
	if err != nil {
		t.Fatal(err)
	}
	const advice = `the column "Telefon" reads as a number that names something (a phone number, a postcode, an IBAN) or a year, which number is not for: print it as it is ({{.Telefon}})`
	_, err = set.Execute(campaign.Row{Number: 5, Values: map[string]string{"email": "a@x.example", "Telefon": "030 1234567", "Beitrag": "48,00"}})
	var re *campaign.RowError
	if !errors.As(err, &re) || re.Column != "Telefon" || !strings.Contains(err.Error(), advice) {
		t.Errorf("phone number: %v; want a problem of Telefon with %q", err, advice)
	}
	_, err = set.Execute(campaign.Row{Number: 6, Values: map[string]string{"email": "a@x.example", "Telefon": "0301234567", "Beitrag": "abc"}})
	if !errors.As(err, &re) || re.Column != "Beitrag" || strings.Contains(err.Error(), "print it as it is") {
		t.Errorf("amount: %v; want a problem of Beitrag without the advice", err)
	}
}

// TestNumberIDNoDecimalAdvice: the problem of {{number 0 .Telefon}} over
// "030 1234567" does not advise recipients.decimal: '.', which makes a
// phone number no amount either, before saying to print it as it is
// (rev-final, follows f711021); an amount's problem keeps that advice.
func TestNumberIDNoDecimalAdvice(t *testing.T) {
	yaml := "name: test\nlocale: de-DE\nfrom: \"Acme <news@acme.example>\"\nsubject: Hi\ntext: body.txt\nrecipients:\n  path: people.csv\n"
	set, err := Compile(load(t, yaml, map[string]string{"body.txt": "{{number 0 .Telefon}} {{number 2 .Beitrag}}\n"}), []string{"email", "Telefon", "Beitrag"})
	if err != nil {
		t.Fatal(err)
	}
	const decimal = "set recipients.decimal"
	_, err = set.Execute(campaign.Row{Number: 5, Values: map[string]string{"email": "a@x.example", "Telefon": "030 1234567", "Beitrag": "48,00"}})
	if err == nil || strings.Contains(err.Error(), decimal) || !strings.Contains(err.Error(), "must group three digits") || !strings.Contains(err.Error(), "print it as it is") {
		t.Errorf("phone number: %v", err)
	}
	_, err = set.Execute(campaign.Row{Number: 6, Values: map[string]string{"email": "a@x.example", "Telefon": "0301234567", "Beitrag": "1 23,40"}})
	if err == nil || !strings.Contains(err.Error(), decimal) {
		t.Errorf("amount: %v; want the decimal advice", err)
	}
}
