package sendpool_test

import (
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// TestStopFix: the stops the settings caused (as the pool words them:
// TestStopForSettingsSaysFixFirst in cmd/tidings sends to real servers)
// need those fixed first; a server lacking SMTPUTF8 needs the rows or the
// server changed; stops that pass (a server that stopped answering or
// refuses service, a used-up quota, a failed journal) need nothing.
func TestStopFix(t *testing.T) {
	for cause, want := range map[string]string{
		"run stopped: server unreachable: the host name smtp.exampel.com does not resolve (check smtp.host): lookup smtp.exampel.com: no such host":                                    "the settings are fixed (see why the run stopped)",
		"run stopped: server unreachable: " + sendpool.ErrNoPipelining.Error():                                                                                                         "the settings are fixed (see why the run stopped)",
		"run stopped: the server lacks what this run needs: 127.0.0.1:25 does not offer SMTPUTF8 (RFC 6531); row 7 needs it":                                                           "those rows or the server are changed (see why the run stopped)",
		"run stopped: server unreachable: 127.0.0.1:8080 answered \"HTTP/1.1 400 Bad Request\", which is not an SMTP greeting: it is not a mail server; check smtp.host and smtp.port": "the settings are fixed (see why the run stopped)",
		"run stopped: server unreachable: 127.0.0.1:465 sent no SMTP greeting and speaks TLS from the first byte: set smtp.security: tls":                                              "the settings are fixed (see why the run stopped)",
		"run stopped: server unreachable: 127.0.0.1:25 accepted the connection but sent no SMTP greeting within 30s: the wrong port":                                                   "the server answers or the settings are fixed (see why the run stopped)",
		"run stopped: server unreachable: 127.0.0.1:25 closed the connection without an SMTP greeting: usually a server that refuses connections from this client":                     "the server answers or the settings are fixed (see why the run stopped)",
		"run stopped: " + sendpool.ErrBounceRate.Error() + ": 20 of the 200 recipients tried when it stopped the run (10.0%) were refused for good":                                    "the list is cleaned of the addresses refused (see why the run stopped)",
		// A server's reply that speaks of relaying or logins is its words,
		// not tidings': the stop is what tidings says it is.
		"run stopped: server unreachable: the server refuses service: EHLO: 554 5.7.1 mx.example.com refused to relay mail for you": "",
		"run stopped: the server's sending quota is used up: 550 5.7.0 quota exceeded; host refused to take mail without a login":   "",
		"run stopped: server unreachable: 5 connection attempts in a row failed, last: connect 127.0.0.1:25: connection refused":    "",
		"run stopped: server unreachable: the server refuses service: EHLO: 554 5.7.1 no service for you":                           "",
		"run stopped: the server's sending quota is used up: 550 5.7.0 daily sending quota exceeded":                                "",
		"run stopped: the journal failed":  "",
		sendpool.InterruptedUnsent:         "",
		"not tried yet: login to x failed": "",
	} {
		if got := sendpool.StopFix(cause); got != want {
			t.Errorf("StopFix(%q) = %q, want %q", cause, got, want)
		}
	}
}

// TestStopKind: each stop is told one kind, report.json's ending's
// cause, where StopFix's words come from; words that are no stop's have
// none.
func TestStopKind(t *testing.T) {
	for cause, want := range map[string]string{
		"run stopped: login to 127.0.0.1:25 as \"u\" failed: 535 5.7.8 authentication failed":                                         sendpool.StopSettings,
		"run stopped: server unreachable: 127.0.0.1:465 sent no SMTP greeting and speaks TLS from the first byte: set tls":            sendpool.StopSettings,
		"run stopped: server unreachable: nothing accepts connections at 127.0.0.1:1 (check smtp.host and smtp.port)":                 sendpool.StopUnreachable,
		"run stopped: server unreachable: 127.0.0.1:25 accepted the connection but sent no SMTP greeting within 30s: the wrong port":  sendpool.StopUnreachable,
		"run stopped: server unreachable: 127.0.0.1:25 closed the connection without an SMTP greeting: usually a server that refuses": sendpool.StopUnreachable,
		"run stopped: the server lacks what this run needs: 127.0.0.1:25 does not offer SMTPUTF8 (RFC 6531); row 7 needs it":          sendpool.StopServerLacks,
		"run stopped: " + sendpool.ErrBounceRate.Error() + ": 20 of the 200 recipients tried when it stopped the run were refused":    sendpool.StopBounceRate,
		"run stopped: the server's sending quota is used up: 550 5.7.0 daily sending quota exceeded":                                  sendpool.StopQuota,
		"run stopped: server unreachable: the server refuses service: EHLO: 554 5.7.1 mx.example.com refused to relay mail":           sendpool.StopServer,
		"run stopped: the journal failed: write journal.jsonl: no space left on device":                                               sendpool.StopJournal,
		"run stopped: something new":       sendpool.StopOther,
		sendpool.InterruptedUnsent:         "",
		"not tried yet: login to x failed": "",
	} {
		if got := sendpool.StopKind(cause); got != want {
			t.Errorf("StopKind(%q) = %q, want %q", cause, got, want)
		}
	}
}

// TestStopWhen: a used-up quota's stop says when its rows go (today's
// review: the summary's line said "send --yes c.yaml sends them.", the
// reset only on the next line); the stops StopFix words keep its words;
// other stops say nothing.
func TestStopWhen(t *testing.T) {
	for cause, want := range map[string]string{
		"run stopped: the server's sending quota is used up: 550 5.4.5 Daily user sending limit exceeded. - gsmtp": "the server's quota resets (often a day)",
		"run stopped: the server's sending quota is used up: 452 4.5.3 Too many recipients today":                  "the server's quota resets (often a day)",
		"run stopped: " + sendpool.ErrBounceRate.Error() + ": 20 of the 200 recipients":                            "the list is cleaned of the addresses refused (see why the run stopped)",
		"run stopped: the journal failed":                      "",
		"not tried yet: the server's sending quota is used up": "",
		sendpool.InterruptedUnsent:                             "",
	} {
		if got := sendpool.StopWhen(cause); got != want {
			t.Errorf("StopWhen(%q) = %q, want %q", cause, got, want)
		}
	}
}
