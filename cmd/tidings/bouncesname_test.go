package main

import (
	"os"
	"strings"
	"testing"
)

// TestBouncesEarlierNameShowWords: the reports about last month's
// messages, read with --name once the campaign file was renamed for this
// month, said "tidings show campaign.yaml ADDRESS finds one now", which
// prints this month's message (rev-user14); they say the messages went
// under the earlier name and that show --name finds them (fix-show2);
// a --name with no state folder names the one that has one.
func TestBouncesEarlierNameShowWords(t *testing.T) {
	t.Parallel()
	dir, camp, returnReports := walkthrough(t)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"campaign.yaml": strings.Replace(string(b), "name: walkthrough-november", "name: walkthrough-december", 1)})
	returnReports()
	out, errOut, code := runCLI(t, "bounces", "--name", "walkthrough-november", camp)
	want := "note: rows as the sheet numbered them when the message was sent: they went under the name walkthrough-november; tidings show --name walkthrough-november " + commandArg(camp) + " ADDRESS finds one\n"
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "finds one now") || !strings.Contains(out, "3 matched this campaign") {
		t.Errorf("bounces --name: code %d, want %q\n%s%s", code, want, out, errOut)
	}
	if _, errOut, code := runCLI(t, "bounces", "--name", "walkthrough-october", camp); code != exitUnusable ||
		!strings.Contains(errOut, "nothing was sent under that name (this file was sent under the name walkthrough-november)") {
		t.Errorf("bounces --name of no state folder: code %d\n%s", code, errOut)
	}
}
