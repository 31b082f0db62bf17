package render

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentPrivateKeyDER: a path from row data may not attach a
// private key in DER (PKCS#8, encrypted PKCS#8, PKCS#1, SEC 1, DSA, as
// openssl genpkey -outform DER and its kin write them) or a PKCS#12 key
// store (.p12, .pfx, also in BER as Windows writes it), or an OpenPGP
// secret key exported without --armor, whatever its name
// (testdata/keys, made by OpenSSL and GnuPG); each went to the
// recipient, as only PEM and armor were known. A certificate, a public
// key and a signature in DER, an OpenPGP public key, a PDF, a ZIP and a
// PNG still attach.
func TestAttachmentPrivateKeyDER(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("body.txt", []byte("Hi\n"))
	keys := map[string]string{
		"rsa-genpkey.der": "DER, PKCS#1", "ec-genpkey.der": "DER, SEC 1", "rsa-pkcs8.der": "DER, PKCS#8", "rsa-pkcs1.der": "DER, PKCS#1",
		"ec-sec1.der": "DER, SEC 1", "ed25519.der": "DER, PKCS#8", "ed448.der": "DER, PKCS#8", "dsa.der": "DER, PKCS#1 or DSA",
		"rsa-encrypted.der": "DER, encrypted PKCS#8", "store.p12": "PKCS#12 key store", "legacy.pfx": "PKCS#12 key store",
		"nopass.pfx": "PKCS#12 key store", "ed25519-secret.gpg": "OpenPGP, binary", "rsa-secret.gpg": "OpenPGP, binary",
	}
	refused := map[string]string{"files/windows.pfx": "PKCS#12 key store"}
	for name, words := range keys {
		data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
		if err != nil {
			t.Fatal(err)
		}
		write("files/"+name, data)
		write("files/"+name+".pdf", data) // the name does not matter
		refused["files/"+name], refused["files/"+name+".pdf"] = words, words
	}
	write("files/windows.pfx", berPFX(t))
	for _, name := range []string{"cert.der", "rsa-public.der", "signature.p7s", "public.gpg"} {
		data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
		if err != nil {
			t.Fatal(err)
		}
		write("files/"+name, data)
	}
	write("files/report.pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF\n"))
	write("files/photo.png", pngFile(t))
	write("files/archive.zip", zipFile(t))
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	for file, words := range refused {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want ErrAttachmentPath in column file saying %q", file, err, words)
		}
	}
	for _, file := range []string{"files/cert.der", "files/rsa-public.der", "files/signature.p7s", "files/public.gpg", "files/report.pdf", "files/photo.png", "files/archive.zip"} {
		if m, err := r.Render(row(2, "email", "k@example.com", "file", file)); err != nil || len(m.Attachments) != 1 {
			t.Errorf("%s: got %v, want it attached", file, err)
		}
	}
}

// berPFX is testdata/keys/store.p12 with its two outer SEQUENCEs of
// indefinite length, as BER allows and Windows writes a .pfx.
func berPFX(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", "store.p12"))
	if err != nil {
		t.Fatal(err)
	}
	// 30 82 LL LL 02 01 03 30 82 LL LL …: both lengths in two bytes.
	if !bytes.HasPrefix(data, []byte{0x30, 0x82}) || !bytes.Equal(data[4:9], []byte{0x02, 0x01, 0x03, 0x30, 0x82}) {
		t.Fatalf("store.p12 starts % x", data[:12])
	}
	out := append([]byte{0x30, 0x80, 0x02, 0x01, 0x03, 0x30, 0x80}, data[11:]...)
	return append(out, 0, 0, 0, 0)
}

// pngFile is a small PNG image.
func pngFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zipFile is a ZIP archive of one file.
func zipFile(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, err := z.Create("invoice.txt")
	if err == nil {
		_, err = w.Write([]byte("Invoice 7\n"))
	}
	if err != nil || z.Close() != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
