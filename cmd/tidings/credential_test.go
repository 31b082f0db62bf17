package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPasswordFromSystemdCredential: a service run by systemd with
// LoadCredential=TIDINGS_TEST_SMTP_PASSWORD:FILE has the password in a
// file of $CREDENTIALS_DIRECTORY, not in the environment: send logs in
// with it (the file's line end not part of it) and prints it nowhere; an
// empty credential file is refused naming the file, and with neither the
// variable nor the file the error says how to give it.
func TestPasswordFromSystemdCredential(t *testing.T) {
	t.Setenv(secretEnv, "")
	creds := t.TempDir()
	t.Setenv(credentialsDirEnv, creds)
	srv := smtptest.NewServer(t, smtptest.WithAuth(testUser, testSecret))
	camp := authCampaign(t, srv, 3, "security: none")

	_, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitUnusable || !strings.Contains(errOut, "LoadCredential="+secretEnv+":FILE") {
		t.Errorf("send with neither the variable nor the credential: code %d, want %d and the LoadCredential= line:\n%s", code, exitUnusable, errOut)
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
