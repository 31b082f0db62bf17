package render

import (
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// cidNameError is the error of an inline image reference whose name goes
// on past what a cid: name holds (letters, digits, '.', '-', '_', '@'),
// as src="cid:logo asso.png" or src="cid:été.png" do: the reference is
// read as cid:logo, so the file looked for is not the one meant. tail is
// the text after the name read up to the end of its attribute value or
// link; nil when there is none, and the name read is the whole
// reference.
func cidNameError(name, tail string) error {
	if tail == "" || strings.TrimSpace(tail) == "" {
		return nil
	}
	whole := name + tail
	if strings.Contains(tail, "{{") {
		return cidActionError(whole)
	}
	return fmt.Errorf("render: inline image cid:%s: a cid: name holds only letters, digits and '.', '-', '_', '@', so this reads as cid:%s; rename the file (%s) and the reference", whole, name, cidSuggestion(whole))
}

// cidActionError is the error of an inline image reference a template
// action writes (or finishes) in a Markdown body or its layout, as
// ![QR](cid:{{.qr}}): there inline images are the files the template
// names itself, read once by New, so such a reference inlines no image
// and every message shows it broken (rev-user17). The HTML body's are
// images of each row's own (rowImages). whole is the reference after
// "cid:".
func cidActionError(whole string) error {
	return fmt.Errorf("render: inline image cid:%s: a cid: image of a markdown: body or its layout is a file beside it that it names itself (cid:logo.png), the same in every message; a name a template action writes is not looked for, so this inlines no image and every reader would show it broken; an image of each row's own goes in an html: body, <img src=\"cid:{{.qr_file}}\"> with the column holding the file's path, or by its full URL (https://…)", whole)
}

// cidTail is the text of src from end, where a cid: name read stops, up
// to the quote, '>', ')' or line end that closes its attribute value or
// Markdown link.
func cidTail(src string, end int) string {
	rest := src[end:]
	if i := strings.IndexAny(rest, "\"'>)\n"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// cidSuggestion is name with each character a cid: name cannot hold
// replaced by '-': "logo asso.png" → "logo-asso.png"; "image" and its
// extension when no letter or digit of its own is left ("标志.png" →
// "image.png").
func cidSuggestion(name string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x80 && (isAlnum(r) || strings.ContainsRune("._@-", r)) {
			return r
		}
		return '-'
	}, name)
	base, ext := s, ""
	if i := strings.LastIndexByte(s, '.'); i >= 0 {
		base, ext = s[:i], s[i:]
	}
	if !strings.ContainsFunc(base, isAlnum) {
		return "image" + ext
	}
	return s
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}

// unreadCIDErrors are the errors of the cid: references in src that cidRE
// reads no name of, as its name starts with a character a cid: name cannot
// hold: a letter beyond ASCII (src="cid:标志.png", "cid:été.png") or a
// percent-encoded one ("cid:%E6%A0%87.png"), or a template action
// ("cid:{{.qr}}": cidActionError), unless rowRefs says src is the HTML
// body's, where that is an image of the row's own (rowImages). Such a
// reference inlines no image: every reader would show it broken. file
// names the template for the errors.
func unreadCIDErrors(file, src string, rowRefs bool) []error {
	var errs []error
	line, counted := 1, 0
	for i := 0; ; {
		j := strings.Index(src[i:], "cid:")
		if j < 0 {
			return errs
		}
		start := i + j + len("cid:")
		i = start
		action := strings.HasPrefix(src[start:], "{{")
		if action && rowRefs {
			continue
		}
		lead := !action && start < len(src) && leadsPath(src, start)
		if !action && !lead && (start == len(src) || src[start] < 0x80 && src[start] != '%') {
			continue
		}
		whole := cidTail(src, start)
		line += strings.Count(src[counted:start], "\n")
		counted = start
		if action {
			if end := strings.Index(src[start:], "}}"); end >= 0 {
				whole = src[start:start+end+2] + cidTail(src, start+end+2)
			}
			errs = append(errs, &campaign.FileError{File: file, Line: line, Err: cidActionError(whole)})
			continue
		}
		if lead && rowRefs && strings.Contains(whole, "{{") {
			continue // an image of the row's own (cid:./qr/{{.no}}.png): templates reads its path
		}
		if lead {
			errs = append(errs, &campaign.FileError{File: file, Line: line, Err: fmt.Errorf("render: inline image cid:%s: a cid: image is a file in the folder beside the HTML template, its name beginning with a letter or digit, so this inlines no image and every reader would show it broken; put the file there and write cid:%s", whole, leadlessName(whole))})
			continue
		}
		errs = append(errs, &campaign.FileError{File: file, Line: line, Err: fmt.Errorf("render: inline image cid:%s: a cid: name holds only letters, digits and '.', '-', '_', '@', beginning with a letter or digit, so this inlines no image and every reader would show it broken; rename the file (%s) and the reference", whole, cidSuggestion(whole))})
	}
}

// leadsPath reports whether the cid: reference whose name starts at
// start of src, where it starts a link (startsValue), begins with a
// character of a path that no cid: name begins with ("cid:../logo.png",
// "cid:/img/logo.png", "cid:_logo.png"): cidRE reads none of it, so it
// would be no image without a word.
func leadsPath(src string, start int) bool {
	return strings.IndexByte("./\\_-~", src[start]) >= 0 && startsValue(src, start-len("cid:"))
}

// leadlessName is the name to write for such a reference: its last path
// element without the characters it may not begin with ("logo.png"), or
// "image.png" when nothing is left.
func leadlessName(ref string) string {
	if i := strings.LastIndexAny(ref, "/\\"); i >= 0 {
		ref = ref[i+1:]
	}
	if ref = strings.TrimLeft(ref, "._-~"); ref == "" {
		return "image.png"
	}
	return cidSuggestion(ref)
}
