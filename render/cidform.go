package render

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// cidFormErrors are the errors of the inline image references in src, a
// template's source (file names it), that start an attribute value or a
// link (src="…", url(…), ![QR](…)) written cid: but for its case
// (CID:logo.png, Cid:{{.qr_file}}) or with white space after it (cid:
// {{.qr_file}}, cid: logo.png): neither is read as an image, so the
// message carried none and every reader showed it broken. Each error is
// at the reference's line and column and says what to write. A cid:
// with nothing after its white space (src="cid: ") names nothing and is
// left alone.
func cidFormErrors(file, src string) []error {
	var errs []error
	line, counted := 1, 0
	for i := 0; ; {
		k := indexCIDFold(src, i)
		if k < 0 {
			return errs
		}
		i = k + len("cid:")
		if !startsValue(src, k) {
			continue
		}
		name := strings.TrimLeft(src[i:], " \t\r\n")
		skipped := len(src[i:]) - len(name)
		cased := src[k:i] == "cid:"
		if cased && skipped == 0 || name == "" || strings.IndexByte("\"'<>()", name[0]) >= 0 {
			continue
		}
		end, _ := templates.RefEnd(name, 0)
		name = name[:end]
		line += strings.Count(src[counted:k], "\n")
		counted = k
		col := utf8.RuneCountInString(src[strings.LastIndexByte(src[:k], '\n')+1:k]) + 1
		why := "tidings reads cid: in lower case"
		if skipped > 0 {
			why = "the white space after cid: ends the reference there"
		}
		errs = append(errs, &campaign.FileError{File: file, Line: line, Column: col, Err: fmt.Errorf(
			"render: inline image %q: %s, so this inlines no image and every reader would show it broken; write cid:%s", clipRef(src[k:i+skipped]+name), why, clipRef(name))})
		i += skipped + len(name)
	}
}

// indexCIDFold is the offset of the first "cid:" in src at or after from,
// ASCII's case aside; -1 when there is none.
func indexCIDFold(src string, from int) int {
	for i := from; ; {
		j := strings.IndexByte(src[i:], ':')
		if j < 0 {
			return -1
		}
		i += j
		if i >= 3 && strings.EqualFold(src[i-3:i], "cid") {
			return i - 3
		}
		i++
	}
}

// startsValue reports whether the text at k of src starts a link: the
// value of an attribute that holds one (src=, href=, background=: see
// urlAttribute), CSS's "url(" or Markdown's "](", a quote and white
// space between; not the text's "(CID: 4711)", nor alt="CID: 4711" or
// "Kunde = CID: 4711", which no reader takes for an image.
func startsValue(src string, k int) bool {
	before := strings.TrimRight(src[:k], " \t\r\n")
	before = strings.TrimRight(strings.TrimRight(before, `"'`), " \t\r\n")
	if strings.HasSuffix(before, "](") {
		return true
	}
	if name, ok := strings.CutSuffix(before, "="); ok {
		return urlAttribute(name)
	}
	n := len(before) - len("url(")
	return n >= 0 && strings.EqualFold(before[n:], "url(")
}

// urlAttribute reports whether the HTML source before ends with the name
// of an attribute whose value is a link an image may be named by (src,
// href, background, poster, srcset, data, and those ending in src or
// href: lowsrc, data-src, xlink:href), white space before the '='
// aside.
func urlAttribute(before string) bool {
	before = strings.TrimRight(before, " \t\r\n")
	i := strings.LastIndexFunc(before, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == ':' || r == '_')
	})
	name := strings.ToLower(before[i+1:])
	switch name {
	case "background", "poster", "srcset", "data":
		return true
	}
	return strings.HasSuffix(name, "src") || strings.HasSuffix(name, "href")
}

// clipRef is ref cut to 60 bytes (at a character's start), "…" marking
// the cut.
func clipRef(ref string) string {
	if len(ref) <= 60 {
		return ref
	}
	cut := 60
	for cut > 0 && !utf8.RuneStart(ref[cut]) {
		cut--
	}
	return ref[:cut] + "…"
}
