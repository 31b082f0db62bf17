package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// Outlook's conditional comments (<!--[if mso]>…<![endif]-->, and the
// "downlevel-revealed" <!--[if !mso]><!-->…<!--<![endif]-->) are how an
// email builder's HTML (MJML, Stripo, Mailchimp's) gives Outlook for
// Windows the fixed-width tables and settings only it reads. html/template
// drops every comment of a template, so an html: body or a layout would
// lose them without a word and Outlook would show the page at its own
// width. keepConditionalComments puts each such marker back through a
// function, as the built-in layout does (render/markdown's outlookOpen).

// conditionalFunc is the function the rewritten source calls for a
// marker: {{_c N}} prints the Nth marker.
const conditionalFunc = "_c"

// markerRE finds a marker at the start of a lower-cased text: an opening
// <!--[if …]> (with <!-->, <!-- --> or <!----> after it, downlevel-
// revealed) or a closing <![endif]--> (with <!-- before it).
var markerRE = regexp.MustCompile(`^(?:<!--\[if [^\]{}\n]*\]>(?:<!--(?: ?--)?>)?|(?:<!--)?<!\[endif\]-->)`)

// maxMarker bounds the text markerRE reads at a '<': a condition is a
// few words ("[if mso | IE]").
const maxMarker = 256

// templateActionRE finds a template's actions (and its {{/* comments
// */}}), whose text is never a marker.
var templateActionRE = regexp.MustCompile(`(?s)\{\{/\*.*?\*/\}\}|\{\{.*?\}\}`)

// ErrConditionalKept is wrapped by the FileError of an Outlook
// conditional comment marker that cannot be kept: see
// keepConditionalComments.
var ErrConditionalKept = errors.New("too many different Outlook conditional comments to keep them all")

// keepConditionalComments returns src with each pair of conditional
// comment markers outside actions, an opening one followed by its closing
// one, replaced by an action of the same length on the same line (so that
// every line and column a problem names stays the source's), and the
// function that action calls; a nil function and src itself when there
// are none. A marker with no partner is left as written: made to print,
// a lone opening one would hide the rest of the message. Markers written
// alike share their number, so that any number of them is kept; a
// marker too short to hold the number of a new one ({{_c 10000}} is 12
// bytes, "<!--[if a]>" 11: past 10,000 different ones written before it)
// is returned as unkept, whose text and offset a *conditionalError
// gives, and then nothing is: dropped, Outlook would show the whole
// message at its own width.
func keepConditionalComments(src string) (string, func(int) htmltemplate.HTML, *conditionalError) {
	found := conditionalMarkers(src)
	var b strings.Builder
	var markers []string
	numbers := map[string]int{}
	last := 0
	for i := 0; i+1 < len(found); i++ {
		open, shut := src[found[i][0]:found[i][1]], src[found[i+1][0]:found[i+1][1]]
		if !isOpening(open) || isOpening(shut) || revealed(open) != revealed(shut) {
			continue
		}
		for _, m := range [][]int{found[i], found[i+1]} {
			text := src[m[0]:m[1]]
			n, ok := numbers[text]
			if !ok {
				n = len(markers)
			}
			call := "{{" + conditionalFunc + " " + strconv.Itoa(n)
			if len(call)+2 > len(text) {
				return src, nil, &conditionalError{offset: m[0], marker: text, different: n}
			}
			if !ok {
				numbers[text] = n
				markers = append(markers, text)
			}
			b.WriteString(src[last:m[0]])
			b.WriteString(call + strings.Repeat(" ", len(text)-len(call)-2) + "}}")
			last = m[1]
		}
		i++
	}
	if markers == nil {
		return src, nil, nil
	}
	b.WriteString(src[last:])
	return b.String(), func(n int) htmltemplate.HTML { return htmltemplate.HTML(markers[n]) }, nil
}

// conditionalError is a marker keepConditionalComments cannot keep: its
// offset in the source, its text, and how many different ones come
// before it.
type conditionalError struct {
	offset    int
	marker    string
	different int
}

// conditionalError is e as the FileError of t, at its line and column.
func (cp *compiler) conditionalError(t *Template, e *conditionalError) error {
	most := numbersOfDigits(len(e.marker) - len("{{"+conditionalFunc+" }}"))
	return &campaign.FileError{File: t.file, Line: cp.lineAt(t, e.offset), Column: cp.column(t, e.offset), Err: fmt.Errorf(
		"templates: %s: %q: %w: it differs from the %d written before it, and one of its length (%d characters) is kept only among the first %d different ones; write it as one of those is written (the same condition), or with a longer condition",
		t.name, e.marker, ErrConditionalKept, e.different, len(e.marker), most)}
}

// conditionalMarkers are the spans of src's markers outside its
// actions, its tags (whose attribute values, alt="<!--[if mso]>…", would
// have a marker's action stripped of its tags), its <style> and <script>
// elements (where html/template keeps a comment and would escape a
// marker's action as CSS or JavaScript) and its <title> and <textarea>
// elements (whose text holds no comment), in order. It reads src once,
// its actions blanked out ('{', which no marker holds), from one '<' to
// the next, so that its cost grows with src's length alone (a 5 MB body
// of many comments took 24 s when each marker was compared with each
// action).
func conditionalMarkers(src string) [][]int {
	text := []byte(src)
	for i, c := range text { // ASCII's case only: offsets stay src's
		if 'A' <= c && c <= 'Z' {
			text[i] = c + 'a' - 'A'
		}
	}
	for _, a := range templateActionRE.FindAllStringIndex(src, -1) {
		for i := a[0]; i < a[1]; i++ {
			text[i] = '{'
		}
	}
	var out [][]int
	for i := 0; i < len(text); {
		j := bytes.IndexByte(text[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if i+1 < len(text) && text[i+1] != '!' { // every marker starts "<!"
			i = pastTag(text, i)
			continue
		}
		if m := markerRE.FindIndex(text[i:min(len(text), i+maxMarker)]); m != nil {
			out = append(out, []int{i, i + m[1]})
			i += m[1]
			continue
		}
		i = pastTag(text, i)
	}
	return out
}

// pastTag is the offset in text (lower case) just past the tag at i, a
// '<', its quoted attribute values read whole, and past the element's
// end tag when it is a <style>, <script>, <title> or <textarea>; i+1
// when no tag starts there, len(text) when it or its element never ends.
func pastTag(text []byte, i int) int {
	if i+1 >= len(text) || text[i+1] < 'a' || text[i+1] > 'z' {
		return i + 1
	}
	name := i + 1
	for name < len(text) && strings.IndexByte(" \t\r\n\f/>", text[name]) < 0 {
		name++
	}
	end := i + 1
	for quote := byte(0); end < len(text) && (quote != 0 || text[end] != '>'); end++ {
		switch c := text[end]; {
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case c == quote:
			quote = 0
		}
	}
	if end == len(text) {
		return end
	}
	switch tag := string(text[i+1 : name]); tag {
	case "style", "script", "title", "textarea":
		k := bytes.Index(text[end:], []byte("</"+tag))
		if k < 0 {
			return len(text)
		}
		return end + k + 2
	}
	return end + 1
}

// isOpening reports whether marker opens a conditional block.
func isOpening(marker string) bool { return strings.HasPrefix(strings.ToLower(marker), "<!--[if") }

// revealed reports whether marker is of the downlevel-revealed form.
func revealed(marker string) bool {
	if isOpening(marker) {
		return strings.HasSuffix(marker, "-->")
	}
	return strings.HasPrefix(marker, "<!--<!")
}
