package render

import (
	"strings"
	"testing"
)

// TestUnsubscribeLinkInBodies holds each body of a message to a link to
// the row's own List-Unsubscribe target: its URL as the header has it
// (character references and html/template's percent-encoding read), or
// the mailto's address for a row whose header has no URL; a link to
// another page is none.
func TestUnsubscribeLinkInBodies(t *testing.T) {
	const urlYAML = `name: n
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "News"
%BODIES%
recipients: {path: people.csv, key: email}
unsubscribe: {url: "https://acme.example/u?id={{.id | urlquery}}&list=news", mailto: "unsubscribe@acme.example", one_click: true}
`
	const mailtoYAML = `name: n
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "News"
%BODIES%
recipients: {path: people.csv, key: email}
unsubscribe: {mailto: "mailto:unsubscribe@acme.example?subject=unsubscribe"}
`
	const both = "text: body.txt\nhtml: body.html"
	const link = `<p><a href="https://acme.example/u?id={{.id}}&list=news">Unsubscribe</a></p>`
	const textLink = "Unsubscribe: https://acme.example/u?id={{.id | urlquery}}&list=news\n"
	for _, tc := range []struct {
		name, yaml, bodies, html, text, md, id string
		want                                   Bodies
		mailto                                 bool
	}{
		{name: "both link", yaml: urlYAML, bodies: both, html: link, text: textLink},
		{name: "a value html/template percent-encodes", yaml: urlYAML, bodies: both, html: link, text: textLink, id: "a+b c"},
		{name: "entity-written href", yaml: urlYAML, bodies: "html: body.html", html: `<a href="https://acme.example/u?id={{.id}}&#38;list=news">x</a>`},
		{name: "html lacks it", yaml: urlYAML, bodies: both, html: `<p>Bye</p>`, text: textLink, want: BodyHTML},
		{name: "text lacks it", yaml: urlYAML, bodies: both, html: link, text: "Bye\n", want: BodyText},
		{name: "neither", yaml: urlYAML, bodies: both, html: `<p>Bye</p>`, text: "Bye\n", want: BodyHTML | BodyText},
		{name: "URL as text in the HTML, no link", yaml: urlYAML, bodies: "html: body.html", html: `<p>https://acme.example/u?id={{.id}}&amp;list=news</p>`, want: BodyHTML},
		{name: "scheme and host in another case", yaml: urlYAML, bodies: "html: body.html", html: `<a href="HTTPS://Acme.EXAMPLE/u?id={{.id}}&list=news">x</a>`},
		{name: "path in another case", yaml: urlYAML, bodies: "html: body.html", html: `<a href="https://acme.example/U?id={{.id}}&list=news">x</a>`, want: BodyHTML},
		{name: "another host", yaml: urlYAML, bodies: "html: body.html", html: `<a href="https://acme.exampl/u?id={{.id}}&list=news">x</a>`, want: BodyHTML},
		{name: "another page", yaml: urlYAML, bodies: "html: body.html", html: `<a href="https://acme.example/preferences?id={{.id}}">Preferences</a>`, want: BodyHTML},
		{name: "another row's link", yaml: urlYAML, bodies: "html: body.html", html: `<a href="https://acme.example/u?id=7&amp;list=news">x</a>`, want: BodyHTML},
		{name: "mailto links", yaml: mailtoYAML, bodies: both, html: `<a href="mailto:Unsubscribe@acme.example?subject=stop">Unsubscribe</a>`, text: "Write to unsubscribe@acme.example\n", mailto: true},
		{name: "mailto address in another case", yaml: mailtoYAML, bodies: "text: body.txt", text: "Write to Unsubscribe@ACME.example\n", mailto: true},
		{name: "another address in the text", yaml: mailtoYAML, bodies: "text: body.txt", text: "Write to unsubscribe@acme.exampl\n", want: BodyText, mailto: true},
		{name: "mailto missing", yaml: mailtoYAML, bodies: both, html: `<a href="https://acme.example/">Home</a>`, text: "Write to unsubscribe@acme.example\n", want: BodyHTML, mailto: true},
		{name: "markdown links", yaml: urlYAML, bodies: "markdown: body.md", md: "Hi\n\n[Unsubscribe](https://acme.example/u?id={{.id}}&list=news)\n"},
		{name: "markdown lacks it", yaml: urlYAML, bodies: "markdown: body.md", md: "Hi\n\n[Home](https://acme.example/)\n", want: BodyHTML | BodyText},
		{name: "transactional", yaml: strings.Replace(urlYAML, `{url: "https://acme.example/u?id={{.id | urlquery}}&list=news", mailto: "unsubscribe@acme.example", one_click: true}`, "{transactional: true}", 1), bodies: both, html: `<p>Receipt</p>`, text: "Receipt\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{"body.html": tc.html, "body.txt": tc.text, "body.md": tc.md}
			e := setup(t, strings.Replace(tc.yaml, "%BODIES%", tc.bodies, 1), files, []string{"email", "id"})
			id := tc.id
			if id == "" {
				id = "m-17"
			}
			m, err := e.r.Render(row(2, "email", "ann@example.com", "id", id))
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == 0 {
				if m.Unlinked != nil {
					t.Errorf("Unlinked %+v, want none", *m.Unlinked)
				}
				return
			}
			if m.Unlinked == nil || m.Unlinked.Bodies != tc.want || m.Unlinked.Mailto != tc.mailto {
				t.Fatalf("Unlinked %+v, want bodies %d, mailto %v", m.Unlinked, tc.want, tc.mailto)
			}
			if e.r.UnlinkedNote(m.Unlinked.Code()) != m.Unlinked {
				t.Errorf("UnlinkedNote(%d) is not the message's note", m.Unlinked.Code())
			}
			want := `<a href="https://acme.example/u?id={{.id | urlquery}}&list=news">Unsubscribe</a>`
			if tc.mailto {
				want = `<a href="mailto:unsubscribe@acme.example?subject=unsubscribe">Unsubscribe</a>`
			}
			if tc.want&BodyHTML != 0 && !strings.Contains(m.Unlinked.Text, want) {
				t.Errorf("note %q does not say to write %s", m.Unlinked.Text, want)
			}
			m.Unsent()
			if m.Unlinked != nil {
				t.Error("Unsent kept Unlinked")
			}
		})
	}
}

// TestUnsubscribeLinkInText finds the target anywhere in a text body,
// at its first and last bytes too, and not its beginning alone.
func TestUnsubscribeLinkInText(t *testing.T) {
	l := unsubLink{target: "https://a.example/u?id=7"}
	for text, want := range map[string]bool{
		"https://a.example/u?id=7":        true,
		"x https://a.example/u?id=7":      true,
		"https://a.example/u?id=7 x":      true,
		"https://a.example/u?id=":         false,
		"hhttps://a.example/u?id=8, h":    false,
		"":                                false,
		"https://a.example/u?id=7\r\nBye": true,
	} {
		if got := l.inText([]byte(text)); got != want {
			t.Errorf("inText(%q) = %v, want %v", text, got, want)
		}
	}
}
