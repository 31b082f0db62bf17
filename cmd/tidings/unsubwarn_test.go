package main

import (
	"context"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestUnsubscribeWarningsPrinted: check and send print the unsubscribe
// warnings (one_click without dkim:, one_click with a cc:, a url without
// one_click), each a line naming the campaign file and the setting, and
// still exit 0.
func TestUnsubscribeWarningsPrinted(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, `cc: "boss@example.com"
unsubscribe: {url: "https://example.com/u?e={{.email | urlquery}}", one_click: true}
`)
	want := []string{
		"warning: " + camp + ":10:80: unsubscribe.one_click without a dkim: section: receivers ignore one-click unsubscribe",
		"warning: " + camp + ":9:5: cc with unsubscribe.one_click: every copy carries the To recipient's one-click link",
	}
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("check printed:\n%s\nwant a line starting %q", out, w)
		}
	}
	var sendOut, sendErr strings.Builder
	g := &globalOptions{stdout: &sendOut, stderr: &sendErr, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil {
		t.Fatalf("send: %v\n%s%s", err, sendOut.String(), sendErr.String())
	}
	for _, w := range want {
		if !strings.Contains(sendOut.String(), w) {
			t.Errorf("send printed:\n%s\nwant a line starting %q", sendOut.String(), w)
		}
	}

	camp = sendCampaign(t, srv, 2, "unsubscribe: {url: \"https://example.com/u?e={{.email | urlquery}}\"}\n")
	out, errOut, code = runCLI(t, "check", camp)
	if w := "warning: " + camp + ":9:20: unsubscribe.url without one_click: Gmail and Yahoo require RFC 8058 one-click unsubscribe from bulk senders; add one_click: true"; code != exitOK || !strings.Contains(out, w) {
		t.Errorf("check: code %d, printed:\n%s%s\nwant a line starting %q", code, out, errOut, w)
	}
}
