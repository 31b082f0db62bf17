package templates

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tidings/tidings/campaign"
)

func TestIdentifier(t *testing.T) {
	for _, tt := range []struct{ column, want string }{
		{"email", "email"},
		{"First Name", "First_Name"},
		{"E-mail", "E_mail"},
		{"2024 Total", "_2024_Total"},
		{"姓名", "姓名"},
		{"客户 名称", "客户_名称"},
		{"Total ($)", "Total_"},
		{"  a -- b  ", "_a_b_"},
		{"first_name", "first_name"},
		{"_x", "_x"},
		{"9", "_9"},
		{"#", "_"},
		{"Ünïcode Nämé", "Ünïcode_Nämé"},
		{"a.b", "a_b"},
	} {
		if got := Identifier(tt.column); got != tt.want {
			t.Errorf("Identifier(%q) = %q, want %q", tt.column, got, tt.want)
		}
	}
}

// aliasYAML uses identifiers of columns in every kind of template.
const aliasYAML = `name: test
from: "Acme <news@acme.example>"
reply_to: "{{.E_mail}}"
to: "{{.First_Name}} <{{.E_mail}}>"
subject: "{{.First_Name}}: {{._2024_Total}} {{.姓名}}"
text: body.txt
html: body.html
attachments: ["files/{{.First_Name}}.pdf"]
headers:
  X-Total: '{{index . "_2024_Total"}}'
unsubscribe:
  url: "https://acme.example/u?e={{.E_mail | urlquery}}"
  mailto: "unsub+{{$.First_Name}}@acme.example"
recipients: {path: people.csv}
`

var aliasColumns = []string{"E-mail", "First Name", "2024 Total", "姓名"}

// TestIdentifiersInEveryTemplate: {{.First_Name}} reads "First Name" in
// every template, and the columns a template names are header texts.
func TestIdentifiersInEveryTemplate(t *testing.T) {
	c := load(t, aliasYAML, map[string]string{
		"body.txt":  "Hi {{.First_Name}}, {{with .}}{{.E_mail}}{{end}} {{template \"t\" .}}{{define \"t\"}}{{._2024_Total}}{{end}}\n",
		"body.html": "<p>{{.First_Name}} {{$.姓名}}</p>\n",
	})
	s, err := Compile(c, aliasColumns)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Execute(campaign.Row{Number: 2, Values: map[string]string{
		"E-mail": "ann@example.com", "First Name": "Ann", "2024 Total": "12", "姓名": "安",
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	got := map[string]string{
		"reply_to": f.ReplyTo, "to": f.To, "subject": f.Subject, "attachment": f.Attachments[0],
		"header": f.Headers[0], "url": f.UnsubscribeURL, "mailto": f.UnsubscribeMailto,
		"text": string(f.Text), "html": string(f.HTML),
	}
	want := map[string]string{
		"reply_to": "ann@example.com", "to": "Ann <ann@example.com>", "subject": "Ann: 12 安",
		"attachment": "files/Ann.pdf", "header": "12", "url": "https://acme.example/u?e=ann%40example.com",
		"mailto": "unsub+Ann@acme.example", "text": "Hi Ann, ann@example.com 12\n", "html": "<p>Ann 安</p>\n",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q, want %q", k, got[k], w)
		}
	}
	if cols := s.Subject.Columns(); !reflect.DeepEqual(cols, []string{"First Name", "2024 Total", "姓名"}) {
		t.Errorf("subject Columns = %q, want header texts", cols)
	}
	if used := s.UsedColumns(); !reflect.DeepEqual(used, []string{"E-mail", "First Name", "2024 Total", "姓名"}) {
		t.Errorf("UsedColumns = %q", used)
	}
	// A row error names the header text.
	var buf bytes.Buffer
	err = s.Subject.Execute(&buf, campaign.Row{Number: 3, Values: map[string]string{"2024 Total": "1", "姓名": "x"}})
	var re *campaign.RowError
	if !errors.As(err, &re) || re.Column != "First Name" {
		t.Errorf("missing value: %v, want a RowError for column \"First Name\"", err)
	}
}

// TestIdentifierUnchanged: a header that is an identifier is reached by it
// as before, and a header text still works beside its identifier.
func TestIdentifierUnchanged(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `'{{.name}} {{index . "First Name"}} {{.First_Name}}'`, 1), map[string]string{"body.txt": "hi\n"})
	s, err := Compile(c, []string{"email", "name", "First Name"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Execute(campaign.Row{Values: map[string]string{"email": "a@x.example", "name": "n", "First Name": "F"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.Subject != "n F F" {
		t.Errorf("subject %q, want \"n F F\"", f.Subject)
	}
	if cols := s.Subject.Columns(); !reflect.DeepEqual(cols, []string{"name", "First Name"}) {
		t.Errorf("Columns = %q", cols)
	}
}

func TestIdentifierClash(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "hi\n"})
	for _, cols := range [][]string{
		{"email", "name", "First Name", "First-Name"},
		{"email", "name", "First_Name", "First Name"},
	} {
		_, err := Compile(c, cols)
		if !errors.Is(err, ErrColumnClash) {
			t.Fatalf("Compile(%q) = %v, want ErrColumnClash", cols, err)
		}
		var fe *campaign.FileError
		if !errors.As(err, &fe) || fe.File != c.Recipients.Path {
			t.Errorf("error %v does not name the sheet %s", err, c.Recipients.Path)
		}
		want := `templates: two columns have the same template name: "` + cols[2] + `" and "` + cols[3] + `" are both {{.First_Name}}; rename one of them in the sheet`
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message\n %q\nlacks\n %q", err, want)
		}
	}
}

// TestUnknownColumnSuggestion: the message names the column a template
// probably meant, written as a template writes it.
func TestUnknownColumnSuggestion(t *testing.T) {
	cols := []string{"email", "name", "First Name", "2024 Total"}
	for _, tt := range []struct{ src, want string }{
		{"{{.first_name}}", `campaign.yaml:3: templates: subject: no such column in the sheet: "first_name"; did you mean {{.First_Name}} (the column "First Name")? (columns: "email", "name", "First Name" (.First_Name), "2024 Total" (._2024_Total))`},
		{"{{.FirstName}}", `"FirstName"; did you mean {{.First_Name}} (the column "First Name")?`},
		{"{{.nmae}}", `"nmae"; did you mean {{.name}}? (columns:`},
		{"{{.Email}}", `"Email"; did you mean {{.email}}?`},
		{"{{.2024_Total}}", ``}, // a number: not a field at all
		{`{{index . "2024total"}}`, `"2024total"; did you mean {{._2024_Total}} (the column "2024 Total")?`},
		{"{{.city}}", `"city" (columns:`},
	} {
		t.Run(tt.src, func(t *testing.T) {
			c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, "'"+tt.src+"'", 1), map[string]string{"body.txt": "hi\n"})
			_, err := Compile(c, cols)
			if err == nil {
				t.Fatal("Compile succeeded")
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message\n %q\nlacks\n %q", err, tt.want)
			}
		})
	}
}

// TestSpacedFieldHint: {{.First Name}} is a syntax error; the message says
// how to write the column.
func TestSpacedFieldHint(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Hello {{.First Name}}"`, 1), map[string]string{"body.txt": "hi\n"})
	_, err := Compile(c, []string{"email", "First Name"})
	want := `(the column "First Name" is written {{.First_Name}} or {{index . "First Name"}})`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Compile = %v, want a message with %s", err, want)
	}
}

var helpExampleRE = regexp.MustCompile(`^\s+(.*\S)\s+→ (.*)$`)

// TestHelpExamples runs every "template → output" example of Help against
// the row the text describes, and keeps Help's lines within 80 columns.
func TestHelpExamples(t *testing.T) {
	row := campaign.Row{Values: map[string]string{
		"name": "  ANNE lee ", "nickname": "", "city": "Zürich", "joined": "3/14/2024",
		"tags": "news, offers,,events", "email": "anne@example.com", "amount": "1,234.5",
	}}
	n := 0
	for _, line := range strings.Split(Help, "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("help line over 80 columns: %q", line)
		}
		m := helpExampleRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n++
		c := load(t, strings.Replace(baseYAML, `subject: "Hello {{.name}}"`, "subject: '"+strings.ReplaceAll(m[1], "'", "''")+"'", 1), map[string]string{"body.txt": "hi\n"})
		s, err := Compile(c, []string{"name", "nickname", "city", "joined", "tags", "email", "amount"})
		if err != nil {
			t.Errorf("%s: %v", m[1], err)
			continue
		}
		var buf bytes.Buffer
		if err := s.Subject.Execute(&buf, row); err != nil || buf.String() != m[2] {
			t.Errorf("%s gives %q, %v; help says %q", m[1], buf.String(), err, m[2])
		}
	}
	if n < 12 {
		t.Errorf("found %d examples in Help, want every function's", n)
	}
	for _, fn := range []string{"default", "upper", "lower", "title", "trim", "replace", "split", "join", "date", "number", "address"} {
		if !regexp.MustCompile(`(?m)^  ` + fn + ` `).MatchString(Help) {
			t.Errorf("Help does not describe %s", fn)
		}
	}
}

// TestCompileSheetNote: an unknown column in a template says which sheet of
// the workbook was read, since the list is often on another.
func TestCompileSheetNote(t *testing.T) {
	c := load(t, strings.Replace(baseYAML, "people.csv", "people.xlsx", 1), map[string]string{"body.txt": "hi\n"})
	wb := excelize.NewFile()
	defer wb.Close()
	if err := wb.SetSheetName("Sheet1", "Summary"); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Subscribers", "Notes"} {
		if _, err := wb.NewSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	for sheet, cells := range map[string][]string{"Summary": {"email", "Total"}, "Subscribers": {"email", "name"}} {
		if err := wb.SetSheetRow(sheet, "A1", &cells); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.SaveAs(c.Recipients.Path); err != nil {
		t.Fatal(err)
	}
	sheet, err := campaign.OpenSheet(context.Background(), c.Recipients)
	if err != nil {
		t.Fatal(err)
	}
	defer sheet.Close()
	_, err = CompileSheet(c, sheet)
	want := `campaign.yaml:3: templates: subject: no such column in the sheet: "name" (columns: "email", "Total"); read sheet "Summary" of people.xlsx (sheets: Summary, Subscribers, Notes); set recipients.sheet`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("CompileSheet = %v\nwant it to end with\n %s", err, want)
	}
}
