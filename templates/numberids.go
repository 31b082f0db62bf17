package templates

import (
	"fmt"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// checkNumberIDs warns, under a locale whose thousands separator number
// writes (campaign.Recipients.NumberGroup), of each call of number given
// a column whose header reads as a year or as a number that names
// something (idLike: Jahr, Jahrgang, year, Kundennummer, customer_id, PLZ, BLZ, zip):
// {{number 0 .Jahr}} writes 2026 as "2.026", which is right for an
// amount in German (CLDR groups four digits there) and wrong for a year.
// A warning, not an error: the column may hold amounts all the same.
func (cp *compiler) checkNumberIDs(t *Template, calls []call) {
	group := cp.c.Recipients.NumberGroup()
	if group == "" {
		return
	}
	for _, c := range calls {
		if c.name != "number" {
			continue
		}
		col := cp.numberColumn(c)
		if col == "" || !idLike(col) {
			continue
		}
		action := c.node.String()
		if c.piped != nil {
			action = c.piped.String() + " | " + action
		}
		w := (&campaign.FileError{File: t.file, Line: cp.line(t, c.node), Err: fmt.Errorf(
			"templates: %s: {{%s}}: column %q reads as a year or a number that names something (a customer number, a postcode), and under locale %s number groups its thousands: %s as %q; print it as it is (%s), or keep number if the column holds amounts",
			t.name, action, col, cp.c.Recipients.Locale, idExample(col), groupThousands(idExample(col), cp.c.Recipients.Decimal, group), fieldOf(col))}).Error()
		if !slices.Contains(cp.warns, w) {
			cp.warns = append(cp.warns, w)
		}
	}
}

// numberColumn is the column c, a call of number, is given as its value
// ({{number 0 .x}}, {{.x | number 0}}, $.x); "" for any other value.
func (cp *compiler) numberColumn(c call) string {
	var n parse.Node
	switch {
	case c.piped != nil && len(c.piped.Args) == 1 && len(c.node.Args) == 2:
		n = c.piped.Args[0]
	case c.piped == nil && len(c.node.Args) == 3:
		n = c.node.Args[2]
	}
	return cp.columnName(n, c.dot)
}

// columnName is the sheet column n, an argument, reads (rowColumn: {{.x}}
// while dot is the row, {{$.x}}, alone or in parentheses, or (index .
// "x") with the row), as the sheet's header ("" when the sheet has no
// such column); "" for any other value.
func (cp *compiler) columnName(n parse.Node, dot bool) string {
	name, _ := rowColumn(n, dot)
	if name != "" && cp.columns != nil {
		return cp.names.resolve(name)
	}
	return name
}

// fieldOf is how a template prints column: {{.Jahr}}, {{.First_Name}}.
func fieldOf(column string) string { return "{{." + Identifier(column) + "}}" }

// idLike reports whether a column's header reads as a year or as a number
// that names something rather than counts: a first word year, Jahr
// (Baujahr, "Year of birth"; not "Amount per year"), année or yr; id
// anywhere (customer_id, KundenID); a last word number, no, nr, nummer or
// numéro, or one ending in nummer or nr (Invoice No, Kundennummer,
// Kunden-Nr, Kdnr; not "Number of seats"), unless it is no or number
// after a plural ("Tickets (no.)", "Seats No": a count; German's
// "Rechnungs-Nr." stays one) or yes ("yes/no"); a postcode
// (zip, PLZ, postcode, postal code, NPA), a phone number or an IBAN. A
// header with a word of an amount (amountWords: "Year total", "Postal
// fees", "ID card fee") reads as none.
func idLike(header string) bool {
	words := campaign.NameWords(header)
	if slices.ContainsFunc(words, func(w string) bool { return amountWords[w] }) {
		return false
	}
	for i, w := range words {
		switch {
		case i == 0 && yearWord(w):
			return true
		case w == "id" || w == "blz" || w == "bankleitzahl" || postcodeWord(w):
			return true
		case w == "phone" || w == "telefon" || w == "tel" || w == "iban":
			return true
		case i == len(words)-1 && (w == "number" || w == "no" || w == "nr" || w == "numero" || w == "numéro" || strings.HasSuffix(w, "nummer") || strings.HasSuffix(w, "nr")):
			return i == 0 || !(w == "no" || w == "number") || !countedBefore(words[i-1])
		}
	}
	return false
}

// amountWords are header words that name an amount, whatever else the
// header says ("Year total", "Year-to-date giving", "Postal fees",
// "Betrag Nr"): number is right for them.
var amountWords = map[string]bool{
	"total": true, "sum": true, "amount": true, "fee": true, "fees": true, "cost": true, "costs": true,
	"price": true, "paid": true, "giving": true, "sales": true, "revenue": true, "budget": true, "ytd": true,
	"betrag": true, "summe": true, "gebühr": true, "preis": true, "kosten": true, "montant": true, "prix": true,
}

// countedBefore reports whether w, the word before a last no or number,
// makes that a count ("Tickets no", "Seats Nr") or a yes/no
// column rather than an identifier ("Invoice No", "Address No", "Class
// Nr"): an English plural (an s, not ss, at its end) or yes.
func countedBefore(w string) bool {
	return w == "yes" || strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")
}

// yearWord reports whether w, a header's first word in lower case, names
// a year: year, yr, année, Jahr, Baujahr, Jahrgang (a sports club's year
// of birth); not Jahresbeitrag, an amount.
func yearWord(w string) bool {
	return w == "year" || w == "yr" || w == "annee" || w == "année" || w == "jahrgang" || strings.HasSuffix(w, "jahr")
}

// postcodeWord reports whether w, a header's word, names a postcode:
// zip, PLZ, postcode, postal (code), NPA.
func postcodeWord(w string) bool {
	return w == "zip" || w == "zipcode" || w == "plz" || w == "npa" || w == "postcode" || w == "postal" || w == "postleitzahl"
}

// yearOrPostcode reports whether header reads as a year or a postcode
// (as idLike reads them): values of as many digits each.
func yearOrPostcode(header string) bool {
	words := campaign.NameWords(header)
	if len(words) == 0 || slices.ContainsFunc(words, func(w string) bool { return amountWords[w] }) {
		return false
	}
	return yearWord(words[0]) || slices.ContainsFunc(words, postcodeWord)
}

// idExample is a value of header, an idLike column, and what number
// makes of it under the locale: a year 2026, anything else 10042.
func idExample(header string) string {
	if words := campaign.NameWords(header); len(words) > 0 && yearWord(words[0]) {
		return "2026"
	}
	return "10042"
}
