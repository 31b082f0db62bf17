package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInputChangedNamesCommand: the template saved again while a send
// waits at its password prompt (after it read the campaign, before its
// preflight) stops the send with nothing sent, and the error names the
// command to run again, the flags it was given carried on. It said "run
// send again", as no other error of send's does.
func TestInputChangedNamesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dir := filepath.Dir(camp)
	yaml := strings.Replace(readFile(t, camp), "security: none}", "security: none, username: u, password_env: TIDINGS_NEVER_SET_PW}", 1)
	writeFiles(t, dir, map[string]string{"c.yaml": yaml})
	master, slave := openPTY(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "send", "--yes", "--concurrency", "1", camp)
	cmd.Stdin, cmd.Env = slave, os.Environ()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	slave.Close() // the child has it
	if said, err := readUntil(stderr, "not set): "); err != nil {
		t.Fatalf("no password prompt: %v\n%s", err, said)
	}
	writeFiles(t, dir, map[string]string{"body.txt": "Hello again {{.name}}\n"})
	if _, err := io.WriteString(master, "secret\n"); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	var ee *exec.ExitError
	if err := cmd.Wait(); !errors.As(err, &ee) || ee.ExitCode() != exitUnusable {
		t.Fatalf("send: %v, want exit %d\n%s", err, exitUnusable, rest)
	}
	want := "body.txt changed while this run read it (saved again?): nothing was sent; run again: tidings send --yes --concurrency 1 " + commandArg(camp)
	if !strings.Contains(string(rest), want) {
		t.Errorf("send's error does not say %q:\n%s", want, rest)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}
