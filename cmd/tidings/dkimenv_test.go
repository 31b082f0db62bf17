package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendSignsWithKeyFromEnv: a CI job hands the DKIM key over in an
// environment variable (dkim.key_env), its line breaks written as \n; send
// signs every message with it, nothing of the key is written into the
// campaign's folder or printed, and once the variable holds another key
// (in base64 this time) check says the key changed since the send.
func TestSendSignsWithKeyFromEnv(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	const env = "TIDINGS_TEST_DKIM_KEY"
	t.Setenv(env, strings.ReplaceAll(keyPEM, "\n", `\n`))
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "dkim: {domain: example.com, selector: s1, key_env: "+env+"}\n")
	var out, errOut strings.Builder
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	txt := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	lookup := func(domain string) ([]string, error) {
		if domain != "s1._domainkey.example.com" {
			return nil, fmt.Errorf("no TXT record for %s", domain)
		}
		return []string{txt}, nil
	}
	msgs := srv.Messages()
	if len(msgs) != 4 {
		t.Fatalf("server received %d messages, want 4", len(msgs))
	}
	for _, m := range msgs {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Fatalf("%v: verify: %v %+v", m.To, err, vs)
		}
	}
	// Nothing of the key in what tidings wrote or printed.
	secret := base64.StdEncoding.EncodeToString(der)[20:60]
	assertNoSecret(t, filepath.Dir(camp), secret, out.String()+errOut.String())

	_, other, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der2, err := x509.MarshalPKCS8PrivateKey(other)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(env, base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der2})))
	checkOut, checkErr, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(checkOut+checkErr, "the DKIM key in $"+env+" changed since an earlier send") {
		t.Errorf("check with another key in $%s: code %d, want 0 and the key named as changed\n%s%s", env, code, checkOut, checkErr)
	}
}

// assertNoSecret fails when any file under dir, or printed, holds secret.
func assertNoSecret(t *testing.T, dir, secret, printed string) {
	t.Helper()
	if strings.Contains(printed, secret) {
		t.Errorf("the key was printed:\n%s", printed)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err == nil && bytes.Contains(b, []byte(secret)) {
			t.Errorf("%s holds the key", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestKeyEnvRefusals: an unset variable, one that holds no key, and an
// entry naming both a key file and a variable are refused before anything
// is sent, naming the setting and the variable, never the value.
func TestKeyEnvRefusals(t *testing.T) {
	const env = "TIDINGS_TEST_DKIM_KEY_BAD"
	srv := smtptest.NewServer(t)
	for _, tc := range []struct {
		name, value, dkim, want string
	}{
		{"unset", "", "key_env: " + env, "dkim.key_env: the environment variable " + env + " is empty or not set"},
		{"no key", "hunter2-not-a-key", "key_env: " + env, "dkim: dkim.key_env " + env + ": the variable holds no PEM private key"},
		{"both", "", "key_env: " + env + ", key_file: dkim.key", "dkim: both key_file and key_env are set"},
		{"the key itself", "", `key_env: "-----BEGIN PRIVATE KEY-----hunter2-not-a-key"`, "dkim.key_env must name an environment variable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(env, tc.value)
			camp := sendCampaign(t, srv, 2, "dkim: {domain: example.com, selector: s1, "+tc.dkim+"}\n")
			for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
				out, errOut, code := runCLI(t, args...)
				if code == 0 || !strings.Contains(out+errOut, tc.want) || strings.Contains(out+errOut, "hunter2") {
					t.Errorf("%v: code %d, want an error with %q and without the value\n%s%s", args, code, tc.want, out, errOut)
				}
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

// TestChangedFileNamedWithDollar: a body named $body.txt (a file, not a
// key_env) that changed since a send was called "the DKIM key in
// $body.txt" by check (rev-eng38), since every changed name starting
// with "$" was taken for a key read from the environment; it is named by
// its path, as any file.
func TestChangedFileNamedWithDollar(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "text: body.txt", `text: "$body.txt"`, 1), "$body.txt": "Hi {{.name}}\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"$body.txt": "Hello {{.name}}\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if want := "note: " + displayPath(filepath.Join(dir, "$body.txt")) + " changed since an earlier send"; code != 0 || !strings.Contains(out+errOut, want) || strings.Contains(out+errOut, "DKIM key") {
		t.Errorf("check: code %d, want the body named as changed, %q\n%s%s", code, want, out, errOut)
	}
}

// TestReadingSentNeedsNoKey: a send signed with the key in an
// environment variable (dkim.key_env); later, in a shell without it,
// report warned that the campaign "does not open as send opens it" and
// placed rows by the sheet alone, and show dropped its "since it went
// out, name changed" note, as both opened the campaign as send does,
// which needs the key. Reading what was sent needs no secret: the spool
// is found by the key's public sum its manifest kept. check and send
// still refuse the unset variable.
func TestReadingSentNeedsNoKey(t *testing.T) {
	keyPEM := ed25519PEM(t)
	const env = "TIDINGS_TEST_DKIM_KEY_GONE"
	t.Setenv(env, keyPEM)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "dkim: {domain: example.com, selector: s1, key_env: "+env+"}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,Ann\nuser001@example.com,User 1\n"})
	t.Setenv(env, "")
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitOK || strings.Contains(out+errOut, "does not open as send opens it") || strings.Contains(out+errOut, env) {
		t.Errorf("report without $%s: code %d, want 0 and no word of the key\n%s%s", env, code, out, errOut)
	}
	out, errOut, code = runCLI(t, "show", "--row", "2", camp)
	if code != exitOK || !strings.Contains(errOut, "note: since it went out, name changed") || !strings.Contains(out, "DKIM-Signature:") {
		t.Errorf("show --row 2 without $%s: code %d, want the message sent and the note that name changed\n%s%s", env, code, out, errOut)
	}
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitUnusable || !strings.Contains(errOut, "the environment variable "+env+" is empty or not set") {
			t.Errorf("%v without $%s: code %d, want it refused\n%s%s", args[0], env, code, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server received %d messages, want the first send's 2", n)
	}
}

// TestReadingSentKeepsKeysSet: a campaign signing with two keys, one
// from an environment variable not set in the shell that reads what was
// sent; report (and show) opened it without any signer, so a row whose
// From does not align with the signing domain, which send had refused as
// invalid, was judged with no key at all once the spool no longer
// matched the campaign (its body edited since): report called it
// not-attempted and told to send it with --skip-invalid. The keys that
// are set are kept, and the row is judged as send judges it.
func TestReadingSentKeepsKeysSet(t *testing.T) {
	keyPEM := ed25519PEM(t)
	const env = "TIDINGS_TEST_DKIM_KEY_ONE_OF_TWO"
	t.Setenv(env, keyPEM)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "dkim: [{domain: example.com, selector: s1, key_env: "+env+"}, {domain: example.com, selector: s2, key_file: k.pem}]\n")
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": strings.Replace(string(b), `from: "Sender <sender@example.com>"`, `from: "{{.from}}"`, 1),
		"r.csv":  "email,name,from\nuser000@example.com,Ann,a@example.com\nuser001@example.com,Bob,b@other.org\n",
		"k.pem":  keyPEM,
	})
	if err := os.Chmod(filepath.Join(dir, "k.pem"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || !strings.Contains(out, "row 3  user001@example.com  invalid") {
		t.Fatalf("send: code %d, want %d and row 3 invalid\n%s%s", code, exitSomeFailed, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"body.txt": "Hello {{.name}}\n"})
	t.Setenv(env, "")
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out, "1 sent, 1 invalid") || !strings.Contains(out, `row 3  user001@example.com  invalid  column "from": dkim: dkim[1].domain "example.com" does not align with the From domain "other.org"`) {
		t.Errorf("report without $%s after the body changed: code %d, want %d and row 3 invalid as send judged it\n%s%s", env, code, exitSomeFailed, out, errOut)
	}
}

// ed25519PEM is a new Ed25519 private key, PKCS #8 PEM.
func ed25519PEM(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}
