package campaign

import (
	"bytes"
	"fmt"
	"strings"
)

// listHint is the problem of a setting written with one value where it
// takes a list (attachments: invoices/{{.no}}.pdf), msg being the YAML
// decoder's words for it at line of data: it names the setting and shows
// the value as a list. "" for another message, or a line it cannot read
// so (or one that may hold a secret, which is never echoed).
func listHint(data []byte, line int, msg string) string {
	if !strings.Contains(msg, "where sequence is expected") {
		return ""
	}
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimSpace(strings.TrimRight(string(lines[line-1]), "\r"))
	key, value, ok := strings.Cut(strings.TrimPrefix(l, "- "), ":")
	value = strings.TrimSpace(value)
	if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	if !ok || value == "" || strings.ContainsAny(key, " \"'{[") || secretLine(l) {
		return ""
	}
	return fmt.Sprintf(`campaign: %s: takes a list, even of one item: write %s: [%s], or each item on a line of its own below it, starting with "- " (%s)`, key, key, flowItem(value), msg)
}

// flowItem is value, one item of a list, as it must be written inside
// the list's brackets: in single quotes (each ' doubled, each \ kept as
// written) when it is in no quotes and holds a character YAML reads
// otherwise there (Invoices/{{.no}}.pdf, whose { starts a mapping; a
// comma, which ends the item); as it is when it needs none.
func flowItem(value string) string {
	if strings.HasPrefix(value, `"`) || strings.HasPrefix(value, "'") ||
		!strings.ContainsAny(value, "{}[],#") && !strings.ContainsAny(value[:1], "!&*?|>%@`") {
		return value
	}
	return "'" + strings.ReplaceAll(value, "'", "''") + "'"
}

// flowTemplate says, for a YAML error at line (1-based) of data, that a
// list written in brackets there has an item in no quotes with {{ in it
// (attachments: [invoices/{{.no}}.pdf]), which YAML reads as the start
// of a mapping ("',' or ']' must be specified"), and how to write the
// line with each such item in single quotes; "" when the line holds no
// such list, or may hold a password.
func flowTemplate(data []byte, line int) string {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimRight(string(lines[line-1]), "\r")
	key, value, ok := strings.Cut(strings.TrimSpace(l), ":")
	value, comment := strings.TrimSpace(value), ""
	if i := strings.Index(value, " #"); i >= 0 {
		value, comment = strings.TrimRight(value[:i], " \t"), "  "+value[i+1:]
	}
	inner, closed := strings.CutSuffix(value, "]")
	inner, opened := strings.CutPrefix(inner, "[")
	if !ok || !opened || !closed || strings.ContainsAny(key, " \"'{[") || secretLine(l) {
		return ""
	}
	items, quoted := flowItems(inner), false
	for i, item := range items {
		if strings.Contains(item, "{{") && flowItem(item) != item {
			items[i], quoted = flowItem(item), true
		}
	}
	if !quoted {
		return ""
	}
	return "an item with {{ inside [ ] must be in quotes, or YAML reads the { as the start of a mapping: " +
		key + ": [" + strings.Join(items, ", ") + "]" + comment
}

// flowItems splits inner, the text between a list's brackets, at each
// comma outside quotes and {{ }}; each item trimmed of spaces. A quote
// opens a quoted item only where the item starts, as in YAML: the ' of
// Kunde's terms.pdf is a letter of it.
func flowItems(inner string) []string {
	var items []string
	var quote byte
	depth, start := 0, 0
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case (c == '"' || c == '\'') && strings.TrimSpace(inner[start:i]) == "":
			quote = c
		case strings.HasPrefix(inner[i:], "{{"):
			depth, i = depth+1, i+1
		case strings.HasPrefix(inner[i:], "}}") && depth > 0:
			depth, i = depth-1, i+1
		case c == ',' && depth == 0:
			items, start = append(items, strings.TrimSpace(inner[start:i])), i+1
		}
	}
	return append(items, strings.TrimSpace(inner[start:]))
}
