package templates

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// PaddedCell is a column the subject or a body prints as it is whose cell
// in a row has white space at its start or end that a reader sees
// ("Hallo  Anna,"), and Seen what the reader sees of the first line
// that shows it ("Liebe/r Ölfa   …,"; "" when not known: a printf's
// text around the value).
type PaddedCell struct {
	Column string
	Seen   string
}

// placeKind is the kind of template a place is in: what of white space
// at a value's ends its reader sees.
type placeKind uint8

const (
	inText     placeKind = iota // a text body: all but the end of a line
	inSubject                   // the subject: all but its ends (render trims them)
	inHTML                      // an HTML body: runs of ASCII white space as one (but in <pre>: inText)
	inMarkdown                  // a Markdown body: as text, without its marks
)

// place is a line where a template prints a column (printing): the line
// as holedLine makes it, its hole mark where the value goes, and the
// kind of template; printf tells that the value goes somewhere in
// printf's text before the mark, where is not known.
type place struct {
	line   string
	kind   placeKind
	printf bool
}

// place is where the action at pos of the walked template prints, with
// printed, what it prints besides its columns (pipe). Within HTML's <pre>
// or <textarea> (w.pre, made before), white space shows as in a text body.
func (w *printWalk) place(pos int, printed string) place {
	kind := inText
	switch {
	case w.t.name == "subject":
		kind = inSubject
	case w.html && !w.pre.inPre(pos):
		kind = inHTML
	case w.t.name == "markdown":
		kind = inMarkdown
	}
	return place{line: holedLine(w.lines, w.pre, pos, w.html, printed), kind: kind, printf: printed != ""}
}

// isPadded reports whether v, a cell's value that is not blank, starts
// or ends with white space: what trim (strings.TrimSpace) takes off,
// spaces, tabs, line breaks, the no-break space U+00A0 a copy from a web
// page brings, the ideographic space U+3000 and the rest of Unicode's.
// Two spaces within a value ("Anna  Maria") are the cell's text as the
// sheet shows it, not counted.
func isPadded(v string) bool {
	return strings.TrimSpace(v) != v && !isBlankCell(v)
}

// PrintedPadded lists the columns the subject or a body prints as they
// are (Template.Printed, or given to default: places), not trimmed,
// whose cell in row has white space at its start or end (isPadded)
// where a reader sees it (shows) and where the template prints them for
// row (the columns of an {{if}} around them filled), each once with the line of the first place that
// shows it, in the order the templates print them; nil when none is.
func (s *Set) PrintedPadded(row campaign.Row) []PaddedCell {
	var out []PaddedCell
	for _, p := range s.padded {
		v := row.Values[p.column]
		if !isPadded(v) || slices.ContainsFunc(out, func(c PaddedCell) bool { return c.Column == p.column }) || !p.runs(row) {
			continue
		}
		if seen, ok := p.place.shows(v); ok {
			out = append(out, PaddedCell{Column: p.column, Seen: seen})
		}
	}
	return out
}

// shows reports whether a reader sees the white space at the ends of v
// printed at p: the line with v differs from the line with v trimmed as
// a reader sees them (shown); seen is the line with v as the reader sees
// it (no white space at a line's end that no one sees), cut to maxSeen
// characters around v, "" when not known (a printf's text around v, a
// line not found), which is taken to show.
func (p place) shows(v string) (seen string, ok bool) {
	if p.printf || p.line == "" {
		return "", true
	}
	marked := strings.Replace(p.line, string(hole), v+string(hole), 1)
	plain := strings.Replace(p.line, string(hole), strings.TrimSpace(v), 1)
	line := p.shown(strings.Replace(marked, string(hole), "", 1))
	if line == p.shown(plain) {
		return "", false
	}
	if utf8.RuneCountInString(line) <= maxSeen {
		return line, true
	}
	seen = clipAround(p.shown(marked))
	if !strings.HasSuffix(seen, "…") { // v ends the line
		seen = strings.TrimRightFunc(seen, unicode.IsSpace)
	}
	return seen, true
}

// shown is line as a reader of p's kind of template sees it: a subject
// without white space at its ends and its tabs as spaces (as render
// makes the header), HTML's runs of ASCII white space one space, none
// at its start and no white space at all at its end (a browser's: a
// no-break space ending a paragraph or before a <br> shows nothing), a
// Markdown line without its marks (markdownUnmarked) and a text
// line without white space at its end, which no reader sees.
func (p place) shown(line string) string {
	switch p.kind {
	case inSubject:
		return strings.TrimSpace(strings.ReplaceAll(line, "\t", " "))
	case inHTML:
		return strings.TrimRightFunc(strings.TrimLeft(collapseHTMLSpace(line), " "), unicode.IsSpace)
	case inMarkdown:
		line = markdownUnmarked(line)
	}
	return strings.TrimRightFunc(line, unicode.IsSpace)
}

// collapseHTMLSpace is s with each run of HTML's white space (ASCII's:
// isHTMLSpace) one space, as a browser shows text; a no-break space and
// U+3000 stay.
func collapseHTMLSpace(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r < utf8.RuneSelf && isHTMLSpace(byte(r)) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
