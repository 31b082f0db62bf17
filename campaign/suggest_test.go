package campaign

import "testing"

func TestClosest(t *testing.T) {
	keys := []string{"name", "from", "subject", "reply_to", "to", "cc", "bcc", "text", "html", "password_env"}
	for _, tt := range []struct{ name, want string }{
		{"subjet", "subject"},
		{"Subject", "subject"},
		{"SUBJECT", "subject"},
		{"replyTo", "reply_to"},
		{"reply-to", "reply_to"},
		{"ReplyTo", "reply_to"},
		{"passwordEnv", "password_env"},
		{"tx", "to"},    // one edit from to; two from text
		{"xx", ""},      // short: one edit at most
		{"c", "cc"},     // one edit
		{"bc", ""},      // cc and bcc are both one edit away
		{"body", ""},    // nothing close
		{"htm", "html"}, // one edit
		{"", ""},
	} {
		if got := Closest(tt.name, keys); got != tt.want {
			t.Errorf("Closest(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestClosestOrContaining: when no column is close, the one whose name
// holds the words asked for is suggested; not when two do, nor for a name
// of fewer than three letters.
func TestClosestOrContaining(t *testing.T) {
	for _, tt := range []struct {
		name    string
		columns []string
		want    string
	}{
		{"email", []string{"Email Address", "name", "city"}, "Email Address"},
		{"mail", []string{"E-Mail", "Name"}, "E-Mail"},
		{"email", []string{"Email_Address", "First_Name"}, "Email_Address"},
		{"email", []string{"Emails", "name"}, "Emails"}, // close: Closest's
		{"email", []string{"Work Email", "Home Email"}, ""},
		{"id", []string{"Customer ID", "name"}, ""},
		{"email", []string{"name", "city"}, ""},
		// Whole words of the column's name, not any part of it.
		{"paid", []string{"Amount Paid", "email"}, "Amount Paid"},
		{"amount", []string{"Amount Paid", "email"}, "Amount Paid"},
		{"name", []string{"first_name", "email"}, "first_name"},
		{"name", []string{"FirstName", "email"}, "FirstName"},
		{"first_name", []string{"Customer First Name", "email"}, "Customer First Name"},
		{"line2", []string{"Address Line2", "email"}, "Address Line2"},
		{"body", []string{"HTMLBody", "email"}, "HTMLBody"},
		{"age", []string{"language", "email"}, ""},
		{"date", []string{"Update", "email"}, ""},
		{"tel", []string{"Hotel", "email"}, ""},
		{"vat", []string{"Private", "email"}, ""},
		{"mail", []string{"Mailing List", "name"}, ""},
		{"date", []string{"dates", "email"}, "dates"},
	} {
		if got := ClosestOrContaining(tt.name, tt.columns); got != tt.want {
			t.Errorf("ClosestOrContaining(%q, %q) = %q, want %q", tt.name, tt.columns, got, tt.want)
		}
	}
}
