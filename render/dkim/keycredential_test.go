package dkim_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign/credential"
	"github.com/tidings/tidings/render/dkim"
)

// TestKeyCredentialText: what a key file loaded as a systemd credential
// may hold, as the unit's LoadCredential= hands it over. A key written
// on Windows (CRLF) or without its last line end signs; the rest is
// refused, naming the file by its path (a key_env of small letters too:
// no key is a variable's name, and the error printed that name beside
// "the credential … names", hiding only the path), and saying what to
// do under systemd: a file systemd-creds encrypted, loaded with
// LoadCredential= rather than LoadCredentialEncrypted=, holds no PEM; a
// key with a passphrase was told to be stored "unencrypted", as if
// LoadCredentialEncrypted= were not the way to keep it so; a PKCS #8 EC
// key was "unsupported key type *ecdsa.PrivateKey". With neither the
// variable nor the credential there, the error names both places.
func TestKeyCredentialText(t *testing.T) {
	const env = "tidings_test_key_credential_text"
	t.Setenv(env, "")
	pemText, err := os.ReadFile(dkimKeys(t)["ed25519"]())
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemText)
	withPassphrase := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,0123456789ABCDEF0123456789ABCDEF"}, Bytes: block.Bytes}))
	ecText, err := os.ReadFile(writeKey(t, ecKey(t), false))
	if err != nil {
		t.Fatal(err)
	}
	creds := t.TempDir()
	t.Setenv(credential.DirEnv, creds)
	file := filepath.Join(creds, env)
	c := dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: s1, key_env: "+env+"}\n")
	for _, tc := range []struct {
		name, content, want string // want "" signs
	}{
		{"CRLF", strings.ReplaceAll(string(pemText), "\n", "\r\n"), ""},
		{"no last line end", strings.TrimSuffix(string(pemText), "\n"), ""},
		{"systemd-creds encrypted", "k6iUCUh0RJCQyvL8k8q1UyAAAAABAAAADAAAABAAAABnkbfzVK4PJ2hzpWUAAAAAgAAAAAAAAAALACMA8AAAACAAAAAAngAg\n",
			file + ": no PEM block found: load the key file itself, from -----BEGIN to -----END (LoadCredential=" + env + ":FILE); a file systemd-creds encrypt wrote is loaded with LoadCredentialEncrypted=" + env + ":FILE"},
		{"a passphrase", withPassphrase, file + ": the key is protected by a passphrase, which tidings is never given: write it without one (openssl pkey -in key.pem -out FILE), and, to keep it encrypted on the disk, encrypt that file with systemd-creds encrypt and load it with LoadCredentialEncrypted=" + env + ":FILE"},
		{"an EC key", string(ecText), file + ": an EC key; DKIM signs with RSA (2048 bits or more) or Ed25519"},
		{"none", "", "dkim: dkim.key_env: the environment variable " + env + " is empty or not set, and $CREDENTIALS_DIRECTORY (" + creds + ") holds no credential " + env + ": set it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			os.Remove(file)
			if tc.content != "" {
				if err := os.WriteFile(file, []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := dkim.NewSigner(c)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("NewSigner: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "PRIVATE KEY")):
				t.Errorf("NewSigner: %v\nwant an error saying %q, and nothing of the file", err, tc.want)
			}
		})
	}
}

// ecKey is a new P-256 key, which DKIM does not sign with.
func ecKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
