package templates

import (
	"errors"
	"testing"
)

// TestAddressFunctionWords: the address function says what is wrong with
// an email in words (AddressWords, as render says it of a header), still
// wrapping errBadEmail; a name or a second address is told as such, and
// a list separated by , or ; (both parents' addresses in one cell) how to
// send to each, which it did not say (rev-user6).
func TestAddressFunctionWords(t *testing.T) {
	for email, want := range map[string]string{
		"rami@":               `templates: address: "rami@": missing domain: nothing after the @`,
		"wang@@example.com":   `templates: address: "wang@@example.com": 2 @ signs, where an address has one`,
		"ann":                 `templates: address: "ann": not an email address: it has no @`,
		"@x.com":              `templates: address: "@x.com": nothing before the @`,
		"ann@x..com":          `templates: address: "ann@x..com": two dots in a row`,
		"ann＠x.com":           `templates: address: "ann＠x.com": not an email address: it has no @ (an address has an ASCII @, not a full-width ＠)`,
		`"ann@x.com"`:         `templates: address: "\"ann@x.com\"": the address is in quotes: remove them`,
		"mailto:ann@x.com":    `templates: address: "mailto:ann@x.com": "mailto:" belongs in a link, not in an address: remove it`,
		"ann @x.com":          `templates: address: "ann @x.com": a space inside the address, next to the @`,
		"ann@ x.com":          `templates: address: "ann@ x.com": a space inside the address, next to the @`,
		"ann@x .com":          `templates: address: "ann@x .com": a space inside the domain (after the @)`,
		"ann@x.com bob@y.com": `templates: address: "ann@x.com bob@y.com": more than one address: address takes one email`,
		"a@x>, <b@y":          `templates: address: "a@x>, <b@y": more than one address: address takes one email; to send to each of them, write the column without address (to: '{{.email}}' for a column email), where , and ; separate addresses`,
		"a@x.de; b@y.de":      `templates: address: "a@x.de; b@y.de": more than one address: address takes one email; to send to each of them, write the column without address (to: '{{.email}}' for a column email), where , and ; separate addresses`,
		"Ann Lee <ann@x.com>": `templates: address: "Ann Lee <ann@x.com>": more than an email address: give ann@x.com alone (address writes the name itself)`,
		"Ann Lee ann@x.com":   `templates: address: "Ann Lee ann@x.com": an address holds no space: if Ann Lee is a name, give ann@x.com alone (address writes the name itself); if not, remove the space`,
		"ann lee@example.com": `templates: address: "ann lee@example.com": an address holds no space: if ann is a name, give lee@example.com alone (address writes the name itself); if not, remove the space`,
		"ann@x.com (Ann)x y":  `templates: address: "ann@x.com (Ann)x y": something after the address: "x y"`,
		"ann@[300.1.1.1]":     `templates: address: "ann@[300.1.1.1]": domain "[300.1.1.1]" is an address literal (an IP address in brackets), which tidings does not send to: use the domain name`,
		"Ann <ann@x.com>>":    `templates: address: "Ann <ann@x.com>>": a stray > after the address`,
		"ann@x.com.":          `templates: address: "ann@x.com.": a dot next to the @ or at an end`,
	} {
		_, err := fnAddress("Ann", email)
		if !errors.Is(err, errBadEmail) || err.Error() != want {
			t.Errorf("address %q:\n got %v\nwant %s", email, err, want)
		}
	}
}

// TestAddressQuotedLocal: an email whose local part is a quoted-string
// holding a space or an @ is one address, as it is in a header's
// {{.email}}; a name before it is cut outside the quotes.
func TestAddressQuotedLocal(t *testing.T) {
	for email, want := range map[string]string{
		`"ann lee"@example.com`:   `Ann <"ann lee"@example.com>`,
		`"ann@home"@example.com`:  `Ann <"ann@home"@example.com>`,
		`"ann \"x\""@example.com`: `Ann <"ann \"x\""@example.com>`,
	} {
		if got, err := fnAddress("Ann", email); err != nil || got != want {
			t.Errorf("address Ann %q = %q, %v; want %s", email, got, err, want)
		}
	}
	for email, want := range map[string]string{
		`Ann "ann lee"@x.com`: `templates: address: "Ann \"ann lee\"@x.com": an address holds no space: if Ann is a name, give "ann lee"@x.com alone (address writes the name itself); if not, remove the space`,
		`"ann lee"@ x.com`:    `templates: address: "\"ann lee\"@ x.com": a space inside the address, next to the @`,
	} {
		if _, err := fnAddress("Ann", email); !errors.Is(err, errBadEmail) || err.Error() != want {
			t.Errorf("address %q:\n got %v\nwant %s", email, err, want)
		}
	}
}
