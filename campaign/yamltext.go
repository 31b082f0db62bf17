package campaign

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// notTextRE is goccy/go-yaml's message for a list or a mapping decoded
// into a text setting. It names Go's types and the struct field, not the
// setting: "Campaign.Recipients" for recipients.key.
var notTextRE = regexp.MustCompile(`^cannot unmarshal (\[\]interface \{\}|map\[string\]interface \{\}) into Go struct field \S+ of type string$`)

// textHint is the problem of a list or a mapping written where a setting
// takes text (subject: [Acme], reply_to: {a: b}, only_blank: [[Paid]]),
// msg being the YAML decoder's words for it at line and col of data: it
// names the setting as the file writes it and says how to write the
// value as text. "" for another message, or a line it cannot read so. A
// line that may hold a secret is never quoted back.
func textHint(data []byte, line, col int, msg string) string {
	m := notTextRE.FindStringSubmatch(msg)
	lines := bytes.Split(data, []byte("\n"))
	if m == nil || line < 1 || line > len(lines) {
		return ""
	}
	what, opens, marks := "a list", "[ ]", "brackets"
	if strings.HasPrefix(m[1], "map") {
		what, opens, marks = "a mapping", "{ }", "braces"
	}
	l := strings.TrimRight(string(lines[line-1]), "\r")
	indent := len(l) - len(strings.TrimLeft(l, " "))
	rest := strings.TrimSpace(l)
	if item, ok := strings.CutPrefix(rest, "- "); ok && strings.Contains(item, ":") {
		rest, indent = item, indent+2 // a key of a list's item: dkim's selector
	} else if ok || rest == "-" {
		// An item of a list written below a text setting's key.
		path := settingPath(lines, line, indent, "")
		if path == "" {
			return ""
		}
		return fmt.Sprintf(`campaign: %s: takes text, not a list of lines starting with "- ": write the value after %s: on its own line`, path, lastKey(path))
	}
	key, value, ok := strings.Cut(rest, ":")
	if !ok || strings.ContainsAny(key, " \"'{[") {
		return ""
	}
	value = strings.TrimSpace(value)
	if i := strings.Index(value, " #"); i >= 0 {
		value = strings.TrimSpace(value[:i])
	}
	path := settingPath(lines, line, indent, key)
	if path == "" {
		return ""
	}
	valueCol := strings.Index(l, value) + 1
	if col > valueCol && valueCol > 0 {
		// The setting takes a list; one of its items is the list or
		// mapping (only_blank: [[Paid]]).
		return fmt.Sprintf("campaign: %s: each item is text, and YAML reads an item in %s as %s: leave the %s out, or put the item in quotes to keep them", path, opens, what, marks)
	}
	words := fmt.Sprintf("campaign: %s: takes text, and YAML reads a value in %s as %s: to keep the %s, put the value in quotes", path, opens, what, marks)
	if secretLine(l) || value == "" {
		return words + "; else leave them out"
	}
	return words + ": " + key + ": '" + strings.ReplaceAll(value, "'", "''") + "'; else leave them out"
}

// bracketHint is the problem of a value of a text setting that starts
// with [ or { and goes on past its closing bracket (subject: [Acme]
// November news), which goccy/go-yaml reports at line of data as "value
// is not allowed in this context" (or, with an apostrophe after it, as a
// single-quoted text without its end): it says how to write the line
// with the value in quotes. "" for textHint's msg, when the line holds no
// such value, the setting is not text (attachments: [a.pdf] b.pdf is a
// list cut short), or the line may hold a secret. unquotedTemplate tells
// a value that starts with {{.
func bracketHint(data []byte, line int, msg string) string {
	lines := bytes.Split(data, []byte("\n"))
	if notTextRE.MatchString(msg) || line < 1 || line > len(lines) {
		return ""
	}
	l := strings.TrimRight(string(lines[line-1]), "\r")
	rest := strings.TrimSpace(l)
	key, value, ok := strings.Cut(rest, ":")
	value = strings.TrimSpace(value)
	if !ok || strings.ContainsAny(key, " \"'{[") || secretLine(l) ||
		!(strings.HasPrefix(value, "[") || strings.HasPrefix(value, "{")) || strings.HasPrefix(value, "{{") {
		return ""
	}
	indent := len(l) - len(strings.TrimLeft(l, " "))
	if !textSetting(settingPath(lines, line, indent, key)) {
		return ""
	}
	comment := ""
	if i := strings.Index(value, " #"); i >= 0 {
		value, comment = strings.TrimRight(value[:i], " \t"), "  "+value[i+1:]
	}
	what := "a list"
	if value[0] == '{' {
		what = "a mapping"
	}
	return fmt.Sprintf("a value that starts with %c must be in quotes, or YAML reads the %c as the start of %s: %s: '%s'%s",
		value[0], value[0], what, key, strings.ReplaceAll(value, "'", "''"), comment)
}

// settingPath is the dotted path of the setting at line (1-based) of
// lines, whose key stands indent spaces in, named key there ("" for a
// list item, which belongs to the key above it): the keys of the lines
// above it that hold it, outermost first ("recipients.key",
// "dkim.selector"). "" when a line above cannot be read so.
func settingPath(lines [][]byte, line, indent int, key string) string {
	var path []string
	below := indent // a key that holds it stands less indented
	if key == "" {
		below = indent + 1 // a list's items may stand at its key's indentation
	} else {
		path = []string{key}
	}
	for i := line - 2; i >= 0 && below > 0; i-- {
		l := strings.TrimRight(string(lines[i]), "\r")
		t := strings.TrimSpace(l)
		in := len(l) - len(strings.TrimLeft(l, " "))
		if item, ok := strings.CutPrefix(t, "- "); ok && strings.Contains(item, ":") && in+2 == below {
			below = in + 1 // a key before it in the same list item: on to the list's key
			continue
		}
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, "-") || in >= below {
			continue
		}
		k, _, ok := strings.Cut(t, ":")
		k = unquoteKey(k)
		if !ok || strings.ContainsAny(k, " \"'{[") {
			return ""
		}
		path = append([]string{k}, path...)
		below = in
	}
	return strings.Join(path, ".")
}

// unquoteKey is k, a key as a line writes it, without the quotes YAML
// allows around it ("recipients", 'smtp'), when it holds none inside.
func unquoteKey(k string) string {
	for _, q := range []string{`"`, "'"} {
		if len(k) > 2 && strings.HasPrefix(k, q) && strings.HasSuffix(k, q) && !strings.ContainsAny(k[1:len(k)-1], `"'`) {
			return k[1 : len(k)-1]
		}
	}
	return k
}

// lastKey is the last key of the dotted path.
func lastKey(path string) string {
	return path[strings.LastIndex(path, ".")+1:]
}

// textSetting reports whether the setting at the dotted path is one
// Campaign decodes as text, by its yaml tags (a list's items are its
// element's settings: dkim.selector).
func textSetting(path string) bool {
	t := reflect.TypeFor[Campaign]()
	for _, key := range strings.Split(path, ".") {
		for t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return false
		}
		f, ok := fieldTagged(t, key)
		if !ok {
			return false
		}
		t = f.Type
	}
	return t.Kind() == reflect.String
}

// fieldTagged is t's field whose yaml tag names key.
func fieldTagged(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
