package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestResumeAnHourLater: a campaign with a file for each row, half sent,
// resumed when its spool is more than an hour old: the resume renders
// again and spools the rows still to send only, sends each of them once,
// and show, preview and report still give every row's message as it went
// out (the sent rows' from the generation they went out from).
func TestResumeAnHourLater(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "attachments: ['inv/{{.name}}.txt']\n")
	dir := filepath.Dir(camp)
	for i := range 4 {
		writeFiles(t, dir, map[string]string{fmt.Sprintf("inv/User %d.txt", i): fmt.Sprintf("invoice %d\n", i)})
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 2: code %d\n%s%s", code, out, errOut)
	}
	then := time.Now().Add(-plan.MaxSpoolAge - time.Minute).UTC()
	editManifest(t, camp, map[string]any{"started": then, "created": then}, true)
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(out, "2 to send now") || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Fatalf("resume: code %d\n%s%s", code, out, errOut)
	}
	for i := range 4 {
		if addr := fmt.Sprintf("user%03d@example.com", i); srv.Received(addr) != 1 {
			t.Errorf("%s received %d messages", addr, srv.Received(addr))
		}
	}
	gen2, err := os.ReadFile(filepath.Join(dir, ".tidings", "t", "spool", "g0002.json"))
	if err != nil || !strings.Contains(strings.ReplaceAll(string(gen2), " ", ""), `"messages":2,`) {
		t.Errorf("generation 2's manifest (%v): want 2 messages\n%s", err, gen2)
	}
	for i := range 4 {
		out, errOut, code := runCLI(t, "show", camp, fmt.Sprintf("user%03d@example.com", i))
		if code != exitOK || !strings.Contains(out, fmt.Sprintf("Hello User %d", i)) || strings.Contains(errOut, "warning") {
			t.Errorf("show row %d: code %d\n%s", i+2, code, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK || !strings.Contains(out+errOut, "4 sent") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "preview", camp); code != exitOK || strings.Contains(errOut, "warning") {
		t.Errorf("preview: code %d\n%s%s", code, out, errOut)
	}
}
