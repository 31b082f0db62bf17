package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestJinjaTags: a Jinja block tag or comment, as a template of Python's
// mailmerge holds them, is an error of the template at its line in every
// kind of template, with the text/template form to write; text that only
// looks like one (CSS, a value from the sheet) is not.
func TestJinjaTags(t *testing.T) {
	cols := []string{"email", "name", "Betrag", "items"}
	subject := func(s string) string { return strings.Replace(baseYAML, `"Hello {{.name}}"`, "'"+s+"'", 1) }
	for _, tt := range []struct {
		name, yaml, file, body string
		wantFile               string
		wantLine               int
		want                   []string
	}{
		{"text if", baseYAML, "body.txt", "Hallo,\n\n{% if betrag %}Ihr Betrag: {{.Betrag}} EUR{% endif %}\n",
			"body.txt", 3, []string{"{% if betrag %}: Jinja syntax, which Go templates send as it is; write {{if .Betrag}}; to send {% as it is, write {{\"{%\"}}", "{% endif %}: Jinja syntax, which Go templates send as it is; write {{end}}",
				// at its column in a body file, counted in characters
				"body.txt:3:1: templates: text: {% if betrag %}", "body.txt:3:43: templates: text: {% endif %}"}},
		{"text column", baseYAML, "body.txt", "a\nGrüße {{.name}} {# note #}\n",
			"body.txt", 2, []string{"body.txt:2:17: templates: text: {# note #}: Jinja syntax"}},
		{"text comment", baseYAML, "body.txt", "a\nb {# note for me #}\n",
			"body.txt", 2, []string{"{# note for me #}: Jinja syntax, which Go templates send as it is; write {{/* note for me */}}; to send {# as it is, write {{\"{#\"}}"}},
		{"html for", strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1), "body.html", "<ul>\n{% for x in items %}<li>x</li>{% endfor %}</ul>\n",
			"body.html", 2, []string{"write {{range .items}}", "{% endfor %}: Jinja syntax, which Go templates send as it is; write {{end}}"}},
		{"markdown else", strings.Replace(baseYAML, "text: body.txt", "markdown: body.md", 1), "body.md", "# Hi\n\n{% if not Betrag %}x{% else %}y{%- endif %}\n",
			"body.md", 3, []string{"write {{if not .Betrag}}", "{% else %}: Jinja syntax, which Go templates send as it is; write {{else}}",
				"{%- endif %}: Jinja syntax, which Go templates send as it is; write {{- end}}"}}, // the trim marker carried over
		// A column compared with text, as mailmerge's README writes
		// {% if grade == "C-" %}, is told the call (rev-user15).
		{"text compare", baseYAML, "body.txt", "{% if betrag == \"0\" -%}\nfrei{% elif name != 'x' %}y{% endif %}\n",
			"body.txt", 1, []string{`write {{if eq .Betrag "0" -}}`, `{% elif name != 'x' %}: Jinja syntax, which Go templates send as it is; write {{else if ne .name "x"}}`}},
		{"subject", subject("Rechnung {% if betrag %}offen{% endif %}"), "body.txt", "hi\n",
			"campaign.yaml", 3, []string{"campaign.yaml:3: templates: subject: {% if betrag %}: Jinja syntax"}}, // no column: the value's is not the file's
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, tt.yaml, map[string]string{tt.file: tt.body, "body.txt": "hi\n"})
			_, err := Compile(c, cols)
			var fe *campaign.FileError
			if !errors.Is(err, ErrJinja) || !errors.As(err, &fe) {
				t.Fatalf("Compile: %v, want ErrJinja", err)
			}
			if filepath.Base(fe.File) != tt.wantFile || fe.Line != tt.wantLine {
				t.Errorf("at %s:%d, want %s:%d (%v)", filepath.Base(fe.File), fe.Line, tt.wantFile, tt.wantLine, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message\n %v\nlacks\n %s", err, w)
				}
			}
		})
	}
	// Written as the error says, the tags are sent as they are.
	for _, body := range []string{`{{"{%"}} if betrag %}{{.Betrag}}{{"{%"}} endif %}`, `{{"{#"}} note #}`} {
		s, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
		if err != nil {
			t.Fatalf("Compile(%q): %v", body, err)
		}
		f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "A", "Betrag": "9", "items": ""}})
		if want := strings.NewReplacer(`{{"{%"}}`, "{%", `{{"{#"}}`, "{#", "{{.Betrag}}", "9").Replace(body); err != nil || string(f.Text) != want {
			t.Errorf("%s = %q, %v; want %q", body, fieldsText(f), err, want)
		}
	}
	for _, ok := range []struct{ yaml, file, body string }{
		{strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1), "body.html", "<style>@keyframes a{0%{opacity:0}100%{opacity:1}} a{color:#fff}</style><p>50% {{.Betrag}} {% off</p>\n"},
		{baseYAML, "body.txt", "Rabatt: 10% {auf alles} #1 {{.Betrag}}\n"},
	} {
		c := load(t, ok.yaml, map[string]string{ok.file: ok.body})
		s, err := Compile(c, cols)
		if err != nil {
			t.Fatalf("Compile(%q): %v", ok.body, err)
		}
		// A value holding a Jinja tag is text of the row.
		if _, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "A", "Betrag": "{% if x %}", "items": ""}}); err != nil {
			t.Errorf("Execute: %v", err)
		}
	}
}

// TestJinjaBesideParseError: a template that does not parse (a Jinja
// loop's {{ t }} is a function text/template does not know) still has its
// Jinja tags told, at their lines, with the parse error: a mailmerge
// user is not left with "function "t" not defined" alone. A loop over a
// column split as Python writes it is told the split to write; a "{%"
// written as the error says (inside an action) is none.
func TestJinjaBesideParseError(t *testing.T) {
	cols := []string{"email", "name", "items"}
	body := "Hi\n{% for t in items.split(';') %}{{ t }}{% endfor %}\n{{\"{%\"}} kept %}\n{% for x in items %}{% endfor %}\n"
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
	if !errors.Is(err, ErrJinja) {
		t.Fatalf("Compile: %v, want ErrJinja beside the parse error", err)
	}
	for _, w := range []string{
		`body.txt:2:1: templates: text: {% for t in items.split(';') %}: Jinja syntax, which Go templates send as it is; write {{range split ";" .items}} (inside it, {{.}} is the item)`,
		`body.txt:2:39: templates: text: {% endfor %}: Jinja syntax`,
		`body.txt:4:1: templates: text: {% for x in items %}: Jinja syntax, which Go templates send as it is; write {{range .items}}`,
		`body.txt:2: templates: text: function "t" not defined`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("message\n %v\nlacks\n %s", err, w)
		}
	}
	if strings.Contains(err.Error(), "kept") {
		t.Errorf("message\n %v\ntells the {%% written in an action", err)
	}
	// Written as told, the loop goes over the column's parts.
	s, err := Compile(load(t, baseYAML, map[string]string{"body.txt": `{{range split ";" .items}}[{{.}}]{{end}}`}), cols)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "A", "items": "a;b"}})
	if err != nil || string(f.Text) != "[a][b]" {
		t.Errorf("the loop written as told = %q, %v; want [a][b]", fieldsText(f), err)
	}
}
