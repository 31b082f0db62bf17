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
