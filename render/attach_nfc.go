package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxListedDirs bounds the folders a dirNames keeps listed.
const maxListedDirs = 64

// dirNames finds a file whose name is stored in another Unicode
// normalization form than the sheet writes it: macOS keeps names
// decomposed (NFD, "Releve\u0301.pdf"), which a copy to Linux keeps,
// while a sheet has them composed (NFC, "Relevé.pdf"); the two are
// different names to the file system. It keeps the listings of the
// folders it looked in, by NFC name, while their modification time
// stays the same. A nil *dirNames finds nothing. It is safe for
// concurrent use.
type dirNames struct {
	mu   sync.Mutex
	dirs map[string]dirListing
}

// dirListing is a folder's entries by their NFC names, as of mtime, and
// those NFC names by what the hints of a missing file look them up by
// (otherCase, withExtension): their case folded (foldKey) and their stem
// (without their last extension), so that a row's hint costs a lookup,
// not a pass over a folder of thousands of invoices; and the names not in
// UTF-8 by what Windows code pages read them as (codePages).
type dirListing struct {
	mtime     int64
	byNFC     map[string][]string
	byFold    map[string][]string
	byStem    map[string][]string
	codePages *codePageIndex
}

func newDirNames() *dirNames { return &dirNames{dirs: map[string]dirListing{}} }

// locate is the path on disk of the clean absolute path p, each name on
// its way missing as written replaced by the one entry of its folder
// that has the same NFC form; "" when p exists as written (nothing to
// replace) or a name has no such entry. Two such entries of one folder
// are an error wrapping ErrAttachment that names both. The path found
// is only where to look: the caller checks it as it checks any.
func (d *dirNames) locate(p string) (string, error) {
	if d == nil {
		return "", nil
	}
	found, err := d.walk(p)
	if found == p {
		return "", err
	}
	return found, err
}

// walk is locate, but p itself when it exists as written.
func (d *dirNames) walk(p string) (string, error) {
	if _, err := os.Lstat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	parent := filepath.Dir(p)
	if parent == p {
		return "", nil
	}
	dir, err := d.walk(parent)
	if dir == "" || err != nil {
		return "", err
	}
	names := d.list(dir).byNFC[norm.NFC.String(filepath.Base(p))]
	switch len(names) {
	case 0:
		return "", nil
	case 1:
		return filepath.Join(dir, names[0]), nil
	}
	return "", fmt.Errorf("%w: %s holds two files named %q, in two Unicode forms (%+q and %+q; macOS writes names decomposed, most programs composed): rename or remove one",
		ErrAttachment, dir, filepath.Base(p), names[0], names[1])
}

// list is the folder dir's listing (empty when it cannot be read),
// listed again when its modification time changed.
func (d *dirNames) list(dir string) dirListing {
	fi, err := os.Stat(dir)
	if err != nil {
		return dirListing{}
	}
	mtime := fi.ModTime().UnixNano()
	d.mu.Lock()
	l, ok := d.dirs[dir]
	d.mu.Unlock()
	if ok && l.mtime == mtime {
		return l
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return dirListing{}
	}
	l = dirListing{mtime: mtime, byNFC: make(map[string][]string, len(entries)),
		byFold: make(map[string][]string, len(entries)), byStem: make(map[string][]string),
		codePages: newCodePageIndex(entries)}
	for _, e := range entries {
		k := norm.NFC.String(e.Name())
		if l.byNFC[k] == nil {
			l.byFold[foldKey(k)] = append(l.byFold[foldKey(k)], k)
			if i := strings.LastIndexByte(k, '.'); i >= 0 && i < len(k)-1 {
				l.byStem[k[:i]] = append(l.byStem[k[:i]], k)
			}
		}
		l.byNFC[k] = append(l.byNFC[k], e.Name())
	}
	d.mu.Lock()
	if len(d.dirs) >= maxListedDirs {
		clear(d.dirs)
	}
	d.dirs[dir] = l
	d.mu.Unlock()
	return l
}

// foldKey is s with each rune replaced by the least of its case-folding
// orbit (unicode.SimpleFold): two names have the same key exactly when
// strings.EqualFold takes them for equal.
func foldKey(s string) string {
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, s)
}

// otherCase is the path on disk of the clean absolute path p, missing as
// written, with each name on its way that is missing replaced by the one
// entry of its folder that differs from it only in case (and Unicode
// form): Invoice-7.PDF for invoice-7.pdf, as Windows, whose names ignore
// case, opens it. "" when p exists, when a name has no such entry, or
// has two (invoice.pdf and INVOICE.pdf). It is only a hint: the file is
// not attached under a name it does not have here.
func (d *dirNames) otherCase(p string) string {
	if d == nil {
		return ""
	}
	found, codePage := d.walkNames(p)
	if found == p || codePage != "" {
		return ""
	}
	return found
}

// withExtension is the one file of the folder of the clean absolute path
// p, missing as written, whose name is p's with an extension more
// (INV-7.pdf for INV-7, INV-7.pdf.pdf for INV-7.pdf: Windows Explorer
// hides known extensions, so a name is typed without its own, or saved
// with it twice); "" when p's folder does not exist or has none or
// several such files.
func (d *dirNames) withExtension(p string) string {
	if d == nil {
		return ""
	}
	dir, base := filepath.Split(p)
	dir = filepath.Clean(dir)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	l := d.list(dir)
	return l.onlyName(dir, l.byStem[norm.NFC.String(base)])
}

// onlyName is the path of the one file of dir, listed l, whose NFC name
// is one of nfcs (those an index of l gives); "" when there is none, or
// several (names that differ only in their Unicode form included).
func (l dirListing) onlyName(dir string, nfcs []string) string {
	if len(nfcs) != 1 || len(l.byNFC[nfcs[0]]) != 1 {
		return ""
	}
	return filepath.Join(dir, l.byNFC[nfcs[0]][0])
}
