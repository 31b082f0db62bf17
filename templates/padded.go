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
// printed, what it prints besides its columns (pipe), and span, how many
// bytes of the source it read for the line. Within HTML's <pre> or
// <textarea> (w.pre, made before), white space shows as in a text body.
func (w *printWalk) place(pos int, printed string) (pl place, span int) {
	kind := inText
	switch {
	case w.t.name == "subject":
		kind = inSubject
	case w.html && !w.pre.inPre(pos):
		kind = inHTML
	case w.t.name == "markdown":
		kind = inMarkdown
	}
	line, span := holedLine(w.lines, w.pre, pos, w.html, printed)
	return place{line: line, kind: kind, printf: printed != ""}, span
}

// probeMask is a set of paddingProbes, a bit each.
type probeMask uint16

// paddingProbes are values with white space at one end, each a kind of
// it at the start or the end: whether a reader sees one at a place
// (shows) is whether they see any value's with that white space, so
// places that show the same probes tell the same of every value.
var paddingProbes = [...]string{" x", "x ", "\tx", "x\t", "\nx", "x\n", "\u00a0x", "x\u00a0", "\u3000x", "x\u3000"}

// allProbes is the set of every paddingProbes.
const allProbes = probeMask(1)<<len(paddingProbes) - 1

// probes is the set of paddingProbes a reader sees the white space of
// at p (shows), read from the line near the hole (nearHole).
func (p place) probes() probeMask {
	if p.printf || p.line == "" {
		return allProbes
	}
	line := nearHole(p.line)
	plain := p.shown(strings.Replace(line, string(hole), "x", 1))
	var m probeMask
	for i, v := range paddingProbes {
		if p.shown(strings.Replace(line, string(hole), v, 1)) != plain {
			m |= 1 << i
		}
	}
	return m
}

// nearRunes is how much of a line on each side of its hole nearHole
// keeps.
const nearRunes = 64

// nearHole is line, a place's, with what lies more than nearRunes runes
// from its hole on either side written "y" when it holds more than white
// space and Markdown's marks: whether a reader sees white space at a
// value's ends depends on what is beside it, and on the line's ends only
// for white space and marks that shown trims. Read for every printing
// action, a long line read whole each time would cost as much again.
func nearHole(line string) string {
	at := strings.IndexRune(line, hole)
	if at < 0 {
		return line
	}
	from, to := at, at+utf8.RuneLen(hole)
	for n := 0; n < nearRunes && from > 0; n++ {
		_, size := utf8.DecodeLastRuneInString(line[:from])
		from -= size
	}
	for n := 0; n < nearRunes && to < len(line); n++ {
		_, size := utf8.DecodeRuneInString(line[to:])
		to += size
	}
	return farSide(line[:from]) + line[from:to] + farSide(line[to:])
}

// farSide is s, a part of a line nearHole leaves out, as it keeps it:
// whole when it is white space and Markdown's marks only, "y" otherwise.
func farSide(s string) string {
	if strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("#>*-+_`", r) }) == "" {
		return s
	}
	return "y"
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
