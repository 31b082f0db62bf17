package templates

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// problemsOf executes src, the campaign's body of kind ("text", "html"
// or "markdown"), for one row of values and gives its output and its
// problems as "column: message".
func problemsOf(t *testing.T, kind, src string, values map[string]string) ([]string, string) {
	t.Helper()
	file := map[string]string{"text": "body.txt", "html": "body.html", "markdown": "body.md"}[kind]
	yaml := strings.Replace(baseYAML, "text: body.txt", kind+": "+file, 1)
	c := load(t, yaml, map[string]string{file: src})
	cols := []string{"email", "name"}
	for k := range values {
		if k != "email" && k != "name" {
			cols = append(cols, k)
		}
	}
	s, err := Compile(c, cols)
	if err != nil {
		t.Fatal(err)
	}
	body := map[string]*Template{"text": s.Text, "html": s.HTML, "markdown": s.Markdown}[kind]
	var buf bytes.Buffer
	err = body.Execute(&buf, campaign.Row{Number: 7, Values: values})
	var got []string
	for _, re := range campaign.RowProblems(err) {
		if re.Row != 7 {
			t.Errorf("row %d, want 7", re.Row)
		}
		got = append(got, re.Column+": "+re.Err.Error())
	}
	if err != nil && got == nil {
		t.Fatalf("%v: not a row's problem", err)
	}
	return got, buf.String()
}

// TestEveryFailingCall: every call of a row's template that fails because
// of a cell is a problem of its own, in order, each naming its column and
// line; a template bug or a condition on a failed value ends the count.
func TestEveryFailingCall(t *testing.T) {
	bad := map[string]string{"email": "a@b.c", "name": "Ann", "Rabatt": "zehn", "Betrag": "12x", "due": "someday", "mail": "ann at b"}
	for _, tc := range []struct {
		name, kind, src string
		want            []string // column and the message's start after the location
	}{
		{"two numbers", "text", "Rabatt {{number 1 .Rabatt}} %\nBetrag {{number 2 .Betrag}} EUR\n",
			[]string{"Rabatt: body.txt:1): number:", "Betrag: body.txt:2): number:"}},
		{"number, date, address", "text", "{{number 1 .Rabatt}} {{date \"iso\" .due}}\n{{address .name .mail}}\n",
			[]string{"Rabatt: body.txt:1): number:", "due: body.txt:1): date:", "mail: body.txt:2): address:"}},
		{"html", "html", "<p>{{number 1 .Rabatt}}</p>\n<p>{{number 2 .Betrag}}</p>\n",
			[]string{"Rabatt: body.html:1): number:", "Betrag: body.html:2): number:"}},
		{"markdown", "markdown", "*{{number 1 .Rabatt}}*\n\n{{number 2 .Betrag}}\n",
			[]string{"Rabatt: body.md:1): number:", "Betrag: body.md:3): number:"}},
		{"a column once", "text", "{{number 1 .Rabatt}} {{number 2 .Rabatt}} {{number 2 .Betrag}}",
			[]string{"Rabatt: body.txt:1): number:", "Betrag: body.txt:1): number:"}},
		{"a failed value piped on is told once", "text", "{{.Rabatt | number 1 | printf \"%s%%\" | number 0}} {{number 2 .Betrag}}",
			[]string{"Rabatt: body.txt:1): number:", "Betrag: body.txt:1): number:"}},
		{"a failed value kept in a variable", "text", "{{$r := number 1 .Rabatt}}{{$r}} {{number 0 $r}} {{number 2 .Betrag}}",
			[]string{"Rabatt: body.txt:1): number:", "Betrag: body.txt:1): number:"}},
		{"a piece of a failed value is told once", "text", "{{$y := slice (date \"2006-01-02\" .due) 1 5}}{{number 0 $y}} {{number 0 (upper (number 1 .Rabatt))}} {{number 2 .Betrag}}",
			[]string{"due: body.txt:1): date:", "Rabatt: body.txt:1): number:", "Betrag: body.txt:1): number:"}},
		{"a condition on a failed value stops", "text", "{{if number 1 .Rabatt}}x{{else}}{{number 2 .Betrag}}{{end}}",
			[]string{"Rabatt: body.txt:1): number:"}},
		{"through a variable", "text", "{{$d := date \"iso\" .due}}{{number 2 .Betrag}}{{with $d}}{{.}}{{end}}",
			[]string{"due: body.txt:1): date:"}},
		{"a condition on a cell goes on", "text", "{{if .Rabatt}}{{number 1 .Rabatt}}{{end}} {{if .Betrag}}{{number 2 .Betrag}}{{end}}",
			[]string{"Rabatt: body.txt:1): number:", "Betrag: body.txt:1): number:"}},
		{"a template bug after a failure is not told", "text", "{{number 1 .Rabatt}} {{index (split \",\" .name) 3}} {{number 2 .Betrag}}",
			[]string{"Rabatt: body.txt:1): number:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := problemsOf(t, tc.kind, tc.src, bad)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d problems, want %d:\n%s", len(got), len(tc.want), strings.Join(got, "\n"))
			}
			for i, w := range tc.want {
				col, rest, _ := strings.Cut(w, ": ")
				if !strings.HasPrefix(got[i], col+": ") || !strings.Contains(got[i], rest) || strings.ContainsAny(got[i], failedValue) || strings.Contains(got[i], `\x00`) {
					t.Errorf("problem %d: %q, want column %s and %q", i+1, got[i], col, rest)
				}
			}
		})
	}
}

// TestEveryFailingCallGood: a row whose calls all work renders as it
// did, and one with a single failing call is one *campaign.RowError.
func TestEveryFailingCallGood(t *testing.T) {
	src := "{{number 1 .Rabatt}} {{number 2 .Betrag}}"
	got, out := problemsOf(t, "text", src, map[string]string{"email": "a@b.c", "name": "Ann", "Rabatt": "10", "Betrag": "12.5"})
	if got != nil || out != "10.0 12.50" {
		t.Errorf("got %q, problems %q", out, got)
	}
	c := load(t, baseYAML, map[string]string{"body.txt": src})
	s, err := Compile(c, []string{"email", "name", "Rabatt", "Betrag"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Text.Execute(&bytes.Buffer{}, campaign.Row{Number: 3, Values: map[string]string{"Rabatt": "x", "Betrag": "1"}})
	if _, ok := err.(*campaign.RowError); !ok {
		t.Errorf("%T %v, want one *campaign.RowError", err, err)
	}
}

// TestEveryFailingCallConcurrent: rows with problems executed at once
// each get their own problems.
func TestEveryFailingCallConcurrent(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "{{number 1 .a}} {{number 1 .b}} {{number 1 .c}}"})
	s, err := Compile(c, []string{"email", "name", "a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Go(func() {
			vals := map[string]string{"a": "1", "b": "2", "c": "3"}
			bad := []string{"a", "b", "c"}[:1+i%3]
			for _, col := range bad {
				vals[col] = fmt.Sprintf("%s%d", col, i)
			}
			err := s.Text.Execute(&bytes.Buffer{}, campaign.Row{Number: i + 2, Values: vals})
			list := campaign.RowProblems(err)
			if len(list) != len(bad) {
				t.Errorf("row %d: %d problems, want %d: %v", i+2, len(list), len(bad), err)
				return
			}
			for j, re := range list {
				if re.Row != i+2 || re.Column != bad[j] || !strings.Contains(re.Error(), fmt.Sprintf("%q", fmt.Sprint(bad[j], i))) {
					t.Errorf("row %d: problem %d is %v", i+2, j, re)
				}
			}
		})
	}
	wg.Wait()
}
