package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// reuseWarnCampaign writes, into a folder of its own, a campaign sending
// through srv whose rows each give a message warning: a dotless domain, a
// subject over render.SubjectWarnLength, a zero-width space in the
// subject, an empty subject, a To of two addresses with one-click unsubscribe, and a blank
// name the body prints as it is.
func reuseWarnCampaign(t *testing.T, srv *smtptest.Server) (dir, camp string) {
	t.Helper()
	dir = t.TempDir()
	long := strings.Repeat("Long news ", 21)
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `to: '{{.email}}'`, `subject: "{{.subj}}"`,
			`recipients: {path: r.csv, key: id}`, `unsubscribe: {url: "https://example.com/u?id={{.id}}", one_click: true}`),
		"body.txt": "Hi {{.name}},\nnews.\nUnsubscribe: https://example.com/u?id={{.id}}\n",
		"r.csv": "id,email,name,subj\n" +
			"1,anna@localhost,Anna,News\n" +
			fmt.Sprintf("2,bo@example.com,Bo,%s\n", long) +
			"3,cy@example.com,Cy,Ne\u200bws\n" +
			"4,\"di@example.com, ed@example.com\",Di,News\n" +
			"5,fay@example.com,,News\n" +
			"6,gil@example.com,Gil,\n",
	})
	return dir, filepath.Join(dir, "c.yaml")
}

// warningLines are out's lines about the messages' warnings, the
// folder dir taken out of them.
func warningLines(out, dir string) []string {
	var lines []string
	for l := range strings.Lines(strings.ReplaceAll(out, dir+string(filepath.Separator), "")) {
		if strings.HasPrefix(l, "warning: r.csv:") || strings.Contains(l, "more warnings about messages") {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestWarningsReusedSpool: a send going on from the messages a test send
// spooled rendered nothing, and so gave of the rows' warnings the
// blank-cell ones alone (fix-warn: the dotless domain, the long subject,
// the zero-width space and the shared one-click To seen at the test send
// only); it gives, line for line, what a send that renders gives.
func TestWarningsReusedSpool(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir, camp := reuseWarnCampaign(t, srv)
	fresh, errOut, code := runCLI(t, "send", "--yes", camp)
	want := warningLines(fresh, dir)
	for _, s := range []string{"has no dot", "characters long", "zero-width space", "to holds 2 addresses", "subject is empty", `column "name" is empty`} {
		if !slices.ContainsFunc(want, func(l string) bool { return strings.Contains(l, s) }) {
			t.Errorf("fresh send: %d, no warning with %q\n%s%s", code, s, fresh, errOut)
		}
	}
	dir, camp = reuseWarnCampaign(t, srv)
	if out, errOut, code := runCLI(t, "send", "--test", "me@example.com", camp); code != exitOK || !slices.Equal(warningLines(out, dir), want) {
		t.Errorf("send --test: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "made by an earlier run and used again") {
		t.Errorf("send after the test send: %d, the spool not used again\n%s%s", code, out, errOut)
	}
	if got := warningLines(out, dir); !slices.Equal(got, want) {
		t.Errorf("send after the test send warned\n%s\nwant, as a send that renders,\n%s", strings.Join(got, ""), strings.Join(want, ""))
	}
}

// TestWarningsNotForRowsSent: a send that renders afresh after earlier
// ones (the sheet edited after a --limit run), and check, warned about
// the rows whose messages had gone already (fix-warn's report), where a
// send going on from the spool warns about the rows it sends only; all
// warn now of the rows still to send (render.Message.Unsent), as they
// did of blank cells.
func TestWarningsNotForRowsSent(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir, camp := reuseWarnCampaign(t, srv)
	first, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp)
	all := warningLines(first, dir)
	if !strings.Contains(first, "2 sent, 4 not-attempted") || len(all) < 6 {
		t.Fatalf("send --limit 2: %d\n%s%s", code, first, errOut)
	}
	sheet := filepath.Join(dir, "r.csv")
	f, err := os.OpenFile(sheet, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("7,hal@example.com,Hal,News\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || strings.Contains(out, "used again") {
		t.Fatalf("send after the sheet was edited: %d, want a fresh render\n%s%s", code, out, errOut)
	}
	var want []string
	for _, l := range all {
		if !strings.Contains(l, "row 2:") && !strings.Contains(l, "row 3:") {
			want = append(want, l)
		}
	}
	if got := warningLines(out, dir); !slices.Equal(got, want) {
		t.Errorf("send after rows 2 and 3 went warned\n%s\nwant\n%s", strings.Join(got, ""), strings.Join(want, ""))
	}
	if out, _, _ := runCLI(t, "check", camp); len(warningLines(out, dir)) != 0 {
		t.Errorf("check, every row sent, warned:\n%s", out)
	}
}

// TestWarningsOwedAnew: a row whose corrected message the server
// deferred (send --resend-changed) is one a plain send sends, and warns
// of (its name left blank, which the body prints as "Dear ,"); check and
// preview dropped its warnings as of a row not sent now (its fate from
// the journal alone, before they knew its message is still owed), where
// they warn of it now, as send does.
func TestWarningsOwedAnew(t *testing.T) {
	t.Parallel()
	camp, _, _, _ := deferredResendOf(t, "", "invoice,email,name,amount\n1,ann@example.com,,11.00\n2,bob@example.com,Bob,20.00\n")
	dir := filepath.Dir(camp)
	const want = `warning: r.csv: column "name" is empty in row 2, which body.txt prints as it is`
	out, errOut, _ := runCLI(t, "check", camp)
	if !strings.Contains(out, plan.DeferredAnewWords) || !strings.Contains(strings.Join(warningLines(out, dir), ""), want) {
		t.Errorf("check: want the row a plain send sends, with %q\n%s%s", want, out, errOut)
	}
	out, errOut, _ = runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp)
	if !strings.Contains(strings.Join(warningLines(out, dir), ""), want) {
		t.Errorf("preview: want %q\n%s%s", want, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(strings.Join(warningLines(out, dir), ""), want) {
		t.Errorf("send: %d, want %q\n%s%s", code, want, out, errOut)
	}
}

// TestWarningsCapHeldBack: the rows daily_cap holds back are still to
// send (a later send sends them), so a send warns of them with those it
// sends now, and check, after, warns of them alone: not of the rows sent.
func TestWarningsCapHeldBack(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir, camp := reuseWarnCampaign(t, srv)
	yaml := strings.Replace(readFile(t, camp), "retry_backoff: 1ms}", "retry_backoff: 1ms, daily_cap: 2}", 1)
	writeFiles(t, dir, map[string]string{"c.yaml": yaml})
	first, errOut, code := runCLI(t, "send", "--yes", camp)
	all := warningLines(first, dir)
	if !strings.Contains(yaml, "daily_cap: 2") || !strings.Contains(first, "2 sent, 4 not-attempted") || len(all) < 6 {
		t.Fatalf("send, daily_cap 2: %d\n%s%s", code, first, errOut)
	}
	for _, s := range []string{"row 4:", "row 5:", "row 6", "row 7:"} {
		if !strings.Contains(strings.Join(all, ""), s) {
			t.Errorf("send, daily_cap 2: no warning of %q, held back\n%s", s, first)
		}
	}
	var want []string
	for _, l := range all {
		if !strings.Contains(l, "row 2:") && !strings.Contains(l, "row 3:") {
			want = append(want, l)
		}
	}
	if out, errOut, _ := runCLI(t, "check", camp); !slices.Equal(warningLines(out, dir), want) {
		t.Errorf("check after the capped send warned\n%s\nwant\n%s\n%s%s", strings.Join(warningLines(out, dir), ""), strings.Join(want, ""), out, errOut)
	}
}

// TestWarningsNoneWhenSendsNone: a send with daily_cap used up sends
// nothing (a daily cron job's run near a campaign's end); it read the
// sheet again for the notes of the rows it does not send and warned of
// them, on every such run, as a run that renders them afresh (the sheet
// edited) did. It warns of none now: the run that sends them does, and
// check does any time.
func TestWarningsNoneWhenSendsNone(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir, camp := reuseWarnCampaign(t, srv)
	yaml := strings.Replace(readFile(t, camp), "retry_backoff: 1ms}", "retry_backoff: 1ms, daily_cap: 2}", 1)
	writeFiles(t, dir, map[string]string{"c.yaml": yaml})
	if out, errOut, _ := runCLI(t, "send", "--yes", camp); !strings.Contains(out, "2 sent, 4 not-attempted") || len(warningLines(out, dir)) == 0 {
		t.Fatalf("send, daily_cap 2:\n%s%s", out, errOut)
	}
	out, errOut, _ := runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "nothing to send now: daily_cap 2 reached") || !strings.Contains(out, "used again") || len(warningLines(out, dir)) != 0 {
		t.Errorf("send, the cap used up, from the spool: want no row warnings\n%s%s", out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": readFile(t, filepath.Join(dir, "r.csv")) + "8,ivy@example.com,Ivy,\n"})
	out, errOut, _ = runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "nothing to send now: daily_cap 2 reached") || strings.Contains(out, "used again") || len(warningLines(out, dir)) != 0 {
		t.Errorf("send, the cap used up, the sheet edited: want no row warnings\n%s%s", out, errOut)
	}
	if out, _, _ := runCLI(t, "check", camp); !strings.Contains(strings.Join(warningLines(out, dir), ""), "row 8: subject is empty") {
		t.Errorf("check: want the warnings of the rows still to send\n%s", out)
	}
}

// TestWarningsOwedGone: a row whose message went to its To while the
// server deferred its Cc, the Cc replaced since (by an address with no
// dot in its domain), is sent nothing: its message owes no recipient the
// row names. Send does not warn of it; check did (its fate from the
// journal: to send, the owed Cc), and so did preview, where they warn
// of it no more.
func TestWarningsOwedGone(t *testing.T) {
	t.Parallel()
	camp, _, _ := owedCampaign(t)
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,newboss@localhost\n"})
	const gone = "are no longer in the row (row 2: boss@example.com)"
	out, errOut, _ := runCLI(t, "check", camp)
	if !strings.Contains(out, gone) || len(warningLines(out, dir)) != 0 {
		t.Errorf("check: want the owed Cc gone, and no row warning\n%s%s", out, errOut)
	}
	if out, errOut, _ := runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp); len(warningLines(out, dir)) != 0 {
		t.Errorf("preview: want no row warning\n%s%s", out, errOut)
	}
	out, errOut, _ = runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "nothing left to send") || len(warningLines(out, dir)) != 0 {
		t.Errorf("send: want nothing sent, and no row warning\n%s%s", out, errOut)
	}
}
