package campaign

import (
	"bytes"
	"regexp"
	"strings"
)

// quotedTemplate says, for a YAML error at line (1-based) of data, that
// a double-quoted value there ends early at a " inside a template action
// (subject: "Due {{date "long" .d}}", which goccy/go-yaml reports as
// "value is not allowed in this context"), and how to write the line
// with the value in single quotes; "" when the line holds no such value.
// A line that may hold a password is never quoted back.
func quotedTemplate(data []byte, line int) string {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimRight(string(lines[line-1]), "\r")
	open := quoteInsideAction(l)
	if open < 0 {
		return ""
	}
	if secretLine(l) || strings.TrimSpace(l[:open]) == "" && secretLine(previousLine(lines, line)) {
		return "" // the value on a line of its own belongs to the key above
	}
	const msg = `a value in double quotes ends at the first " inside {{ }}: put it in single quotes, where " needs no escape (a ' in it is written '')`
	end := closingQuote(l, open)
	if end < 0 {
		return msg + `: subject: 'Due {{date "long" .d}}'`
	}
	return msg + ": " + strings.TrimLeft(l[:open], " \t") + "'" + strings.ReplaceAll(l[open+1:end], "'", "''") + "'" + l[end+1:]
}

// secretLine reports whether line l may name a password or a secret.
func secretLine(l string) bool {
	low := strings.ToLower(l)
	return strings.Contains(low, "pass") || strings.Contains(low, "secret") || strings.Contains(low, "pwd")
}

// previousLine is the last line before line (1-based) of lines that is
// not blank, "" when there is none.
func previousLine(lines [][]byte, line int) string {
	for i := line - 2; i >= 0; i-- {
		if l := strings.TrimSpace(string(lines[i])); l != "" {
			return l
		}
	}
	return ""
}

// quoteInsideAction is the index in l of a double quote that opens a
// YAML value (after "key:", "- ", or in a flow collection) whose first
// closing quote stands inside a {{ }} action, or -1.
func quoteInsideAction(l string) int {
	for i := 0; i < len(l); i++ {
		if l[i] != '"' || !opensValue(l[:i]) {
			continue
		}
		j := i + 1
		for j < len(l) && (l[j] != '"' || l[j-1] == '\\') {
			j++
		}
		if j == len(l) {
			return -1
		}
		inner := l[i+1 : j]
		if k := strings.LastIndex(inner, "{{"); k >= 0 && !strings.Contains(inner[k:], "}}") {
			return i
		}
		i = j
	}
	return -1
}

// closingQuote is the index of the double quote that was meant to close
// the value opened at open in l: the first one after it outside {{ }}
// actions; -1 when there is none.
func closingQuote(l string, open int) int {
	inAction := false
	for j := open + 1; j < len(l); j++ {
		switch {
		case strings.HasPrefix(l[j:], "{{"):
			inAction = true
			j++
		case strings.HasPrefix(l[j:], "}}"):
			inAction = false
			j++
		case l[j] == '"' && !inAction && l[j-1] != '\\':
			return j
		}
	}
	return -1
}

// opensValue reports whether a double quote after before opens a YAML
// value: before ends, spaces aside, with ':', '-', '{', '[' or ',', or
// is blank.
func opensValue(before string) bool {
	b := strings.TrimRight(before, " \t")
	return b == "" || strings.ContainsRune(":-{[,", rune(b[len(b)-1]))
}

// tabIndented reports whether line (1-based) of data starts with white
// space holding a tab, which YAML does not take as indentation (as
// Notepad and some editors indent).
func tabIndented(data []byte, line int) bool {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return false
	}
	l := lines[line-1]
	indent := l[:len(l)-len(bytes.TrimLeft(l, " \t"))]
	return bytes.IndexByte(indent, '\t') >= 0
}

// escapeHint is what to write for a YAML error at line (1-based) of data
// about an unknown escape in a double-quoted value: a \ there starts an
// escape, and a Windows path ("invoices\{{.nr}}.pdf") has its folders
// separated by it. The line is shown with / for each such \, unless it
// may hold a password.
func escapeHint(data []byte, line int) string {
	const msg = `in double quotes a \ starts an escape (\n is a line break): a path is written with / between folders, and a \ to keep goes in single quotes ('a\b')`
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return msg
	}
	l := strings.TrimSpace(strings.TrimRight(string(lines[line-1]), "\r"))
	if secretLine(l) || !strings.Contains(l, `\`) {
		return msg
	}
	return msg + ": " + escapedSlashRE.ReplaceAllString(l, "/$1")
}

// escapedSlashRE finds a backslash that is no \" or \\ escape.
var escapedSlashRE = regexp.MustCompile(`\\([^"\\]|$)`)

// unquotedTemplate says, for a YAML error at line (1-based) of data, that
// the value there starts with {{ and is in no quotes (subject: {{.name}},
// your news, as a mailmerge template writes it), which YAML reads as a
// mapping ("could not find flow map content"), and how to write the line
// with the value in single quotes; "" when the line holds no such value.
// A line that may hold a password is never quoted back.
func unquotedTemplate(data []byte, line int) string {
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimRight(string(lines[line-1]), "\r")
	rest := strings.TrimLeft(l, " \t")
	head, value := "", rest
	if v, ok := strings.CutPrefix(rest, "- "); ok {
		head, value = "- ", v
	} else if k, v, ok := strings.Cut(rest, ":"); ok {
		head, value = k+": ", v
	}
	value = strings.TrimSpace(value)
	if !strings.HasPrefix(value, "{{") || secretLine(l) {
		return ""
	}
	comment := ""
	if i := strings.Index(value, " #"); i >= 0 {
		value, comment = strings.TrimRight(value[:i], " \t"), "  "+value[i+1:]
	}
	return "a value that starts with {{ must be in quotes, or YAML reads the { as the start of a mapping: " + head + "'" + strings.ReplaceAll(value, "'", "''") + "'" + comment
}
