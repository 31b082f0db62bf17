package render

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAttachmentNameInCodePage: a file the sheet names as
// Rechnung-Müller.pdf, unzipped on Linux from a zip Windows Explorer made
// (its names in the OEM code page, cp850: M\x81ller), is still missing,
// but the problem names the file that is there, the code page, and how to
// extract the zip again; so for a folder so named on the way, and for a
// name in another case too. Óscar, which cp437 reads as αscar, is told to
// be extracted as cp850, not as python3 -m zipfile reads names otherwise
// (cp437, which named it αscar); Élodie in Latin-1, as unzip writes a
// zip's cp850 names, as cp850 too. Two candidates, or one the row may
// not attach, are not named.
func TestAttachmentNameInCodePage(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":                          "Hi\n",
		"Rechnungen/Rechnung-M\x81ller.pdf": "%PDF cp850",
		"Rechnungen/Factura-\xe0scar.pdf":   "%PDF cp850, not cp437",
		"Rechnungen/Facture-\xc9lodie.pdf":  "%PDF windows-1252",
		"Rechnungen/Faktura-\xc8.pdf":       "%PDF windows-1250",
		"F\x81r Kunden/INV-7.PDF":           "%PDF in a cp850 folder",
		"two/M\x81ller.pdf":                 "%PDF cp850",
		"two/M\xfcller.pdf":                 "%PDF windows-1252",
		"Rechnungen/.Geheim-\x81.pdf":       "key",
	}, []string{"email", "file"})
	const zipFix = `names so come from a zip made on Windows, unzipped on Linux: extract the zip again with python3 -m zipfile --metadata-encoding cp850 -e FILE.zip FOLDER (Python 3.11 or later), which reads them so, or rename the file (convmv -f `
	for _, c := range []struct{ file, want string }{
		{"Rechnungen/Rechnung-Müller.pdf", `(the folder holds "Rechnungen/Rechnung-M\x81ller.pdf", a name not in UTF-8 that cp850 reads as this one: ` + zipFix + `cp850 -t utf-8 --notest -r FOLDER renames each such name in a folder))`},
		{"rechnungen/RECHNUNG-MÜLLER.PDF", `(the folder holds "Rechnungen/Rechnung-M\x81ller.pdf", a name not in UTF-8 that cp850`},
		{"Rechnungen/Factura-Óscar.pdf", `(the folder holds "Rechnungen/Factura-\xe0scar.pdf", a name not in UTF-8 that cp850 reads as this one: ` + zipFix},
		{"Rechnungen/Facture-Élodie.pdf", `(the folder holds "Rechnungen/Facture-\xc9lodie.pdf", a name not in UTF-8 that windows-1252 reads as this one: ` + zipFix + `windows-1252 -t utf-8`},
		{"Rechnungen/Faktura-Č.pdf", `a name not in UTF-8 that windows-1250 reads as this one: names so come from a zip made on Windows, unzipped on Linux: rename the file (convmv -f windows-1250 -t utf-8 --notest -r FOLDER renames each such name in a folder))`},
		{"Für Kunden/inv-7.pdf", `(the folder holds "F\x81r Kunden/INV-7.PDF", a name not in UTF-8 that cp850`},
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
