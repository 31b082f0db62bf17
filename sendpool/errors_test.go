package sendpool

import "testing"

// TestSMTPErrorReason: a refusal names the command refused, and the final
// reply to the body reads as the message's, not as ".".
func TestSMTPErrorReason(t *testing.T) {
	for _, tt := range []struct {
		err  SMTPError
		want string
	}{
		{SMTPError{Code: 421, Message: "closing"}, "421 closing"},
		{SMTPError{Command: "RCPT", Code: 550, EnhancedCode: EnhancedCode{5, 1, 1}, Message: "no such user"}, "RCPT: 550 5.1.1 no such user"},
		{SMTPError{Command: ".", Code: 451, EnhancedCode: EnhancedCode{4, 7, 1}, Message: "try later"}, "message: 451 4.7.1 try later"},
	} {
		if got := tt.err.Reason(); got != tt.want {
			t.Errorf("Reason() = %q, want %q", got, tt.want)
		}
	}
}

// TestGaveUpWords: one retry is a retry.
func TestGaveUpWords(t *testing.T) {
	if got := gaveUp(1); got != "gave up after 1 retry" {
		t.Errorf("GaveUp(1) = %q", got)
	}
	if got := gaveUp(3); got != "gave up after 3 retries" {
		t.Errorf("GaveUp(3) = %q", got)
	}
}

// TestReplyText: the pool's words before a reply are not the reply's.
func TestReplyText(t *testing.T) {
	for in, want := range map[string]string{
		gaveUp(1) + ": 451 4.3.0 try later":          "451 4.3.0 try later",
		gaveUp(3) + ": 421 busy":                     "421 busy",
		"550 5.1.1 no such user":                     "550 5.1.1 no such user",
		policyRefusal + ": Message rejected as spam": "Message rejected as spam",
	} {
		if got := ReplyText(in); got != want {
			t.Errorf("ReplyText(%q) = %q, want %q", in, got, want)
		}
	}
}
