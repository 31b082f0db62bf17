package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestNumber: number rounds half away from zero on the digits as
// written, with either decimal mark, and writes no grouping.
func TestNumber(t *testing.T) {
	point, comma := campaign.DecimalPoint, campaign.DecimalComma
	tests := []struct {
		mark   campaign.DecimalMark
		places int
		value  string
		want   string
	}{
		{point, 2, "12.5", "12.50"},
		{point, 2, "2.675", "2.68"},
		{point, 2, "0.005", "0.01"},
		{point, 2, "-1.005", "-1.01"},
		{point, 2, "9.995", "10.00"},
		{point, 0, "0.5", "1"},
		{point, 0, "-0.5", "-1"},
		{point, 0, "0.49", "0"},
		{point, 2, "-0.001", "0.00"},
		{point, 2, "123", "123.00"},
		{point, 1, "1,234.5", "1234.5"},
		{point, 1, "1 234.5", "1234.5"},
		{point, 1, "1\u00a0234.5", "1234.5"},
		{point, 0, "1'234'567", "1234567"},
		{point, 0, "-12", "-12"},
		{point, 0, "+3", "3"},
		{point, 0, " 7 ", "7"},
		{point, 3, ".5", "0.500"},
		{point, 10, "1.23456789012", "1.2345678901"},
		{point, 2, "0099.999", "100.00"},
		{comma, 2, "12,5", "12,50"},
		{comma, 1, "1.234,5", "1234,5"},
		{comma, 2, "1 234,567", "1234,57"},
		{comma, 0, "-2,5", "-3"},
		{comma, 2, "1.234.567", "1234567,00"},
	}
	for _, tc := range tests {
		if got, err := fnNumber(tc.mark, tc.mark, tc.places, tc.value); err != nil || got != tc.want {
			t.Errorf("number %d %q (decimal %s) = %q, %v; want %q", tc.places, tc.value, tc.mark, got, err, tc.want)
		}
	}
}

// TestNumberRefused: what is no number as recipients.decimal says the
// sheet writes one fails, saying why; nothing is guessed or stripped.
func TestNumberRefused(t *testing.T) {
	point, comma := campaign.DecimalPoint, campaign.DecimalComma
	tests := []struct {
		mark   campaign.DecimalMark
		places int
		value  string
		want   string
	}{
		{point, 2, "12,34", "a , where the decimal mark is '.' (recipients.decimal, or locale:'s when that is not set) must group three digits; set recipients.decimal: ',' if the sheet writes 12,34 for twelve point three four"},
		{point, 2, "1234,5", "must group three digits"},
		{point, 2, "1,23,456", "must group three digits"},
		{point, 2, "1 234,5", `cannot read "1 234,5"`},
		{comma, 2, "12.34", "a . where the decimal mark is ',' (recipients.decimal, or locale:'s when that is not set) must group three digits; set recipients.decimal: '.' if the sheet writes 12.34"},
		{point, 2, "abc", `cannot read "abc": not a number`},
		{point, 2, "1.2.3", `cannot read "1.2.3": not a number`},
		{point, 2, "12.", "not a number"},
		{point, 2, "-", "not a number"},
		{point, 2, "--5", "not a number"},
		{point, 2, "", `the value is empty: not a number (for a default, pipe the column through default "0" before number)`},
		{point, 2, "  ", "the value is empty"},
		{point, 2, "$12", `cannot read "$12": not a number: number reads digits, a sign and the decimal mark .; take the $ out of the cell (in a workbook its number format may add it: give the column one without, such as 0.00) and write it in the template before the number call`},
		// The unit to write is the cell's, where the cell has it: not a
		// € after a dollar or franc amount, nor a column the sheet lacks.
		{comma, 2, "$1.234,50", "take the $ out of the cell"},
		{comma, 2, "1.234,50 CHF", "take the CHF out of the cell (in a workbook its number format may add it: give the column one without, such as 0.00) and write it in the template after the number call"},
		// A workbook's "1,234.50 €" is a number cell whose format adds the
		// €: the template may say € already, the cell's format is the fix.
		{point, 2, "1,234.50 €", "in a workbook its number format may add it: give the column one without, such as 0.00"},
		{point, 2, "EUR 12.50", "take the EUR out of the cell"},
		{point, 2, "12 Stück 5", "take the currency or unit out of the cell"},
		{comma, 2, "abc", "take the currency or unit out of the cell"},
		{comma, 2, "x", "take the currency or unit out of the cell"},
		// A percent cell of a workbook holds the fraction: a format
		// without % shows 0,13 for 12,5%, not the number to write.
		{point, 0, "50%", "not a percentage; print the column as it is to show it as the sheet does, or take the % out of a CSV's cell and write it in the template after the number call (a workbook's percent cell holds the fraction, 0.125 for 12.5%, which a number format without % shows)"},
		{comma, 1, "12,5%", "not a percentage"},
		{point, 2, "1e3", "an exponent (1e3) is not read"},
		// An accounting format's negative amount: the parentheses are
		// the problem, not the decimal marks.
		{comma, 2, "(1.234,50)", `cannot read "(1.234,50)": not a number: number reads a negative amount with a minus sign (-1234,50), not in parentheses as an accounting format shows it; give the column a number format with a minus sign in the sheet, such as #,##0.00`},
		{point, 2, "(1,234.50)", "number reads a negative amount with a minus sign (-1234.50), not in parentheses"},
		{comma, 0, "(7)", "not in parentheses"},
		// An accounting format's zero, as the sheet shows it.
		{comma, 2, "- €", `cannot read "- €": not a number: a dash alone is how an accounting format shows a zero, and number reads digits; give the column a number format that shows the zero in the sheet, such as #,##0.00`},
		{point, 2, "$ -", "a dash alone is how an accounting format shows a zero"},
		{point, -1, "1", "-1 places: number writes 0 to 10 digits"},
		{point, 11, "1", "11 places: number writes 0 to 10 digits"},
	}
	for _, tc := range tests {
		got, err := fnNumber(tc.mark, tc.mark, tc.places, tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "templates: number: ") {
			t.Errorf("number %d %q (decimal %s) = %q, %v; want an error with %q", tc.places, tc.value, tc.mark, got, err, tc.want)
		}
		if tc.places >= 0 && tc.places <= maxPlaces && !errors.Is(err, errNotNumber) {
			t.Errorf("number %d %q: %v does not wrap errNotNumber", tc.places, tc.value, err)
		}
	}
}

// TestNumberInTemplate: number in a template, composed with default, and
// its result printf's text.
func TestNumberInTemplate(t *testing.T) {
	data := map[string]string{"amount": "1,234.5", "empty": ""}
	for src, want := range map[string]string{
		`{{number 2 .amount}} €`:                "1234.50 €",
		`{{.amount | number 0}}`:                "1235",
		`{{.empty | default "0" | number 2}}`:   "0.00",
		`{{printf "%10s|" (number 2 .amount)}}`: "   1234.50|",
	} {
		if got, err := run(t, src, data); err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", src, got, err, want)
		}
	}
}

// TestNumberChecked: a call of number with PLACES as text, or a number
// where it takes the value, is a template error at its line; its result
// is text, which printf's %s and upper take; printf's hint for a column
// given %.2f names number.
func TestNumberChecked(t *testing.T) {
	cols := []string{"email", "name", "amount"}
	for _, c := range []struct {
		body, want string
		line       int
	}{
		{"Total:\n{{number \"2\" .amount}}\n", `{{number "2" .amount}}: wrong type of argument: number PLACES VALUE takes a number as PLACES; "2" is text`, 2},
		{"{{number 2 12.5}}\n", `number PLACES VALUE takes text as VALUE; 12.5 is a number`, 1},
		{"{{.amount | number .amount}}\n", `number PLACES VALUE takes a number as PLACES; .amount is text`, 1},
		{"{{number 11 .amount}}\n", `{{number 11 .amount}}: wrong type of argument: number writes 0 to 10 digits after the decimal mark; 11 is not among them`, 1},
		{"x\n{{.amount | number -1}}\n", `number writes 0 to 10 digits after the decimal mark; -1 is not among them`, 2},
		{"{{number 2.5 .amount}}\n", `number takes a whole number of places; 2.5 is not one`, 1},
		{"{{number true .amount}}\n", `number takes a whole number of places; true is true or false`, 1},
		{"{{printf \"%.2f\" .amount}}\n", `%.2f formats a decimal number (1.5); .amount is text: use %s or %v (a column is text, as the sheet shows it: {{number 2 .amount}} writes its number with 2 places)`, 1},
	} {
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": c.body}), cols)
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFuncArgType) || fe.Line != c.line || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: Compile = %v, want %q at line %d", c.body, err, c.want, c.line)
		}
	}
	ok := "{{printf \"%s\" (number 2 .amount)}} {{number 0 .amount | upper}} {{printf \"%8s\" (.amount | default \"0\" | number 1)}}\n"
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": ok}), cols)
	if err != nil {
		t.Fatalf("number's result as text: %v", err)
	}
	if _, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "amount": "12.5"}}); err != nil {
		t.Errorf("the calls the check passes do not run: %v", err)
	}
}

// TestNumberRowProblem: an amount that is no number, or empty, makes its
// row a problem naming the column (and the value), as date's do.
func TestNumberRowProblem(t *testing.T) {
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "Hi {{.name}}, {{.qty}} items: you owe {{number 2 .amount}} €.\n"}), []string{"email", "name", "qty", "amount"})
	if err != nil {
		t.Fatal(err)
	}
	// qty's "2" is in the call (number 2) as written: the empty amount
	// is still amount's problem.
	for amount, want := range map[string]string{
		"12,34": `body.txt:1): number: cannot read "12,34": a , where the decimal mark is '.' (recipients.decimal, or locale:'s when that is not set) must group three digits`,
		"abc":   `body.txt:1): number: cannot read "abc": not a number`,
		"":      `body.txt:1): number: the value is empty`,
		// quoted in the message as "(1\u00a0234.50)": the column is named
		// all the same (a French sheet groups with a no-break space).
		"(1\u00a0234.50)": `body.txt:1): number: cannot read "(1\u00a0234.50)": not a number: number reads a negative amount`,
	} {
		_, err := set.Execute(campaign.Row{Number: 7, Values: map[string]string{"email": "a@x.example", "name": "Ann", "qty": "2", "amount": amount}})
		var re *campaign.RowError
		if !errors.As(err, &re) || re.Column != "amount" || !errors.Is(err, errNotNumber) || !strings.Contains(err.Error(), `row 7, column "amount": templates: text (`) || !strings.Contains(err.Error(), want) {
			t.Errorf("amount %q: %v; want a row problem with %q", amount, err, want)
		}
	}
}

// TestNumberDecimalComma: with recipients.decimal: ",", number reads and
// writes a comma.
func TestNumberDecimalComma(t *testing.T) {
	yaml := strings.Replace(baseYAML, "path: people.csv", "path: people.csv\n  decimal: \",\"", 1)
	set, err := Compile(load(t, yaml, map[string]string{"body.txt": "{{number 2 .amount}} €\n"}), []string{"email", "name", "amount"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "amount": "1.234,5"}})
	if err != nil || string(m.Text) != "1234,50 €\n" {
		t.Errorf("number 2 \"1.234,5\" with decimal \",\" = %q, %v; want 1234,50 €", m.Text, err)
	}
}

// TestNumberXLSXReadsComma: a workbook's number cells are read with the
// mark recipients.decimal names, as a CSV's are: under "," the sheet
// shows them as that locale's Excel does (1.234,5), and number reads and
// writes the comma.
func TestNumberXLSXReadsComma(t *testing.T) {
	yaml := strings.Replace(baseYAML, "path: people.csv", "path: people.xlsx\n  decimal: \",\"", 1)
	set, err := Compile(load(t, yaml, map[string]string{"body.txt": "{{number 2 .amount}} €\n"}), []string{"email", "name", "amount"})
	if err != nil {
		t.Fatal(err)
	}
	for amount, want := range map[string]string{"12,345": "12,35 €\n", "1.234,5": "1234,50 €\n", "0,125": "0,13 €\n"} {
		m, err := set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "amount": amount}})
		if err != nil || string(m.Text) != want {
			t.Errorf("xlsx, decimal \",\": number 2 %q = %q, %v; want %q", amount, m.Text, err, want)
		}
	}
}

// TestNumberOtherMarkHint: a value that reads as a number with the other
// decimal mark says which setting reads it, in a CSV and in a workbook
// alike (the setting decides how both are read).
func TestNumberOtherMarkHint(t *testing.T) {
	for _, tc := range []struct {
		path, decimal, value, want string
	}{
		{"people.csv", ".", "1.234,56", `(with recipients.decimal: "," it reads as a number)`},
		{"people.csv", ",", "1,234.56", `(with recipients.decimal: "." it reads as a number)`},
		{"people.xlsx", ",", "1,234.56", `(with recipients.decimal: "." it reads as a number)`},
		{"people.xlsx", ".", "1.234,56", `(with recipients.decimal: "," it reads as a number)`},
		{"people.csv", ".", "abc", ""},
	} {
		mark, err := campaign.ParseDecimalMark(tc.decimal)
		if err != nil {
			t.Fatal(err)
		}
		_, err = numberFunc(campaign.Recipients{Path: tc.path, Decimal: mark})(2, tc.value)
		if err == nil || tc.want != "" && !strings.HasSuffix(err.Error(), tc.want) || tc.want == "" && strings.Contains(err.Error(), "it reads as a number") {
			t.Errorf("%s, decimal %q, %q: %v, want it to end with %q", tc.path, tc.decimal, tc.value, err, tc.want)
		}
	}
}
