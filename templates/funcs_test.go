package templates

import (
	"errors"
	"fmt"
	"net/mail"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"

	"github.com/tidings/tidings/campaign"
)

func run(t *testing.T, src string, data map[string]string) (string, error) {
	t.Helper()
	tt, err := texttemplate.New("t").Option("missingkey=error").Funcs(funcs(campaign.Recipients{})).Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err = tt.Execute(&b, data)
	return b.String(), err
}

// dateFunc is the date function for a sheet whose all-number dates are
// in order, its names in loc's language, as a campaign file that says
// its order gets it (sheetDateFunc).
func dateFunc(order campaign.DateOrder, loc campaign.Locale) func(layout, value string) (string, error) {
	return newDateReading(order, loc).fnDate
}

func TestFuncs(t *testing.T) {
	data := map[string]string{
		"name": "  élodie dupont ", "empty": " ", "tags": "a; b;;c ", "d": "3/14/2026",
		"iso": "2026-03-14", "excel": "14-Mar-26", "zh": "2026年3月14日", "eu": "14.3.2026",
	}
	tests := []struct{ src, want string }{
		{`{{.empty | default "friend"}}`, "friend"},
		{`{{.name | default "friend"}}`, "  élodie dupont "},
		{`{{.name | trim}}`, "élodie dupont"},
		{`{{.name | trim | upper}}`, "ÉLODIE DUPONT"},
		{`{{"ÉLODIE" | lower}}`, "élodie"},
		{`{{.name | trim | title}}`, "Élodie Dupont"},
		{`{{"straße ümlaut" | title}}`, "Straße Ümlaut"},
		{`{{.name | trim | replace " " "_"}}`, "élodie_dupont"},
		{`{{split ";" .tags | join ", "}}`, "a, b, c"},
		{`{{len (split "," "")}}`, "0"},
		{`{{date "iso" .d}}`, "2026-03-14"},
		{`{{.iso | date "long"}}`, "14 March 2026"},
		{`{{.excel | date "us"}}`, "March 14, 2026"},
		{`{{.zh | date "iso"}}`, "2026-03-14"},
		{`{{.eu | date "zh"}}`, "2026年3月14日"},
		{`{{.iso | date "Mon 2 Jan"}}`, "Sat 14 Mar"},
		{`{{.empty | date "iso"}}`, ""},
		{`{{"2026-03-14T10:00:00+01:00" | date "rfc3339"}}`, "2026-03-14T10:00:00+01:00"},
		{`{{"2026-03-14 23:30:00.000000+00" | date "long"}}`, "14 March 2026"}, // PostgreSQL's timestamptz, as listmonk exports created_at
		{`{{"2026-03-14 00:15:00.5+05:30" | date "iso"}}`, "2026-03-14"},
		{`{{"2026-03-14 10:00:00-08" | date "rfc3339"}}`, "2026-03-14T10:00:00-08:00"},
	}
	for _, tt := range tests {
		got, err := run(t, tt.src, data)
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
	if _, err := run(t, `{{date "iso" "soon"}}`, nil); err == nil || !strings.Contains(err.Error(), `"soon"`) {
		t.Errorf("date of a non-date: %v", err)
	}
	// Spreadsheet-style layouts would be written as their own letters.
	for _, layout := range []string{"yyyy-mm-dd", "DD/MM/YYYY", "dd.mm.2006", "no date here"} {
		if got, err := run(t, `{{date "`+layout+`" "2026-03-14"}}`, nil); err == nil || !strings.Contains(err.Error(), "not a Go time layout") {
			t.Errorf("date %q = %q, %v; want an error", layout, got, err)
		}
	}
	for layout, want := range map[string]string{"02/01/2006": "14/03/2026", "January 2006 issue": "March 2026 issue", "Monday, address day": "Saturday, address day"} {
		if got, err := run(t, `{{date "`+layout+`" "2026-03-14"}}`, nil); err != nil || got != want {
			t.Errorf("date %q = %q, %v; want %q", layout, got, err, want)
		}
	}
}

// TestDateHint: only a value the other order would read gets the hint
// about recipients.dates.
func TestDateHint(t *testing.T) {
	for _, v := range []string{"hello", "31/02/2024", "13/13/2024"} {
		if _, err := dateFunc(campaign.MonthFirst, campaign.Locale{})("iso", v); err == nil || strings.Contains(err.Error(), "recipients.dates") {
			t.Errorf("%q: %v", v, err)
		}
	}
}

// TestDateWordsHint: a date a workbook shows with month or weekday names
// of another language (a French long date format) says to give the column
// a format of digits; one of digits only says nothing of it.
func TestDateWordsHint(t *testing.T) {
	for _, v := range []string{"mardi 31 mars 2026", "31 März 2026", "31. maaliskuuta 2026"} {
		_, err := dateFunc(campaign.DayFirst, campaign.Locale{})("02/01/2006", v)
		if err == nil || !strings.Contains(err.Error(), "give the column a number format of digits") {
			t.Errorf("%q: %v; want the hint about the column's number format", v, err)
		}
	}
	if _, err := dateFunc(campaign.MonthFirst, campaign.Locale{})("iso", "31/02/2024"); err == nil || strings.Contains(err.Error(), "number format") {
		t.Errorf("31/02/2024: %v; want no hint about a number format", err)
	}
}

// TestDateMonthNameHint: a date typed with an English month's name that
// date cannot read (an ordinal day, no year) is told the forms it reads,
// not that it reads English names only, which it did (rev-user14).
func TestDateMonthNameHint(t *testing.T) {
	for _, v := range []string{"15th January", "January 15th, 2027", "15th Jan 2027", "Sept 15 2027"} {
		_, err := dateFunc(campaign.DayFirst, campaign.Locale{})("long", v)
		if err == nil || !strings.Contains(err.Error(), "with a month's name, date reads the day as a number and the year: 15 January 2027") || strings.Contains(err.Error(), "names in English") {
			t.Errorf("%q: %v; want the forms a month's name is read in", v, err)
		}
	}
	if _, err := dateFunc(campaign.DayFirst, campaign.Locale{})("long", "31 März 2026"); err == nil || strings.Contains(err.Error(), "with a month's name") {
		t.Errorf("31 März 2026: %v; want the hint about English names", err)
	}
}

// TestDateOrder: all-number dates are read month first unless the sheet
// is day-first (recipients.dates); a date that cannot be in the order
// says which order was used and how to change it; other forms read the
// same either way.
func TestDateOrder(t *testing.T) {
	monthFirst, dayFirst := dateFunc(campaign.MonthFirst, campaign.Locale{}), dateFunc(campaign.DayFirst, campaign.Locale{})
	for _, tc := range []struct{ in, month, day string }{
		{"05/04/2024", "2024-05-04", "2024-04-05"},
		{"5/4/24", "2024-05-04", "2024-04-05"},
		{"05-04-24", "2024-05-04", "2024-04-05"},
		{"05/04/2024 10:30", "2024-05-04", "2024-04-05"},
		{"14/3/2024", "", "2024-03-14"},
		{"3/14/2024", "2024-03-14", ""},
		{"2024-03-14", "2024-03-14", "2024-03-14"},
		{"14.3.2024", "2024-03-14", "2024-03-14"},
		// German Excel's dd.mm.yy and dd.mm.yyyy hh:mm (rev-user6: "cannot
		// read "15.07.26" as a date" for a date cell so formatted).
		{"14.03.24", "2024-03-14", "2024-03-14"},
		{"14.03.2024 10:30", "2024-03-14", "2024-03-14"},
		{"14.03.2024 10:30:15", "2024-03-14", "2024-03-14"},
		// yyyy/mm/dd as German Excel shows it, with its date separator.
		{"2024.03.14", "2024-03-14", "2024-03-14"},
		{"2024.03.14 10:30", "2024-03-14", "2024-03-14"},
		{"05-04-2024", "2024-05-04", "2024-04-05"},
	} {
		for _, c := range []struct {
			f     func(string, string) (string, error)
			want  string
			order string
		}{{monthFirst, tc.month, "month"}, {dayFirst, tc.day, "day"}} {
			got, err := c.f("iso", tc.in)
			switch {
			case c.want == "" && (err == nil || !strings.Contains(err.Error(), "recipients.dates is day-first") && !strings.Contains(err.Error(), "set recipients.dates: day-first")):
				t.Errorf("%s first, %q: %q, %v; want an error naming recipients.dates", c.order, tc.in, got, err)
			case c.want != "" && (err != nil || got != c.want):
				t.Errorf("%s first, %q: %q, %v; want %s", c.order, tc.in, got, err, c.want)
			}
		}
	}
}

// TestDatePointsMonthFirst: a date written month first with points
// ("07.15.26"), which date reads day first since a3e07dc, as German Excel
// writes it, was told only "use a form like 2006-01-02" (rev-final6); the
// error says points are read day first and 15 is no month. A date with
// points that is no date either way says nothing of the order.
func TestDatePointsMonthFirst(t *testing.T) {
	for _, order := range []campaign.DateOrder{campaign.MonthFirst, campaign.DayFirst} {
		f := dateFunc(order, campaign.Locale{})
		_, err := f("iso", "07.15.26")
		if err == nil || !strings.Contains(err.Error(), "a date written with points is read day first (15.07.2026), and 15 is no month: write it 15.07.… or 2006-01-02") {
			t.Errorf("%v, 07.15.26: %v; want the points hint", order, err)
		}
		if _, err := f("iso", "13.14.2026 10:30"); err == nil || strings.Contains(err.Error(), "points") {
			t.Errorf("%v, 13.14.2026: %v; want an error without the points hint", order, err)
		}
	}
}

// TestDateNoSuchDay: a date written in a form date reads but with a day
// its month has not ("31.02.2027", "2026-02-29", "04/31/2026" month
// first) was told "use a form like 2006-01-02", the form it had (rev-user11,
// a club's due dates); the error says the month has no such day. A value
// in no form date reads is told the forms as before.
func TestDateNoSuchDay(t *testing.T) {
	for _, c := range []struct {
		order campaign.DateOrder
		value string
	}{
		{campaign.DayFirst, "31.02.2027"},
		{campaign.MonthFirst, "31.02.2027"},
		{campaign.DayFirst, "2026-02-29"},
		{campaign.MonthFirst, "04/31/2026"},
		{campaign.DayFirst, "31/04/2026"},
	} {
		_, err := dateFunc(c.order, campaign.Locale{})("iso", c.value)
		if err == nil || !strings.Contains(err.Error(), "is no date: it is written as one, but the month it names has no such day") {
			t.Errorf("%v, %s: %v; want the month's days named", c.order, c.value, err)
		}
	}
	if _, err := dateFunc(campaign.DayFirst, campaign.Locale{})("iso", "31.13.2026"); err == nil || strings.Contains(err.Error(), "no such day") {
		t.Errorf("31.13.2026: %v; want no word of the day", err)
	}
	if got, err := dateFunc(campaign.DayFirst, campaign.Locale{})("iso", "29.02.2028"); err != nil || got != "2028-02-29" {
		t.Errorf("29.02.2028 = %q, %v", got, err)
	}
}

func TestSplit(t *testing.T) {
	if got := fnSplit(",", " x , ,y,"); !reflect.DeepEqual(got, []string{"x", "y"}) {
		t.Errorf("split = %q", got)
	}
	if got := fnSplit("", "abc"); got != nil {
		t.Errorf("split with empty sep = %q", got)
	}
}

func TestAddressFunc(t *testing.T) {
	tests := []struct {
		name, email, want string
	}{
		{"Ann Lee", "ann@example.com", "Ann Lee <ann@example.com>"},
		{"", "ann@example.com", "ann@example.com"},
		{"Lee, Ann", "ann@example.com", `"Lee, Ann" <ann@example.com>`},
		{`Ann "The Boss" Lee`, "ann@example.com", `"Ann \"The Boss\" Lee" <ann@example.com>`},
		{"Ann (work)", "ann@example.com", `"Ann (work)" <ann@example.com>`},
		{`back\slash`, "b@example.com", `"back\\slash" <b@example.com>`},
		{"John Q. Public", "jq@example.com", `"John Q. Public" <jq@example.com>`},
		{"张三", "zs@example.cn", "张三 <zs@example.cn>"},
		{"张三, 经理", "zs@example.cn", `"张三, 经理" <zs@example.cn>`},
		{"=?utf-8?q?x?=", "x@example.com", `"=?utf-8?q?x?=" <x@example.com>`},
		{"Ann  Lee", "ann@example.com", `"Ann  Lee" <ann@example.com>`},
	}
	for _, tt := range tests {
		got, err := fnAddress(tt.name, tt.email)
		if err != nil || got != tt.want {
			t.Errorf("address %q %q = %q, %v; want %q", tt.name, tt.email, got, err, tt.want)
			continue
		}
		list, err := mail.ParseAddressList(got)
		if err != nil || len(list) != 1 {
			t.Errorf("%q parses as %v, %v; want one address", got, list, err)
			continue
		}
		if list[0].Address != tt.email {
			t.Errorf("%q: address %q, want %q", got, list[0].Address, tt.email)
		}
		if tt.name != "=?utf-8?q?x?=" && list[0].Name != tt.name {
			t.Errorf("%q: name %q, want %q", got, list[0].Name, tt.name)
		}
	}
	for _, good := range []string{"a@b", "first.last+tag@sub.example.co.uk", "o'neil@example.com", "用户@例子.中国", "a@[127.0.0.1]"} {
		if _, err := fnAddress("A", good); err != nil {
			t.Errorf("address A %q: %v", good, err)
		}
	}
	for _, bad := range []string{"", "not-an-address", "a@x>, <b@y", "a@x, b@y", "Ann <a@x>", ".a@x", "a.@x", "a..b@x", "a@x..y", "a@.x", "a@x.", "a@", "@x", "a@b@c"} {
		if isPlainEmail(bad) {
			t.Errorf("isPlainEmail(%q) = true", bad)
		}
		if got, err := fnAddress("Ann", bad); !errors.Is(err, errBadEmail) {
			t.Errorf("address Ann %q = %q, %v; want errBadEmail", bad, got, err)
		}
	}
}

func ExamplePhrase() {
	fmt.Println(Phrase("Ann Lee"))
	fmt.Println(Phrase("Lee, Ann"))
	fmt.Println(Phrase(`Ann "The Boss" Lee`))
	fmt.Println(Phrase("张三"))
	// Output:
	// Ann Lee
	// "Lee, Ann"
	// "Ann \"The Boss\" Lee"
	// 张三
}

// TestDateArgumentsSwapped: {{date .due "2 January 2006"}} is one
// template error at its line (the value passed first); a layout that is a
// date itself (the arguments swapped where the layout comes from data) is
// an error of the row, not a wrong date in every message.
func TestDateArgumentsSwapped(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "Hi {{.name}},\n\npay by {{date .due \"2 January 2006\"}}.\nOr {{date \"iso\" .due}}.\n"})
	_, err := Compile(c, []string{"email", "name", "due"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrDateArgs) || fe.Line != 3 || !strings.Contains(err.Error(), `write {{date "2 January 2006" VALUE}}`) {
		t.Errorf("Compile: %v, want ErrDateArgs at body.txt:3", err)
	}
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "{{date .name \"2026-01-01\"}}\n"}), []string{"email", "name"}); err != nil {
		t.Errorf("a layout from a column and a date literal: %v", err)
	}
	if _, err := run(t, `{{date .layout .due}}`, map[string]string{"layout": "2026-12-31", "due": "2 January 2006"}); err == nil || !strings.Contains(err.Error(), `the layout "2026-12-31" is a date, not a layout`) {
		t.Errorf("a date as the layout: %v", err)
	}
	for _, layout := range []string{"02/01/2006", "01/02/2006", "2006-01-02 15:04", "2 Jan 2006", "06-01-02", "06/01/02", "060102"} {
		if _, err := run(t, `{{date "`+layout+`" "2026-03-14"}}`, nil); err != nil {
			t.Errorf("layout %q: %v", layout, err)
		}
	}
}

// TestUsedColumnsWholeRow: a template that takes the row itself as data
// may show any column, so every column is used; naming columns, also
// through index with a literal and through {{template "x" .}}, uses those
// only.
func TestUsedColumnsWholeRow(t *testing.T) {
	cols := []string{"email", "name", "amount", "note"}
	for body, want := range map[string]string{
		`{{range $k, $v := .}}{{$k}}: {{$v}}{{end}}`:         "email name amount note",
		`{{$r := .}}{{$r.amount}}`:                           "email name amount note",
		`{{.}}`:                                              "email name amount note",
		`{{index . .name}}`:                                  "email name amount note",
		`{{index . "amount"}} {{.note}}`:                     "email name amount note",
		`{{define "x"}}{{.amount}}{{end}}{{template "x" .}}`: "email name amount",
		`{{range split ";" .note}}{{.}}{{end}}`:              "email name note",
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": body + "\n"})
		set, err := Compile(c, cols)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		if got := strings.Join(set.UsedColumns(), " "); got != want {
			t.Errorf("%s: used %q, want %q", body, got, want)
		}
	}
}

// TestDateColumns: the columns passed to date as its value, in the forms
// the README shows (a header with spaces through index).
func TestDateColumns(t *testing.T) {
	c := load(t, baseYAML, map[string]string{"body.txt": "{{date \"long\" .due}} {{.paid | date \"iso\"}} {{date \"long\" (index . \"Due Date\")}} {{date \"iso\" $.sent}} {{.name}}\n"})
	set, err := Compile(c, []string{"email", "name", "due", "paid", "Due Date", "sent"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.DateColumns(), "|"); got != "due|paid|Due Date|sent" {
		t.Errorf("DateColumns = %q", got)
	}
}

// TestDateColumnsAny: a value passed to date that cannot be tied to a
// column may be any used column's.
func TestDateColumnsAny(t *testing.T) {
	for _, body := range []string{
		`{{.due | trim | date "long"}}`,
		`{{with .due}}{{date "long" .}}{{end}}`,
		`{{$d := .due}}{{date "long" $d}}`,
		`{{date "long" (trim .due)}}`,
	} {
		c := load(t, baseYAML, map[string]string{"body.txt": body + " {{.name}}\n"})
		set, err := Compile(c, []string{"email", "name", "due", "note"})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(set.DateColumns(), "|"); got != "email|name|due" {
			t.Errorf("%s: DateColumns = %q, want every used column", body, got)
		}
	}
}

// TestFunctionArgumentCount: a call of a function with too few or too
// many arguments ({{default .name}}) is one template error at its line,
// naming the function's use, not a problem of every row; a value piped
// in counts as the last argument, and the builtins are left alone.
func TestFunctionArgumentCount(t *testing.T) {
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Hi {{default .name}}\n", `{{default .name}}: wrong number of arguments: default DEF VALUE takes 2, this call gives 1`, 1},
		{"Hi\n{{.name | replace \"a\"}}\n", `{{replace "a"}}: wrong number of arguments: replace OLD NEW S takes 3, this call gives 2`, 2},
		{"{{if .name}}\n{{upper .name .email}}{{end}}\n", `upper S takes 1, this call gives 2`, 2},
		{"{{address (trim) .email}}\n", `trim S takes 1, this call gives 0`, 1},
		{"Hi\n{{printf}}\n", `{{printf}}: wrong number of arguments: printf takes at least 1, this call gives 0`, 2},
		{"{{if eq .name}}x{{end}}\n", `eq takes at least 2, this call gives 1`, 1},
		{"{{not .name .email}}\n", `not takes 1, this call gives 2`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), []string{"email", "name"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuncArgs) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
	ok := "{{.name | default \"friend\" | title}} {{default \"x\" .name}} {{split \",\" .name | join \"/\"}} {{printf \"%s-%s\" .name .email}} {{index . \"name\"}} {{and .name .email}}\n"
	if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": ok}), []string{"email", "name"}); err != nil {
		t.Errorf("calls with their arguments: %v", err)
	}
}

// TestFunctionNamedLikeAColumn: a function called with no arguments whose
// name is also a column's ({{title}} where the sheet has a title column)
// most likely means the column: the error says how a column is written;
// other counts, and functions no column is named like, get no such hint.
func TestFunctionNamedLikeAColumn(t *testing.T) {
	cols := []string{"email", "name", "title", "Date"}
	for _, c := range []struct{ body, want, not string }{
		{"Dear {{title}} {{.name}}\n", `{{title}}: wrong number of arguments: title S takes 1, this call gives 0 (did you mean {{.title}}? a column is written with a leading dot); tidings help`, "piped"},
		{"Sent {{date}}\n", `this call gives 0 (did you mean {{.Date}}? a column is written with a leading dot)`, "piped"},
		{"{{upper}}\n", `upper S takes 1, this call gives 0 (a value piped in with | counts as the last)`, "did you mean"},
		{"{{title .name .email}}\n", `title S takes 1, this call gives 2 (a value piped in`, "did you mean"},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), cols)
		if !errors.Is(err, ErrFuncArgs) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), c.not) {
			t.Errorf("%q: Compile = %v, want %q and not %q", c.body, err, c.want, c.not)
		}
	}
}

// TestUndefinedFunctionHint: a function name with a typo gets the one it
// probably means; an unknown one the list of tidings' functions.
func TestUndefinedFunctionHint(t *testing.T) {
	_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "Hi {{.name | uper}}\n"}), []string{"email", "name"})
	if err == nil || !strings.Contains(err.Error(), `function "uper" not defined (did you mean upper?`) {
		t.Errorf("Compile = %v, want a hint of upper", err)
	}
	_, err = Compile(load(t, baseYAML, map[string]string{"body.txt": "Hi {{frobnicate .name}}\n"}), []string{"email", "name"})
	if err == nil || !strings.Contains(err.Error(), "tidings' functions: address, date, default") {
		t.Errorf("Compile = %v, want the list of functions", err)
	}
}

// TestFunctionArgumentType: a call of a tidings function with an argument
// of a type it cannot take, whatever the row ({{upper 3}}, a text where
// join takes a list), is one template error at its line naming the
// function's use and the argument, not a problem of every row; calls
// whose types only running can tell are left to the run, and those the
// check passes run for a row.
func TestFunctionArgumentType(t *testing.T) {
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Hi {{upper 3}}\n", `{{upper 3}}: wrong type of argument: upper S takes text as S; 3 is a number`, 1},
		{"Hi\n{{join .name \",\"}}\n", `{{join .name ","}}: wrong type of argument: join SEP LIST takes a list (split gives one) as LIST; "," is text`, 2},
		{"{{.name | join \", \"}}\n", `join SEP LIST takes a list (split gives one) as LIST; the value piped in, .name, is text`, 1},
		{"{{upper (split \",\" .name)}}\n", `upper S takes text as S; (split "," .name) is a list (split gives one)`, 1},
		{"{{default true .name}}\n", `default DEF VALUE takes text as DEF; true is true or false`, 1},
		{"{{upper nil}}\n", `nil is nil`, 1},
		{"{{upper .}}\n", `. is the whole row`, 1},
		{"{{if .name}}\n{{split \",\" .name | upper}}{{end}}\n", `the value piped in, split "," .name, is a list`, 2},
		{"{{date \"long\" 20240314}}\n", `date LAYOUT VALUE takes text as VALUE; 20240314 is a number`, 1},
		// The builtins whose results' types are known.
		{"{{upper (len .name)}}\n", `upper S takes text as S; (len .name) is a number`, 1},
		{"{{.name | len | upper}}\n", `the value piped in, len, is a number`, 1},
		{"{{upper (eq .name \"x\")}}\n", `(eq .name "x") is true or false`, 1},
		{"{{printf \"%s!\" .name | split \",\" | upper}}\n", `the value piped in, split ",", is a list`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), []string{"email", "name"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuncArgType) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
	subject := strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Hello {{title 1}}"`, 1)
	if _, err := Compile(load(t, subject, map[string]string{"body.txt": "x\n"}), []string{"email", "name"}); !errors.Is(err, ErrFuncArgType) {
		t.Errorf("in the subject: Compile = %v, want ErrFuncArgType", err)
	}
	html := strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1)
	if _, err := Compile(load(t, html, map[string]string{"body.html": "<p>{{.name | join \",\"}}</p>\n"}), []string{"email", "name"}); !errors.Is(err, ErrFuncArgType) {
		t.Errorf("in an HTML body: Compile = %v, want ErrFuncArgType", err)
	}
	md := strings.Replace(baseYAML, "text: body.txt", "markdown: body.md", 1)
	if _, err := Compile(load(t, md, map[string]string{"body.md": "Hi {{.name | raw | upper}}\n"}), []string{"email", "name"}); !errors.Is(err, ErrFuncArgType) || !strings.Contains(err.Error(), "raw Markdown") {
		t.Errorf("raw before upper in a Markdown body: Compile = %v, want ErrFuncArgType", err)
	}
	ok := "{{printf \"%s!\" .name | upper}} {{len .name | printf \"%d\"}} {{if eq (len .name) 6}}six{{end}} " +
		"{{split \",\" .name | join \"/\"}} {{join \"/\" (split \",\" .name)}} {{range split \",\" .name}}{{upper .}}{{end}} " +
		"{{$n := .name}}{{upper $n}} {{upper (printf \"%s\" .name)}} {{join \",\" nil}} {{address (.name | trim | title) .email}} " +
		"{{with .name}}{{upper .}}{{end}} {{date \"iso\" (trim .due)}} {{upper (index . \"name\")}} {{.name | default \"x\" | upper}}\n"
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": ok}), []string{"email", "name", "due"})
	if err != nil {
		t.Fatalf("calls with arguments of their types: %v", err)
	}
	if _, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "ann,bo", "due": "2024-03-14"}}); err != nil {
		t.Errorf("the calls the check passes do not run: %v", err)
	}
}

// TestDateWeekday: a date shown with its weekday (a format with dddd:
// [$-804]yyyy"年"m"月"d"日" dddd, [$-F800] the system's long date) is read
// with the weekday before or after it; a weekday the date does not fall
// on is refused, naming both.
func TestDateWeekday(t *testing.T) {
	date := dateFunc(campaign.MonthFirst, campaign.Locale{})
	for _, v := range []string{
		"2026年3月5日 星期四", "2026年3月5日星期四", "2026年3月5日 周四", "星期四 2026年3月5日",
		"Thursday, March 05, 2026", "Thursday, March 5, 2026", "thursday March 5, 2026", "Thu, 5 Mar 2026",
		"5 March 2026, Thursday", "2026-03-05 Thu", "3/5/2026 Thursday",
		"2026年3月5日(周四)", "2026年3月5日（星期四）", "March 5, 2026 (Thu)",
	} {
		if got, err := date("iso", v); err != nil || got != "2026-03-05" {
			t.Errorf("%q: %q, %v; want 2026-03-05", v, got, err)
		}
	}
	if got, err := date("iso", "2026年3月1日 星期天"); err != nil || got != "2026-03-01" {
		t.Errorf("星期天: %q, %v", got, err)
	}
	for v, want := range map[string]string{
		"2026年3月6日 星期四":            `"2026年3月6日 星期四": 6 March 2026 is a Friday, not a Thursday: the row's date is wrong`,
		"Thursday, March 06, 2026": `6 March 2026 is a Friday, not a Thursday`,
	} {
		if got, err := date("iso", v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q, %v; want an error with %q", v, got, err, want)
		}
	}
	// A weekday that the other order of an all-number date falls on: the
	// sheet's order, not its date, is wrong.
	for _, tc := range []struct {
		order campaign.DateOrder
		v     string
		want  string
	}{
		{campaign.MonthFirst, "Friday, 5/4/2024", `read as 4 May 2024, a Saturday, not a Friday: the row's date is wrong, or the sheet writes its dates day-first (5 April 2024 is a Friday): then set recipients.dates: day-first`},
		{campaign.DayFirst, "4/5/2024 Friday", `or the sheet writes its dates month-first (5 April 2024 is a Friday): then set recipients.dates: month-first`},
	} {
		if got, err := dateFunc(tc.order, campaign.Locale{})("iso", tc.v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %q, %v; want an error with %q", tc.v, got, err, tc.want)
		}
	}
	for _, v := range []string{"Thursday", "Thursdays 2026-03-05", "2026-03-05Thu", "Monday soon"} {
		if got, err := date("iso", v); err == nil {
			t.Errorf("%q: %q, want an error", v, got)
		}
	}
}

// TestCaseTurkish: upper, lower and title case a value holding ı or İ as
// Turkish does (a school's list, rev-user3: "İBRAHİM" came out "Ibrahim"
// of title, "Işık Çelik" "IŞIK ÇELIK" of upper); others as
// before: English rules, "ß" kept by upper.
func TestCaseTurkish(t *testing.T) {
	for _, c := range []struct {
		f        func(string) string
		in, want string
	}{
		{fnUpper, "Işık Çelik", "IŞIK ÇELİK"},
		{fnLower, "İBRAHİM IŞIK", "ibrahim ışık"},
		{fnTitle, "İBRAHİM ERDOĞAN", "İbrahim Erdoğan"},
		{fnTitle, "ILGIN ışık", "Ilgın Işık"},
		{fnUpper, "Straße in Zürich", "STRAßE IN ZÜRICH"},
		{fnLower, "ISTANBUL", "istanbul"},
		{fnTitle, "élodie dupont", "Élodie Dupont"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// TestCaseTurkicLetters: a value holding ğ or ə, letters of Turkish and
// Azerbaijani only, is cased as they do though it has no ı or İ (an
// Azerbaijani "Elçin Məmmədov" came out "ELÇIN MƏMMƏDOV" of upper, a
// Turkish "Buğra Çelik" "BUĞRA ÇELIK"); other names as before.
func TestCaseTurkicLetters(t *testing.T) {
	for _, c := range []struct {
		f        func(string) string
		in, want string
	}{
		{fnUpper, "Elçin Məmmədov", "ELÇİN MƏMMƏDOV"},
		{fnUpper, "Buğra Çelik", "BUĞRA ÇELİK"},
		{fnLower, "DOĞAN IRMAK", "doğan ırmak"},
		{fnTitle, "o'BRIEN", "O'brien"},
		{fnTitle, "MÜLLER-LÜDENSCHEIDT", "Müller-Lüdenscheidt"},
		{fnUpper, "Ingrid Şahin", "INGRID ŞAHIN"},
	} {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}
