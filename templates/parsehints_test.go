package templates

import (
	"strings"
	"testing"
)

// TestColumnAsFunction: a column written without its dot ({{email}}, as
// Jinja writes it) is an error that says how to write it, for each place
// in the file; the column found in another case or by its Identifier.
func TestColumnAsFunction(t *testing.T) {
	cols := []string{"email", "name", "Email Address"}
	c := load(t, baseYAML, map[string]string{"body.txt": "Hi {{ Name }},\n\n{{email}}\n{{ email_address }}\n"})
	_, err := Compile(c, cols)
	for _, want := range []string{
		`body.txt:1: templates: text: function "Name" not defined (did you mean {{.name}}? a column is written with a leading dot)`,
		`body.txt:3: templates: text: function "email" not defined (did you mean {{.email}}? a column is written with a leading dot)`,
		`body.txt:4: templates: text: function "email_address" not defined (did you mean {{.Email_Address}}? a column is written with a leading dot)`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Compile: %v\nwant\n %s", err, want)
		}
	}
	// The same letters and digits: E-Mail for email.
	c = load(t, strings.Replace(baseYAML, "name: test", "name: test\nto: '{{.E_Mail}}'", 1), map[string]string{"body.txt": "{{ email }}\n"})
	want := `function "email" not defined (did you mean {{.E_Mail}}? a column is written with a leading dot)`
	if _, err := Compile(c, []string{"E-Mail", "name"}); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile: %v\nwant\n %s", err, want)
	}
	// Not a column: the functions' list, as before.
	c = load(t, baseYAML, map[string]string{"body.txt": "{{ uper .name }}\n"})
	if _, err := Compile(c, cols); err == nil || !strings.Contains(err.Error(), "did you mean upper?") {
		t.Errorf("Compile: %v, want the function hint", err)
	}
}

// TestParenthesisedCall: a call written with parentheses, as Jinja and
// Python write it, gets the form text/template reads, with the user's
// column and double quotes; single-quoted text says to use double quotes.
// A Python method on a column is told the function to write.
func TestParenthesisedCall(t *testing.T) {
	cols := []string{"email", "Name"}
	for _, tt := range []struct{ src, want string }{
		{`{{ .Name|default("friend") }}`, `unexpected "(" in operand; functions take their arguments after a space, without parentheses: {{.Name | default "friend"}}`},
		{`{{ name|default('friend') }}`, `unexpected "(" in operand; functions take their arguments after a space, without parentheses: {{.Name | default "friend"}} (text in double quotes or backquotes, not single quotes)`},
		{`{{ upper(name) }}`, `functions take their arguments after a space, without parentheses: {{upper .Name}}`},
		// A Python string method on a column, as a mailmerge template
		// calls it, gets the function that does it; one with none
		// gets an example, not a fix for another line.
		{`{{ Name.split(",")[1] }}`, `without parentheses: {{index (split "," .Name) 1}} (a value has no methods here: .split() is the function split)`},
		{`{{ .Name.upper() }}`, `without parentheses: {{upper .Name}} (a value has no methods here: .upper() is the function upper)`},
		{`{{ name.strip() }}`, `{{trim .Name}}`},
		{`{{ name.capitalize() }}`, `{{title .Name}}`},
		{`{{ Name.replace('-', " ") }}`, `{{replace "-" " " .Name}}`},
		{`{{ Name.format(x) }}`, `without parentheses: as in {{.name | default "friend"}}`},
		{`{{ default 'friend' .Name }}`, `malformed character constant: 'friend'; text is written in double quotes or backquotes ("friend", ` + "`friend`" + `), not in single quotes`},
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": "Hi\n" + tt.src + "\n"})
		_, err := Compile(c, cols)
		if err == nil || !strings.Contains(err.Error(), "body.txt:2: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v\nwant at line 2\n %s", tt.src, err, tt.want)
		}
	}
}

// TestTypographicQuotes: an action holding Word's typographic quotes
// (pasted from a document) is an error that says to write straight
// quotes, with the line so written.
func TestTypographicQuotes(t *testing.T) {
	cols := []string{"email", "First Name"}
	for _, tt := range []struct{ src, want string }{
		{`Dear {{index . “First Name”}},`, `unrecognized character in action: U+201C '“'; a word processor wrote a typographic quote (“ ” ‘ ’): inside {{ }} text is written in straight double quotes: Dear {{index . "First Name"}},`},
		{`{{ .First_Name | default „Kunde“ }}`, `straight double quotes: {{ .First_Name | default "Kunde" }}`},
		{`{{ .First_Name | default ‘friend’ }}`, `straight double quotes: {{ .First_Name | default "friend" }}`},
		{`{{.First_Name“}}`, `straight double quotes: {{.First_Name"}}`},
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": "Hi\n" + tt.src + "\n"})
		_, err := Compile(c, cols)
		if err == nil || !strings.Contains(err.Error(), "body.txt:2: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v\nwant at line 2\n %s", tt.src, err, tt.want)
		}
	}
}

// TestOddSpaceInAction: a no-break or zero-width space inside an action
// (Word's, or a web page's, pasted into a template) says it only looks
// like a space.
func TestOddSpaceInAction(t *testing.T) {
	for _, src := range []string{"{{\u00a0.name }}", "{{ .name\u202f}}", "{{\u200b.name}}"} {
		c := load(t, baseYAML, map[string]string{"body.txt": "Hi\n" + src + "\n"})
		_, err := Compile(c, []string{"email", "name"})
		want := "which looks like one but is not: inside {{ }} retype it as an ordinary space, or delete it"
		if err == nil || !strings.Contains(err.Error(), "body.txt:2: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%+q: %v\nwant at line 2\n %s", src, err, want)
		}
	}
}

// TestUnclosedAction: an action a beginner did not close with "}}" is
// quoted, with how an action is written, where text/template said only
// `unexpected "," in operand` or `bad character U+007D '}'` (rev-user9,
// a volunteer's first campaign).
func TestUnclosedAction(t *testing.T) {
	for subject, want := range map[string]string{
		`"{{.name}, your update"`:                  `"{{.name}" ends with one }: an action is written {{.name}}`,
		`"{{ .name }, your update"`:                `"{{ .name }" ends with one }: an action is written {{.name}}`,
		`"{{.name, your update"`:                   `"{{.name, your update" has no }} to close it`,
		`"{{.name}} {{.plan, your monthly update"`: `"{{.plan, your monthly update" has no }} to close it`,
	} {
		c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, subject, 1), map[string]string{"body.txt": "Hi\n"})
		_, err := Compile(c, []string{"email", "name", "plan"})
		if err == nil || !strings.Contains(err.Error(), "subject: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("subject %s: Compile = %v, want %q", subject, err, want)
		}
	}
	// In a body, later actions close nothing before them: the hint quoted
	// none (rev-last8, reviewing 14c1a96), and of "{{.name" said only
	// `function "Your" not defined` at line 3.
	for body, want := range map[string]string{
		"Hi {{.name, welcome\n\nYour plan: {{.plan}}\n":  `body.txt:1: templates: text: unexpected "," in operand; "{{.name, welcome…" at line 1 has no }} to close it`,
		"Hi {{.name\n\nYour plan: {{.plan}}\n":           `"{{.name…" at line 1 has no }} to close it`,
		"Hi {{.name}},\n\n{{.plan}, welcome {{.name}}\n": `"{{.plan}" at line 3 ends with one }`,
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": body})
		if _, err := Compile(c, []string{"email", "name", "plan"}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("body %q: Compile = %v, want %q", body, err, want)
		}
	}
	c := load(t, baseYAML, map[string]string{"body.txt": "Hi {{.name}},\n{{if .name}}yes{{end}}\n"})
	if _, err := Compile(c, []string{"email", "name"}); err != nil {
		t.Errorf("a template whose actions are closed: %v", err)
	}
}

// TestOtherMergeSyntax: a condition written as Thunderbird's Mail Merge
// writes it ({{if Gender|==|m}}) and a block ended as Jinja or Thunderbird
// end it ({{endif}}, {{elif}}) were told only "unexpected "=" in if" and
// "function "endif" not defined" with the list of functions (rev-user15);
// each is told what to write, at its line.
func TestOtherMergeSyntax(t *testing.T) {
	cols := []string{"email", "Gender", "LastName"}
	for _, tt := range []struct{ src, want string }{
		{`{{if Gender|==|m}}Mr.{{end}}`, `unexpected "=" in if; a condition is a call, not an operator between bars: {{if eq .Gender "m"}}`},
		{`{{if .Gender|!=|Frau Dr.}}x{{end}}`, `a condition is a call, not an operator between bars: {{if ne .Gender "Frau Dr."}}`},
		{`{{if Gender|*|m}}x{{end}}`, `a condition is a call, not an operator between bars (|*|): {{if eq .a "x"}}`},
		{`{{if eq .Gender "m"}}Mr.{{else}}Ms.{{endif}}`, `function "endif" not defined (every block ends with {{end}}: write {{end}}, not {{endif}})`},
		{`{{if .Gender}}a{{elif .LastName}}b{{end}}`, `function "elif" not defined (write {{else if …}}, not {{elif …}})`},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "Dear\n" + tt.src + "\n"}), cols)
		if err == nil || !strings.Contains(err.Error(), "body.txt:2: templates: text: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v\nwant at line 2\n %s", tt.src, err, tt.want)
		}
	}
}
