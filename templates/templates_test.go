package templates

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// load writes a campaign file and its other files into a temporary folder
// and loads it.
func load(t testing.TB, yaml string, files map[string]string) *campaign.Campaign {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(dir, "campaign.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const baseYAML = `name: test
from: "Acme <news@acme.example>"
subject: "Hello {{.name}}"
text: body.txt
recipients:
  path: people.csv
`

func TestCompileUnknownColumn(t *testing.T) {
	cols := []string{"email", "name", "First Name"}
	tests := []struct {
		name     string
		yaml     string
		files    map[string]string
		wantFile string
		wantLine int
		wantCol  string
	}{
		{
			name: "subject field",
			yaml: `name: test
from: "Acme <news@acme.example>"
subject: "Hello {{.nmae}}"
text: body.txt
recipients: {path: people.csv}
`,
			files:    map[string]string{"body.txt": "hi\n"},
			wantFile: "campaign.yaml", wantLine: 3, wantCol: "nmae",
		},
		{
			name: "index in a header",
			yaml: `name: test
from: "Acme <news@acme.example>"
subject: "Hello"
text: body.txt
headers:
  X-One: "1"
  X-Who: '{{index . "Last Name"}}'
recipients: {path: people.csv}
`,
			files:    map[string]string{"body.txt": "hi\n"},
			wantFile: "campaign.yaml", wantLine: 7, wantCol: "Last Name",
		},
		{
			name: "block scalar second line",
			yaml: `name: test
from: "Acme <news@acme.example>"
subject: |
  Hello {{.name}}{{- /* c */ -}}
  {{.city}}
text: body.txt
recipients: {path: people.csv}
`,
			files:    map[string]string{"body.txt": "hi\n"},
			wantFile: "campaign.yaml", wantLine: 5, wantCol: "city",
		},
		{
			name:     "text body line 3",
			yaml:     baseYAML,
			files:    map[string]string{"body.txt": "Hi {{.name}},\n\nyour code: {{.code}}\n"},
			wantFile: "body.txt", wantLine: 3, wantCol: "code",
		},
		{
			name: "html body through $ and template",
			yaml: strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1),
			files: map[string]string{"body.html": `{{define "foot"}}
<p>{{$.plan}}</p>{{end}}
<p>Hi {{.name}}</p>
{{template "foot" .}}
`},
			wantFile: "body.html", wantLine: 2, wantCol: "plan",
		},
		{
			name: "attachment path",
			yaml: `name: test
from: "Acme <news@acme.example>"
subject: "Hello"
text: body.txt
attachments:
  - "a.pdf"
  - "inv/{{.invoice}}.pdf"
recipients: {path: people.csv}
`,
			files:    map[string]string{"body.txt": "hi\n"},
			wantFile: "campaign.yaml", wantLine: 7, wantCol: "invoice",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, tt.yaml, tt.files)
			_, err := Compile(c, cols)
			var fe *campaign.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Compile: %v, want a FileError", err)
			}
			if !errors.Is(err, ErrUnknownColumn) {
				t.Errorf("error %v does not wrap ErrUnknownColumn", err)
			}
			if filepath.Base(fe.File) != tt.wantFile || fe.Line != tt.wantLine {
				t.Errorf("at %s:%d, want %s:%d (%v)", filepath.Base(fe.File), fe.Line, tt.wantFile, tt.wantLine, err)
			}
			msg := err.Error()
			for _, want := range []string{`"` + tt.wantCol + `"`, `"email"`, `"name"`, `"First Name"`} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %s", msg, want)
				}
			}
		})
	}
}

func TestCompileSyntaxError(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		files    map[string]string
		wantFile string
		wantLine int
		wantKey  string
	}{
		{
			name:     "subject",
			yaml:     strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Hello {{.name"`, 1),
			files:    map[string]string{"body.txt": "hi\n"},
			wantFile: "campaign.yaml", wantLine: 3, wantKey: "subject",
		},
		{
			name:     "text body",
			yaml:     baseYAML,
			files:    map[string]string{"body.txt": "line one\nline {{end}}\nthree\n"},
			wantFile: "body.txt", wantLine: 2, wantKey: "text",
		},
		{
			name:     "unknown function",
			yaml:     baseYAML,
			files:    map[string]string{"body.txt": "a\nb\n{{env \"HOME\"}}\n"},
			wantFile: "body.txt", wantLine: 3, wantKey: "text",
		},
		{
			name:     "html escaping context",
			yaml:     strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1),
			files:    map[string]string{"body.html": "<p>\n{{if .name}}<a href=\"{{end}}\">x</a>\n"},
			wantFile: "body.html", wantLine: 2, wantKey: "html",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, tt.yaml, tt.files)
			_, err := Compile(c, []string{"email", "name"})
			var fe *campaign.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Compile: %v, want a FileError", err)
			}
			if filepath.Base(fe.File) != tt.wantFile || fe.Line != tt.wantLine {
				t.Errorf("at %s:%d, want %s:%d (%v)", filepath.Base(fe.File), fe.Line, tt.wantFile, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.wantKey) {
				t.Errorf("message %q does not name %q", err, tt.wantKey)
			}
		})
	}
}

func TestCompileLineBreakInHeaderTemplate(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Hello\r\nBcc: x@evil.example"`, 1), map[string]string{"body.txt": "hi\n"})
	_, err := Compile(c, []string{"email", "name"})
	if !errors.Is(err, ErrLineBreak) {
		t.Fatalf("Compile: %v, want ErrLineBreak", err)
	}
	// A YAML block scalar's final line break is not the template's.
	c = load(t, strings.Replace(baseYAML, `subject: "Hello {{.name}}"`, "subject: |\n  Hello {{.name}}\n", 1), map[string]string{"body.txt": "hi\n"})
	s, err := Compile(c, []string{"email", "name"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Subject.Source(); got != "Hello {{.name}}" {
		t.Errorf("subject source %q", got)
	}
}

func TestColumnsAndConst(t *testing.T) {
	tests := []struct {
		src   string
		cols  []string
		fixed bool
	}{
		{"plain text", nil, true},
		{`{{"x" | upper}}`, nil, true},
		{"{{.a}} {{.b}} {{.a}}", []string{"a", "b"}, false},
		{`{{index . "First Name"}}`, []string{"First Name"}, false},
		{`{{$.a}}{{with .b}}{{.}}{{end}}`, []string{"a", "b"}, false},
		{`{{range split "," .tags}}{{.}}{{end}}`, []string{"tags"}, false},
		{`{{with .x}}{{$.y}}{{else}}{{.z}}{{end}}`, []string{"x", "y", "z"}, false},
		{`{{.}}`, nil, false},
		{`{{if .a}}{{.b | default "x"}}{{end}}`, []string{"a", "b"}, false},
		{`{{template "t" .}}{{define "t"}}{{.inner}}{{end}}`, []string{"inner"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, "'"+tt.src+"'", 1), map[string]string{"body.txt": "hi\n"})
			s, err := Compile(c, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Subject.Columns(); !reflect.DeepEqual(got, tt.cols) {
				t.Errorf("Columns = %q, want %q", got, tt.cols)
			}
			if got := s.Subject.Const(); got != tt.fixed {
				t.Errorf("Const = %v, want %v", got, tt.fixed)
			}
		})
	}
}

const fullYAML = `name: test
from: "Acme <news@acme.example>"
sender: ""
reply_to: "help@acme.example"
to: "{{address .name .email}}"
cc: "{{.boss}}"
bcc: "audit@acme.example"
subject: "{{.name | title}}, your digest"
text: body.txt
html: body.html
attachments: ["inv/{{.id}}.pdf"]
headers:
  X-Campaign: "nov"
  X-Id: "{{.id}}"
unsubscribe:
  url: "https://acme.example/u?id={{.id | urlquery}}"
  mailto: "unsub@acme.example"
recipients: {path: people.csv}
`

// TestUsedColumns: the Set lists every column any of its templates names,
// once each, in campaign order, and no column none of them names.
func TestUsedColumns(t *testing.T) {
	c := load(t, fullYAML, map[string]string{
		"body.txt":  "Hi {{.name}}, {{.total}}\n",
		"body.html": "<p>{{.greeting}}</p>\n",
	})
	s, err := Compile(c, []string{"email", "name", "boss", "id", "total", "greeting", "unused"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"name", "email", "boss", "id", "total", "greeting"}
	if got := s.UsedColumns(); !reflect.DeepEqual(got, want) {
		t.Errorf("UsedColumns = %q, want %q", got, want)
	}
}

func TestExecute(t *testing.T) {
	c := load(t, fullYAML, map[string]string{
		"body.txt":  "Hi {{.name}}\n",
		"body.html": "<p>Hi {{.name}}</p>\n",
	})
	s, err := Compile(c, []string{"email", "name", "boss", "id"})
	if err != nil {
		t.Fatal(err)
	}
	row := campaign.Row{Number: 2, Values: map[string]string{
		"email": "a@example.com", "name": `élodie "<b>" dupont`, "boss": "b@example.com", "id": "7 & 8",
	}}
	f, err := s.Execute(row)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	want := map[string]string{
		"From":    "Acme <news@acme.example>",
		"ReplyTo": "help@acme.example",
		"To":      `"élodie \"<b>\" dupont" <a@example.com>`,
		"Cc":      "b@example.com",
		"Bcc":     "audit@acme.example",
		"Subject": `Élodie "<B>" Dupont, your digest`,
		"URL":     "https://acme.example/u?id=7+%26+8",
		"Mailto":  "unsub@acme.example",
		"Att":     "inv/7 & 8.pdf",
		"H0":      "nov",
		"H1":      "7 & 8",
		"Text":    "Hi élodie \"<b>\" dupont\n",
		"HTML":    "<p>Hi élodie &#34;&lt;b&gt;&#34; dupont</p>\n",
	}
	got := map[string]string{
		"From": f.From, "ReplyTo": f.ReplyTo, "To": f.To, "Cc": f.Cc, "Bcc": f.Bcc, "Subject": f.Subject,
		"URL": f.UnsubscribeURL, "Mailto": f.UnsubscribeMailto, "Att": f.Attachments[0],
		"H0": f.Headers[0], "H1": f.Headers[1], "Text": string(f.Text), "HTML": string(f.HTML),
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if f.Sender != "" {
		t.Errorf("Sender = %q, want empty", f.Sender)
	}
	if s.Sender != nil {
		t.Error("empty sender compiled to a template")
	}
}

func TestExecuteConcurrent(t *testing.T) {
	c := load(t, fullYAML, map[string]string{"body.txt": "Hi {{.name}}\n", "body.html": "<p>Hi {{.name}}</p>\n"})
	s, err := Compile(c, []string{"email", "name", "boss", "id"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				name := strings.Repeat("x", g) + string(rune('a'+i%26))
				f, err := s.Execute(campaign.Row{Number: i + 2, Values: map[string]string{"email": "a@b.example", "name": name, "boss": "", "id": "1"}})
				if err != nil {
					errs <- err
					return
				}
				if string(f.Text) != "Hi "+name+"\n" {
					errs <- errors.New("text " + string(f.Text) + " for " + name)
					return
				}
				f.Release()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestExecuteRowErrors(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Joined {{date \"iso\" .joined}} {{.name}}"`, 1), map[string]string{"body.txt": "Hi {{.name}}\n"})
	s, err := Compile(c, []string{"email", "name", "joined"})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err = s.Subject.Execute(&buf, campaign.Row{Number: 5, Values: map[string]string{"email": "a@b.c", "name": "Ann", "joined": "not a date"}})
	var re *campaign.RowError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a RowError", err)
	}
	if re.Row != 5 || re.Column != "joined" {
		t.Errorf("row %d column %q, want 5 \"joined\" (%v)", re.Row, re.Column, err)
	}
	if msg := err.Error(); !strings.Contains(msg, `subject (`) || !strings.Contains(msg, `campaign.yaml:3): date: cannot read "not a date"`) || strings.Contains(msg, "error calling") {
		t.Errorf("message %q", err)
	}
	// A row without a column the sheet promised.
	err = s.Subject.Execute(&buf, campaign.Row{Number: 6, Values: map[string]string{"joined": "2026-01-02"}})
	if !errors.As(err, &re) || re.Column != "name" {
		t.Errorf("got %v, want RowError for column name", err)
	}
}

// TestExecuteRowErrorLine: an error in a body file names the line of the
// failing action, not the file's first line.
func TestExecuteRowErrorLine(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "Hi {{.name}},\nyou joined {{date \"iso\" .joined}}.\n"})
	s, err := Compile(c, []string{"email", "name", "joined"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Text.Execute(io.Discard, campaign.Row{Number: 5, Values: map[string]string{"email": "a@b.c", "name": "Ann", "joined": "13/13/2025"}})
	if msg := fmt.Sprint(err); !strings.Contains(msg, "body.txt:2): date: cannot read") {
		t.Errorf("message %q, want the body's line 2", msg)
	}
}

func TestColumnAttribution(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `"{{.name}} <{{.email}}>"`, 1), map[string]string{"body.txt": "hi\n"})
	s, err := Compile(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := campaign.Row{Values: map[string]string{"name": "bob", "email": "bob@@x"}}
	if got := s.Subject.Column(row, "bob@@x"); got != "email" {
		t.Errorf("Column(addr) = %q, want email (longest match)", got)
	}
	row = campaign.Row{Values: map[string]string{"name": "Ann", "email": "x"}}
	if got := s.Subject.Column(row, "nothing here", "Ann <x>"); got != "name" {
		t.Errorf("Column falls back to later token: %q", got)
	}
	if got := s.Subject.Column(row, "zzz"); got != "" {
		t.Errorf("Column with no match and two columns = %q, want \"\"", got)
	}
}

// TestHTMLEndsOpen: an HTML template that ends inside an attribute's
// quote, a tag or a comment is told in words at the line where that
// opened, not by html/template's internal state.
func TestHTMLEndsOpen(t *testing.T) {
	for _, c := range []struct {
		html, want string
		line       int
	}{
		{"<h1>Hi</h1>\n<p title=\"{{.name}}>Hello</p>\n<p>bye</p>\n", `the value of title=" opened at line 2 is never closed with "`, 2},
		{"<p>\n<a href='{{.name}}'>x</a> <img alt='{{.name}}>\n</p>\n", `the value of alt=' opened at line 2 is never closed with '`, 2},
		{"<p>Hi</p>\n\n<p class=x {{.name}}\n", "the tag <p opened at line 3 is never closed with >", 3},
		{"<p>{{.name}}</p>\n<!-- a note {{.name}}\n", "the comment <!-- opened at line 2 is never closed with -->", 2},
		{"<script>var x = \"{{.name}}</script>\n", "a <script> element, or a string, comment or template literal inside it, is never closed", 0},
		{"<p>\n<a href={{.name}}\n", "the tag <a opened at line 2 is never closed with >", 2},
		{"<p>hi</p><textarea>{{.name}}\n", "a <textarea> or <title> element is never closed", 0},
	} {
		c2 := load(t, baseYAML+"html: body.html\n", map[string]string{"body.txt": "Hi\n", "body.html": c.html})
		_, err := Compile(c2, []string{"email", "name"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "stateAttr") {
			t.Errorf("%q: Compile = %v (line %d), want %q at line %d", c.html, err, fe.Line, c.want, c.line)
		}
	}
}

// TestUnclosedBlock: a block left open is told at the line it opened,
// not as the end of the file.
func TestUnclosedBlock(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "Hi\n{{if .name}}\nDear {{.name}}\n{{range split \",\" .name}}x{{end}}\nbye\n"})
	_, err := Compile(c, []string{"email", "name"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(err.Error(), "the {{if}} at line 2 has no {{end}}") {
		t.Errorf("Compile = %v, want the {{if}} of line 2", err)
	}
	c = load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Hello {{with .name}}{{.}}"`, 1), map[string]string{"body.txt": "Hi\n"})
	if _, err := Compile(c, []string{"email", "name"}); err == nil || !strings.Contains(err.Error(), "subject: the {{with}} has no {{end}}") {
		t.Errorf("Compile = %v, want the subject's {{with}}", err)
	}
}
