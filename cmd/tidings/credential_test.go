package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign/credential"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPasswordFromSystemdCredential: a service run by systemd with
// LoadCredential=TIDINGS_TEST_SMTP_PASSWORD:FILE has the password in a
// file of $CREDENTIALS_DIRECTORY, not in the environment: send logs in
// with it (the file's line end not part of it) and prints it nowhere; an
// empty credential file is refused naming the file, and with neither the
// variable nor the file the error names both and says how to give it.
func TestPasswordFromSystemdCredential(t *testing.T) {
	t.Setenv(secretEnv, "")
	creds := t.TempDir()
	t.Setenv(credential.DirEnv, creds)
	srv := smtptest.NewServer(t, smtptest.WithAuth(testUser, testSecret))
	camp := authCampaign(t, srv, 3, "security: none")

	// The error names both places looked in: a unit whose
	// LoadCredential= names another credential than password_env's
	// variable was told only of the variable.
	_, errOut, code := runCLI(t, "send", "--yes", camp)
	both := "the environment variable " + secretEnv + " is empty, and $CREDENTIALS_DIRECTORY (" + creds + ") holds no credential " + secretEnv + "; "
	if code != exitUnusable || !strings.Contains(errOut, both) || !strings.Contains(errOut, "LoadCredential="+secretEnv+":FILE") {
		t.Errorf("send with neither the variable nor the credential: code %d, want %d, %q and the LoadCredential= line:\n%s", code, exitUnusable, both, errOut)
	}

	file := filepath.Join(creds, secretEnv)
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitUnusable || !strings.Contains(errOut, file+" is empty") {
		t.Errorf("send with an empty credential file: code %d, want %d naming %s:\n%s", code, exitUnusable, file, errOut)
	}

	if err := os.WriteFile(file, []byte(testSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	lc := newLeakChecker()
	defer lc.check(t, []string{filepath.Dir(camp)}, srv)
	out, errOut, code := lc.run(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send with the password in %s: code %d\n%s%s", file, code, out, errOut)
	}
	msgs := srv.Messages()
	if len(msgs) != 3 {
		t.Fatalf("server received %d messages, want 3", len(msgs))
	}
	for _, m := range msgs {
		if m.User != testUser {
			t.Errorf("message to %v: user %q, want a session logged in as %s", m.To, m.User, testUser)
		}
	}
}

// TestCredentialFileRefused: what secretFromCredential will not take
// from $CREDENTIALS_DIRECTORY, each refused with an error that names
// the file and never shows what it holds: a name that would leave the
// folder is not looked for, a relative folder (systemd sets an absolute
// one) is not read from wherever tidings runs, a folder in the file's
// place, a file of more than a password's size, and one of two lines (a
// user and a password, say); one line end, "\n" or "\r\n", is not part of
// the password.
func TestCredentialFileRefused(t *testing.T) {
	base := t.TempDir()
	creds := filepath.Join(base, "creds")
	if err := os.Mkdir(creds, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Chdir(base)
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(creds, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("CRLF", "s3cret-crlf\r\n")
	write("TWO_LINES", "me@example.com\ns3cret-two\n")
	write("HUGE", strings.Repeat("s3cret-huge", 10_000))
	write("REL", "s3cret-rel\n")
	if err := os.Mkdir(filepath.Join(creds, "FOLDER"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "OUTSIDE"), []byte("s3cret-outside"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		dir, env, want string // want: "" the password read, else the error's words
		password       string
	}{
		{creds, "CRLF", "", "s3cret-crlf"},
		{creds, "../OUTSIDE", "", ""},
		{"creds", "REL", "not an absolute path", ""},
		{creds, "FOLDER", "FOLDER: not a regular file", ""},
		{creds, "HUGE", "HUGE: larger than 64 KiB", ""},
		{creds, "TWO_LINES", "TWO_LINES holds more than one line", ""},
	}
	for _, tc := range cases {
		t.Setenv(credential.DirEnv, tc.dir)
		password, _, err := secretFromCredential(tc.env, "smtp.password_env")
		switch {
		case tc.want == "" && (err != nil || password != tc.password):
			t.Errorf("%s in %s: %q, %v; want %q", tc.env, tc.dir, password, err, tc.password)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || password != ""):
			t.Errorf("%s in %s: %q, %v; want an error saying %q", tc.env, tc.dir, password, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("%s in %s: the error shows the file's content: %v", tc.env, tc.dir, err)
		}
	}
}
