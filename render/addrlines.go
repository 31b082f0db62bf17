package render

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// addressLinesError is err, value's refusal of v, what the address
// template named field made of a row, unless v is addresses on lines of
// their own (a cell typed with Alt+Enter in Excel between them:
// addressLines): taking the line break out, as value advises, would run
// two addresses into one ("a@x.exampleb@y.example"). That refusal says
// to write a ; in place of each line break instead, naming the same
// column.
func addressLinesError(err error, field, v string) error {
	var re *campaign.RowError
	if !errors.As(err, &re) || !errors.Is(err, campaign.ErrControlChar) || !addressLines(v) {
		return err
	}
	return &campaign.RowError{File: re.File, Row: re.Row, Column: re.Column, Err: fmt.Errorf("render: %s: %w: %s holds addresses on lines of their own (a header is one line: write ; between the addresses in place of each line break)", field, campaign.ErrControlChar, clip(v))}
}

// addressLines reports whether v holds line breaks and every line of it
// is an address list that parses (a ; or , at its end or start aside)
// and gives an address.
func addressLines(v string) bool {
	if !strings.ContainsAny(v, "\r\n") {
		return false
	}
	lines := strings.FieldsFunc(v, func(r rune) bool { return r == '\r' || r == '\n' })
	n := 0
	for _, l := range lines {
		if templates.NoAddress(l) {
			continue
		}
		if list, aerr := parseList(l); aerr != nil || len(list) == 0 {
			return false
		}
		n++
	}
	return n > 1
}
