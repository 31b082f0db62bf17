package campaign

import "strings"

// ToIsList reports whether the to: template of c visibly writes several
// addresses: a ',' or ';' with an address on either side, outside its
// template actions, quoted strings, comments and angle brackets
// ("{{.email}}, parent@example.com", "{{.mother}}; {{.father}}"). A list
// that a value or a function makes is not seen here: render tells such a
// row when it makes it.
func (c *Campaign) ToIsList() bool {
	return listsAddresses(withoutActions(c.To))
}

// withoutActions returns tmpl, a template's text, with each action
// ({{…}}) written as "x", an address or part of one as far as the list's
// shape goes; an unclosed action is left as it is.
func withoutActions(tmpl string) string {
	var b strings.Builder
	for {
		i := strings.Index(tmpl, "{{")
		if i < 0 {
			break
		}
		j := strings.Index(tmpl[i+2:], "}}")
		if j < 0 {
			break
		}
		b.WriteString(tmpl[:i])
		b.WriteByte('x')
		tmpl = tmpl[i+2+j+2:]
	}
	b.WriteString(tmpl)
	return b.String()
}

// listsAddresses reports whether list, an address list (RFC 5322 3.4, with
// ';' separating as ',' does), has more than one address: separators
// outside quoted-strings, comments and angle brackets (WalkTop) with
// something on either side.
func listsAddresses(list string) bool {
	n, seen := 0, false
	WalkTop(list, func(_ int, c byte, angle int) {
		switch {
		case angle > 0:
		case c == ',' || c == ';':
			if seen {
				n++
			}
			seen = false
		case c != ' ' && c != '\t':
			seen = true
		}
	})
	if seen {
		n++
	}
	return n > 1
}
