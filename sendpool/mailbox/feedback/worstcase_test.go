package feedback

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// worstCases are messages of about 1 MiB built to make the work of one
// part of the parser grow: many recipients, many fields, long lines of
// addresses or codes, folded lines, deep HTML.
func worstCases() map[string]string {
	const n = 1 << 20
	dsnHead := "From: MAILER-DAEMON@mx.example.org\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.org\r\n\r\n"
	plainHead := "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\n" +
		"This is the mail system at host mx.example.org.\r\n\r\n"
	var many strings.Builder
	for i := 0; many.Len() < n; i++ {
		fmt.Fprintf(&many, "<u%d@example.org>: 550 5.1.1 unknown\r\n", i)
	}
	var blocks strings.Builder
	for i := 0; blocks.Len() < n; i++ {
		fmt.Fprintf(&blocks, "Final-Recipient: rfc822; u%d@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n", i)
	}
	return map[string]string{
		"dsn original-recipient lines": dsnHead + strings.Repeat("Original-Recipient: rfc822; a@example.org\r\n", n/44) + "\r\n--x--\r\n",
		"dsn recipient blocks":         dsnHead + blocks.String() + "--x--\r\n",
		"dsn folded field":             dsnHead + "Final-Recipient: rfc822; a@example.org\r\nDiagnostic-Code: smtp; 550" + strings.Repeat("\r\n x", n/4) + "\r\n\r\n--x--\r\n",
		"bounce one line of addresses": plainHead + strings.Repeat("a@example.org b@example.org ", n/28) + "\r\n",
		"bounce many recipients":       plainHead + many.String(),
		"bounce header-like lines":     plainHead + "<a@example.org>: 550 5.1.1\r\n" + strings.Repeat("X-A: b\r\n", n/8),
		"bounce codes":                 plainHead + "<a@example.org>:\r\n" + strings.Repeat("550 5.1.1 ", n/10),
		"bounce blank lines":           plainHead + "<a@example.org>:\r\n" + strings.Repeat("\r\n", n/2) + "550 5.1.1 x\r\n",
		"references":                   "From: a@example.org\r\nReferences:" + strings.Repeat(" <x@y>", n/6) + "\r\n\r\nx\r\n",
		"to list":                      "From: a@example.org\r\nTo:" + strings.Repeat(" a@example.org,", n/15) + " b@example.org\r\n\r\nx\r\n",
		"deep html": "From: MAILER-DAEMON@mx.example.org\r\nSubject: Undeliverable\r\nContent-Type: text/html\r\n\r\n" +
			strings.Repeat("<div>", n/10) + "a@example.org 550 5.1.1" + strings.Repeat("</div>", n/12),
		"many parts": "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
			strings.Repeat("--x\r\nContent-Type: message/rfc822\r\n\r\nFrom: b@example.org\r\n\r\n", 999) + "--x--\r\n",
	}
}

// TestWorstCaseInputs: each worst case is read within seconds, the work
// staying linear (a quadratic step would take minutes at this size).
func TestWorstCaseInputs(t *testing.T) {
	for name, msg := range worstCases() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			rep, err := Parse(strings.NewReader(msg), Options{})
			d := time.Since(start)
			if err == nil {
				checkReport(t, rep)
			}
			t.Logf("%d bytes in %v (%v)", len(msg), d, errOrKind(rep, err))
			if limit := 10 * time.Second; d > limit && !raceEnabled || d > 6*limit {
				t.Errorf("took %v", d)
			}
		})
	}
}

func errOrKind(rep *Report, err error) string {
	if err != nil {
		return err.Error()
	}
	return fmt.Sprintf("%v, %d recipients", rep.Kind, len(rep.Recipients))
}
