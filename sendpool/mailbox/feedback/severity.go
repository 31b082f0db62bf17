package feedback

import "strings"

// overQuotaPhrases say that a mailbox is full, in replies that give no
// specific status code (lower case).
var overQuotaPhrases = []string{
	"mailbox full", "mailbox is full", "mailbox has exceeded", "over quota", "overquota",
	"quota exceeded", "exceeded storage", "exceeds storage", "insufficient storage",
	"out of storage", "邮箱已满", "空间不足", "容量不足",
}

func overQuota(diag string) bool {
	d := strings.ToLower(diag)
	for _, p := range overQuotaPhrases {
		if strings.Contains(d, p) {
			return true
		}
	}
	return false
}

// severity classifies one recipient of a report. action is the DSN Action
// (lower case; "" when unknown), st the Status, diag the diagnostic text.
//
// Delivered, relayed and expanded are no failure. Delayed is soft. Otherwise
// the status decides: 4.x.x soft, 5.2.2 (mailbox full) soft, other 5.x.x
// hard. A generic status (X.0.0, or none) is refined by a specific code of
// the same class in the diagnostic, then by the SMTP reply code there (4yz
// soft; 552, "exceeded storage allocation", soft; other 5yz hard) and by
// over-quota wording. A failure with no code at all is hard.
func severity(action string, st Status, diag string) Severity {
	switch action {
	case "delivered", "relayed", "expanded":
		return SeverityNone
	case "delayed":
		return SeveritySoft
	}
	st = effectiveStatus(st, diag)
	switch {
	case st.Class == 4 || st.mailboxFull():
		return SeveritySoft
	case st.Class == 5 && (st.Subject != 0 || st.Detail != 0):
		return SeverityHard
	case st.Class == 2 && action != "failed":
		return SeverityNone
	}
	code := findReplyCode(diag)
	switch {
	case code == 552 || overQuota(diag) || code >= 400 && code < 500:
		return SeveritySoft
	case code >= 500 || st.Class == 5 || action == "failed":
		return SeverityHard
	}
	return SeverityNone
}

// effectiveStatus returns st, or when st is generic (zero or X.0.0) a more
// specific code of the same class found in diag.
func effectiveStatus(st Status, diag string) Status {
	if st.Subject != 0 || st.Detail != 0 {
		return st
	}
	d := findStatus(diag)
	if d.IsZero() || (st.Class != 0 && d.Class != st.Class) {
		return st
	}
	return d
}
