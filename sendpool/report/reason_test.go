package report_test

import (
	"testing"

	"github.com/tidings/tidings/sendpool/report"
)

// TestReason: a row problem's reason as check, preview, the gallery,
// report.csv and send's list give it says what is wrong, and which
// setting's template failed where that is not the column itself,
// without the package names and the template's place in campaign.yaml
// ("templates: to (campaign.yaml:12): …"), words for developers.
func TestReason(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reason, column, want string }{
		{`templates: to (campaign.yaml:12): address: "not-an-address": not an email address: it has no @`, "email",
			`to: address: "not-an-address": not an email address: it has no @`},
		{`templates: to (My news (2026)/c.yaml:3:7): address: "x": not an email address`, "email", `to: address: "x": not an email address`},
		{`render: attachments[0]: attachment not readable: "files/x.pdf": no such file`, "file", `attachment not readable: "files/x.pdf": no such file`},
		{`plan: the key of an earlier row: row 2 has this key too`, "email", `the key of an earlier row: row 2 has this key too`},
		{`templates: subject (campaign.yaml:13): date: cannot read "Pro" as a date`, "plan", `subject: date: cannot read "Pro" as a date`},
		// The setting is the column: said once, by the line's column.
		{`templates: subject (campaign.yaml:13): too long`, "subject", `too long`},
		// A body's place says which body: kept.
		{`render: body.html:14:3: a value marked raw`, "note", `body.html:14:3: a value marked raw`},
		// Words of their own, and words already a person's, as they are.
		{`the cell holds Excel's error value #N/A`, "name", `the cell holds Excel's error value #N/A`},
		{`to: address: "x": not an email address`, "email", `to: address: "x": not an email address`},
		{`subject: `, "subject", `subject: `},
	} {
		if got := report.Reason(c.reason, c.column); got != c.want {
			t.Errorf("Reason(%q, %q) = %q, want %q", c.reason, c.column, got, c.want)
		}
	}
}

// TestReasonTwice: a spool keeps a row's problem as Reason worded it,
// and check, show and report word it again (ProblemLines); a reason that
// starts with its column's name lost that name at each wording
// ("to: to: x" on the column "to" read "to: x", then "x").
func TestReasonTwice(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ reason, column, want string }{
		{`templates: to (c.yaml:3): to: address: "x": not an email address`, "to", `to: address: "x": not an email address`},
		{`campaign: paid: paid: must be yes or no`, "paid", `paid: must be yes or no`},
		{`templates: to (c.yaml:3): campaign: x`, "to", `x`},
	} {
		once := report.Reason(c.reason, c.column)
		if once != c.want {
			t.Errorf("Reason(%q, %q) = %q, want %q", c.reason, c.column, once, c.want)
		}
		if twice := report.Reason(once, c.column); twice != once {
			t.Errorf("Reason of %q again = %q, want it kept", once, twice)
		}
	}
	line := `r.csv: row 3, column "to": to: address: "x": not an email address`
	if got := report.ProblemLines(line); len(got) != 1 || got[0] != line {
		t.Errorf("ProblemLines(%q) = %q, want it kept", line, got)
	}
}

// FuzzReasonTwice: Reason of its own words is those words, whatever the
// reason and column.
func FuzzReasonTwice(f *testing.F) {
	f.Add(`templates: to (c.yaml:3): to: x`, "to")
	f.Add(`render: attachments[0]: plan: y`, "file")
	f.Add(`templates: subject (campaign.yaml:13): too long`, "subject")
	f.Fuzz(func(t *testing.T, reason, column string) {
		once := report.Reason(reason, column)
		if twice := report.Reason(once, column); twice != once {
			t.Errorf("Reason(%q, %q) = %q, and again %q", reason, column, once, twice)
		}
	})
}
