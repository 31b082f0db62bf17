package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// ErrImageRef is wrapped by the FileError of an inline image of each
// row's own (<img src="cid:{{.qr_file}}">) whose reference cannot be
// read: one written over more than one line.
var ErrImageRef = errors.New("an inline image's path is written on one line")

// ErrImageRefShort is wrapped by the FileError of an inline image of
// each row's own whose reference is too short to hold its mark
// (RowImageMarker) among the body's many different ones: see
// imageIndex.
var ErrImageRefShort = errors.New("too many different inline images for this one's reference")

// ImageRef is where an HTML body names an inline image of each row's own:
// the text after "cid:", from Start to End in the body's source, holds a
// template action ("{{.qr_file}}", "qr/{{.no}}.png"); Line is its line
// (1-based) in the body's file.
type ImageRef struct {
	Start, End int
	Line       int
}

// RowImageRefs finds in src, an HTML body's source, the references of
// inline images of each row's own: each "cid:" whose text, up to a quote,
// '<', '>', '(', ')' or ASCII white space outside an action, holds an
// action (a letter beyond ASCII is part of it).
// A "cid:NAME" without one is a file beside the body (render's).
func RowImageRefs(src string) []ImageRef {
	var refs []ImageRef
	line, counted := 1, 0
	for i := 0; ; {
		j := strings.Index(src[i:], "cid:")
		if j < 0 {
			return refs
		}
		start := i + j + len("cid:")
		end, action := RefEnd(src, start)
		if action {
			line += strings.Count(src[counted:start], "\n")
			counted = start
			refs = append(refs, ImageRef{Start: start, End: end, Line: line})
		}
		i = max(end, start)
	}
}

// RefEnd is where the text of a cid: reference starting at start of src
// ends, as RowImageRefs reads it: at a quote, '<', '>', '(', ')' or ASCII
// white space outside a template action ({{…}}), or at src's end (at an
// action not closed too); action tells whether the text holds one.
func RefEnd(src string, start int) (end int, action bool) {
	i := start
	for i < len(src) {
		if strings.HasPrefix(src[i:], "{{") {
			k := strings.Index(src[i+2:], "}}")
			if k < 0 {
				return len(src), true // unclosed: the parse tells
			}
			i, action = i+2+k+2, true
			continue
		}
		if strings.IndexByte("\"'<>()", src[i]) >= 0 || src[i] < utf8.RuneSelf && unicode.IsSpace(rune(src[i])) {
			break
		}
		i++
	}
	return i, action
}

// markerEdge is the character RowImageMarker begins and ends with: a NUL,
// which no cid: name holds and no cell writes into the body's output (a
// NUL in a cell is a row problem, and html/template writes it as U+FFFD,
// %00 or \u0000 wherever a value stands), so that a cell reading like a
// marker is none. With '~', a cell printed "cid:~0~~~" and the message
// showed the image's Content-ID there and carried the image where the
// body's {{if}} kept it from the row.
const markerEdge = '\x00'

// RowImageMarker is what the HTML body's output writes after "cid:" where
// its source names Set.Images[i], a reference n bytes long: NUL, i and
// NUL, padded with NULs to n bytes, so that every position of the source
// after it stays where it was (the walks of the body read the source by
// the parse tree's positions). The output never goes with it: the message
// has the image's Content-ID there (render).
func RowImageMarker(i, n int) string {
	m := string(markerEdge) + strconv.Itoa(i) + string(markerEdge)
	return m + strings.Repeat(string(markerEdge), max(0, n-len(m)))
}

// ReadRowImageMarker reads a RowImageMarker at the start of b (the text
// after "cid:" in the body's output): the image's index in Set.Images
// and the marker's length; ok is false when b does not start with one.
func ReadRowImageMarker(b []byte) (i, n int, ok bool) {
	if len(b) < 3 || b[0] != markerEdge {
		return 0, 0, false
	}
	n = 1
	for n < len(b) && b[n] >= '0' && b[n] <= '9' {
		n++
	}
	if n == 1 || n == len(b) || b[n] != markerEdge {
		return 0, 0, false
	}
	i, err := strconv.Atoi(string(b[1:n]))
	if err != nil {
		return 0, 0, false
	}
	for n < len(b) && b[n] == markerEdge {
		n++
	}
	return i, n, true
}

// rowImages compiles the paths of the inline images of each row's own
// that html, the HTML body not compiled yet, names (RowImageRefs) into
// cp.images, one-line templates like an attachment's path, at their line
// of the body's file; and returns the body's source with each reference
// written as its RowImageMarker, what the body is compiled from. A
// reference in an HTML comment, which html/template drops, is none: an
// <img> commented out looks for no file (commentSpans). ok is false when
// a reference cannot be compiled (the problem noted).
func (cp *compiler) rowImages(html *Template) (src string, ok bool) {
	src = html.source
	refs := RowImageRefs(src)
	if len(refs) == 0 {
		return src, true
	}
	comments := commentSpans(src)
	var b strings.Builder
	last, ok := 0, true
	for _, ref := range refs {
		for len(comments) > 0 && comments[0][1] <= ref.Start {
			comments = comments[1:] // the refs and comments ascend
		}
		if len(comments) > 0 && comments[0][0] <= ref.Start {
			continue
		}
		text := src[ref.Start:ref.End]
		i := cp.imageIndex(html, ref)
		if i < 0 {
			ok = false
			continue
		}
		b.WriteString(src[last:ref.Start])
		b.WriteString(RowImageMarker(i, len(text)))
		last = ref.End
	}
	b.WriteString(src[last:])
	return b.String(), ok
}

// imageIndex is the index in cp.images of the path template of ref, a
// reference in html's source, compiled once a text; -1 when it cannot be
// (the problem noted). The reference must have room for its mark,
// RowImageMarker: NUL, the index and NUL, so that a reference of n bytes
// can be only among the first 10^(n-2) different ones (cid:{{.}}, 5
// bytes: 1,000; cid:{{.a}}: 10,000).
func (cp *compiler) imageIndex(html *Template, ref ImageRef) int {
	text := html.source[ref.Start:ref.End]
	if i, ok := cp.imageOf[text]; ok {
		return i
	}
	name := "inline image cid:" + text
	if strings.ContainsAny(text, "\r\n") {
		cp.errs = append(cp.errs, &campaign.FileError{File: html.file, Line: ref.Line, Err: fmt.Errorf("templates: html: %s: %w", clipLine(name), ErrImageRef)})
		return -1
	}
	if len(RowImageMarker(len(cp.images), len(text))) > len(text) {
		cp.errs = append(cp.errs, &campaign.FileError{File: html.file, Line: ref.Line, Column: cp.column(html, ref.Start-len("cid:")), Err: fmt.Errorf(
			"templates: html: %s: %w: the body names %d different ones before it, and a reference of %d characters after cid: can be only among the first %d; %s",
			clipLine(name), ErrImageRefShort, len(cp.images), len(text), markerRoom(len(text)), longerRef(text))})
		return -1
	}
	t := cp.inlineAt(name, text, html.file, ref.Line)
	if t == nil || !cp.slashedPath(t) {
		return -1
	}
	if cp.imageOf == nil {
		cp.imageOf = map[string]int{}
	}
	cp.imageOf[text] = len(cp.images)
	cp.images = append(cp.images, t)
	return len(cp.images) - 1
}

// markerRoom is how many different images a reference n bytes long can
// be among (see imageIndex): its two NULs aside, the rest holds the index.
func markerRoom(n int) int { return numbersOfDigits(n - 2) }

// numbersOfDigits is how many numbers, from 0, are written in at most
// digits digits: 10^digits; 1 (0 alone) for digits below 1. It is the
// room a mark of a fixed length leaves for a number (markerRoom, a
// conditional comment's marker: conditionalError).
func numbersOfDigits(digits int) int {
	n := 1
	for range digits {
		n *= 10
	}
	return n
}

// longerRef is what to write for the reference text that has no room
// for its mark: its first action with spaces inside its braces, which
// reads the same ({{.}} is {{ . }}), each byte more making room for ten
// times as many.
func longerRef(text string) string {
	i := strings.Index(text, "{{")
	j := strings.Index(text, "}}")
	if i < 0 || j < i+2 {
		return "write it longer"
	}
	inner := text[i+2 : j]
	if !strings.HasPrefix(inner, "-") && !strings.HasPrefix(inner, " ") {
		inner = " " + inner
	}
	if !strings.HasSuffix(inner, "-") && !strings.HasSuffix(inner, " ") {
		inner += " "
	}
	if len(inner) == j-i-2 {
		return "write it longer (spaces inside its braces read the same)"
	}
	return "write it with spaces inside its braces, which reads the same: cid:" + clipLine(text[:i]+"{{"+inner+"}}"+text[j+2:])
}

// commentSpans are the spans of src's HTML comments, <!-- to --> (or the
// end), which html/template drops: not the markers of Outlook's
// conditional comments (conditionalMarkers), whose content is kept
// (keepConditionalComments).
func commentSpans(src string) [][]int {
	markers := conditionalMarkers(src)
	var out [][]int
	for i := 0; ; {
		j := strings.Index(src[i:], "<!--")
		if j < 0 {
			return out
		}
		start := i + j
		for len(markers) > 0 && markers[0][0] < start {
			markers = markers[1:] // the markers ascend
		}
		if len(markers) > 0 && markers[0][0] == start {
			i = markers[0][1]
			continue
		}
		end := len(src)
		if k := strings.Index(src[start+len("<!--"):], "-->"); k >= 0 {
			end = start + len("<!--") + k + len("-->")
		}
		out = append(out, []int{start, end})
		i = end
	}
}
