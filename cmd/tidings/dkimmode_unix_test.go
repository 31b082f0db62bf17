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

// TestDKIMKeyOthersMayRead: a DKIM key file other users of the machine
// may read (a CI job that wrote it with the usual umask, 0644) is told by
// check and by send, which still sign and send with it; once it is the
// owner's alone (chmod 600), neither says a word of it.
func TestDKIMKeyOthersMayRead(t *testing.T) {
	t.Parallel()
	keyPEM := ed25519PEM(t)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, `unsubscribe: {url: "https://example.com/u?e={{.email | urlquery}}", one_click: true}
list_id: "Example list <list.example.com>"
dkim: {domain: example.com, selector: s1, key_file: dkim.key}
`)
	keyFile := filepath.Join(filepath.Dir(camp), "dkim.key")
	if err := os.WriteFile(keyFile, []byte(keyPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	const want = "can be read or written by other users of this machine (mode 0644): whoever reads it can sign mail as example.com; make it its owner's alone: chmod 600 "
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("check: exit %d\n%s%s\nwant a warning saying %q", code, out, errOut, want)
	}
	var sendOut, sendErr strings.Builder
	g := &globalOptions{stdout: &sendOut, stderr: &sendErr, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true, limit: 1}, g, camp); exitCode(err) != exitSomeFailed || !strings.Contains(sendOut.String(), want) {
		t.Fatalf("send --limit 1: %v\n%s%s\nwant a warning saying %q", err, sendOut.String(), sendErr.String(), want)
	}
	if err := os.Chmod(keyFile, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "check", camp); code != 0 || strings.Contains(out+errOut, "other users") {
		t.Errorf("check of a key only its owner reads: exit %d\n%s%s", code, out, errOut)
	}
	sendOut.Reset()
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil || strings.Contains(sendOut.String(), "other users") {
		t.Errorf("send of a key only its owner reads: %v\n%s%s", err, sendOut.String(), sendErr.String())
	}
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("the server has %d messages, want 3", n)
	}
}
