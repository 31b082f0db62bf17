package render

import (
	"reflect"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// TestSendingSettingsShapeNoMessage: a campaign's smtp:, send: and
// mailbox: sections, every field set (one added later too), make no byte
// of a message nor any of what Render says of it: what
// campaign.Campaign.MessagesDigest, which leaves them out, and the spool
// reused by it rely on.
func TestSendingSettingsShapeNoMessage(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"to":          `'{{.name}} <{{.email}}>'`,
		"subject":     `"Hello {{.name}}"`,
		"html":        "body.html",
		"headers":     "{X-Campaign: spring}",
		"list_id":     `"News <news.acme.example>"`,
		"unsubscribe": "{mailto: leave@acme.example}",
	}), map[string]string{"body.txt": "Hi {{.name}}\n", "body.html": "<p>Hi {{.name}}</p>\n"}, []string{"email", "name"})
	rows := []campaign.Row{
		row(2, "email", "ann@example.com", "name", "Ann"),
		row(3, "email", "jöran@exämple.se", "name", "Jöran"), // SMTPUTF8, an IDN domain
		row(4, "email", "not an address", "name", "Nobody"),  // a row problem
	}
	want := renderAll(e.r, rows)
	if want[0].err != "" || want[1].m == nil || !want[1].m.UTF8 || want[2].err == "" {
		t.Fatalf("the rows are not a message, one needing SMTPUTF8 and a problem: %+v", want)
	}
	c := *e.c
	for _, section := range []any{&c.SMTP, &c.Send, &c.Mailbox} {
		fill(reflect.ValueOf(section).Elem())
	}
	set, err := templates.Compile(&c, []string{"email", "name"})
	if err != nil {
		t.Fatal(err)
	}
	rr, err := New(&c, set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary})
	if err != nil {
		t.Fatal(err)
	}
	for i, got := range renderAll(rr, rows) {
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("row %d with smtp:, send: and mailbox: set:\n%+v\nnot\n%+v", rows[i].Number, got, want[i])
		}
	}
}

// renderOutcome is what Render returned for a row: the message, or the error's text.
type renderOutcome struct {
	m   *Message
	err string
}

// renderAll renders each row with r.
func renderAll(r *Renderer, rows []campaign.Row) []renderOutcome {
	out := make([]renderOutcome, len(rows))
	for i, row := range rows {
		m, err := r.Render(row)
		out[i].m = m
		if err != nil {
			out[i].err = err.Error()
		}
	}
	return out
}

// fill sets every settable field of v, recursively, to a value that is
// not its zero: a string "x9.example", a number 9, true, a pointer to
// such a value, a slice or map of one.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x9.example")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(9)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(9)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(9)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Map:
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k)
		fill(e)
		v.Set(reflect.MakeMap(v.Type()))
		v.SetMapIndex(k, e)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				fill(v.Field(i))
			}
		}
	}
}
