package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Names as macOS stores them (NFD: e + U+0301) and as a sheet has them
// (NFC: é).
const (
	releveNFD = "Releve\u0301.pdf"
	releveNFC = "Relevé.pdf"
)

// TestAttachmentNFDName: a file (or folder) named in NFD, as a copy from
// a Mac keeps it, is found for the NFC name the sheet writes, and the
// other way round; the message names it as the sheet wrote it, and the
// path recorded is the one on disk.
func TestAttachmentNFDName(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}", "De\u0301cembre/note.txt"]`}), map[string]string{
		"body.txt":                      "Hi\n",
		"factures/" + releveNFD:         "%PDF nfd",
		"De\u0301cembre/Cafe\u0301.txt": "décembre",
		"De\u0301cembre/note.txt":       "note",
		"composed/" + releveNFC:         "%PDF nfc",
	}, []string{"email", "file"})
	for i, c := range []struct{ file, disk, encoded string }{
		{"factures/" + releveNFC, "factures/" + releveNFD, "Relev%C3%A9.pdf"},
		{"Décembre/Café.txt", "De\u0301cembre/Cafe\u0301.txt", "Caf%C3%A9.txt"},
		{"composed/" + releveNFD, "composed/" + releveNFC, "Releve%CC%81.pdf"},
	} {
		r := row(2+i, "email", "k@example.com", "file", c.file)
		m, err := e.r.Render(r)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		a := m.Attachments[0]
		if want := filepath.Base(c.file); a.Name != want {
			t.Errorf("%s: named %q, want %q as the sheet writes it", c.file, a.Name, want)
		}
		if want := filepath.Join(e.dir, filepath.FromSlash(c.disk)); a.Path != want {
			t.Errorf("%s: path %q, want %q, the file on disk", c.file, a.Path, want)
		}
		if !bytes.Contains(m.Data, []byte("filename*=utf-8''"+c.encoded)) {
			t.Errorf("%s: the message does not name it %s:\n%s", c.file, c.encoded, m.Data)
		}
		data, err := os.ReadFile(a.Path)
		if sum := sha256.Sum256(data); err != nil || a.SHA256 != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: digest %s, not that of %s (%v)", c.file, a.SHA256, c.disk, err)
		}
	}
}

// TestAttachmentNFDNameChecks: a name found in another form is checked as
// any: two entries of one folder with its NFC form are an error naming
// both, and a symlink out of the campaign folder or a hidden file is
// refused.
func TestAttachmentNFDNameChecks(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "secret.pdf")
	if err := os.WriteFile(outside, []byte("SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":                       "Hi\n",
		"two/E\u0301te\u0301.pdf":        "nfd",
		"two/Éte\u0301.pdf":              "half",
		"hidden/.Re\u0301sume\u0301.txt": "key",
	}, []string{"email", "file"})
	if err := os.Symlink(outside, filepath.Join(e.dir, "two", "Se\u0301cret.pdf")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	for _, c := range []struct {
		file string
		is   error
		want []string
	}{
		{"two/Été.pdf", ErrAttachment, []string{`"E\u0301te\u0301.pdf"`, `"\u00c9te\u0301.pdf"`}},
		{"two/Sécret.pdf", ErrAttachmentPath, []string{"outside"}},
		{"hidden/.Résumé.txt", ErrAttachmentPath, []string{"hidden"}},
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "file", c.file))
		if !errors.Is(err, c.is) {
			t.Errorf("%s: %v, want %v", c.file, err, c.is)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want it to say %s", c.file, err, w)
			}
		}
	}
}

// TestAttachmentOtherCase: a file the sheet names in another case than
// the disk's (invoice-7.pdf for Invoice-7.PDF, as Windows opens it) is
// still missing, but the problem names the file to write; two files that
// differ in case only, or one the row may not attach, are not named.
func TestAttachmentOtherCase(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":                    "Hi\n",
		"Invoices/2024/Invoice-7.PDF": "%PDF 7",
		"Invoices/2024/" + releveNFD:  "%PDF nfd",
		"two/a.pdf":                   "a",
		"two/A.pdf":                   "A",
		"hidden/.Secret.pdf":          "key",
	}, []string{"email", "file"})
	for _, c := range []struct{ file, want string }{
		{"invoices/2024/invoice-7.pdf", `(names differ in case here, unlike on Windows: the file is "Invoices/2024/Invoice-7.PDF"; write its name so, or rename the file)`},
		{"invoices/2024/RELEVÉ.PDF", `the file is "Invoices/2024/` + releveNFD + `"`},
		{"two/a.PDF", ""},
		{"hidden/.secret.pdf", ""},
		{"invoices/2024/nothing.pdf", ""},
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "file", c.file))
		if !errors.Is(err, os.ErrNotExist) || rowErr(t, err).Column != "file" {
			t.Errorf("%s: %v, want a missing file in column file", c.file, err)
			continue
		}
		if c.want != "" && !strings.Contains(err.Error(), c.want) || c.want == "" && strings.Contains(err.Error(), "differ in case") {
			t.Errorf("%s: %v\nwant %q", c.file, err, c.want)
		}
	}
}

// TestAttachmentHiddenExtension: a file the sheet names without its
// extension (INV-7 for INV-7.pdf), or one saved with it twice
// (INV-7.pdf.pdf), as Windows Explorer's hidden extensions make them, is
// still missing, but the problem names the file; two candidates, or one
// the row may not attach, are not named.
func TestAttachmentHiddenExtension(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":               "Hi\n",
		"invoices/INV-7.pdf":     "%PDF 7",
		"invoices/INV-8.pdf.pdf": "%PDF 8",
		"invoices/INV-9.pdf":     "%PDF 9",
		"invoices/INV-9.docx":    "docx",
	}, []string{"email", "file"})
	for _, c := range []struct{ file, want string }{
		{"invoices/INV-7", `(the folder holds "invoices/INV-7.pdf": Windows Explorer hides known extensions such as .pdf, so a name is typed without its own or saved with it twice; write the name as it is, or rename the file)`},
		{"invoices/INV-8.pdf", `(the folder holds "invoices/INV-8.pdf.pdf": Windows Explorer hides`},
		{"invoices/INV-9", ""},
		{"invoices/INV-10", ""},
		{"nofolder/INV-7", ""},
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "file", c.file))
		if !errors.Is(err, os.ErrNotExist) || rowErr(t, err).Column != "file" {
			t.Errorf("%s: %v, want a missing file in column file", c.file, err)
			continue
		}
		if c.want != "" && !strings.Contains(err.Error(), c.want) || c.want == "" && strings.Contains(err.Error(), "Explorer") {
			t.Errorf("%s: %v\nwant %q", c.file, err, c.want)
		}
	}
}

// TestFoldKey: two names have the same foldKey exactly when
// strings.EqualFold takes them for equal, as the case hint compares them.
func TestFoldKey(t *testing.T) {
	names := []string{"invoice.pdf", "INVOICE.PDF", "Invoice.Pdf", "invoice.pd", "\u212Aunde", "kunde", "KUNDE",
		"straſse", "STRASSE", "strasse", "ΣΊΣΥΦΟΣ", "σίσυφος", "σίσυφοσ", "İstanbul", "istanbul", "ǅ", "ǆ", "Ǆ"}
	for _, a := range names {
		for _, b := range names {
			if got, want := foldKey(a) == foldKey(b), strings.EqualFold(a, b); got != want {
				t.Errorf("foldKey(%q) == foldKey(%q) is %v, EqualFold says %v", a, b, got, want)
			}
		}
	}
}

// BenchmarkMissingAttachmentHint renders rows whose attachment is
// missing from a folder of 20,000 files (a template naming them otherwise
// than the folder does, every row a problem): the hints of a missing file
// (the name in another case, with an extension more) look the folder's
// listing up, and make no pass over it for each row.
func BenchmarkMissingAttachmentHint(b *testing.B) {
	const n = 20_000
	files := map[string]string{"body.txt": "Hi\n", "people.csv": "email,nr\n"}
	for i := range n {
		files[fmt.Sprintf("inv/Invoice_%06d.pdf", i)] = ""
	}
	e := setup(b, yamlWith(map[string]string{"attachments": `["inv/{{.nr}}.pdf"]`}), files, []string{"email", "nr"})
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.r.Render(row(i+2, "email", "k@example.com", "nr", fmt.Sprintf("INV-%06d", i%n))); !errors.Is(err, fs.ErrNotExist) {
			b.Fatal(err)
		}
		i++
	}
}
