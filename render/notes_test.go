package render

import (
	"slices"
	"strings"
	"testing"
)

// TestNotesAsRender: Notes gives of a row what Render does besides the
// message (Row, Key, Recipients, Warnings in order, SharedUnsubscribe,
// Blank): a key with a zero-width space, a dotless Cc, a long, an empty
// or a disguised subject, a To of two with one-click unsubscribe, a blank
// name the body prints; and no Data.
func TestNotesAsRender(t *testing.T) {
	yaml := `name: n
from: "Acme <news@acme.example>"
to: "{{.email}}"
cc: "{{.cc}}"
subject: "{{.subj}}"
text: body.txt
recipients: {path: people.csv, key: id}
unsubscribe: {url: "https://acme.example/u?id={{.id}}", one_click: true}
`
	e := setup(t, yaml, map[string]string{"body.txt": "Dear {{.name}},\nnews.\n"}, []string{"id", "email", "cc", "subj", "name"})
	rows := [][]string{
		{"1", "anna@example.de", "buch@firma", "Hi", "Anna"},
		{"2", "bo@example.de", "", strings.Repeat("long ", 50), "Bo"},
		{"3", "cy@example.de, dee@example.de", "", "", "Cy"},
		{"4\u200b", "ed@example.de", "", "H\u200bi", ""},
	}
	for _, v := range rows {
		r := row(2, "id", v[0], "email", v[1], "cc", v[2], "subj", v[3], "name", v[4])
		want, err := e.r.Render(r)
		if err != nil {
			t.Fatalf("row %q: %v", v, err)
		}
		got, err := e.r.Notes(r)
		if err != nil || got.Data != nil || got.Row != want.Row || got.Key != want.Key ||
			!slices.Equal(got.Recipients, want.Recipients) || !slices.Equal(got.Warnings, want.Warnings) ||
			got.SharedUnsubscribe != want.SharedUnsubscribe || !slices.Equal(got.Blank, want.Blank) {
			t.Errorf("row %q: Notes %+v, %v\nwant as Render %+v", v, got, err, want)
		}
		if len(want.Warnings)+want.SharedUnsubscribe+len(want.Blank) == 0 {
			t.Errorf("row %q: Render gives no note to compare", v)
		}
	}
}
