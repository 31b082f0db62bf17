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
	return fmt.Sprintf(`campaign: %s: takes a list, even of one item: write %s: [%s], or each item on a line of its own below it, starting with "- " (%s)`, key, key, value, msg)
}
