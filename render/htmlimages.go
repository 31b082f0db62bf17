package render

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// imagePath reports whether an image's value (src, background), as
// written, is a file path a mail program cannot load: one without a
// scheme (unless a <base href> resolves it, based), or of the file:
// scheme, or a Windows path ("C:\…", whose drive letter reads as a
// scheme). cid:, data:, http: and https: load; so do other schemes as far
// as this check goes; an empty value (a column gave none) is passed over.
// It allocates nothing.
func imagePath(value []byte, based bool) bool {
	value = bytes.TrimSpace(value)
	if len(value) == 0 {
		return false
	}
	if !hasScheme(value) {
		return !based
	}
	scheme := value[:bytes.IndexByte(value, ':')]
	return len(scheme) == 1 || bytes.EqualFold(scheme, []byte("file"))
}

// imageError says why the image l, which the HTML template in dir writes
// itself, does not load, and how to embed the file: with cid:NAME, NAME
// being the file beside the template (whether it is there is said).
func imageError(l deadLink, dir string) error {
	if strings.HasPrefix(l.url, "#") {
		return fragmentImage(l, "write the image's full URL (https://…), or cid:NAME for a file NAME beside the template")
	}
	if remote(l.url) {
		return fmt.Errorf("<%s %s=%q> is not a full URL: a receiver cannot load it; write it with https://", l.tag, l.attr, l.url)
	}
	if l.attr == "srcset" {
		return fmt.Errorf("<%s srcset> names %q, a file path: a mail program that reads srcset loads it instead of the src, and shows nothing; write each candidate's full URL (https://…), or leave srcset out (the src alone is shown)", l.tag, l.url)
	}
	name := fileName(l.url)
	found := "not found"
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		found = "found"
	}
	if name == l.url && cidRE.FindString("cid:"+name) == "cid:"+name {
		return fmt.Errorf("<%s %s=%q> is a file path: a receiver cannot load it; write %s=\"cid:%s\" to embed the file (looked for it beside the template: %s)", l.tag, l.attr, l.url, l.attr, name, found)
	}
	return fmt.Errorf("<%s %s=%q> is a file path: a receiver cannot load it; to embed the file, put it beside the template under a name of letters, digits, '.', '-' and '_' and write %s=\"cid:NAME\" (looked for %s beside the template: %s)", l.tag, l.attr, l.url, l.attr, name, found)
}

// imageValueError says why the image l, whose value a column gave, does
// not load: a value can give only a URL; a file is embedded by the
// template's cid:NAME.
func imageValueError(l deadLink) error {
	if strings.HasPrefix(l.url, "#") {
		return fragmentImage(l, "the value needs the image's full URL (https://…)")
	}
	if remote(l.url) {
		return fmt.Errorf("<%s %s=%q> is not a full URL: a receiver cannot load it; the value needs https://", l.tag, l.attr, l.url)
	}
	return fmt.Errorf("<%s %s=%q> is a file path: a receiver cannot load it; a value can give only a full URL (https://…): to embed a file, the template writes %s=\"cid:NAME\" with the file beside it", l.tag, l.attr, l.url, l.attr)
}

// fragmentImage says that the image l, whose value is a fragment ("#",
// "#top": a place in a page, never a file), names no image; do says what
// to write instead.
func fragmentImage(l deadLink, do string) error {
	return fmt.Errorf("<%s %s=%q> names no image (a # is a place in a page): a receiver loads nothing; %s", l.tag, l.attr, l.url, do)
}

// remote reports whether u, without a scheme, names a host rather than a
// file: "//host/…" or "www.…".
func remote(u string) bool {
	return strings.HasPrefix(u, "//") || strings.HasPrefix(strings.ToLower(u), "www.")
}

// fileName is the name of the file the path u (a file: URL, a Windows or
// a slash path) ends with.
func fileName(u string) string {
	u = strings.ReplaceAll(u, `\`, "/")
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		u = u[i+1:]
	}
	return u
}
