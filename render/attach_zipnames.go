package render

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// zipCodePages are the code pages a name not in UTF-8 is read in to find
// the file a sheet names: a zip made by Windows Explorer writes names in
// the computer's OEM code page (850 in Western Europe, 437 in the US, 852
// in Central Europe, 866 in Russia), which a tool that takes them for
// bytes keeps; Info-ZIP's unzip on Linux turns them into Latin-1
// (windows-1252 reads those); a tool on Windows may write its ANSI code
// page. Tried in this
// order; the first that reads a name as the sheet writes it is named:
// cp850 before cp437, since the two read alike the letters names are
// made of (ä, é, ü, ß) but for cp850's capitals with accents, ã, õ, ø
// (Óscar, which cp437 reads αscar).
func zipCodePages() []zipCodePage {
	return []zipCodePage{
		{"cp850", charmap.CodePage850}, {"cp437", charmap.CodePage437},
		{"cp852", charmap.CodePage852}, {"cp866", charmap.CodePage866},
		{"windows-1252", charmap.Windows1252}, {"windows-1250", charmap.Windows1250},
		{"windows-1251", charmap.Windows1251},
	}
}

// zipCodePage is a code page of zipCodePages: its name, as convmv -f
// and Python's zipfile --metadata-encoding take it, and its table.
type zipCodePage struct {
	name string
	cm   *charmap.Charmap
}

// codePageName is an entry of a folder whose name is not UTF-8 (raw), and
// the code page (zipCodePages) that reads it as a name a sheet writes.
type codePageName struct{ raw, codePage string }

// codePageIndex is a folder's names not in UTF-8 (raw), indexed by what
// each code page of zipCodePages reads them as when first looked up
// (lookup): a hint of a missing file in the folder may never ask, and a
// folder of 50,000 such names takes its time to index
// (BenchmarkCodePageListing). It is safe for concurrent use.
type codePageIndex struct {
	raw   []string
	once  sync.Once
	byKey map[string][]codePageName
}

// newCodePageIndex is the index of the names of entries not in UTF-8;
// nil when every name is UTF-8.
func newCodePageIndex(entries []os.DirEntry) *codePageIndex {
	var raw []string
	for _, e := range entries {
		if !utf8.ValidString(e.Name()) {
			raw = append(raw, e.Name())
		}
	}
	if raw == nil {
		return nil
	}
	return &codePageIndex{raw: raw}
}

// lookup is the names not in UTF-8 that a code page reads as key (case
// folded and NFC, as byFold), each with the first such code page; nil
// for a nil index.
func (x *codePageIndex) lookup(key string) []codePageName {
	if x == nil {
		return nil
	}
	x.once.Do(x.build)
	return x.byKey[key]
}

// build indexes x.raw, a name once a key.
func (x *codePageIndex) build() {
	x.byKey = make(map[string][]codePageName, len(x.raw))
	pages := zipCodePages()
	var seen []string
	for _, raw := range x.raw {
		seen = seen[:0]
		for _, cp := range pages {
			k := foldKey(norm.NFC.String(decodeName(cp.cm, raw)))
			if !slices.Contains(seen, k) {
				seen = append(seen, k)
				x.byKey[k] = append(x.byKey[k], codePageName{raw, cp.name})
			}
		}
	}
}

// decodeName is raw read in cm, a code page of one byte a character.
func decodeName(cm *charmap.Charmap, raw string) string {
	var b strings.Builder
	b.Grow(len(raw) + len(raw)/2)
	for i := 0; i < len(raw); i++ {
		b.WriteRune(cm.DecodeByte(raw[i]))
	}
	return b.String()
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
	found, codePage = d.walkNames(p)
	if found == p || codePage == "" {
		return "", ""
	}
	return found, codePage
}

// walkNames is the path on disk of the clean absolute path p: p itself
// when it exists as written, else with each missing name on its way
// replaced by the one entry of its folder that differs from it in case
// only or, failing that, whose name is not UTF-8 and reads as it in a
// code page; and the first code page so needed ("" for none). "" when a
// name has none or several such entries.
func (d *dirNames) walkNames(p string) (string, string) {
	if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return p, ""
	}
	parent := filepath.Dir(p)
	if parent == p {
		return "", ""
	}
	dir, codePage := d.walkNames(parent)
	if dir == "" {
		return "", ""
	}
	l := d.list(dir)
	key := foldKey(norm.NFC.String(filepath.Base(p)))
	if found := l.onlyName(dir, l.byFold[key]); found != "" {
		return found, codePage
	}
	if names := l.codePages.lookup(key); len(names) == 1 {
		return filepath.Join(dir, names[0].raw), cmp.Or(codePage, names[0].codePage)
	}
	return "", ""
}

// codePageHint is the hint of a missing attachment full (an absolute
// path) that is there under a name not in UTF-8 that reads as the one
// written in a Windows code page (Rechnung-M\x81ller.pdf, cp850, for
// Rechnung-Müller.pdf): the folder came from a zip Windows Explorer made,
// unzipped on Linux. It names the file as it is and how to extract the
// zip again (zipFix) or rename the file. fromData as caseHint. "" when
// there is none such.
func (a *attacher) codePageHint(full string, fromData bool) string {
	found, codePage := a.names.inCodePage(full)
	if found == "" || !a.mayName(found, fromData) {
		return ""
	}
	return fmt.Sprintf(" (the folder holds %q, a name not in UTF-8 that %s reads as this one: names so come from a zip made on Windows, unzipped on Linux: %s)",
		a.fromRoot(found), codePage, zipFix(codePage))
}

// zipFix says how to have the names of a folder read in codePage in
// UTF-8: extract the zip again with Python's zipfile told the OEM code
// page (cp437, which it reads names in otherwise, gets cp850's Óscar
// wrong), cp850 for windows-1252 (Latin-1, as unzip turns a zip's cp850
// names into), or rename the files.
func zipFix(codePage string) string {
	const rename = "rename the file (convmv -f %s -t utf-8 --notest -r FOLDER renames each such name in a folder)"
	zipPage := codePage
	switch codePage {
	case "windows-1252":
		zipPage = "cp850"
	case "windows-1250", "windows-1251":
		return fmt.Sprintf(rename, codePage)
	}
	return fmt.Sprintf("extract the zip again with python3 -m zipfile --metadata-encoding %s -e FILE.zip FOLDER (Python 3.11 or later), which reads them so, or "+rename, zipPage, codePage)
}
