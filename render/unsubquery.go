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

// queryChanged are the characters a URL's query reads otherwise than as
// themselves (see ErrUnsubscribeQuery); a % before two hex digits is
// taken for an escape written on purpose and is not among them.
const queryChanged = "+&;#%"

// rawQueryColumn names the first column url (the unsubscribe URL
// template) reads whose value in row holds a queryChanged character and
// stands as it is in v's query (after its first '?'), which urlquery
// would have escaped; "" when none does.
func rawQueryColumn(url *templates.Template, row campaign.Row, v string) string {
	_, query, ok := strings.Cut(v, "?")
	if !ok {
		return ""
	}
	for _, c := range url.Columns() {
		val := strings.TrimSpace(row.Values[c])
		if changedInQuery(val) && strings.Contains(query, val) {
			return c
		}
	}
	return ""
}

// changedInQuery reports whether val holds a character a URL's query
// reads otherwise (queryChanged), a % only when no escape follows it.
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
// holds, what the query makes of it and what to write instead.
func (r *Renderer) rawQueryError(url *templates.Template, row campaign.Row, column string) error {
	return r.rowErr(row, column, fmt.Errorf("render: %s: %w: %w: %q holds what a query reads otherwise (+ as a space, & and ; as the value's end, # as the URL's, %% as an escape), "+
		"so the one-click POST would not name this recipient; write {{.%s | urlquery}} in %s",
		url.Name(), ErrUnsubscribe, ErrUnsubscribeQuery, strings.TrimSpace(row.Values[column]), templates.Identifier(column), url.Name()))
}
