package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// serverCopy returns the bytes the server received for rcpt.
func serverCopy(t *testing.T, srv *smtptest.Server, rcpt string) []byte {
	t.Helper()
	for _, m := range srv.Messages() {
		for _, to := range m.To {
			if to == rcpt {
				return m.Data
			}
		}
	}
	t.Fatalf("the server has no message for %s", rcpt)
	return nil
}

// TestShowAndPreviewAfterSend: after a send, show prints each recipient's
// message byte for byte as the server received it, by key or by row, to
// stdout or a file; a recipient not in the sheet, a row past its last,
// or one not spooled yet, is exit code 1 saying which; preview lists the sent rows with their status
// and the messages as they went out.
func TestShowAndPreviewAfterSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	want := serverCopy(t, srv, "user002@example.com")
	out, errOut, code := runCLI(t, "show", camp, " USER002@example.com")
	if code != exitOK || out != string(want) || !strings.Contains(errOut, "row 4, user002@example.com: sent") {
		t.Errorf("show by key: code %d, stderr %q, same bytes %v", code, errOut, out == string(want))
	}
	file := filepath.Join(t.TempDir(), "m.eml")
	if out, errOut, code = runCLI(t, "show", "--row", "4", "--out", file, camp); code != exitOK || out != "" {
		t.Errorf("show --row --out: code %d\n%s%s", code, out, errOut)
	}
	if got, _ := os.ReadFile(file); !bytes.Equal(got, want) {
		t.Errorf("--out wrote %d bytes, want the %d the server got", len(got), len(want))
	}
	if _, errOut, code = runCLI(t, "show", camp, "nobody@example.com"); code != exitSomeFailed || !strings.Contains(errOut, `"nobody@example.com" is not a key in column "email"`) {
		t.Errorf("unknown key: code %d, %s", code, errOut)
	}
	// A row past the sheet's last says which rows there are (rev-user9:
	// "r.csv has no row 9" left the reader to count).
	if _, errOut, code = runCLI(t, "show", "--row", "9", camp); code != exitSomeFailed || !strings.Contains(errOut, "has no row 9 (its recipients are in rows 2 to 5)") {
		t.Errorf("show --row 9: code %d, %s", code, errOut)
	}
	// A row added to the sheet after the send: no message spooled yet.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,User 0\nuser001@example.com,User 1\nuser002@example.com,User 2\nuser003@example.com,User 3\nnew@example.com,New\n"})
	if _, errOut, code = runCLI(t, "show", camp, "new@example.com"); code != exitSomeFailed || !strings.Contains(errOut, "new@example.com (row 6) has no message spooled from the campaign as it is now") {
		t.Errorf("not spooled: code %d, %s", code, errOut)
	}
	if _, errOut, code = runCLI(t, "show", camp); code != exitUnusable || !strings.Contains(errOut, "usage:") {
		t.Errorf("no key: code %d, %s", code, errOut)
	}

	out, errOut, code = runCLI(t, "preview", camp)
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
	statuses := map[string]string{}
	f, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) < 2 {
		t.Fatalf("preview report.csv: %v", err)
	}
	for _, rec := range recs[1:] {
		statuses[rec[1]] = rec[4] // row,key,to,subject,status,problem
	}
	if statuses["user002@example.com"] != "sent" || statuses["new@example.com"] != "ok" {
		t.Errorf("preview statuses %v", statuses)
	}
	if got, err := os.ReadFile(filepath.Join(dir, "000004-user002@example.com.eml")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("preview's .eml of a sent row is not the message as sent (%v)", err)
	}
	meta, _ := os.ReadFile(filepath.Join(dir, "gallery", "rows.js"))
	if !bytes.Contains(meta, []byte(`"sent":4`)) {
		t.Errorf("gallery meta: %s", meta)
	}

	// --limit counts the sent rows' messages too; the rows past it are
	// listed, without a message.
	out, errOut, code = runCLI(t, "preview", "--limit", "2", camp)
	if code != exitOK || !strings.Contains(out, "wrote 0 messages") || !strings.Contains(out, "and the 2 messages sent before") {
		t.Fatalf("preview --limit 2: %d\n%s%s", code, out, errOut)
	}
	if files := emlFiles(t, dir); len(files) != 2 {
		t.Errorf("preview --limit 2 wrote %v", files)
	}
	report := readFile(t, filepath.Join(dir, "report.csv"))
	if !strings.Contains(report, "new@example.com,New <new@example.com>") || !strings.Contains(report, "not-attempted,no .eml: past --limit 2") {
		t.Errorf("preview --limit report.csv:\n%s", report)
	}
}

// TestSpoolSheetEditedBetweenRuns: a sheet edited after part of a campaign
// went out is spooled anew (its inputs changed), the rest is sent once
// each, and show still gives the earlier recipients the message as it went
// out, from the generation it was sent from.
func TestSpoolSheetEditedBetweenRuns(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed || !sentFrom(t, camp, out, "made by this run", 1) {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	first := serverCopy(t, srv, "user000@example.com")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nnew@example.com,New\nuser000@example.com,Renamed\nuser001@example.com,User 1\nuser002@example.com,User 2\nuser003@example.com,User 3\n"})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Fatalf("second send: %d\n%s%s", code, out, errOut)
	}
	for _, k := range []string{"new", "user000", "user001", "user002", "user003"} {
		if n := srv.Received(k + "@example.com"); n != 1 {
			t.Errorf("%s received %d copies", k, n)
		}
	}
	shown, errOut, code := runCLI(t, "show", camp, "user000@example.com")
	if code != exitOK || shown != string(first) || !strings.Contains(shown, "Hi User 0") {
		t.Errorf("show user000: code %d, the message as first sent: %v", code, shown == string(first))
	}
	// By its row in the sheet now: the same message, and both rows named.
	shown, errOut, code = runCLI(t, "show", "--row", "3", camp)
	if code != exitOK || shown != string(first) || !strings.Contains(errOut, "row 3 (row 2 when sent), user000@example.com: sent") {
		t.Errorf("show --row 3: code %d, %s", code, errOut)
	}
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil || len(gens) != 2 {
		t.Errorf("generations %v, %v: both were sent from and are kept", gens, err)
	}
}

// TestSpoolKillWhileSpooling: a send killed while it writes the spool
// leaves a generation without its manifest; the next send never reads it,
// spools anew and sends everyone once.
func TestSpoolKillWhileSpooling(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var srv *smtptest.Server
	var camp, msgs string
	for try := 1; ; try++ {
		srv = smtptest.NewServer(t)
		camp = sendCampaign(t, srv, n, "")
		spoolDir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "spool")
		msgs = filepath.Join(spoolDir, "g0001.msgs")
		if killWhileSpooling(ctx, t, bin, camp, spoolDir) {
			break
		}
		if try == 5 {
			t.Fatal("the preflight finished before the kill could land, five times")
		}
	}
	if got := len(srv.Messages()); got != 0 {
		t.Fatalf("%d messages went out during the preflight", got)
	}
	out, err := exec.CommandContext(ctx, bin, "send", "--yes", camp).CombinedOutput() // not -q, which leaves out the spool line
	if err != nil || !sentFrom(t, camp, string(out), "made by this run", 2) {
		t.Fatalf("resumed send: %v\n%s", err, out)
	}
	for i := 0; i < n; i++ {
		if got := srv.Received(fmt.Sprintf("user%03d@example.com", i)); got != 1 {
			t.Fatalf("user%03d received %d copies", i, got)
		}
	}
	if _, err := os.Stat(msgs); !os.IsNotExist(err) {
		t.Errorf("the cut-short generation is still there: %v", err)
	}
}

// killWhileSpooling starts a send of camp and kills it once the first
// generation's messages file in spoolDir has bytes: it stops the process
// first, and reports false (the process killed all the same) when the
// generation was complete by then, on a machine too busy for the test to
// catch the preflight.
func killWhileSpooling(ctx context.Context, t *testing.T, bin, camp, spoolDir string) bool {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "send", "--yes", "-q", camp)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGKILL)
	for {
		if ctx.Err() != nil {
			t.Fatal("timed out waiting for the spool")
		}
		if fi, err := os.Stat(filepath.Join(spoolDir, "g0001.msgs")); err == nil && fi.Size() > 0 {
			break
		}
	}
	pauseProcess(cmd.Process) // nothing moves while the manifest is looked for
	_, err := os.Stat(filepath.Join(spoolDir, "g0001.json"))
	return os.IsNotExist(err)
}

// TestShowDuplicateRow: show --row of a row whose key an earlier row has
// prints that row's message and says the row is a duplicate, not that the
// sheet changed.
func TestShowDuplicateRow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\n ANN@example.com ,Ann\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "show", "--row", "3", camp)
	if code != exitOK || out != string(serverCopy(t, srv, "ann@example.com")) || !strings.Contains(errOut, "row 3 is a duplicate of row 2 and gets no message of its own; row 2, ann@example.com: sent") {
		t.Errorf("show --row 3: code %d, %s", code, errOut)
	}
}

// TestShowInvalidRow: show of a key whose row has a problem says so, with
// the problem, and exits 1; it does not promise a message send will never
// spool.
func TestShowInvalidRow(t *testing.T) {
	t.Parallel()
	camp := sentWithInvalid(t, "email,name\nann@example.com,Ann\nbob@example.com,B\x01ob\n")
	out, errOut, code := runCLI(t, "show", camp, "bob@example.com")
	if code != exitSomeFailed || out != "" || !strings.Contains(errOut, "bob@example.com (row 3) has no message: the row has a problem") || !strings.Contains(errOut, "control character") {
		t.Errorf("show: code %d\n%s%s", code, out, errOut)
	}
}

// TestCheckSpoolNote: before the first send, check says, in words for a
// person, that send keeps a copy of every message, where, how much the
// messages come to before compression and how to delete them; after it,
// what the copies take, that tidings show prints any of them and how to
// delete them; send's summary says what they take. No word of spools or
// generations.
func TestCheckSpoolNote(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "attachments: [a.bin]\n")
	attachment := make([]byte, 300<<10)
	rand.NewChaCha8([32]byte{3}).Read(attachment)
	writeFiles(t, filepath.Dir(camp), map[string]string{"a.bin": string(attachment)})
	stateDir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	deletes := "; once the campaign is over (its bounces read), rm -r " + commandArg(stateDir) + " deletes them, and with them who was sent what: a later send would send everyone the campaign again"
	out, _, code := runCLI(t, "check", camp)
	// 3 messages of about 400 KB (the attachment in base64).
	if code != exitOK || !strings.Contains(out, "copies of the messages: none yet; send keeps a copy of each message it sends, exactly as it goes out, in "+filepath.Join(stateDir, "spool")+", for tidings show to print: about 1.2 MB before compression") ||
		!strings.Contains(out, deletes+"\n") || strings.Contains(out, "spool:") {
		t.Errorf("check before a send: %d\n%s", code, out)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	show := "; tidings show " + commandArg(camp) + " --row N prints any of them"
	if code != exitOK || !regexp.MustCompile(`(?m)^copies of the messages: [\d.]+ KB in .*spool \(made by this run\)`+regexp.QuoteMeta(show)+`$`).MatchString(out) ||
		strings.Contains(out, "spool:") || strings.Contains(out, "generation") {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	if out, _, code = runCLI(t, "check", camp); code != exitOK || !regexp.MustCompile(`(?m)^copies of the messages: [\d.]+ KB in .*spool \(about [\d.]+ KB a message, the latest made [^)]+\)`+regexp.QuoteMeta(show+deletes)+`$`).MatchString(out) ||
		strings.Contains(out, "spool:") || strings.Contains(out, "generation") {
		t.Errorf("check after the send: %d\n%s", code, out)
	}
}

// TestCheckSpoolNoteStateDir: a state_dir may be a folder that holds
// other files, the campaign's own: check names it for deleting the
// copies of the messages, and gives no rm -r command that would delete
// the campaign with them.
func TestCheckSpoolNoteStateDir(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "state_dir: .\n")
	out, errOut, code := runCLI(t, "check", camp)
	want := "; once the campaign is over (its bounces read), they go when you delete what tidings keeps in " + displayPath(filepath.Dir(camp)) + " (state_dir), and with them who was sent what"
	if code != exitOK || !strings.Contains(out, "copies of the messages: none yet") || !strings.Contains(out, want) || strings.Contains(out, "rm -r") {
		t.Errorf("check: code %d, want %q\n%s%s", code, want, out, errOut)
	}
}

// sentFrom reports whether out, a send's, says what the copies of the
// messages it sent from take and how they were made (how: "made by this
// run", "made by an earlier run and used again"), and the newest spool
// generation of camp (its state folder .tidings/t) is gen.
func sentFrom(t *testing.T, camp, out, how string, gen int) bool {
	t.Helper()
	gens, err := spool.OpenStore(filepath.Join(filepath.Dir(camp), ".tidings", "t")).Generations()
	if err != nil || len(gens) == 0 {
		t.Errorf("the spool's generations: %v, %v", gens, err)
		return false
	}
	return gens[0].Number() == gen && regexp.MustCompile(`(?m)^copies of the messages: [\d.]+ (bytes|KB|MB) in .* \(`+regexp.QuoteMeta(how)+`[;)]`).MatchString(out)
}

// TestSendRefusesDamagedJournal: a journal line damaged after it was
// written (records of its run after it, which no crash leaves) stops send
// before anything goes, naming the line: the line may have recorded a
// delivery. With the line repaired, send finds nothing left to send.
func TestSendRefusesDamagedJournal(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	i := slices.IndexFunc(lines, func(l string) bool { return strings.Contains(l, `"type":"result","status":"sent"`) })
	good := lines[i]
	lines[i] = strings.Replace(good, `{"type"`, `{"type" `, 1)[:40] + "\n" // cut short by an editor
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if want := fmt.Sprintf("line %d cannot be read, and no crash leaves such lines", i+1); code != exitUnusable || !strings.Contains(errOut, want) || len(srv.Messages()) != 3 {
		t.Errorf("damaged journal: code %d, %d messages, want exit 2 naming line %d\n%s%s", code, len(srv.Messages()), i+1, out, errOut)
	}
	// check says what send would do.
	if out, errOut, code := runCLI(t, "check", camp); code != exitUnusable || !strings.Contains(errOut, fmt.Sprintf("line %d cannot be read", i+1)) {
		t.Errorf("check of the damaged journal: code %d, want exit 2 naming line %d\n%s%s", code, i+1, out, errOut)
	}
	lines[i] = good
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Errorf("repaired: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestShowFixedAndInvalidRows: show of a key whose row was invalid at the
// last send and is fixed now does not quote the old problem; show --row
// of a row with a problem says so and prints no other row's message.
func TestShowFixedAndInvalidRows(t *testing.T) {
	t.Parallel()
	camp := sentWithInvalid(t, "email,name\nann@example.com,Ann\nann@example.com,A\x01nn\nbob@example.com,B\x01ob\n")
	dir := filepath.Dir(camp)
	for _, row := range []string{"3", "4"} {
		out, errOut, code := runCLI(t, "show", "--row", row, camp)
		if code != exitSomeFailed || out != "" || !strings.Contains(errOut, "row "+row+" has a problem") {
			t.Errorf("show --row %s: code %d\n%s%s", row, code, out, errOut)
		}
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})
	if _, errOut, code := runCLI(t, "show", camp, "bob@example.com"); code != exitSomeFailed || strings.Contains(errOut, "has a problem") || !strings.Contains(errOut, "bob@example.com (row 3) has no message spooled from the campaign as it is now") {
		t.Errorf("show of a fixed row: code %d\n%s", code, errOut)
	}
}

// TestShowRowFixedSinceSend: a row invalid at the last send and fixed
// since: show --row does not quote the old problem, and show of its key,
// once a test send spooled its message, does not call it invalid.
func TestShowRowFixedSinceSend(t *testing.T) {
	t.Parallel()
	camp := sentWithInvalid(t, "email,name\nann@example.com,Ann\nbob@example.com,B\x01ob\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})
	if _, errOut, _ := runCLI(t, "show", "--row", "3", camp); strings.Contains(errOut, "has a problem") {
		t.Errorf("show --row 3 of the fixed row:\n%s", errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--test", "me@example.com", "--yes", camp); code != exitOK {
		t.Fatalf("test send: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "show", camp, "bob@example.com"); code != exitOK || strings.Contains(errOut, "invalid") || !strings.Contains(errOut, "not sent yet") {
		t.Errorf("show of the fixed row after a test send: exit %d\n%s", code, errOut)
	}
}

// sentWithInvalid sends a campaign whose sheet is sheet (some rows with a
// problem) to a test server with --skip-invalid; it returns the campaign
// file.
func sentWithInvalid(t *testing.T, sheet string) string {
	t.Helper()
	camp := sendCampaign(t, smtptest.NewServer(t), 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet})
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	return camp
}

// TestShowAfterTheSheetChanged: after a send of some rows, the sheet is
// edited (a row renamed, rows reordered and added) before the next send.
// show of a row not sent yet prints no message made from the old sheet
// (the next send renders it again) and says so; --row N is the sheet's
// row N now, found from the sheet; a sent row still shows what went out.
func TestShowAfterTheSheetChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nfay@example.com,Fay\nuser002@example.com,User 2\nuser001@example.com,Robert\nuser000@example.com,User 0\nuser001@example.com,Robert\n"})
	out, errOut, code := runCLI(t, "show", camp, "user001@example.com")
	if code != exitSomeFailed || out != "" || !strings.Contains(errOut, "user001@example.com (row 4) has no message spooled from the campaign as it is now") {
		t.Errorf("show of a row renamed since: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code = runCLI(t, "show", "--row", "2", camp); code != exitSomeFailed || out != "" || !strings.Contains(errOut, "fay@example.com (row 2) has no message spooled") {
		t.Errorf("show --row 2 (fay, new): code %d\n%s%s", code, out, errOut)
	}
	sent := serverCopy(t, srv, "user000@example.com")
	for _, args := range [][]string{{"--row", "5", camp}, {camp, "user000@example.com"}} {
		if out, errOut, code = runCLI(t, append([]string{"show"}, args...)...); code != exitOK || out != string(sent) || !strings.Contains(errOut, "user000@example.com: sent") {
			t.Errorf("show %v (sent at row 2): code %d\n%s", args, code, errOut)
		}
	}
	if _, errOut, code = runCLI(t, "show", "--row", "6", camp); code != exitSomeFailed || !strings.Contains(errOut, "row 6 is a duplicate of row 4") {
		t.Errorf("show --row 6 (a duplicate now): code %d\n%s", code, errOut)
	}
	if _, errOut, code = runCLI(t, "show", "--row", "9", camp); code != exitSomeFailed || !strings.Contains(errOut, "has no row 9 (its recipients are in rows 2 to 6)") {
		t.Errorf("show --row 9: code %d\n%s", code, errOut)
	}
	// The sent recipient taken out of the sheet: its message, and so.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nfay@example.com,Fay\n"})
	if out, errOut, code = runCLI(t, "show", camp, "user000@example.com"); code != exitOK || out != string(sent) || !strings.Contains(errOut, "row 2 when sent, no longer in the sheet, user000@example.com: sent") {
		t.Errorf("show of a sent recipient no longer in the sheet: code %d\n%s", code, errOut)
	}
}

// TestShowOutReplacesOnlyMessages: show --out writes a new file or
// replaces an .eml one, and refuses any other file (the journal, the
// sheet) and the state folder, leaving them as they were.
func TestShowOutReplacesOnlyMessages(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	journalFile := filepath.Join(dir, ".tidings", "t", journal.FileName)
	link := filepath.Join(dir, "link.eml")
	if err := os.Symlink(journalFile, link); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{journalFile, filepath.Join(dir, "r.csv"), filepath.Join(dir, ".tidings", "t", "m.eml"), link, filepath.Join(dir, "nodir", "m.eml")} {
		before, _ := os.ReadFile(out)
		if _, errOut, code := runCLI(t, "show", "--row", "2", "--out", out, camp); code != exitUnusable || !strings.Contains(errOut, "--out") || strings.Contains(errOut, "row 2,") {
			t.Errorf("--out %s: code %d, %s", out, code, errOut)
		}
		if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
			t.Errorf("--out %s changed it", out)
		}
	}
	// A hard link to the journal, named .eml: replaced as a name, the
	// journal keeps its lines.
	hard := filepath.Join(dir, "hard.eml")
	if err := os.Link(journalFile, hard); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, journalFile)
	for _, eml := range []string{filepath.Join(dir, "m.eml"), filepath.Join(dir, "m.eml"), hard} { // new, replaced, a link's name
		if out, errOut, code := runCLI(t, "show", "--row", "2", "--out", eml, camp); code != exitOK || !strings.Contains(readFile(t, eml), "Hi User 0") {
			t.Errorf("--out %s: code %d\n%s%s", eml, code, out, errOut)
		}
	}
	if readFile(t, journalFile) != before {
		t.Errorf("the journal changed through its hard link")
	}
}

// TestAttachmentPutBack: a send refuses a row whose attachment is missing
// (nothing is sent); with the file put back, the next send renders the
// row again and sends it, as check says it would: the spool the refused
// send wrote is not reused, its row's problem is not the rows' any more.
// A file still missing keeps the spool reused.
func TestAttachmentPutBack(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "attachments: ['files/{{.file}}']\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"r.csv":       "email,name,file\nann@example.com,Ann,a.pdf\nbob@example.com,Bob,b.pdf\n",
		"files/a.pdf": "%PDF-a",
	})
	for range 2 {
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code == exitOK || len(srv.Messages()) != 0 || !strings.Contains(out+errOut, "b.pdf") {
			t.Fatalf("send with b.pdf missing: code %d, %d sent\n%s%s", code, len(srv.Messages()), out, errOut)
		}
	}
	if gens, _ := spool.OpenStore(filepath.Join(dir, ".tidings", "t")).Generations(); len(gens) != 1 {
		t.Errorf("%d generations: a file still missing should keep the first reused", len(gens))
	}
	writeFiles(t, dir, map[string]string{"files/b.pdf": "%PDF-b"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK {
		t.Fatalf("check: %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("bob@example.com") != 1 || srv.Received("ann@example.com") != 1 {
		t.Errorf("send with b.pdf back: code %d\n%s%s", code, out, errOut)
	}
}

// TestDamagedSpoolRenderedAgain: a byte of the messages file changed after
// a send spooled it (part of it was sent): the next send finds it before
// anything goes, says which file, renders the rows again and sends the
// rest, once each.
func TestDamagedSpoolRenderedAgain(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("first send: %d\n%s%s", code, out, errOut)
	}
	msgs := damageSpool(t, camp)
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(errOut, "spool: damaged: checksum of the frame at 0 (in "+msgs+")") || !sentFrom(t, camp, out, "made by this run", 2) {
		t.Errorf("send after the damage: code %d\n%s%s", code, out, errOut)
	}
	for _, k := range []string{"user000", "user001", "user002"} {
		if n := srv.Received(k + "@example.com"); n != 1 {
			t.Errorf("%s received %d", k, n)
		}
	}
	if out, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || !strings.Contains(out, "Hi User 1") {
		t.Errorf("show of a message sent from the generation written since: code %d, %s", code, errOut)
	}
}

// TestPreviewPastADamagedSpool: a damaged frame holding a message that
// went out does not stop preview: the row is listed as sent, its line
// naming the damaged file, and the other rows are previewed.
func TestPreviewPastADamagedSpool(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	damageSpool(t, camp)
	out, errOut, code := runCLI(t, "preview", camp)
	if code != exitOK {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
	csv := readFile(t, filepath.Join(dir, "report.csv"))
	if !regexp.MustCompile(`(?m)^2,user000@example\.com,.*cannot be shown: spool: damaged`).MatchString(csv) || !strings.Contains(csv, "user001@example.com") {
		t.Errorf("preview's report.csv:\n%s", csv)
	}
	if _, err := os.Stat(filepath.Join(dir, "000004-user002@example.com.eml")); err != nil {
		t.Errorf("row 4 not previewed: %v", err)
	}
}

// damageSpool changes a byte near the end of the first spool generation's
// messages file of camp (in its last frame) and returns the file's path.
func damageSpool(t *testing.T, camp string) string {
	t.Helper()
	msgs := filepath.Join(filepath.Dir(camp), ".tidings", "t", spool.Folder, "g0001.msgs")
	b, err := os.ReadFile(msgs)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)-3] ^= 0xff
	if err := os.WriteFile(msgs, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestSendSaysWhatChanged: a campaign whose subject and body changed after
// a partial send says which files changed before it sends the rest (also
// when a test send spooled them first), and check says so too; a
// change of the sheet alone (a row added) is not named, nor a run that
// reuses its spool, nor a campaign folder moved with nothing changed.
func TestSendSaysWhatChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed || strings.Contains(out, "changed since") {
		t.Fatalf("first send: code %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "Hello {{.name}}", "Hi again {{.name}}", 1), "body.txt": "Changed, {{.name}}\n"})
	changed := regexp.MustCompile(`note: \S*body\.txt, \S*c\.yaml changed since an earlier send of this campaign: the messages sent then stay as they went; the rows still to send (will )?go as`)
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !changed.MatchString(out) || !strings.Contains(out, "will go as") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	// A test send spools the campaign as it is now and says nothing; the
	// send that reuses that spool says what changed.
	if out, errOut, code := runCLI(t, "send", "--yes", "--test", "me@example.org", "--sample", "1", camp); code != exitOK || strings.Contains(out, "changed since") {
		t.Errorf("test send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || !changed.MatchString(out) || !strings.Contains(out, "(made by an earlier run and used again") {
		t.Errorf("second send: code %d\n%s%s", code, out, errOut)
	}
	sheet, err := os.ReadFile(filepath.Join(dir, "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"r.csv": string(sheet) + "new@example.com,New\n"})
	for _, run := range []string{"sheet changed", "spool reused"} {
		if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed || strings.Contains(out, "changed since") {
			t.Errorf("%s: code %d\n%s%s", run, code, out, errOut)
		}
	}
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(dir, moved); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(moved, "c.yaml")); code != exitOK || strings.Contains(out, "changed since") {
		t.Errorf("folder moved: code %d\n%s%s", code, out, errOut)
	}
}

// TestShowDeferredRow: a message the server deferred did not go out; once
// the campaign changed, show of its row does not print the old message as
// the row's, and after the next send (deferred again) it prints the new.
func TestShowDeferredRow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "user001@") {
			return smtptest.Reply(451, "4.3.0", "try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 2, "send: {concurrency: 1, retry_backoff: 1ms, retries: 0}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Second draft, {{.name}}\n"})
	if out, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitSomeFailed || strings.Contains(out, "Hi User 1") {
		t.Errorf("show of the deferred row, campaign changed: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("second send: %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || !strings.Contains(out, "Second draft, User 1") || !strings.Contains(errOut, "deferred, to be sent again") {
		t.Errorf("show of the deferred row after the next send: code %d\n%s%s", code, out, errOut)
	}
}

// TestChangedAfterASendThatDeliveredNothing: a first send that could not
// reach its server spooled the campaign; a file changed after it is
// named, without saying that messages sent then stay as they went.
func TestChangedAfterASendThatDeliveredNothing(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	// A server that hangs up at once: no message is handed over.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	hangup := strings.Replace(string(b), fmt.Sprintf("port: %d,", srv.Port), fmt.Sprintf("port: %d,", ln.Addr().(*net.TCPAddr).Port), 1)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": hangup})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code == exitOK || len(srv.Messages()) != 0 {
		t.Fatalf("send to a closed port: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"body.txt": "Changed, {{.name}}\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "body.txt changed since an earlier send of this campaign, which delivered to no recipient of the sheet: every row will go as the campaign is now") || strings.Contains(out, "stay as they went") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, _ := runCLI(t, "send", "--yes", camp); !strings.Contains(out, "which delivered to no recipient of the sheet: every row goes as the campaign is now") {
		t.Errorf("send:\n%s%s", out, errOut)
	}
}

// TestShowRowWords: show names a recipient keyed by a number as a key
// (not a bare number beside the row's), and --row 1 as the header.
func TestShowRowWords(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	keyByID(t, camp)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "id,email,name\n2,ann@example.com,Ann\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "show", "--row", "2", camp); code != exitOK || !strings.HasPrefix(errOut, `row 2, key "2": sent 20`) {
		t.Errorf("show --row 2: code %d\n%s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "show", "--row", "1", camp); code != exitSomeFailed || out != "" || !strings.Contains(errOut, "r.csv is its header; the recipients are in the rows below it") {
		t.Errorf("show --row 1: code %d\n%s%s", code, out, errOut)
	}
	// A title above the header: its row numbers are the sheet's.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "November invoices,,\n\nid,email,name\n2,ann@example.com,Ann\n"})
	for row, want := range map[string]string{"1": "r.csv is above its header (row 3); the recipients are in the rows below that", "3": "r.csv is its header; the recipients are in the rows below it"} {
		if _, errOut, code := runCLI(t, "show", "--row", row, camp); code != exitSomeFailed || !strings.Contains(errOut, want) {
			t.Errorf("show --row %s under a title: code %d\n%s", row, code, errOut)
		}
	}
}

// TestQuietLeavesOutNotes: -q prints only problems and the summary: no
// spool or estimate line from check or send, and no warning about the
// empty column an Excel ';' export ends every line with; without -q
// check says the spool and the estimate.
func TestQuietLeavesOutNotes(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email;name;\nuser000@example.com;User 0;\nuser001@example.com;User 1;\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "copies of the messages:") || !strings.Contains(out, "estimate:") || strings.Contains(out+errOut, "no name") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{{"check", "-q", camp}, {"send", "--yes", "-q", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || strings.Contains(out+errOut, "copies of the messages") || strings.Contains(out+errOut, "estimate:") || strings.Contains(out+errOut, "warning") {
			t.Errorf("%q: code %d\n%s%s", args, code, out, errOut)
		}
	}
}

// TestChangedFixedAttachment: an attachment every message carries (named
// without row data) whose content changed after a send is named by check
// and by the next send, as a changed template is; one saved again as it
// was is not, and --resend-changed sends no row again for it (the
// campaign's change, not a row's).
func TestChangedFixedAttachment(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "attachments: [guide.pdf]\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"guide.pdf": "%PDF-1.4 the first guide\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 2 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"guide.pdf": "%PDF-1.4 the first guide\n"}) // saved again as it was
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Contains(out, "changed since") {
		t.Errorf("check after the attachment was saved again: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"guide.pdf": "%PDF-1.4 the corrected guide\n"})
	note := "guide.pdf changed since an earlier send of this campaign: the messages sent then stay as they went"
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, note) {
		t.Errorf("check after the attachment changed: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || !strings.Contains(out, note) || len(srv.Messages()) != 2 {
		t.Errorf("send --resend-changed after the attachment changed: code %d, %d messages in all\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestShowRowBrokenSinceSend: a row not sent whose attachment went
// missing since the last send (spooled then) is not promised as what the
// next send renders: show says the next send checks it again, and that
// preview shows what is wrong with it (rev-user11: "the next send renders
// it" of a row send would refuse).
func TestShowRowBrokenSinceSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "attachments: ['{{.file}}']\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"r.csv": "email,name,file\nann@example.com,Ann,a.pdf\nbob@example.com,Bob,b.pdf\n",
		"a.pdf": "%PDF-1.4 a\n", "b.pdf": "%PDF-1.4 b\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "b.pdf")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "show", "--row", "3", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "the next send renders and checks it again") || !strings.Contains(errOut, "or what is wrong with it") {
		t.Errorf("show --row 3 after its file went: code %d\n%s", code, errOut)
	}
}
