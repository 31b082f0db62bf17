package render

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// errNameSplits is the cause of a row whose value, put in an address's
// display name by the template ("{{.name}} <{{.email}}>"), holds a
// character that is address syntax there: a ',' or ';' would end the
// address and start another (a name cell "boss@corp.example," adds a
// recipient), a '<' or '>' would make an address of its own.
var errNameSplits = fmt.Errorf("a name holding , ; < or > would split the address or add one; write {{address .name .email}}, which quotes any name")

// nameColumns lists the columns of t, a row-dependent address template,
// whose values land in a display name: at the top level of an address
// that has an angle-addr, before it (outside quotes, comments and angle
// brackets). It executes t once a column, with that column's value a
// marker and every other an address; a name the template quotes (the
// address function, '"{{.name}}" <…>') is not at the top level, and an
// execution that fails or does not print the marker whole finds nothing.
// Called once per template, at setup.
func (r *Renderer) nameColumns(t *templates.Template) []string {
	cols := t.Columns()
	var names []string
	for _, c := range cols {
		row := campaign.Row{Values: make(map[string]string, len(cols))}
		for _, o := range cols {
			row.Values[o] = "a@b.example"
		}
		row.Values[c] = nameMarker
		v, err := r.value(t, row, new(bytes.Buffer))
		if err != nil {
			continue
		}
		for _, part := range shapeList(v).parts {
			if inDisplayName(part, nameMarker) {
				names = append(names, c)
				break
			}
		}
	}
	return names
}

// nameMarker is the value nameColumns gives the column it looks for:
// private-use characters, which no function changes, around a '.', which
// the address function quotes.
const nameMarker = "\ue000.\ue001"

// inDisplayName reports whether marker occurs in part, an address, at its
// top level before an angle-addr that follows.
func inDisplayName(part, marker string) bool {
	at := strings.Index(part, marker)
	if at < 0 {
		return false
	}
	top, angleAt := false, -1
	walkTop(part, func(i int, c byte, angle int) {
		if i == at && angle == 0 {
			top = true
		}
		if c == '<' && angle == 0 && angleAt < 0 && i > at {
			angleAt = i
		}
	})
	return top && angleAt > at
}

// checkNames refuses row when the value of one of names, the columns the
// address template may put in a display name, holds address syntax outside
// its own quotes and parentheses and that syntax made the list what it is:
// with the column holding a plain name instead, the field gives other
// addresses, or parses where it failed (sameWithout), naming that column
// (errNameSplits). list is the field's addresses for row, failed whether it
// did not parse. Whatever the template does with the value (a branch not
// taken, a name it cleans, its first word, a piece of it) is judged by
// what comes out. ("Doe, John" in quotes is one name, and stays.)
func (r *Renderer) checkNames(t *templates.Template, names []string, row campaign.Row, list []mailbox, failed bool) error {
	for _, c := range names {
		val := row.Values[c]
		if !strings.ContainsAny(val, ",;<>") || !splitsName(val) || r.sameWithout(t, row, c, list, failed) {
			continue
		}
		return r.rowErr(row, c, fmt.Errorf("render: %s: %w %s: %w", t.Name(), ErrAddress, clip(strings.TrimSpace(val)), errNameSplits))
	}
	return nil
}

// sameWithout reports whether t's addresses for row stay what they are
// (list, or no list when failed) with column c holding a plain name: the
// same addr-specs in the same order, or a failure both ways. Only for a
// row whose c holds address syntax (rare: it renders the field again).
func (r *Renderer) sameWithout(t *templates.Template, row campaign.Row, c string, list []mailbox, failed bool) bool {
	plain := row
	plain.Values = maps.Clone(row.Values)
	plain.Values[c] = "x"
	v, err := r.value(t, plain, new(bytes.Buffer))
	if err != nil {
		return true // nothing to tell by: the field's own error says what it says
	}
	other, aerr := parseList(v)
	if failed || aerr != nil {
		return failed == (aerr != nil)
	}
	return slices.EqualFunc(list, other, func(a, b mailbox) bool { return a.addr == b.addr })
}

// splitsName reports whether v has a ',', ';', '<' or '>' outside quoted
// strings and comments.
func splitsName(v string) bool {
	found := false
	walkTop(v, func(_ int, c byte, _ int) {
		found = found || c == ',' || c == ';' || c == '<' || c == '>'
	})
	return found
}
