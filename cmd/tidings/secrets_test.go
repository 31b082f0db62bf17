package main

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// The tests in this file hold tidings to issue 5's rules for secrets and
// transport: the SMTP password never appears in anything tidings writes or
// prints, certificates are verified unless the campaign says otherwise (and
// then every run warns), and a refused login stops the run.

const (
	// testSecret is the password the tests log in with; distinctive, so a
	// search for it cannot hit anything else.
	testSecret = "S3cr3t-Pa55-xyzzy"
	// secretEnv is the environment variable the test campaigns name in
	// smtp.password_env.
	secretEnv = "TIDINGS_TEST_SMTP_PASSWORD"
	testUser  = "mailer@example.com"
)

// secretForms returns the texts that would betray the password: the
// password itself, its hex form, the base64 forms AUTH PLAIN, LOGIN and
// XOAUTH2 send, and — so that any other base64 text holding the password
// is caught too — the part of its base64 encoding that depends on the
// password alone, at each of the three byte alignments.
func secretForms(user, pw string) []string {
	b64 := base64.StdEncoding.EncodeToString
	forms := []string{
		pw,
		hex.EncodeToString([]byte(pw)),
		b64([]byte(pw)),
		b64([]byte("\x00" + user + "\x00" + pw)),
		b64([]byte("user=" + user + "\x01auth=Bearer " + pw + "\x01\x01")),
	}
	for pad := 0; pad < 3; pad++ {
		enc := b64(append(make([]byte, pad), pw...))
		start := 0
		if pad > 0 {
			start = 4 // the first group mixes padding and password
		}
		end := (pad + len(pw)) / 3 * 4 // the last full group
		forms = append(forms, enc[start:end])
	}
	return forms
}

// leakChecker collects what tidings printed and finds secrets in it and in
// the files of folders.
type leakChecker struct {
	forms   []string
	outputs []string
}

func newLeakChecker() *leakChecker { return &leakChecker{forms: secretForms(testUser, testSecret)} }

// run runs tidings and keeps its output for the final check.
func (lc *leakChecker) run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code = runCLI(t, args...)
	lc.outputs = append(lc.outputs, fmt.Sprintf("tidings %s\n%s%s", strings.Join(args, " "), stdout, stderr))
	return stdout, stderr, code
}

// check fails t for every secret form in the outputs, in every file under
// dirs, and in the messages the servers received.
func (lc *leakChecker) check(t *testing.T, dirs []string, servers ...*smtptest.Server) {
	t.Helper()
	find := func(where string, data []byte) {
		for _, f := range lc.forms {
			if bytes.Contains(data, []byte(f)) {
				t.Errorf("the password (as %q) appears in %s", f, where)
			}
		}
	}
	for i, out := range lc.outputs {
		find(fmt.Sprintf("the output of run %d:\n%s", i+1, out), []byte(out))
	}
	files := 0
	for _, dir := range dirs {
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files++
			find(p, data)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, srv := range servers {
		for _, m := range srv.Messages() {
			find("a message received by "+srv.Addr, m.Data)
		}
	}
	if files == 0 {
		t.Fatal("no files to search: the runs wrote nothing")
	}
}

// authCampaign writes a campaign with n recipients that logs in to srv as
// testUser with the password from secretEnv. smtp is the smtp: section's
// settings besides host, port and login.
func authCampaign(t *testing.T, srv *smtptest.Server, n int, smtp string, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sheet, "user%03d@example.com,User %d\n", i, i)
	}
	if smtp != "" {
		smtp = ", " + smtp
	}
	yaml := campaignYAML(srv.Port, append([]string{
		fmt.Sprintf(`smtp: {host: 127.0.0.1, port: PORT, username: %q, password_env: %s%s}`, testUser, secretEnv, smtp),
	}, extra...)...)
	writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n", "r.csv": sheet.String()})
	return filepath.Join(dir, "c.yaml")
}

// TestPasswordNeverWritten logs in with each SASL mechanism that puts the
// password on the wire, over STARTTLS to a server the campaign trusts by
// smtp.ca_file, runs every command (send and probe with --debug), then a
// login the server refuses, and searches every output, every file in the
// campaign folders (state folder: journal, reports, previews, .eml) and
// every received message for the password and its encodings.
func TestPasswordNeverWritten(t *testing.T) {
	t.Setenv(secretEnv, testSecret)
	for _, mech := range []string{"PLAIN", "LOGIN", "XOAUTH2", ""} {
		name := mech
		if name == "" {
			name = "best offered"
		}
		t.Run(name, func(t *testing.T) {
			opts := []smtptest.Option{smtptest.WithStartTLS(), smtptest.WithAuth(testUser, testSecret)}
			if mech != "" {
				opts = append(opts, smtptest.WithMechanisms(mech))
			}
			srv := smtptest.NewServer(t, opts...)
			ca, _ := srv.Cert.WriteFiles(t)
			camp := authCampaign(t, srv, 3, fmt.Sprintf("security: starttls, ca_file: %q, auth: %q", ca, strings.ToLower(mech)))
			lc := newLeakChecker()
			defer lc.check(t, []string{filepath.Dir(camp)}, srv)

			if _, _, code := lc.run(t, "check", camp); code != 0 {
				t.Fatalf("check: code %d\n%s", code, lc.outputs[len(lc.outputs)-1])
			}
			if _, _, code := lc.run(t, "preview", camp); code != 0 {
				t.Fatalf("preview: code %d\n%s", code, lc.outputs[len(lc.outputs)-1])
			}
			checkPreview(t, camp, 3)
			out, errOut, code := lc.run(t, "probe", "--debug", camp)
			if code != 0 || !strings.Contains(out, "login as "+testUser+": OK") {
				t.Fatalf("probe: code %d\n%s%s", code, out, errOut)
			}
			out, errOut, code = lc.run(t, "send", "--debug", "--yes", camp)
			if code != 0 {
				t.Fatalf("send: code %d\n%s%s", code, out, errOut)
			}
			// The transcript was written and holds the login exchange,
			// so the search below looks where a leak would be.
			if !strings.Contains(errOut, "AUTH") || !strings.Contains(errOut, "[redacted]") {
				t.Errorf("send --debug printed no redacted AUTH exchange:\n%s", errOut)
			}
			msgs := srv.Messages()
			if len(msgs) != 3 {
				t.Fatalf("server received %d messages, want 3", len(msgs))
			}
			for _, m := range msgs {
				if m.User != testUser || !m.TLS {
					t.Errorf("message to %v: user %q, TLS %v; want a logged-in TLS session", m.To, m.User, m.TLS)
				}
			}
			if _, _, code := lc.run(t, "report", camp); code != 0 {
				t.Errorf("report: code %d\n%s", code, lc.outputs[len(lc.outputs)-1])
			}
			if _, _, code := lc.run(t, "send", "--debug", "--yes", camp); code != 0 {
				t.Errorf("second send: code %d\n%s", code, lc.outputs[len(lc.outputs)-1])
			}
		})
	}
	t.Run("login refused", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithStartTLS(), smtptest.WithAuth(testUser, "another-password"))
		ca, _ := srv.Cert.WriteFiles(t)
		camp := authCampaign(t, srv, 3, fmt.Sprintf("security: starttls, ca_file: %q", ca))
		lc := newLeakChecker()
		defer lc.check(t, []string{filepath.Dir(camp)}, srv)
		out, errOut, code := lc.run(t, "send", "--debug", "--yes", camp)
		if code != exitUnusable || !strings.Contains(out+errOut, "535") {
			t.Errorf("send: code %d, want %d with the 535 refusal\n%s%s", code, exitUnusable, out, errOut)
		}
		out, errOut, code = lc.run(t, "probe", "--debug", camp)
		if code != exitUnusable || !strings.Contains(out+errOut, "535") {
			t.Errorf("probe: code %d, want %d with the 535 refusal\n%s%s", code, exitUnusable, out, errOut)
		}
		lc.run(t, "report", camp)
		if n := len(srv.Messages()); n != 0 {
			t.Errorf("server received %d messages without a login", n)
		}
	})
}

// TestLoginRefusedStopsRun: a 535 stops the run at once with exit code 2
// and says what to check; nothing is sent, and the server does not see the
// wrong password over and over (providers lock accounts for that).
func TestLoginRefusedStopsRun(t *testing.T) {
	t.Setenv(secretEnv, "wrong-password")
	srv := smtptest.NewServer(t, smtptest.WithAuth(testUser, testSecret))
	camp := authCampaign(t, srv, 20, "security: none")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	t.Logf("send:\n%s%s", out, errOut)
	if code != exitUnusable {
		t.Errorf("code %d, want %d", code, exitUnusable)
	}
	// sendpool's authHint names the authorization code (授权码) for 163,
	// qq and the like (tested there: the tests cannot reach smtp.163.com);
	// for other hosts it points at the settings to check.
	for _, s := range []string{"login to 127.0.0.1", testUser, "535", "smtp.password_env"} {
		if !strings.Contains(out+errOut, s) {
			t.Errorf("output lacks %q:\n%s%s", s, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages", n)
	}
	if n := srv.AuthFailures(); n < 1 || n > 2 {
		t.Errorf("the server saw %d failed logins; want 1 (or one per connection, 2)", n)
	}
	statuses := map[string]int{}
	for _, r := range readReport(t, camp) {
		statuses[r["status"]]++
	}
	if statuses["sent"] != 0 || statuses["not-attempted"] != 20 {
		t.Errorf("report statuses %v, want all 20 not-attempted", statuses)
	}
}

// TestCertificateVerifiedByDefault: a server with a self-signed certificate
// and a campaign without smtp.ca_file or insecure_skip_verify: send stops
// with exit code 2 and says why, nothing is sent and no login is tried.
func TestCertificateVerifiedByDefault(t *testing.T) {
	t.Setenv(secretEnv, testSecret)
	for _, tc := range []struct {
		security string
		opt      smtptest.Option
	}{
		{"tls", smtptest.WithTLS()},
		{"starttls", smtptest.WithStartTLS()},
	} {
		t.Run(tc.security, func(t *testing.T) {
			srv := smtptest.NewServer(t, tc.opt, smtptest.WithAuth(testUser, testSecret))
			camp := authCampaign(t, srv, 3, "security: "+tc.security)
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			t.Logf("send:\n%s%s", out, errOut)
			if code != exitUnusable {
				t.Errorf("send: code %d, want %d", code, exitUnusable)
			}
			for _, s := range []string{"certificate", "does not trust", "smtp.ca_file"} {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("send output lacks %q:\n%s%s", s, out, errOut)
				}
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages over an unverified connection", n)
			}
			if n := srv.AuthFailures(); n != 0 {
				t.Errorf("the password was offered %d times over an unverified connection", n)
			}
			out, errOut, code = runCLI(t, "probe", camp)
			if code != exitUnusable || !strings.Contains(out+errOut, "smtp.ca_file") {
				t.Errorf("probe: code %d, want %d naming smtp.ca_file\n%s%s", code, exitUnusable, out, errOut)
			}
		})
	}
}

// TestInsecureSkipVerifyWarnsEveryRun: with smtp.insecure_skip_verify the
// self-signed server is accepted, and check, preview, probe and every send
// that connects say that the certificate is not verified.
func TestInsecureSkipVerifyWarnsEveryRun(t *testing.T) {
	t.Setenv(secretEnv, testSecret)
	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth(testUser, testSecret))
	camp := authCampaign(t, srv, 3, "security: tls, insecure_skip_verify: true")
	runs := []struct {
		args []string
		code int
	}{
		{[]string{"check", camp}, 0},
		{[]string{"preview", camp}, 0},
		{[]string{"probe", camp}, 0},
		{[]string{"send", "--yes", "--limit", "1", camp}, exitSomeFailed}, // two left for the next run
		{[]string{"send", "--yes", camp}, 0},
		{[]string{"send", "--yes", camp}, 0}, // nothing left to send: still warned
	}
	for _, r := range runs {
		out, errOut, code := runCLI(t, r.args...)
		if code != r.code {
			t.Errorf("%s: code %d, want %d\n%s%s", r.args[0], code, r.code, out, errOut)
		}
		if n := strings.Count(out+errOut, "warning: smtp.insecure_skip_verify"); n != 1 {
			t.Errorf("%s prints the insecure_skip_verify warning %d times, want once:\n%s%s", strings.Join(r.args[:len(r.args)-1], " "), n, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("server received %d messages, want 3", n)
	}
	checkPreview(t, camp, 3)
}
