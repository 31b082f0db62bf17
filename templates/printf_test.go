package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// printfColumns are the sheet columns of the printf tests.
var printfColumns = []string{"email", "name", "tags", "fmt", "note"}

// printfRow is row 4 of the printf tests, with kv's values over the
// defaults.
func printfRow(kv ...string) campaign.Row {
	return mdRow(4, append([]string{"email", "a@x.example", "name", "Ann", "tags", "a,b", "fmt", "%s", "note", "x"}, kv...)...)
}

// TestPrintfFormatChecked: a printf whose quoted format does not fit the
// values after it whatever the row (a verb for numbers given a column,
// which is text; too few or too many values; a verb fmt does not know)
// is one template error at its line, worded like the other argument
// errors and saying what to write, not %!d(string=Ann) in every
// message; the forms fmt takes (flags, *, %%, [n], %x of text) pass,
// and print and println are left alone.
func TestPrintfFormatChecked(t *testing.T) {
	for _, c := range []struct {
		body string
		kind error
		want string
		line int
	}{
		{"Hi {{printf \"%d\" .name}}\n", ErrFuncArgType, `{{printf "%d" .name}}: wrong type of argument: %d formats a number; .name is text: use %s or %v (a column is text, as the sheet shows it: {{number 2 .name}} writes its number with 2 places)`, 1},
		{"Hi\n\n{{printf \"Total: %.2f\" .name}}\n", ErrFuncArgType, `%.2f formats a decimal number (1.5); .name is text`, 3},
		{"{{printf \"%c\" .name}}\n", ErrFuncArgType, `%c formats a number; .name is text`, 1},
		{"{{printf \"%U\" .name}}\n", ErrFuncArgType, `%U formats a number`, 1},
		{"{{printf \"%t\" .name}}\n", ErrFuncArgType, `%t formats true or false; .name is text`, 1},
		{"{{printf \"%e\" .name}}\n", ErrFuncArgType, `%e formats a decimal number`, 1},
		{"{{printf \"%5g\" .name}}\n", ErrFuncArgType, `%5g formats a decimal number`, 1},
		{"{{printf \"%s: %08.3f\" .email .name}}\n", ErrFuncArgType, `%08.3f formats a decimal number (1.5); .name is text`, 1},
		{"{{.name | printf \"%d\"}}\n", ErrFuncArgType, `%d formats a number; the value piped in, .name, is text: use %s or %v (a column is text`, 1},
		{"{{printf \"%s\" (len .name)}}\n", ErrFuncArgType, `%s formats text; (len .name) is a number: use %d or %v`, 1},
		{"{{printf \"%d\" (upper .name)}}\n", ErrFuncArgType, `(upper .name) is text: use %s or %v; tidings`, 1},
		{"{{printf \"%d\" true}}\n", ErrFuncArgType, `true is true or false: use %t or %v`, 1},
		{"{{printf \"%d\" 1.5}}\n", ErrFuncArgType, `1.5 is a decimal number`, 1},
		{"{{printf \"%s\" nil}}\n", ErrFuncArgType, `nil is nil: use %v`, 1},
		{"{{printf \"%d\" (split \",\" .tags)}}\n", ErrFuncArgType, `is a list (split gives one): use %v, or join it`, 1},
		{"{{$x := 1}}{{printf \"%s %d\" $x .name}}\n", ErrFuncArgType, `%d formats a number; .name is text`, 1},
		{"{{printf \"50% off for %s\" .name}}\n", ErrFuncArgType, `% o formats a number; .name is text: use %s or %v (a column is text, as the sheet shows it: {{number 2 .name}} writes its number with 2 places); a % that should show is written %%`, 1},
		{"{{printf \"%*s\" .name .email}}\n", ErrFuncArgType, `the * of %* takes a whole number as its width; .name is text`, 1},
		{"{{printf \"%.*f\" .name 1.5}}\n", ErrFuncArgType, `the * of %.* takes a whole number as its precision`, 1},
		// Too few or too many values, which a variable counts in too.
		{"Dear\n{{printf \"%s %s\" .name}}\n", ErrFuncArgs, `{{printf "%s %s" .name}}: wrong number of arguments: the format "%s %s" takes 2 values, this call gives 1 (a value piped in with | counts as the last)`, 2},
		{"{{printf \"%s\" .name .email}}\n", ErrFuncArgs, `the format "%s" takes 1 value, this call gives 2: .email has no verb`, 1},
		{"{{printf \"Hi\" .name}}\n", ErrFuncArgs, `the format "Hi" takes 0 values, this call gives 1`, 1},
		{"{{$x := .name}}{{printf \"%s %s\" $x}}\n", ErrFuncArgs, `takes 2 values, this call gives 1`, 1},
		{"{{.email | printf \"%s %s %s\" .name}}\n", ErrFuncArgs, `takes 3 values, this call gives 2`, 1},
		{"{{printf \"%*d\" 5}}\n", ErrFuncArgs, `the format "%*d" takes 2 values, this call gives 1`, 1},
		{"{{printf \"%[3]s\" .name .email}}\n", ErrFuncArgs, `%[3]s takes value 3, this call gives 2`, 1},
		// What fmt cannot read as a verb.
		{"{{printf \"%z\" .name}}\n", ErrPrintfVerb, `{{printf "%z" .name}}: not a printf verb: %z (%s formats text, %d a number, %v any value; a % that should show is written %%); tidings help`, 1},
		{"{{printf \"Save 50%!\" .name}}\n", ErrPrintfVerb, `not a printf verb: %! (`, 1},
		{"{{printf \"%w\" .name}}\n", ErrPrintfVerb, `not a printf verb: %w (`, 1},
		{"{{printf \"100%\"}}\n", ErrPrintfVerb, `not a printf verb: the format "100%" ends in % (a % that should show is written %%)`, 1},
		{"{{printf \"%[x]s\" .name}}\n", ErrPrintfVerb, `%[x]s: an index [n] stands right before the verb or a *`, 1},
		{"{{printf \"%[1]5s\" .name}}\n", ErrPrintfVerb, `%[1]5s: an index [n]`, 1},
		// A width, precision or index past fmt's limit, written or a
		// constant's for a *: %!(NOVERB), %!(BADWIDTH), %!(BADPREC).
		{"{{printf \"%100000000d\" 1}}\n", ErrPrintfRange, `{{printf "%100000000d" 1}}: a printf width or precision out of range: %100000000d: the width 100000000 is more than fmt takes (10000009 at most)`, 1},
		{"{{printf \"%s %.100000000s\" .name .email}}\n", ErrPrintfRange, `%.100000000s: the precision 100000000 is more than fmt takes`, 1},
		{"{{printf \"%*d\" 10000000 1}}\n", ErrPrintfRange, `the * of %* takes 10000000 as its width; fmt takes a width from -1000000 to 1000000`, 1},
		{"{{printf \"%.*d\" -1 1}}\n", ErrPrintfRange, `the * of %.* takes -1 as its precision; fmt takes a precision from 0 to 1000000`, 1},
		{"{{printf \"%[100000000]d\" .name}}\n", ErrFuncArgs, `%[100000000]d takes value 100000000, this call gives 1`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), printfColumns)
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, c.kind) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) || strings.Count(err.Error(), "templates: ") != 1 {
			t.Errorf("%q: Compile = %v, want one error %q at line %d", c.body, err, c.want, c.line)
		}
	}
	subject := strings.Replace(baseYAML, `"Hello {{.name}}"`, `'Hello {{printf "%d" .name}}'`, 1)
	if _, err := Compile(load(t, subject, map[string]string{"body.txt": "x\n"}), printfColumns); !errors.Is(err, ErrFuncArgType) || !strings.Contains(err.Error(), "campaign.yaml:3: templates: subject: ") {
		t.Errorf("in the subject: Compile = %v, want ErrFuncArgType at campaign.yaml:3", err)
	}
	html := strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1)
	if _, err := Compile(load(t, html, map[string]string{"body.html": "<p>\n{{printf \"%s %s\" .name}}</p>\n"}), printfColumns); !errors.Is(err, ErrFuncArgs) || !strings.Contains(err.Error(), "body.html:2: ") {
		t.Errorf("in an HTML body: Compile = %v, want ErrFuncArgs at body.html:2", err)
	}
	md := strings.Replace(baseYAML, "text: body.txt", "markdown: body.md", 1)
	if _, err := Compile(load(t, md, map[string]string{"body.md": "Hi {{printf \"%d\" .name}}\n"}), printfColumns); !errors.Is(err, ErrFuncArgType) {
		t.Errorf("in a Markdown body: Compile = %v, want ErrFuncArgType", err)
	}
	for _, c := range []struct{ body, want string }{
		{`{{printf "%s" .name}}`, "Ann"},
		{`{{printf "%q" .name}}`, `"Ann"`},
		{`{{printf "%v|%+v|%#v" .name .name .name}}`, `Ann|Ann|"Ann"`},
		{`{{printf "%x %X % x" .name .name .name}}`, "416e6e 416E6E 41 6e 6e"},
		{`{{printf "%T" .name}}`, "string"},
		{`{{printf "%-6s|%6s|%05s|%.2s" .name .name .name .name}}`, "Ann   |   Ann|00Ann|An"},
		{`{{printf "%*s|%-*s|" 5 .name 5 .name}}`, "  Ann|Ann  |"},
		{`{{printf "%.*s" 1 .name}}`, "A"},
		{`{{printf "%*d|%.*d|%1000000d" -3 1 0 2 3 | len}}`, "1000006"},
		{`{{printf "%[1]s and %[1]s" .name}}`, "Ann and Ann"},
		{`{{printf "%[2]s, %[1]s" .name .email}}`, "a@x.example, Ann"},
		{`{{printf "%[2]*[1]d" 7 3}}`, "  7"},
		{`{{printf "100%%, %d%% off" (len .name)}}`, "100%, 3% off"},
		{`{{printf "%5.1f|%g|%c|%U|%o|%b" 2.25 0.5 65 65 8 5}}`, "  2.2|0.5|A|U+0041|10|101"},
		{`{{printf "%t" (eq .name "Ann")}}`, "true"},
		{`{{printf "%v %s %q" (split "," .tags) (split "," .tags) (split "," .tags)}}`, `[a b] [a b] ["a" "b"]`},
		{`{{.name | printf "%s!"}}`, "Ann!"},
		{`{{printf "%s" .note}}`, "50%!(sic)"},
		{`{{print "%d" .name 3}}`, "%dAnn3"},
		{`{{println .name "%s"}}`, "Ann %s\n"},
		{`{{$x := .name}}{{printf "%s" $x}}`, "Ann"},
		{`{{printf .fmt .name}}`, "Ann"},
	} {
		set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), printfColumns)
		if err != nil {
			t.Errorf("%s: Compile: %v", c.body, err)
			continue
		}
		f, err := set.Execute(printfRow("note", "50%!(sic)"))
		if err != nil || string(f.Text) != c.want {
			t.Errorf("%s = %q, %v; want %q", c.body, f.Text, err, c.want)
		}
	}
}

// TestPrintfRowProblem: a printf the compile check cannot judge (its
// value in a variable or from index, its format a column's) whose
// format does not fit the row's values fails that row with a problem
// naming the template, its line, the row and the column, instead of
// writing fmt's %!d(string=Ann) into the message, in text, HTML and
// Markdown bodies alike; rows it fits render.
func TestPrintfRowProblem(t *testing.T) {
	for _, c := range []struct {
		key, body string
		row       campaign.Row
		kind      error
		want      string
	}{
		{"text", "Hi\n{{$n := .name}}{{printf \"%d\" $n}}\n", printfRow(), ErrFuncArgType, `body.txt:2): printf: wrong type of argument: %d formats a number; the value "Ann" is text: use %s or %v`},
		{"text", "{{printf \"%d\" (index . \"name\")}}\n", printfRow(), ErrFuncArgType, `the value "Ann" is text`},
		{"text", "{{range split \",\" .tags}}{{printf \"%d\" .}}{{end}}\n", printfRow(), ErrFuncArgType, `the value "a" is text`},
		{"text", "{{printf .fmt .name}}\n", printfRow("fmt", "Hi %s %s"), ErrFuncArgs, `printf: wrong number of arguments: the format "Hi %s %s" takes 2 values, this call gives 1`},
		{"text", "{{printf .fmt .name}}\n", printfRow("fmt", "Hi"), ErrFuncArgs, `the format "Hi" takes 0 values, this call gives 1`},
		{"text", "{{printf .fmt}}\n", printfRow("fmt", "Save 50%!"), ErrPrintfVerb, `printf: not a printf verb: %! (%s formats text`},
		{"html", "<p>\n\n{{$n := .name}}{{printf \"%.2f\" $n}}</p>\n", printfRow(), ErrFuncArgType, `body.html:3): printf: wrong type of argument: %.2f formats a decimal number (1.5); the value "Ann" is text`},
		{"markdown", "{{$n := .name}}*{{printf \"%d\" $n}}*\n", printfRow(), ErrFuncArgType, `body.md:1): printf: wrong type of argument`},
		// A * given a width or precision fmt refuses, in a variable.
		{"text", "{{$w := 10000000}}{{printf \"%*d\" $w 1}}\n", printfRow(), ErrPrintfRange, `printf: a printf width or precision out of range: the * of %* takes the value 10000000 as its width; fmt takes a width from -1000000 to 1000000`},
		{"text", "{{$w := -1000001}}{{printf \"%-*d\" $w 1}}\n", printfRow(), ErrPrintfRange, `takes the value -1000001 as its width`},
		{"text", "{{$p := -1}}{{printf \"%.*d\" $p 1}}\n", printfRow(), ErrPrintfRange, `the * of %.* takes the value -1 as its precision; fmt takes a precision from 0 to 1000000`},
	} {
		yaml := strings.Replace(baseYAML, "text: body.txt", c.key+": body."+map[string]string{"text": "txt", "html": "html", "markdown": "md"}[c.key], 1)
		file := "body." + map[string]string{"text": "txt", "html": "html", "markdown": "md"}[c.key]
		set, err := Compile(load(t, yaml, map[string]string{file: c.body}), printfColumns)
		if err != nil {
			t.Errorf("%s: Compile: %v", c.body, err)
			continue
		}
		f, err := set.Execute(c.row)
		var re *campaign.RowError
		if !errors.As(err, &re) || re.Row != 4 || !errors.Is(err, c.kind) || !strings.Contains(err.Error(), "templates: "+c.key+" (") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Execute = %v (%q), want a problem of row 4: %q", c.body, err, fieldsText(f), c.want)
			continue
		}
		if c.kind == ErrFuncArgType && re.Column != "name" && re.Column != "tags" {
			t.Errorf("%s: the problem names column %q, want the value's", c.body, re.Column)
		}
	}
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "{{$n := .name}}{{printf \"%d\" $n}}|{{printf .fmt .name}}"}), printfColumns)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := set.Execute(printfRow("fmt", "%5s")); err == nil {
		t.Error("a variable's wrong verb: no row problem")
	}
	set, err = Compile(load(t, baseYAML, map[string]string{"body.txt": "{{$n := len .name}}{{printf \"%d\" $n}}|{{printf .fmt .name}}"}), printfColumns)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := set.Execute(printfRow("fmt", "%5s")); err != nil || string(f.Text) != "3|  Ann" {
		t.Errorf("verbs that fit the row = %q, %v", fieldsText(f), err)
	}
	// A column holding a marker's text is no marker: the * values fit.
	set, err = Compile(load(t, baseYAML, map[string]string{"body.txt": "{{$w := 14}}{{printf \"%*s|%.*s\" $w .note $w .note}}"}), printfColumns)
	if err != nil {
		t.Fatal(err)
	}
	if f, err := set.Execute(printfRow("note", "%!(BADWIDTH)")); err != nil || string(f.Text) != "  %!(BADWIDTH)|%!(BADWIDTH)" {
		t.Errorf("a value holding %%!(BADWIDTH) = %q, %v", fieldsText(f), err)
	}
}

// fieldsText is the text body of f, or "" for none.
func fieldsText(f *Fields) string {
	if f == nil {
		return ""
	}
	return string(f.Text) + string(f.HTML) + string(f.Markdown)
}
