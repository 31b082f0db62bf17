package campaign

import (
	"fmt"
	"path/filepath"

	"github.com/goccy/go-yaml"
)

// ParseNamedFiles is what OwnFiles would list of the campaign file at
// path, read from its contents (data) alone, for one that does not load
// (a setting misspelled, a value wrong, a body missing): the files and
// folders it names are its own all the same (its sheet holds every
// recipient's address). ok is false when the file is no campaign: not a
// YAML mapping with a top-level recipients:. Relative paths resolve
// against the file's folder, as Load's do.
func ParseNamedFiles(data []byte, path string) (own []OwnFile, ok bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, false
	}
	data, _, err = UTF8Text(data) // a byte order mark, UTF-16
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if yaml.Unmarshal(data, &m) != nil {
		return nil, false
	}
	if _, ok := m["recipients"]; !ok {
		return nil, false
	}
	c := &Campaign{File: abs, Dir: filepath.Dir(abs), Name: text(m["name"])}
	c.Recipients.Path = c.Path(text(field(m["recipients"], "path")))
	c.Suppress = c.Path(text(m["suppress"]))
	c.SMTP.CAFile = c.Path(text(field(m["smtp"], "ca_file")))
	c.Mailbox.CAFile = c.Path(text(field(m["mailbox"], "ca_file")))
	c.StateDir = c.Path(text(m["state_dir"]))
	if c.StateDir == "" {
		c.StateDir = filepath.Join(c.Dir, ".tidings", c.Name)
	}
	keys := []any{m["dkim"]}
	if list, isList := m["dkim"].([]any); isList {
		keys = list
	}
	for _, k := range keys {
		if f := text(field(k, "key_file")); f != "" {
			c.DKIM = append(c.DKIM, DKIM{KeyFile: c.Path(f)})
		}
	}
	return c.OwnFiles(), true
}

// field is the value of key in v when v is a mapping; nil otherwise.
func field(v any, key string) any {
	if m, ok := v.(map[string]any); ok {
		return m[key]
	}
	return nil
}

// text is v written as text when it is a scalar; "" for nothing, a
// mapping or a list.
func text(v any) string {
	switch v.(type) {
	case nil, map[string]any, []any:
		return ""
	}
	return fmt.Sprint(v)
}
