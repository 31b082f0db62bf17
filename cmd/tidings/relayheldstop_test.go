package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRelayHeldStopReport: a relay that wants a login refuses to relay
// to partner.test and elsewhere.test (held, each tried once, the run not
// knowing yet whether the server relays for this client) and then to
// other.test: three domains refused, none taken, the run stops for the
// setting and send reports every row not attempted. report, rebuilt from
// the journal, says the same of every row (status, code, detail), and so
// does the page; once the setting is fixed (here: a server that relays)
// a plain send sends every row, each once.
func TestRelayHeldStopReport(t *testing.T) {
	t.Parallel()
	for _, transport := range []string{"plain", "pipelined"} {
		t.Run(transport, func(t *testing.T) { relayHeldStopReport(t, transport) })
	}
}

// relayHeldStopReport is TestRelayHeldStopReport on transport (plain
// writes a message's attempt line only before its body is due, so a row
// refused at RCPT has none; pipelined writes it ahead).
func relayHeldStopReport(t *testing.T, transport string) {
	refusing := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
	}))
	camp := sendCampaign(t, refusing, 0, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	keys := []string{"a@partner.test", "b@elsewhere.test", "c@other.test"}
	yaml, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\n" + strings.Join(keys, ",X\n") + ",X\n",
		"c.yaml": strings.Replace(string(yaml), "security: none}", "security: none, transport: "+transport+"}", 1)})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitUnusable || !strings.Contains(errOut, "Relay access denied") {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitUnusable, out, errOut)
	}
	sent := readReport(t, camp)
	for _, r := range sent {
		if r["status"] != "not-attempted" {
			t.Errorf("send's report row %v, want not-attempted", r)
		}
	}
	rout, rerr, _ := runCLI(t, "report", camp)
	rebuilt := readReport(t, camp)
	if len(rebuilt) != len(sent) {
		t.Fatalf("report has %d rows, send's %d\n%s%s", len(rebuilt), len(sent), rout, rerr)
	}
	for i, r := range rebuilt {
		for _, col := range []string{"row", "key", "to", "status", "attempts", "code", "enhanced_code", "detail"} {
			if r[col] != sent[i][col] {
				t.Errorf("row %s: report's %s is %q, send's %q", r["row"], col, r[col], sent[i][col])
			}
		}
	}
	if strings.Contains(rout, "deferred") {
		t.Errorf("report's summary tells of deferred rows:\n%s", rout)
	}
	page, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(page), "Relay access denied") && strings.Contains(string(page), ">deferred<") {
		t.Errorf("the page tells of deferred rows")
	}

	relaying := smtptest.NewServer(t)
	if yaml, err = os.ReadFile(camp); err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(yaml), "port: "+strconv.Itoa(refusing.Port), "port: "+strconv.Itoa(relaying.Port), 1)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": fixed})
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send after the fix: code %d\n%s%s", code, out, errOut)
	}
	for _, key := range keys {
		if n := relaying.Received(key); n != 1 {
			t.Errorf("%s received %d copies, want 1", key, n)
		}
	}
	for _, r := range readReport(t, camp) {
		if r["status"] != "sent" || r["attempts"] != "1" {
			t.Errorf("report row after the fix %v, want sent after 1 attempt", r)
		}
	}
}
