//go:build unix

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSuppressionListOthersMayRead: a suppression list other users of
// the machine may read (saved by an editor under umask 022, 0644) names
// everyone who bounced, complained or asked not to be mailed (a
// clinic's patients who objected, rev-user24), where tidings keeps what
// it writes about recipients its owner's alone: check and send say so
// with the chmod that fixes it, and send still leaves the listed address
// out. An empty list, one only its owner reads, and one in a folder
// others may not enter (a 0644 list in a 0700 home folder, which was
// warned of) are not told of.
func TestSuppressionListOthersMayRead(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "suppress: suppress.txt\n")
	dir := filepath.Dir(camp)
	openToOthers(t, dir)
	list := filepath.Join(dir, "suppress.txt")
	setList := func(body string, mode os.FileMode) {
		t.Helper()
		if err := os.WriteFile(list, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(list, mode); err != nil {
			t.Fatal(err)
		}
	}
	const want = "suppress: suppress.txt can be read or written by every user of this machine (mode 0644), and it names 1 address or domain that bounced, complained or asked not to be mailed; make it yours alone: chmod 600 suppress.txt"
	setList("# none yet\n", 0o644)
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || strings.Contains(out+errOut, "suppress.txt can be read") {
		t.Errorf("check of an empty list: exit %d\n%s%s\nwant no word of its mode", code, out, errOut)
	}
	setList("USER001@example.com  # asked on the phone, 2026-12-07\n", 0o644)
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(strings.ReplaceAll(out, filepath.Dir(camp)+"/", ""), want) {
		t.Fatalf("check: exit %d\n%s%s\nwant a warning saying %q", code, out, errOut, want)
	}
	var sendOut, sendErr strings.Builder
	g := &globalOptions{stdout: &sendOut, stderr: &sendErr, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil || !strings.Contains(strings.ReplaceAll(sendOut.String(), filepath.Dir(camp)+"/", ""), want) {
		t.Fatalf("send: %v\n%s%s\nwant a warning saying %q", err, sendOut.String(), sendErr.String(), want)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("the server has %d messages, want 2", n)
	}
	for _, m := range srv.Messages() {
		if strings.Contains(strings.Join(m.To, ","), "user001@") {
			t.Errorf("the suppressed address got a message: %v", m.To)
		}
	}
	setList("user001@example.com\n", 0o600)
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || strings.Contains(out+errOut, "suppress.txt can be read") {
		t.Errorf("check of a list only its owner reads: exit %d\n%s%s", code, out, errOut)
	}
	// As open, in a folder others may not enter (a home folder, 0700):
	// they cannot reach it, where its mode alone said they could.
	setList("user001@example.com\n", 0o644)
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || strings.Contains(out+errOut, "suppress.txt can be read") {
		t.Errorf("check of a 0644 list in a 0700 folder: exit %d\n%s%s\nwant no word of its mode", code, out, errOut)
	}
}
