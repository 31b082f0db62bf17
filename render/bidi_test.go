package render

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

// TestDirectionControls: an override from the sheet in a display name, a
// subject or an attachment's file name, and an embedding or isolate left
// open in a display name, are the row's problem naming the column and the
// character's position; an open one in a subject, a zero-width space, a
// joiner between Latin letters and a direction mark without right-to-left
// text are warnings; Persian and Hindi names with their joiners, Hebrew
// and Arabic with their marks, and isolates closed in the cell, are
// neither. What the template writes itself is the author's.
func TestDirectionControls(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"to":          `"{{address .name .email}}"`,
		"subject":     `"\u200fHello {{.company}}"`,
		"attachments": `["{{.file}}"]`,
	}), map[string]string{"body.txt": "Hi\n", "invoice\u202efdp.exe": "x", "a.txt": "x"}, []string{"email", "name", "company", "file"})
	type want struct{ column, problem, warning string }
	for _, tc := range []struct {
		name, company, file string
		want                want
	}{
		{"Ann \u202eevil", "Acme", "", want{column: "name", problem: "a right-to-left override, U+202E, at character 5: it shows the text after it reversed"}},
		{"Ann", "Acme \u202dx", "", want{column: "company", problem: "left-to-right override, U+202D, at character 6"}},
		{"Ann", "Acme", "invoice\u202efdp.exe", want{column: "file", problem: "right-to-left override, U+202E, at character 8"}},
		{"\u2067Ann", "Acme", "", want{column: "name", problem: "a right-to-left isolate, U+2067, at character 1, not closed in the cell: it turns the address shown beside the name around"}},
		{"Ann\u202c", "Acme", "", want{column: "name", problem: "pop directional formatting, U+202C, at character 4, not closed"}},
		{"Ann", "\u202bAcme", "", want{column: "company", warning: `column "company" (in subject) holds a right-to-left embedding, U+202B, at character 1, not closed in the cell`}},
		{"Ann\u200bSmith", "Acme", "", want{column: "name", warning: `column "name" (in to) holds a zero-width space, U+200B, at character 4: invisible`}},
		{"Ann", "Pay\u200dpal", "", want{column: "company", warning: "zero-width joiner, U+200D, at character 4 between Latin letters"}},
		{"\u200eAnn", "Acme", "", want{column: "name", warning: "left-to-right mark, U+200E, at character 1 in text with no right-to-left letters"}},
		{"Ann", "\ufeffAcme", "", want{column: "company", warning: "byte order mark), U+FEFF, at character 1"}},
		{"\u061cAnn", "Acme", "", want{column: "name", warning: "an Arabic letter mark, U+061C, at character 1 in text with no right-to-left letters"}},
		{"مریم\u200cخانی", "کتاب\u200cخانه", "", want{}}, // Persian, with its non-joiner
		{"क्\u200dष", "Acme", "", want{}},               // Devanagari, with a joiner
		{"👩\u200d💻 Ann", "Acme", "", want{}},            // an emoji sequence
		{"דוד\u200f כהן", "שלום\u200e ABC", "", want{}}, // Hebrew with its marks
		{"\u2067محمد علي\u2069", "\u2068Acme\u2069 شركة", "a.txt", want{}},
	} {
		m, err := e.r.Render(row(2, "email", "ann@example.com", "name", tc.name, "company", tc.company, "file", tc.file))
		switch {
		case tc.want.problem != "":
			if err == nil {
				t.Errorf("%q %q %q: no problem, want %q", tc.name, tc.company, tc.file, tc.want.problem)
				continue
			}
			if re := rowErr(t, err); re.Column != tc.want.column || !errors.Is(err, ErrDirectionControl) || !strings.Contains(err.Error(), tc.want.problem) {
				t.Errorf("%q %q %q: %v (column %q), want %q in column %q", tc.name, tc.company, tc.file, err, re.Column, tc.want.problem, tc.want.column)
			}
		case err != nil:
			t.Errorf("%q %q %q: %v", tc.name, tc.company, tc.file, err)
		case tc.want.warning == "" && len(m.Warnings) > 0:
			t.Errorf("%q %q: warnings %q, want none", tc.name, tc.company, m.Warnings)
		case tc.want.warning != "" && (len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], tc.want.warning) || !strings.Contains(m.Warnings[0], `"`+tc.want.column+`"`)):
			t.Errorf("%q %q: warnings %q, want one saying %q", tc.name, tc.company, m.Warnings, tc.want.warning)
		}
	}
}

// TestDirectionControlsKey: a key in no header (a member number) with an
// override or a zero-width space in it is a warning naming the key as it
// compares, since no recipient sees it and keys compare without those; a
// joiner between Latin letters, which keys keep, is told as such; a
// Hebrew key with its mark, and a key that is the address, are not
// judged so.
func TestDirectionControlsKey(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"recipients": "{path: people.csv, key: id}"}), bodyFile, []string{"id", "email"})
	for _, tc := range []struct{ id, warning string }{
		{"k1\u202efdp.exe", `column "id" (the key) holds a right-to-left override, U+202E, at character 3: it shows the text after it reversed, as a forged name or file name does; keys compare without it (tidings show finds the row by "k1fdp.exe"), but the report page shows the key as it is`},
		{"1042\u200b", `column "id" (the key) holds a zero-width space, U+200B, at character 5: invisible, the text is not what it shows (a search or a filter for it fails); keys compare without it (tidings show finds the row by "1042")`},
		{"Pay\u200dpal", `column "id" (the key) holds a zero-width joiner, U+200D, at character 4 between Latin letters, which never join: invisible, the text is not what it shows; the report page shows the key as it is`},
		{"\u05d3\u05d5\u05d3\u200f", ""},
		{"1042", ""},
	} {
		m, err := e.r.Render(row(2, "id", tc.id, "email", "ann@example.com"))
		if err != nil {
			t.Errorf("%q: %v", tc.id, err)
			continue
		}
		if got := strings.Join(m.Warnings, "\n"); tc.warning == "" && got != "" || tc.warning != "" && !strings.Contains(got, tc.warning) {
			t.Errorf("%q: warnings %q, want %q", tc.id, got, tc.warning)
		}
	}
}

// TestDirectionControlsEncodedWord: a display name from the sheet written
// as an RFC 2047 encoded-word, which mail readers decode, holding an
// override is refused as one written out is, in From (a name written
// before the address in the template), in To and in a group's member,
// naming the column; the encoded-word of a plain name still passes.
func TestDirectionControlsEncodedWord(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"from": `"{{.name}} <team@example.com>"`,
		"to":   `"{{.who}}"`,
	}), bodyFile, []string{"email", "name", "who"})
	rlo := "=?utf-8?b?" + base64.StdEncoding.EncodeToString([]byte("Ann \u202eevil")) + "?="
	plain := "=?utf-8?q?Ann_Lee?="
	for _, tc := range []struct{ name, who, column string }{
		{rlo, "ann@example.com", "name"},
		{"Ann", rlo + " <ann@example.com>", "who"},
		{"Ann", "Team: " + rlo + " <ann@example.com>;", "who"},
		{plain, plain + " <ann@example.com>", ""},
	} {
		_, err := e.r.Render(row(2, "email", "ann@example.com", "name", tc.name, "who", tc.who))
		switch {
		case tc.column == "" && err != nil:
			t.Errorf("%q %q: %v", tc.name, tc.who, err)
		case tc.column == "":
		case err == nil:
			t.Errorf("%q %q: no problem, want the override refused", tc.name, tc.who)
		case !errors.Is(err, ErrDirectionControl) || rowErr(t, err).Column != tc.column || !strings.Contains(err.Error(), "decodes to a right-to-left override, U+202E"):
			t.Errorf("%q %q: %v (column %q), want the override refused in column %q", tc.name, tc.who, err, rowErr(t, err).Column, tc.column)
		}
	}
}
