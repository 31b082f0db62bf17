package campaign

import (
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// typographicPairs are the opening and closing typographic quotes a word
// processor writes for '"' and '\” as it autocorrects them: English “…”
// and ‘…’, German „…“ and ‚…‘, Swedish ”…”.
var typographicPairs = [][2]string{{"“", "”"}, {"„", "“"}, {"”", "”"}, {"‘", "’"}, {"‚", "‘"}}

// quotedSettings are the settings a value in typographic quotes is looked
// for in: the headers, which would carry the quotes into every message.
var quotedSettings = []string{"from", "sender", "reply_to", "to", "cc", "bcc", "subject"}

// typographicQuotes is the FileError of the first of quotedSettings whose
// value in data is written without YAML quotes but wrapped in
// typographic ones (subject: “Your invoice”, as Word writes a quote):
// YAML reads them as text, so every message would show them, and an
// address would not parse. A value in YAML quotes ('“Sale”') keeps them
// on purpose. nil when there is none.
func typographicQuotes(file string, data []byte) error {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil
	}
	for _, setting := range quotedSettings {
		p, err := yaml.PathString("$." + setting)
		if err != nil {
			continue
		}
		n, err := p.FilterFile(f)
		if err != nil {
			continue
		}
		s, ok := n.(*ast.StringNode)
		if !ok || s.Token == nil || s.Token.Type != token.StringType {
			continue
		}
		if open, closing, ok := typographicallyQuoted(s.Value); ok {
			straight := `"` + strings.TrimSuffix(strings.TrimPrefix(s.Value, open), closing) + `"`
			if strings.Contains(s.Value, "{{") && strings.Contains(straight[1:len(straight)-1], `"`) {
				straight = "'" + strings.TrimSuffix(strings.TrimPrefix(s.Value, open), closing) + "'"
			}
			keep := ""
			if setting == "subject" {
				keep = fmt.Sprintf(" (to send the typographic ones, put the value in single quotes: '%s')", s.Value)
			}
			return &FileError{File: file, Line: s.Token.Position.Line, Column: s.Token.Position.Column,
				Err: fmt.Errorf("campaign: %s: the value is in typographic quotes (%s…%s), as a word processor writes them: YAML reads them as text, and every message would carry them; write straight quotes: %s: %s%s",
					setting, open, closing, setting, straight, keep)}
		}
	}
	return nil
}

// typographicallyQuoted reports whether v starts with a typographic
// opening quote and ends with its closing one, the two around it all,
// and which they are. Quotes of two quotations at its ends (“Moby Dick”
// and “Ulysses”, „Faust“ und „Hamlet“) are the text's own: the value
// holds the opening quote again, or a closing double quote; a closing
// single quote within is an apostrophe (‘Don’t miss it’).
func typographicallyQuoted(v string) (open, closing string, ok bool) {
	for _, q := range typographicPairs {
		if len(v) <= len(q[0])+len(q[1]) || !strings.HasPrefix(v, q[0]) || !strings.HasSuffix(v, q[1]) {
			continue
		}
		inner := v[len(q[0]) : len(v)-len(q[1])]
		if strings.Contains(inner, q[0]) || q[1] != "’" && strings.Contains(inner, q[1]) {
			continue
		}
		return q[0], q[1], true
	}
	return "", "", false
}
