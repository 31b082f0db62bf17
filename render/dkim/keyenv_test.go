package dkim_test

import (
	"encoding/base64"
	"encoding/pem"
	"os"
	"strings"
	"testing"

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
