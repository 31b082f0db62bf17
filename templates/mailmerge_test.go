package templates

import (
	"errors"
	"strings"
	"testing"
)

// TestMailmergeHeaders: a body that starts with mailmerge's header lines
// is an error naming the campaign keys to move them to; prose that starts
// with one such line, or a memo without an address, is not.
func TestMailmergeHeaders(t *testing.T) {
	for _, tt := range []struct {
		body string
		want string // "" for no error
	}{
		{"TO: {{email}}\nSUBJECT: Testing mailmerge\nFROM: My Self <myself@mydomain.com>\n\nHi, {{.name}}\n",
			`body.txt:1: templates: text: the body starts with header lines, as a mailmerge template does, which tidings would send as text: move them to the campaign file (to: "{{.email}}", subject: "Testing mailmerge", from: "My Self <myself@mydomain.com>") and delete them, and the blank line after them, from the body`},
		{"\ufeffto: {{.email}}\r\nReply-To: help@acme.example\r\nContent-Type: text/plain\r\n\r\nHi\r\n", `(to: "{{.email}}", reply_to: "help@acme.example")`},
		{"TO: {{.email}}\nSubject: Invoice\nATTACHMENT: a.pdf\nAttachment: {{.name}}.pdf\n\nHi\n", `(to: "{{.email}}", subject: "Invoice", attachments: ["a.pdf", "{{.name}}.pdf"])`},
		{"TO: {{.email}}\n\nHi\n", `move them to the campaign file (to: "{{.email}}")`},
		// A Content-Type of another kind than the setting says which
		// setting names the file (mailmerge renders text/markdown to
		// HTML): rev-user15's Markdown body was told only text:.
		{"TO: {{email}}\nSUBJECT: Hi\nMIME-Version: 1.0\nContent-Type: text/markdown\n\n- **bold**\n", `(to: "{{.email}}", subject: "Hi") and delete them, and the blank line after them, from the body; its Content-Type (text/markdown) says it is Markdown: name the file with markdown: body.txt, not text:; if they`},
		{"TO: {{.email}}\nContent-Type: text/html; charset=utf-8\n\n<p>Hi</p>\n", `from the body; its Content-Type (text/html; charset=utf-8) says it is HTML: name the file with html: body.txt, not text:; if they`},
		{"TO: {{.email}}\nContent-Type: multipart/alternative; boundary=\"b\"\n\n--b\n", `its Content-Type (multipart/alternative; boundary="b") says it holds two bodies: put the plain text part in a file for text: and the HTML part in one for html:`},
		{"TO: {{.email}}\nContent-Type: text/plain\n\nHi\n", `(to: "{{.email}}") and delete them, and the blank line after them, from the body; if they`},
		{"Content-Type: text/html\nSubject: {{.name}}\n\nHi\n", ""}, // one key only, no To: text
		{"Subject: your invoice\n\nDear {{.name}},\n", ""},
		{"To: all staff\nFrom: the office\n\nDear all,\n", ""},
		{"TO: {{.email}}\nHi {{.name}}\n", ""},
		{"Hi {{.name}}\nTO: {{.email}}\n\n", ""},
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": tt.body})
		_, err := Compile(c, []string{"email", "name"})
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("body %q: %v, want no error", tt.body, err)
		case tt.want != "" && (!errors.Is(err, ErrBodyHeaders) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("body %q: %v, want ErrBodyHeaders with\n %s", tt.body, err, tt.want)
		}
	}
}

// TestMailmergeHeadersKeptAsText: a memo whose first lines are meant as
// its text is told how to keep them ({{""}} first), and that body passes
// the check and renders the lines as they are.
func TestMailmergeHeadersKeptAsText(t *testing.T) {
	memo := "To: {{.name}}\nFrom: The Secretary\n\nThe meeting is at noon.\n"
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": memo}), []string{"email", "name"})
	if !errors.Is(err, ErrBodyHeaders) || !strings.HasSuffix(err.Error(), `; if they are the letter's own text (a memo's To: and From:), start the body with {{""}}, which prints nothing`) {
		t.Fatalf("memo: %v, want ErrBodyHeaders saying how to keep the lines", err)
	}
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": `{{""}}` + memo}), []string{"email", "name"})
	if err != nil {
		t.Fatalf("memo after {{\"\"}}: %v", err)
	}
	f, err := set.Execute(mdRow(2, "email", "a@x.example", "name", "Ann"))
	if want := "To: Ann\nFrom: The Secretary\n\nThe meeting is at noon.\n"; err != nil || string(f.Text) != want {
		t.Errorf("memo after {{\"\"}} = %q, %v; want %q", fieldsText(f), err, want)
	}
}
