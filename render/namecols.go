package render

import (
	"bytes"
	"fmt"
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
// its own quotes and parentheses (errNameSplits) and v, the template's
// output for row, carries that value at its top level (not quoted, not a
// branch the template did not take, not cleaned by a function), naming that
// column: whatever the list would parse into, it is not the one address the
// template writes. ("Doe, John" in quotes is one name, and stays.)
func (r *Renderer) checkNames(t *templates.Template, names []string, row campaign.Row, v string) error {
	for _, c := range names {
		val := strings.TrimSpace(row.Values[c])
		if !strings.ContainsAny(val, ",;<>") || !splitsName(val) || !atTopLevel(v, val) {
			continue
		}
		return r.rowErr(row, c, fmt.Errorf("render: %s: %w %s: %w", t.Name(), ErrAddress, clip(val), errNameSplits))
	}
	return nil
}

// atTopLevel reports whether val occurs in v, in any case (a template may
// change it: title, upper), starting outside quotes, comments and angle
// brackets.
func atTopLevel(v, val string) bool {
	v = strings.ToLower(v)
	at := strings.Index(v, strings.ToLower(val))
	if at < 0 {
		return false
	}
	top := false
	walkTop(v, func(i int, _ byte, angle int) {
		top = top || i == at && angle == 0
	})
	return top
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
