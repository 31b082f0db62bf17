package render

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// ErrUnsubscribeQuery is wrapped (with ErrUnsubscribe) when a row's value
// goes into the query of its unsubscribe URL as it is while holding a
// character the query reads otherwise: a + as a space, & and ; as the
// value's end, # as the URL's, % as an escape. The one-click POST
// (RFC 8058) would then name another recipient, or none: an address
// "ann+news@example.org" reaches the server as "ann news@example.org".
var ErrUnsubscribeQuery = errors.New("a value goes into the URL's query as it is")

// rawQueryColumn names the first column the unsubscribe URL template url
// writes into its query as it is (templates.Template.RawQueryColumns)
// whose value in row holds a character the query reads otherwise
// (changedInQuery), which urlquery would have escaped; "" when none does.
func rawQueryColumn(url *templates.Template, row campaign.Row) string {
	for _, c := range url.RawQueryColumns() {
		if changedInQuery(strings.TrimSpace(row.Values[c])) {
			return c
		}
	}
	return ""
}

// changedInQuery reports whether val holds a character a URL's query
// reads otherwise (see ErrUnsubscribeQuery), a % only when no escape
// (two hex digits, taken for one written on purpose) follows it.
func changedInQuery(val string) bool {
	for i := 0; i < len(val); i++ {
		switch val[i] {
		case '+', '&', ';', '#':
			return true
		case '%':
			if i+2 >= len(val) || !isHex(val[i+1]) || !isHex(val[i+2]) {
				return true
			}
		}
	}
	return false
}

// rawQueryError is the error of row, whose unsubscribe URL template url
// writes column's value in its query as it is (rawQueryColumn): what it
// holds, what the query makes of it and what to write instead, the
// action templates' warning names (templates.Template.RawQueryFix).
func (r *Renderer) rawQueryError(url *templates.Template, row campaign.Row, column string) error {
	return r.rowErr(row, column, fmt.Errorf("render: %s: %w: %w: %q holds what a query reads otherwise (+ as a space, & and ; as the value's end, # as the URL's, %% as an escape), "+
		"so the one-click POST would not name this recipient; write %s in %s",
		url.Name(), ErrUnsubscribe, ErrUnsubscribeQuery, strings.TrimSpace(row.Values[column]), url.RawQueryFix(column), url.Name()))
}
