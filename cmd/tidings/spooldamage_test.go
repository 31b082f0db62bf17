package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// spoolFile is the path of generation 1's file with extension ext in the
// spool of the campaign sendCampaign wrote at camp.
func spoolFile(camp, ext string) string {
	return filepath.Join(filepath.Dir(camp), ".tidings", "t", spool.Folder, "g0001"+ext)
}

// editManifest sets members of the manifest of generation 1 of the
// campaign at camp (nil removes one; the numbers of the others as
// written). With seal, its
// checksum is made again (spool.ManifestChecksum), as tidings would have
// written it; without, it is left as it was: the manifest is damaged.
func editManifest(t *testing.T, camp string, members map[string]any, seal bool) {
	t.Helper()
	path := spoolFile(camp, ".json")
	dec := json.NewDecoder(strings.NewReader(readFile(t, path)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	for k, v := range members {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if seal {
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if m["checksum"], err = spool.ManifestChecksum(b); err != nil {
			t.Fatal(err)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(path), map[string]string{filepath.Base(path): string(b)})
}

// TestEditedManifestIsDamage: a manifest edited since it was written and
// still JSON (its start half an hour earlier: a spool still young enough
// to send from) does not match its checksum: check warns, naming it; send
// does not send from its generation but warns, naming it, renders the
// rows again and sends no one a second copy.
func TestEditedManifestIsDamage(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	editManifest(t, camp, map[string]any{"started": time.Now().Add(-plan.MaxSpoolAge / 2).UTC()}, false)
	damage := "spool: damaged: manifest " + spoolFile(camp, ".json") + " was changed since it was written"
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(out, "warning: "+damage) {
		t.Errorf("check:\n%s", out)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(errOut, "warning: "+damage) || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	for i := range 3 {
		if n := srv.Received(fmt.Sprintf("user%03d@example.com", i)); n != 1 {
			t.Errorf("user%03d got %d messages", i, n)
		}
	}
}

// TestReportPastADamagedRowsFrame: a changed byte in the row records of
// the generation made from the campaign as it is does not make report or
// show --row unusable: report warns, naming the file, and judges the rows
// anew; show --row finds the row's key in the sheet and prints the
// message that went out.
func TestReportPastADamagedRowsFrame(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	rows := spoolFile(camp, ".rows")
	b, err := os.ReadFile(rows)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-3] ^= 0xff
	writeFiles(t, filepath.Dir(rows), map[string]string{filepath.Base(rows): string(b)})
	damage := "spool: damaged: checksum of the frame at 0 (in " + rows + ")"
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitOK || !strings.Contains(errOut, "warning: the rows are judged anew") || !strings.Contains(errOut, damage) || !strings.Contains(out, "3 recipients: 3 sent") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "show", "--row", "3", camp)
	if code != exitOK || out != string(serverCopy(t, srv, "user001@example.com")) || !strings.Contains(errOut, damage+"; row 3 is read from the sheet instead") {
		t.Errorf("show --row: code %d\n%s", code, errOut)
	}
}

// unreadableWords end the warning about a generation messages went out
// from that cannot be read: what cannot be done, what to do, and that no
// one is sent a message twice for it.
const unreadableWords = "; the copies of the messages that went out from it cannot be shown (a backup of the file put back shows them again); nothing is sent twice for it: the journal keeps who was sent"

// TestUsedGenerationDamagedIsTold: a generation messages went out from
// whose messages file was cut short since (no crash does that: it was
// complete before the first message went) is told as damaged, as a
// changed byte is: check warns and does not say there is no spool yet,
// show of a message that went out from it says it is damaged, send warns
// and renders the rows again, and preview says the message cannot be
// shown.
func TestUsedGenerationDamagedIsTold(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	msgs := spoolFile(camp, ".msgs")
	fi, err := os.Stat(msgs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(msgs, fi.Size()-10); err != nil {
		t.Fatal(err)
	}
	damage := "spool: damaged: " + msgs + " is not the size its manifest gives"
	if out, _, _ := runCLI(t, "check", camp); strings.Contains(out, "copies of the messages: none yet") || !strings.Contains(out, "warning: "+damage+unreadableWords) ||
		!strings.Contains(out, "copies of the messages: none can be read in "+filepath.Dir(msgs)+": damaged since they were written (the warnings below name the files)\n") {
		t.Errorf("check:\n%s", out)
	}
	if _, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitUnusable || !strings.Contains(errOut, damage) {
		t.Errorf("show: code %d, %s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "preview", camp); code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	csv := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview", "report.csv"))
	if !regexp.MustCompile(`(?m)^2,user000@example\.com,.*cannot be shown: spool: damaged`).MatchString(csv) {
		t.Errorf("preview's report.csv:\n%s", csv)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(errOut, "warning: "+damage+"; the messages were rendered again") || srv.Received("user000@example.com") != 1 {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
}

// TestShowSpoolTooOldToSend: show of a row not sent yet whose message was
// spooled more than MaxSpoolAge ago says the next send renders it again
// (a new Date and DKIM signature), so what it prints is not what goes.
func TestShowSpoolTooOldToSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	const note = "spooled more than an hour ago, so the next send renders this message again"
	if _, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || strings.Contains(errOut, note) {
		t.Errorf("show of a fresh spool: code %d, %s", code, errOut)
	}
	then := time.Now().Add(-plan.MaxSpoolAge - time.Minute).UTC()
	editManifest(t, camp, map[string]any{"started": then, "created": then}, true)
	if _, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || !strings.Contains(errOut, note) {
		t.Errorf("show of a day-old spool: code %d, %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitOK || strings.Contains(errOut, note) {
		t.Errorf("show of a message that went out: code %d, %s", code, errOut)
	}
}

// TestShowSpoolNearTheHour: show of a row not sent yet whose message was
// spooled 57 minutes ago, too late for a send to dispatch it (it renders
// the row again), says so, as for an older spool. (It printed the message
// as what goes.)
func TestShowSpoolNearTheHour(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	editManifest(t, camp, map[string]any{"started": time.Now().Add(-57 * time.Minute).UTC()}, true)
	const note = "spooled more than 55 minutes ago, too late to go within an hour of its Date, so the next send renders this message again"
	if _, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || !strings.Contains(errOut, note) {
		t.Errorf("show: code %d, %s", code, errOut)
	}
}

// TestOlderUsedManifestEditedIsTold: the manifest of a generation messages
// went out from, no longer the newest (the campaign changed and a later
// send spooled it again), edited since and still JSON: the next send
// sends from the newest alone, as before, but warns, naming the
// manifest, and marks the older generation damaged, as it does the
// newest; the send after it says nothing more of it. Nobody gets a
// second copy.
func TestOlderUsedManifestEditedIsTold(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	for _, body := range []string{"", "Hello {{.name}}\n"} {
		if body != "" {
			writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": body})
		}
		if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
			t.Fatalf("send: %d\n%s%s", code, out, errOut)
		}
	}
	editManifest(t, camp, map[string]any{"created": time.Now().Add(-time.Minute).UTC()}, false)
	damage := "warning: spool: damaged: manifest " + spoolFile(camp, ".json") + " was changed since it was written (its checksum differs)" + unreadableWords
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(errOut, damage) || !sentFrom(t, camp, out, "made by an earlier run and used again", 2) {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(spoolFile(camp, ".damaged")); err != nil {
		t.Errorf("generation 1 not marked damaged: %v", err)
	}
	if out, errOut, _ := runCLI(t, "send", "--yes", camp); strings.Contains(errOut, "damaged") {
		t.Errorf("send after it warned again:\n%s%s", out, errOut)
	}
	for i := range 3 {
		if n := srv.Received(fmt.Sprintf("user%03d@example.com", i)); n != 1 {
			t.Errorf("user%03d got %d messages", i, n)
		}
	}
}

// TestDamagedManifestToldByEveryCommand: a manifest of a generation
// messages went out from, edited since and still JSON (a time changed; or
// its checksum taken out and its count of messages changed), is told as
// damage, naming the manifest, by every command that reads the spool:
// check, preview and report warn, show of a message that went out from
// it says it is damaged, and send warns, marks it damaged and renders the
// rows again. Nobody gets a second copy.
func TestDamagedManifestToldByEveryCommand(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit map[string]any
		why  string
	}{
		{map[string]any{"created": time.Now().Add(-time.Minute).UTC()}, "was changed since it was written (its checksum differs)"},
		{map[string]any{"checksum": nil, "messages": 1}, "has lost its checksum since it was written"},
	} {
		srv := smtptest.NewServer(t)
		camp := sendCampaign(t, srv, 3, "")
		if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
			t.Fatalf("send: %d\n%s%s", code, out, errOut)
		}
		editManifest(t, camp, tc.edit, false)
		damage := "warning: spool: damaged: manifest " + spoolFile(camp, ".json") + " " + tc.why
		told := damage + unreadableWords + "\n"
		for _, cmd := range []string{"check", "preview", "report"} {
			if out, errOut, _ := runCLI(t, cmd, camp); !strings.Contains(out+errOut, told) {
				t.Errorf("%v: %s:\n%s%s", tc.edit, cmd, out, errOut)
			}
		}
		if _, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitUnusable || !strings.Contains(errOut, strings.TrimPrefix(damage, "warning: ")) {
			t.Errorf("%v: show: code %d, %s", tc.edit, code, errOut)
		}
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitOK || !strings.Contains(errOut, damage+"; the messages were rendered again") {
			t.Errorf("%v: send: code %d\n%s%s", tc.edit, code, out, errOut)
		}
		if _, err := os.Stat(spoolFile(camp, ".damaged")); err != nil {
			t.Errorf("%v: generation 1 not marked damaged: %v", tc.edit, err)
		}
		for i := range 3 {
			if n := srv.Received(fmt.Sprintf("user%03d@example.com", i)); n != 1 {
				t.Errorf("%v: user%03d got %d messages", tc.edit, i, n)
			}
		}
	}
}
