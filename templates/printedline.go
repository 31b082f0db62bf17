package templates

import "strings"

// besideText reports whether the action at pos of src (a node's Pos: inside
// its {{…}}) shares its source line with text a reader sees: anything but
// white space outside the line's {{…}} actions, and in an HTML template
// outside its <…> tags too. "Dear {{.name}}," is beside text; a
// {{.note}} or <p>{{.note}}</p> line of its own is not: a blank there
// leaves an empty line or element, not a hole in a sentence.
func besideText(src string, pos int, html bool) bool {
	if pos < 0 || pos > len(src) {
		return true // not known: as if beside text
	}
	start := strings.LastIndexByte(src[:pos], '\n') + 1
	end := strings.IndexByte(src[pos:], '\n')
	if end < 0 {
		end = len(src)
	} else {
		end += pos
	}
	text := cutBetween(src[start:end], "{{", "}}")
	if html {
		text = cutBetween(text, "<", ">")
	}
	return strings.TrimSpace(text) != ""
}

// inTag reports whether the action at pos of the HTML source src stands
// within a tag (<a title="{{.name}}">, or an attribute on a line of its
// own of a tag written over several: <img⏎  alt="{{.name}}">): an
// attribute's value, which a reader does not read as the message's text.
// The nearest < or > before it, other actions skipped, tells.
func inTag(src string, pos int) bool {
	if pos < 0 || pos > len(src) {
		return false
	}
	before := src[:pos]
	if i := strings.LastIndex(before, "{{"); i >= 0 {
		before = before[:i]
	}
	for {
		j := strings.LastIndexAny(before, "<>}")
		if j < 0 {
			return false
		}
		switch {
		case before[j] == '<':
			return true
		case before[j] == '>':
			return false
		case j > 0 && before[j-1] == '}':
			if k := strings.LastIndex(before[:j-1], "{{"); k >= 0 {
				before = before[:k] // an action before it: {{if .x}}
				continue
			}
		}
		before = before[:j]
	}
}

// cutBetween is s without the spans from each open to the next close
// after it (the rest of s when there is none).
func cutBetween(s, open, close string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, open)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+len(open):], close)
		if j < 0 {
			return b.String()
		}
		s = s[i+len(open)+j+len(close):]
	}
}
