package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendingSettingsAreNoChange: a campaign sent in part under a
// daily_cap whose sending settings alone changed since (rate, concurrency,
// retries, the cap, the SMTP port and timeout: another server) is the
// same campaign: check and send say nothing changed, and the send goes
// from the spool the first one made, rendering nothing. A subject changed
// then is a change: both say so, and the rows are rendered again.
func TestSendingSettingsAreNoChange(t *testing.T) {
	t.Parallel()
	srv, other := smtptest.NewServer(t), smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 3, retry_backoff: 1ms, daily_cap: 2}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("first send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	settings := strings.NewReplacer(
		fmt.Sprintf("port: %d, security: none}", srv.Port), fmt.Sprintf("port: %d, security: none, timeout: 20s}", other.Port),
		"send: {concurrency: 3, retry_backoff: 1ms, daily_cap: 2}", "send: {rate: 50/s, concurrency: 2, retries: 1, retry_backoff: 2ms, daily_cap: 4}",
	).Replace(string(b))
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": "# sending settings changed\n" + settings})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Contains(out, "changed since") {
		t.Errorf("check after the sending settings changed: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || len(other.Messages()) != 2 || strings.Contains(out, "changed since") || !strings.Contains(out, "made by an earlier run and used again") {
		t.Errorf("send after the sending settings changed: code %d, %d messages\n%s%s", code, len(other.Messages()), out, errOut)
	}
	subject := strings.NewReplacer("Hello {{.name}}", "Hello again {{.name}}", "daily_cap: 4", "daily_cap: 6").Replace(settings)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": subject})
	note := "c.yaml changed since an earlier send of this campaign: the messages sent then stay as they went; the rows still to send "
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, note+"will go as the campaign is now") {
		t.Errorf("check after the subject changed: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, note+"go as the campaign is now") || !strings.Contains(out, "made by this run") {
		t.Errorf("send after the subject changed: code %d\n%s%s", code, out, errOut)
	}
	if msgs := other.Messages(); len(msgs) != 4 || !strings.Contains(string(msgs[3].Data), "Hello again") {
		t.Errorf("after the subject changed: %d messages", len(msgs))
	}
}
