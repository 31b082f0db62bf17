package render

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAttachmentNameInCodePage: a file the sheet names as
// Rechnung-Müller.pdf, unzipped on Linux from a zip Windows Explorer made
// (its names in the OEM code page, cp437: M\x81ller), is still missing,
// but the problem names the file that is there, the code page, and how to
// extract the zip again; so for a folder so named on the way, and for a
// name in another case too. Two candidates, or one the row may not
// attach, are not named.
func TestAttachmentNameInCodePage(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":                          "Hi\n",
		"Rechnungen/Rechnung-M\x81ller.pdf": "%PDF cp437",
		"Rechnungen/Facture-\xc9lodie.pdf":  "%PDF windows-1252",
		"Rechnungen/Faktura-S\x9bren.pdf":   "%PDF cp850",
		"F\x81r Kunden/INV-7.PDF":           "%PDF in a cp437 folder",
		"two/M\x81ller.pdf":                 "%PDF cp437",
		"two/M\xfcller.pdf":                 "%PDF windows-1252",
		"Rechnungen/.Geheim-\x81.pdf":       "key",
	}, []string{"email", "file"})
	const zipFix = `a zip made on Windows writes names so, and unzip keeps them: extract the zip again with python3 -m zipfile -e FILE.zip FOLDER, which reads them so, or rename the file)`
	for _, c := range []struct{ file, want string }{
		{"Rechnungen/Rechnung-Müller.pdf", `(the folder holds "Rechnungen/Rechnung-M\x81ller.pdf", a name not in UTF-8 that cp437 reads as this one: ` + zipFix},
		{"rechnungen/RECHNUNG-MÜLLER.PDF", `(the folder holds "Rechnungen/Rechnung-M\x81ller.pdf", a name not in UTF-8 that cp437`},
		{"Rechnungen/Facture-Élodie.pdf", `(the folder holds "Rechnungen/Facture-\xc9lodie.pdf", a name not in UTF-8 that windows-1252 reads as this one: a zip made on Windows writes names so, and unzip keeps them: rename the file (convmv -f windows-1252 -t utf-8 --notest -r FOLDER renames each such name in a folder))`},
		// cp850 only (cp437 reads \x9b as ¢): python's zipfile reads such a
		// zip's names as cp437 and would write Faktura-S¢ren.pdf.
		{"Rechnungen/Faktura-Søren.pdf", `(the folder holds "Rechnungen/Faktura-S\x9bren.pdf", a name not in UTF-8 that cp850 reads as this one: a zip made on Windows writes names so, and unzip keeps them: rename the file (convmv -f cp850 -t utf-8 --notest -r FOLDER renames each such name in a folder))`},
		{"Für Kunden/inv-7.pdf", `(the folder holds "F\x81r Kunden/INV-7.PDF", a name not in UTF-8 that cp437`},
		{"two/Müller.pdf", ""},
		{"Rechnungen/.geheim-ü.pdf", ""},
		{"Rechnungen/Rechnung-Meier.pdf", ""},
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "file", c.file))
		if !errors.Is(err, os.ErrNotExist) || rowErr(t, err).Column != "file" {
			t.Errorf("%s: %v, want a missing file in column file", c.file, err)
			continue
		}
		if c.want != "" && !strings.Contains(err.Error(), c.want) || c.want == "" && strings.Contains(err.Error(), "not in UTF-8") {
			t.Errorf("%s: %v\nwant %q", c.file, err, c.want)
		}
	}
}
