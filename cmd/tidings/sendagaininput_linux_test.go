package main

import (
	"bytes"
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
// (or a test send) waits at its password prompt (after it read the
// campaign, before its preflight) stops it with nothing sent, and the
// error names the command to run again, the flags it was given carried
// on. It said "run send again", as no other error of send's does, and
// of a test send too, where that command sends to every row.
func TestInputChangedNamesCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string // the command, before the campaign file
	}{
		{"send", []string{"send", "--yes", "--concurrency", "1"}, "tidings send --yes --concurrency 1 "},
		{"test", []string{"send", "--test", "me@example.com", "--rows", "2-3"}, "tidings send --test me@example.com --rows 2-3 "},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			camp := sendCampaign(t, srv, 2, "")
			yaml := strings.Replace(readFile(t, camp), "security: none}", "security: none, username: u, password_env: TIDINGS_NEVER_SET_PW}", 1)
			writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": yaml})
			rest, code := sendEditedAtPrompt(t, bin, append(c.args, camp), filepath.Join(filepath.Dir(camp), "body.txt"))
			want := "body.txt changed while this run read it (saved again?): nothing was sent; run again: " + c.want + commandArg(camp)
			if code != exitUnusable || !strings.Contains(rest, want) {
				t.Errorf("exit code %d, want %d, and the error saying %q:\n%s", code, exitUnusable, want, rest)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages sent", n)
			}
		})
	}
}

// sendEditedAtPrompt runs bin with args on a terminal, saves the file
// edit again, changed, at the password prompt, answers it, and returns
// what the command wrote (stdout, then stderr after the prompt) and its
// exit code.
func sendEditedAtPrompt(t *testing.T, bin string, args []string, edit string) (string, int) {
	t.Helper()
	master, slave := openPTY(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Env = slave, &stdout, os.Environ()
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
	if err := os.WriteFile(edit, []byte("Hello again {{.name}}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(master, "secret\n"); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(stderr)
	var ee *exec.ExitError
	if err := cmd.Wait(); errors.As(err, &ee) {
		return stdout.String() + string(rest), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String() + string(rest), exitOK
}
