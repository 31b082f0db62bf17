package render

import (
	"bytes"
	"errors"
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
// recipient), a '<' or '>' would make an address of its own. The message
// goes on with the fix, in the template's columns (addressFix).
var errNameSplits = errors.New("a name holding , ; < or > would split the address or add one")

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
	campaign.WalkTop(part, func(i int, c byte, angle int) {
		if i == at && angle == 0 {
			top = true
		}
		if c == '<' && angle == 0 && angleAt < 0 && i > at {
			angleAt = i
		}
	})
	return top && angleAt > at
}

// checkNames refuses row, naming the column, when a value of names (the
// columns the address template may put in a display name) holds address
// syntax that reached the list (errNameSplits): a piece of it with a
// ',', ';', '<' or '>' stands at the top level of v, the field's output
// (showsSyntax), and with such values replaced by a plain name the field
// gives other addresses, or parses where it failed (sameWithout). list is
// the field's addresses for row, failed whether it did not parse. What the
// template does with a value (a branch not taken, a name it cleans, a list
// it splits, its first word, a piece of it) is judged by what comes out.
// ("Doe, John" in quotes is one name, and stays.)
func (r *Renderer) checkNames(t *templates.Template, names []string, row campaign.Row, v string, list []mailbox, failed bool) error {
	var bad []string
	for _, c := range names {
		if val := row.Values[c]; strings.ContainsAny(val, ",;<>") && splitsName(val) && showsSyntax(v, val) {
			bad = append(bad, c)
		}
	}
	if len(bad) == 0 || r.sameWithout(t, row, bad, list, failed) {
		return nil
	}
	return r.rowErr(row, bad[0], fmt.Errorf("render: %s: %w %s: %w; write %s, which quotes any name",
		t.Name(), ErrAddress, clip(strings.TrimSpace(row.Values[bad[0]])), errNameSplits, r.addressFix(t, bad[0])))
}

// showsSyntax reports whether a word of val holding ',', ';', '<' or '>'
// occurs in v, in any case (title, upper), starting at its top level:
// outside quotes, comments and angle brackets.
func showsSyntax(v, val string) bool {
	v = strings.ToLower(v)
	top := map[int]bool{}
	campaign.WalkTop(v, func(i int, _ byte, angle int) {
		if angle == 0 {
			top[i] = true
		}
	})
	for _, w := range strings.Fields(strings.ToLower(val)) {
		if !strings.ContainsAny(w, ",;<>") {
			continue
		}
		for off := 0; ; {
			i := strings.Index(v[off:], w)
			if i < 0 {
				break
			}
			if top[off+i] {
				return true
			}
			off += i + 1
		}
	}
	return false
}

// sameWithout reports whether t's addresses for row stay what they are
// (list, or no list when failed) with the columns cols holding a plain
// name: the same addr-specs in the same order, or a failure both ways.
// Only for a row whose cols hold address syntax (rare: it renders the
// field again).
func (r *Renderer) sameWithout(t *templates.Template, row campaign.Row, cols []string, list []mailbox, failed bool) bool {
	plain := row
	plain.Values = maps.Clone(row.Values)
	for _, c := range cols {
		plain.Values[c] = "x"
	}
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
	campaign.WalkTop(v, func(_ int, c byte, _ int) {
		found = found || c == ',' || c == ';' || c == '<' || c == '>'
	})
	return found
}
