package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentPrivateKey: a path from row data may not attach a
// private key in PEM form (or OpenPGP's armor) wherever it lies
// (another campaign's DKIM key beside this one, a server's key after its
// certificate), which this
// campaign's own list (its dkim: keys) does not know; a certificate, a
// text that only names one and a constant path still attach. Such a key
// went to the recipient.
func TestAttachmentPrivateKey(t *testing.T) {
	dir := t.TempDir()
	const cert = "-----BEGIN CERTIFICATE-----\nMIIBfTCCASOgAwIBAgIU\n-----END CERTIFICATE-----\n"
	const key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkq\n-----END EC PRIVATE KEY-----\n"
	files := map[string]string{
		"body.txt":          "Hi\n",
		"other/dkim.pem":    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n",
		"other/server.pem":  cert + key,
		"other/id_ed25519":  "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEA\n-----END OPENSSH PRIVATE KEY-----\n",
		"other/secring.asc": "-----BEGIN PGP PRIVATE KEY BLOCK-----\r\n\r\nlQOYBF\r\n-----END PGP PRIVATE KEY BLOCK-----\r\n",
		"files/cert.pem":    cert,
		"files/howto.txt":   "Never mail a file that starts with -----BEGIN PRIVATE KEY-----, it is yours alone.\n",
		"files/invoice.pdf": "%PDF invoice",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// The constant attachment reads the key first: a row's path to it must
	// not take it from the cache unchecked.
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["other/dkim.pem", "{{.file}}"]`}), "email", "file")
	for _, file := range []string{"other/dkim.pem", "other/server.pem", "other/id_ed25519", "other/secring.asc"} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" || !strings.Contains(err.Error(), "is a private key") {
			t.Errorf("%s: got %v, want ErrAttachmentPath in column file saying it is a private key", file, err)
		}
	}
	for _, file := range []string{"files/cert.pem", "files/howto.txt", "files/invoice.pdf"} {
		if m, err := r.Render(row(2, "email", "k@example.com", "file", file)); err != nil || len(m.Attachments) != 2 {
			t.Errorf("%s: got %v, want it attached", file, err)
		}
	}
}

// TestAttachmentPrivateKeyPEMForms: a private key in PEM form is known
// also indented (pasted into a YAML file), after a byte order mark or
// blank lines, in UTF-16 (Windows PowerShell's >), and escaped inside a
// JSON string (a service account's key file); each attached before. A
// text quoting the header inside a sentence or in quotes, a placeholder
// key in a manual (npm's: "…-----\nXXXX\n…") and code building a header
// still attach.
func TestAttachmentPrivateKeyPEMForms(t *testing.T) {
	dir := t.TempDir()
	const key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----\n"
	utf16 := []byte{0xff, 0xfe}
	for _, c := range key {
		utf16 = append(utf16, byte(c), 0)
	}
	writeFiles(t, dir, map[string]string{
		"body.txt":             "Hi\n",
		"people.csv":           "email,file\n",
		"other/deploy.yaml":    "tls:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIEowIBAAKCAQEA\n    -----END RSA PRIVATE KEY-----\n",
		"other/bom.pem":        "\ufeff" + key,
		"other/lead.pem":       "\r\n\t" + key,
		"other/utf16.pem":      string(utf16),
		"other/account.json":   `{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n"}`,
		"files/npmrc.md":       "key=\"-----BEGIN PRIVATE KEY-----\\nXXXX\\nXXXX\\n-----END PRIVATE KEY-----\"\n",
		"files/pkcs.pl":        "    my $pkcs = \"-----BEGIN RSA PRIVATE KEY-----\\n\";\n",
		"files/howto.md":       "A key file starts with the line `-----BEGIN PRIVATE KEY-----`.\n",
		"files/quoted.txt":     "    grep -l \"-----BEGIN RSA PRIVATE KEY-----\" *.pem\n",
		"files/certificate.md": "  -----BEGIN CERTIFICATE-----\n",
	})
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for _, file := range []string{"other/deploy.yaml", "other/bom.pem", "other/lead.pem", "other/utf16.pem", "other/account.json"} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "is a private key (PEM)") {
			t.Errorf("%s: got %v, want it refused as a private key", file, err)
		}
	}
	for _, file := range []string{"files/howto.md", "files/quoted.txt", "files/certificate.md", "files/npmrc.md", "files/pkcs.pl"} {
		if m, err := r.Render(row(2, "email", "k@example.com", "file", file)); err != nil || len(m.Attachments) != 1 {
			t.Errorf("%s: got %v, want it attached", file, err)
		}
	}
}

// TestAttachmentJavaKeyStore: a Java key store as keytool writes it
// with -storetype JKS or JCEKS (testdata/keys/store.jks, store.jceks: a
// throwaway RSA key under the password changeit) is refused whatever its
// name, as a PKCS#12 store is; both attached before. A file that merely
// starts with the same four bytes (a version not 1 or 2) attaches.
func TestAttachmentJavaKeyStore(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{"body.txt": "Hi\n", "people.csv": "email,file\n", "files/odd.bin": "\xfe\xed\xfe\xed\x00\x00\x00\x07 data"}
	for _, name := range []string{"store.jks", "store.jceks"} {
		data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
		if err != nil {
			t.Fatal(err)
		}
		files["files/"+name], files["files/"+name+".pdf"] = string(data), string(data)
	}
	writeFiles(t, dir, files)
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for _, file := range []string{"files/store.jks", "files/store.jks.pdf", "files/store.jceks", "files/store.jceks.pdf"} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "is a Java key store") {
			t.Errorf("%s: got %v, want it refused as a Java key store", file, err)
		}
	}
	if m, err := r.Render(row(2, "email", "k@example.com", "file", "files/odd.bin")); err != nil || len(m.Attachments) != 1 {
		t.Errorf("files/odd.bin: got %v, want it attached", err)
	}
}
