package render

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// zipCodePages are the code pages a name not in UTF-8 is read in to find
// the file a sheet names: a zip made by Windows Explorer writes names in
// the computer's OEM code page (437 in the US, 850 in Western Europe, 852
// in Central Europe, 866 in Russia) and unzip on Linux keeps their bytes;
// a tool on Windows may write its ANSI code page instead. Tried in this
// order; the first that reads a name as the sheet writes it is named.
func zipCodePages() []zipCodePage {
	return []zipCodePage{
		{"cp437", charmap.CodePage437}, {"cp850", charmap.CodePage850},
		{"cp852", charmap.CodePage852}, {"cp866", charmap.CodePage866},
		{"windows-1252", charmap.Windows1252}, {"windows-1250", charmap.Windows1250},
		{"windows-1251", charmap.Windows1251},
	}
}

// zipCodePage is a code page of zipCodePages: its name, as convmv -f
// takes it, and its table.
type zipCodePage struct {
	name string
	cm   *charmap.Charmap
}

// codePageName is an entry of a folder whose name is not UTF-8 (raw), and
// the code page (zipCodePages) that reads it as a name a sheet writes.
type codePageName struct{ raw, codePage string }

// codePageNames indexes the names of entries, those not in UTF-8, by
// what each code page of zipCodePages reads them as (case folded, NFC, as
// byFold), a name once a key; nil when every name is UTF-8.
func codePageNames(entries []os.DirEntry) map[string][]codePageName {
	var idx map[string][]codePageName
	pages := zipCodePages()
	for _, e := range entries {
		if utf8.ValidString(e.Name()) {
			continue
		}
		if idx == nil {
			idx = map[string][]codePageName{}
		}
		seen := map[string]bool{}
		for _, cp := range pages {
			read, err := cp.cm.NewDecoder().String(e.Name())
			if k := foldKey(norm.NFC.String(read)); err == nil && !seen[k] {
				seen[k] = true
				idx[k] = append(idx[k], codePageName{e.Name(), cp.name})
			}
		}
	}
	return idx
}

// inCodePage is the path on disk of the clean absolute path p, missing as
// written, with each name on its way that is missing replaced by the one
// entry of its folder that differs from it in case only, or whose name is
// not UTF-8 and reads as it in a code page of zipCodePages, and the first
// such code page; "" when p exists, when no name on the way needed one,
// or a name has none or several such entries. Only a hint, as otherCase.
func (d *dirNames) inCodePage(p string) (found, codePage string) {
	if d == nil {
		return "", ""
	}
	found, codePage = d.walkCodePage(p)
	if found == p || codePage == "" {
		return "", ""
	}
	return found, codePage
}

// walkCodePage is inCodePage, but p itself when it exists as written.
func (d *dirNames) walkCodePage(p string) (string, string) {
	if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return p, ""
	}
	parent := filepath.Dir(p)
	if parent == p {
		return "", ""
	}
	dir, codePage := d.walkCodePage(parent)
	if dir == "" {
		return "", ""
	}
	l := d.list(dir)
	key := foldKey(norm.NFC.String(filepath.Base(p)))
	if found := l.onlyName(dir, l.byFold[key]); found != "" {
		return found, codePage
	}
	if names := l.byCodePage[key]; len(names) == 1 {
		return filepath.Join(dir, names[0].raw), cmp.Or(codePage, names[0].codePage)
	}
	return "", ""
}

// codePageHint is the hint of a missing attachment full (an absolute
// path) that is there under a name not in UTF-8 that reads as the one
// written in a Windows code page (Rechnung-M\x81ller.pdf, cp437, for
// Rechnung-Müller.pdf): the folder came from a zip Windows Explorer made,
// unzipped on Linux. It names the file as it is and says how to extract
// the zip again (cp437: python's zipfile reads names so) or rename the
// file. fromData as caseHint. "" when there
// is none such.
func (a *attacher) codePageHint(full string, fromData bool) string {
	found, codePage := a.names.inCodePage(full)
	if found == "" || !a.mayName(found, fromData) {
		return ""
	}
	fix := fmt.Sprintf("rename the file (convmv -f %s -t utf-8 --notest -r FOLDER renames each such name in a folder)", codePage)
	if codePage == "cp437" { // python's zipfile reads every name not marked UTF-8 as cp437, cp850's too
		fix = "extract the zip again with python3 -m zipfile -e FILE.zip FOLDER, which reads them so, or rename the file"
	}
	return fmt.Sprintf(" (the folder holds %q, a name not in UTF-8 that %s reads as this one: a zip made on Windows writes names so, and unzip keeps them: %s)",
		a.fromRoot(found), codePage, fix)
}
