package render

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// b64Word is s as an RFC 2047 B encoded-word in UTF-8.
func b64Word(s string) string {
	return "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// TestEncodedNameInvisibleWarned: a display name from the sheet written
// as an encoded-word that decodes to a zero-width space or a direction
// mark gets the warning the same characters written plainly get, naming
// the column and the name decoded, from Render and Notes alike, in From
// (a name before the address in the template), in To and in a group's
// member; the encoded-word of a plain name gets none, nor one that the
// address function quotes in Reply-To, which no reader decodes.
func TestEncodedNameInvisibleWarned(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"from":     `"{{.name}} <team@example.com>"`,
		"to":       `"{{.who}}"`,
		"reply_to": `"{{address .quoted \"help@example.com\"}}"`,
	}), bodyFile, []string{"email", "name", "who", "quoted"})
	zwsp, lrm := b64Word("Ann\u200bLee"), b64Word("\u200eAnn")
	for _, tc := range []struct{ name, who, column, warning string }{
		{zwsp, "ann@example.com", "name", `holds an encoded-word (=?…?=) that decodes to the name "Ann\u200bLee", with a zero-width space, U+200B, at character 4: invisible`},
		{"Ann", lrm + " <ann@example.com>", "who", `decodes to the name "\u200eAnn", with a left-to-right mark, U+200E, at character 1 in text with no right-to-left letters`},
		{"Ann", "Team: " + zwsp + " <ann@example.com>;", "who", "a zero-width space, U+200B"},
		{"Ann\u200bLee", "ann@example.com", "name", "holds a zero-width space, U+200B, at character 4"}, // as written plainly
		{"=?utf-8?q?Ann_Lee?=", "=?utf-8?q?Ann_Lee?= <ann@example.com>", "", ""},
	} {
		r := row(2, "email", "ann@example.com", "name", tc.name, "who", tc.who, "quoted", b64Word("Help\u200bDesk"))
		m, err := e.r.Render(r)
		if err != nil {
			t.Errorf("%q %q: %v", tc.name, tc.who, err)
			continue
		}
		n, err := e.r.Notes(r)
		if err != nil {
			t.Errorf("%q %q: Notes: %v", tc.name, tc.who, err)
			continue
		}
		for _, w := range [][]string{m.Warnings, n.Warnings} {
			switch {
			case tc.warning == "" && len(w) > 0:
				t.Errorf("%q %q: warnings %q, want none", tc.name, tc.who, w)
			case tc.warning != "" && (len(w) != 1 || !strings.Contains(w[0], tc.warning) || !strings.Contains(w[0], `column "`+tc.column+`"`)):
				t.Errorf("%q %q: warnings %q, want one of column %q saying %q", tc.name, tc.who, w, tc.column, tc.warning)
			}
		}
	}
}

// TestEncodedNameLineBreakNamed: a display name whose encoded-word
// decodes to a line break is refused naming the name, not only the
// address, and saying it decodes to a line break, in the cell's column;
// one decoding to a tab names the character.
func TestEncodedNameLineBreakNamed(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.who}}"`}), bodyFile, []string{"email", "who"})
	for _, tc := range []struct{ who, want string }{
		{b64Word("Team\r\nBcc: evil@attacker.example") + " <team@example.com>", `its display name "Team\r\nBcc: evil@attacker.example" decodes to a line break`},
		{b64Word("Team\tA") + " <team@example.com>", `its display name "Team\tA" decodes to a control character, U+0009`},
	} {
		_, err := e.r.Render(row(2, "email", "team@example.com", "who", tc.who))
		if err == nil {
			t.Errorf("%q: no problem", tc.who)
			continue
		}
		if re := rowErr(t, err); re.Column != "who" || !errors.Is(err, campaign.ErrControlChar) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v (column %q), want column \"who\" saying %s", tc.who, err, re.Column, tc.want)
		}
	}
}
