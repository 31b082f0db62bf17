package dkim_test

import (
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign/credential"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// TestKeyFromEnvForms: a key_env variable may hold the PEM text with its
// line breaks, with them written as \n (a one-line secret), or that text
// in base64, and PKCS #1 as PKCS #8: each signs as the same key in a file
// does, and EnvKeys names the variable by the key's public record.
func TestKeyFromEnvForms(t *testing.T) {
	const env = "TIDINGS_TEST_KEY_FORMS"
	for kind, keyFile := range dkimKeys(t) {
		path := keyFile()
		pemText, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		fromFile := dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_file: "+path+"}\n")
		want, err := dkim.NewSigner(fromFile)
		if err != nil {
			t.Fatal(err)
		}
		if want.EnvKeys() != nil {
			t.Errorf("%s: EnvKeys of a key file = %v, want nil", kind, want.EnvKeys())
		}
		for form, value := range map[string]string{
			"as is":      string(pemText),
			"escaped":    strings.ReplaceAll(strings.TrimSpace(string(pemText)), "\n", `\n`),
			"base64":     base64.StdEncoding.EncodeToString(pemText),
			"base64 76":  base64.StdEncoding.EncodeToString(pemText)[:76] + "\n" + base64.StdEncoding.EncodeToString(pemText)[76:],
			"padded CRs": " " + strings.ReplaceAll(string(pemText), "\n", "\r\n") + "\n",
			// A Windows copy's line breaks, written \r\n.
			"escaped CRLF": strings.ReplaceAll(strings.TrimSpace(string(pemText)), "\n", `\r\n`),
		} {
			t.Setenv(env, value)
			c := dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_env: "+env+"}\n")
			s, err := dkim.NewSigner(c)
			if err != nil {
				t.Fatalf("%s, %s: %v", kind, form, err)
			}
			if got := s.Records(); got[0] != want.Records()[0] {
				t.Errorf("%s, %s: record %+v, want %+v", kind, form, got[0], want.Records()[0])
			}
			if keys := s.EnvKeys(); len(keys) != 1 || keys["$"+env] == "" {
				t.Errorf("%s, %s: EnvKeys = %v, want one for $%s", kind, form, keys, env)
			}
			signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
			if err != nil {
				t.Fatalf("%s, %s: %v", kind, form, err)
			}
			if _, err := verifyDKIM(t, s, signed); err != nil {
				t.Errorf("%s, %s: verify: %v", kind, form, err)
			}
		}
	}
}

// TestKeyFromEnvRefusals: a variable that holds the key file's path (a
// CI variable of type File is handed over so), or an encrypted key, was
// told "holds no PEM private key: put the key file's whole text in it",
// and "store it unencrypted with permissions 0600", words for a file
// (rev-eng38): each error says what the variable holds and what to put
// in it, and shows nothing of the value, the path included.
func TestKeyFromEnvRefusals(t *testing.T) {
	const env = "TIDINGS_TEST_KEY_REFUSED"
	path := dkimKeys(t)["ed25519"]()
	encrypted := string(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte("not shown, not a key")}))
	for _, tc := range []struct{ name, value, want string }{
		{"a file's path", path, "dkim: dkim.key_env " + env + ": the variable holds the path of a file, not the key (a CI variable of type File is handed over so): make it a plain variable holding the key's PEM text"},
		{"an encrypted key", encrypted, "dkim: dkim.key_env " + env + `: the key is encrypted: put it in the variable unencrypted (export ` + env + `="$(openssl pkey -in key.pem)" asks for the passphrase once)`},
	} {
		t.Setenv(env, tc.value)
		_, err := dkim.NewSigner(dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_env: "+env+"}\n"))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), path) {
			t.Errorf("%s: %v, want an error saying\n%s", tc.name, err, tc.want)
		}
	}
}

// TestKeyFromSystemdCredential: a service run by systemd with
// LoadCredential=DKIM_KEY:FILE has the key in a file of
// $CREDENTIALS_DIRECTORY, not in the environment, as it has its SMTP
// password; key_env: DKIM_KEY could not sign with it ("the environment
// variable DKIM_KEY is empty or not set"). With the variable unset the
// key is read from the credential of its name, signs as the key file
// does, and counts as the variable's (EnvKeys); the variable set wins.
// What the SMTP password's credential may not be is refused alike,
// naming the file and nothing of what it holds; a key of several lines
// is not one.
func TestKeyFromSystemdCredential(t *testing.T) {
	const env = "TIDINGS_TEST_KEY_CREDENTIAL"
	t.Setenv(env, "")
	keys := dkimKeys(t)
	keyFile := keys["rsa2048-pkcs8"]()
	pemText, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	want, err := dkim.NewSigner(dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_file: "+keyFile+"}\n"))
	if err != nil {
		t.Fatal(err)
	}
	creds := t.TempDir()
	t.Setenv(credential.DirEnv, creds)
	file := filepath.Join(creds, env)
	if err := os.WriteFile(file, pemText, 0o600); err != nil {
		t.Fatal(err)
	}
	c := dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_env: "+env+"}\n")
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatalf("the key in %s: %v", file, err)
	}
	if got := s.Records(); got[0] != want.Records()[0] {
		t.Errorf("record %+v, want the key file's %+v", got[0], want.Records()[0])
	}
	if keys := s.EnvKeys(); len(keys) != 1 || keys["$"+env] == "" {
		t.Errorf("EnvKeys = %v, want one for $%s", keys, env)
	}
	if _, err := verifyDKIM(t, s, mustSign(t, s, renderAll(t, c, render.Options{})[0].Data)); err != nil {
		t.Errorf("verify: %v", err)
	}
	edText, err := os.ReadFile(keys["ed25519"]())
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(env, string(edText))
	if s, err := dkim.NewSigner(c); err != nil || s.Records()[0] == want.Records()[0] {
		t.Errorf("with $%s set too: %v; want the variable's key, not the credential's", env, err)
	}
	t.Setenv(env, "")

	for _, tc := range []struct {
		name, dir, want string
		write           func(path string) error
	}{
		{"relative folder", "creds", "not an absolute path", nil},
		{"a folder", creds, file + ": not a regular file", func(p string) error { return os.Mkdir(p, 0o700) }},
		{"too large", creds, file + ": larger than 64 KiB", func(p string) error {
			return os.WriteFile(p, []byte(strings.Repeat("s3cret-huge ", 10_000)), 0o600)
		}},
		{"no key", creds, file + ": no PEM block found", func(p string) error { return os.WriteFile(p, []byte("s3cret-not-a-key\n"), 0o600) }},
		{"none", creds, "the environment variable " + env + " is empty or not set", func(string) error { return nil }},
	} {
		if err := os.RemoveAll(file); err != nil {
			t.Fatal(err)
		}
		if tc.write != nil {
			if err := tc.write(file); err != nil {
				t.Fatal(err)
			}
		}
		t.Setenv(credential.DirEnv, tc.dir)
		_, err := dkim.NewSigner(c)
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: %v, want an error saying %q and nothing of the file's content", tc.name, err, tc.want)
		}
		if tc.name == "none" && (!errors.Is(err, dkim.ErrKeyEnvUnset) || !strings.Contains(err.Error(), "LoadCredential="+env+":FILE")) {
			t.Errorf("%s: %v, want ErrKeyEnvUnset and the LoadCredential= line", tc.name, err)
		}
	}
}

// mustSign is s.Sign(data), the test failed on an error.
func mustSign(t *testing.T, s *dkim.Signer, data []byte) []byte {
	t.Helper()
	signed, err := s.Sign(data)
	if err != nil {
		t.Fatal(err)
	}
	return signed
}
