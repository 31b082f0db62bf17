package templates

import (
	"bytes"
	"html"
	"slices"
	"strings"
	"unicode/utf8"
)

// hole marks, in a line holedLine builds, where the blank column stood.
const hole = '\x01'

// maxSeen is how many characters of a line a blank-cell warning shows.
const maxSeen = 60

// holedLine is the line holding the action at pos of l's source
// (printWalk's: its trimmed and printed line breaks lines; pre its
// newPreIndex) as it prints when the action's columns are blank: the
// line's text with that action printing printed (what it prints besides
// them: printf's text) and the hole mark where the blank value stands, a
// string literal its text, another action that prints a word "…", and
// the rest nothing; in HTML, within the tags that break the line
// (htmlLine), tags cut and entities read but white space as written; ""
// for a pos outside src. What a reader sees of it is blankSeen's. span
// is the length of the source read for it.
func holedLine(l *srcLines, pre *preIndex, pos int, isHTML bool, printed string) (line string, span int) {
	src := l.src
	if pos < 0 || pos > len(src) {
		return "", 0
	}
	start, end := l.lineAround(pos, false)
	if isHTML {
		if !pre.inPre(pos) {
			start, end = htmlJoined(src, start, end)
		}
		start, end = l.htmlLine(start, pos, end)
	}
	line = strings.ReplaceAll(seenText(src[start:end], pos-start, printed), string(filler), "")
	if isHTML {
		line = html.UnescapeString(cutBetween(line, "<", ">"))
	}
	return line, end - start
}

// blankSeen is what a reader sees of line, a holedLine, when the value
// at its hole mark is blank: in HTML its white space collapsed as a
// browser shows it, across the hole; cut to maxSeen characters around
// the hole (clipAround).
func blankSeen(line string, isHTML bool) string {
	if isHTML {
		line = strings.Join(strings.Fields(line), " ")
		line = strings.Replace(line, " "+string(hole)+" ", " "+string(hole), 1)
	}
	return clipAround(strings.TrimSpace(line))
}

// seenText is line as it prints with the action around at, an offset in
// line, printing printed and a hole mark (see holedLine), each trim
// marker taking the white space beside it.
func seenText(line string, at int, printed string) string {
	var b strings.Builder
	trimNext := false
	off := 0
	for i, j := range actionSpans(line) {
		writeText(&b, line[off:i], trimNext)
		body := line[i+2 : j]
		if strings.HasPrefix(body, "- ") {
			trimmed := strings.TrimRight(b.String(), " \t\r\n")
			b.Reset()
			b.WriteString(trimmed)
		}
		b.WriteString(actionSeen(body, at >= i && at < j, printed))
		trimNext = strings.HasSuffix(body, " -")
		off = j + 2
	}
	writeText(&b, beforeOpen(line[off:]), trimNext)
	return b.String()
}

// writeText writes s to b, without its leading white space when a trim
// marker before it takes it.
func writeText(b *strings.Builder, s string, trimmed bool) {
	if trimmed {
		s = strings.TrimLeft(s, " \t\r\n")
	}
	b.WriteString(s)
}

// actionSeen is what the action whose text between its braces is body
// prints in a line holedLine shows: printed and the hole mark for the
// action with the blank column, a literal's text, "…" for another word.
func actionSeen(body string, blank bool, printed string) string {
	if blank {
		return printed + string(hole)
	}
	if s, ok := literalText(body); ok {
		return s
	}
	if printsWord(body) {
		return "…"
	}
	return ""
}

// clipAround is line, its hole mark taken out, cut to maxSeen characters
// around the mark when longer.
func clipAround(line string) string {
	at := strings.IndexRune(line, hole)
	if at < 0 || utf8.RuneCountInString(line) <= maxSeen+1 {
		return strings.TrimSpace(strings.ReplaceAll(line, string(hole), ""))
	}
	before, after := []rune(line[:at]), []rune(line[at+1:])
	half := maxSeen / 2
	pre, post := "", ""
	if len(before) > half {
		before, pre = before[len(before)-half:], "…"
	}
	if len(after) > maxSeen-len(before) {
		after, post = after[:maxSeen-len(before)], "…"
	}
	return pre + strings.TrimLeft(string(before), " ") + string(after) + post
}

// markdownMarks are the Markdown marks a reader does not see in a line.
var markdownMarks = strings.NewReplacer("**", "", "__", "", "`", "")

// markdownPlain is line, of a Markdown body, as its reader sees it:
// without emphasis and code marks, nor a heading's, a quote's or a list
// item's mark before it ("- **Dear ,**" is "Dear ,").
func markdownPlain(line string) string {
	return strings.TrimSpace(markdownUnmarked(line))
}

// markdownUnmarked is line without its emphasis and code marks, nor a
// heading's, a quote's or a list item's mark before it, white space
// other than the marks' spaces kept (place.shown: a no-break space
// starting the text shows).
func markdownUnmarked(line string) string {
	return strings.TrimLeft(markdownMarks.Replace(line), "#>*-+ ")
}

// maxJoined is how many source lines either side htmlJoined joins.
const maxJoined = 3

// htmlJoined widens src[start:end], an HTML source line, by the lines
// before and after it that a browser shows on one line with it (a line
// break in HTML is a space: "Guten Tag {{.Vorname}}⏎{{.Nachname}}," reads
// "Guten Tag Müller,"), up to maxJoined each side; a blank line, one
// holding an action that prints no word ({{if}}, {{end}}) or a tag of the
// document's head or frame (<body>, <title>) stops it. htmlLine then
// narrows the result to the break tags nearest the action.
func htmlJoined(src string, start, end int) (int, int) {
	for n := 0; n < maxJoined && start > 0; n++ {
		from := strings.LastIndexByte(src[:start-1], '\n') + 1
		if !joinable(src[from : start-1]) {
			break
		}
		start = from
	}
	for n := 0; n < maxJoined && end < len(src); n++ {
		to := strings.IndexByte(src[end+1:], '\n')
		if to < 0 {
			to = len(src)
		} else {
			to += end + 1
		}
		if !joinable(src[end+1 : to]) {
			break
		}
		end = to
	}
	return start, end
}

// preIndex is where an HTML source's <pre> and <textarea> elements open
// and close (the starts of "<pre>" or "<pre ", and of "</pre"; the same
// for textarea), ascending, found once a source: inPre is asked for its
// every printing action, and lower-casing the source up to each took
// more than ten minutes for a 5 MB body.
type preIndex struct {
	opens, closes [len(preNames)][]int
}

// preNames are the elements inPre looks for.
var preNames = [...]string{"pre", "textarea"}

// newPreIndex finds src's pre and textarea tags, case aside (ASCII's
// only, so that offsets stay src's), white space or '>' after the name,
// none in a comment (blankComments).
func newPreIndex(src string) *preIndex {
	lower := []byte(src)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	blankComments(lower, "<!--", "-->")
	blankComments(lower, "{{/*", "*/")
	x := &preIndex{}
	for n, name := range preNames {
		for i := 0; ; {
			k := bytes.Index(lower[i:], []byte("<"+name))
			if k < 0 {
				break
			}
			i += k
			if after := i + 1 + len(name); after < len(lower) && (lower[after] == '>' || isHTMLSpace(lower[after])) {
				x.opens[n] = append(x.opens[n], i)
			}
			i++
		}
		for i := 0; ; {
			k := bytes.Index(lower[i:], []byte("</"+name))
			if k < 0 {
				break
			}
			x.closes[n] = append(x.closes[n], i+k)
			i += k + 1
		}
	}
	return x
}

// blankComments writes spaces over the comments of b, from open to close
// (a template's {{/* */}}, an HTML <!-- -->, but for Outlook's
// conditional ones, <!--[if …]>, whose HTML Outlook shows), so that a
// <pre> written in one is no element's; the offsets stay b's. An
// unclosed comment runs to the end.
func blankComments(b []byte, open, close string) {
	for i := 0; ; {
		k := bytes.Index(b[i:], []byte(open))
		if k < 0 {
			return
		}
		i += k
		if bytes.HasPrefix(b[i+len(open):], []byte("[if ")) {
			i += len(open)
			continue
		}
		// From the open's third byte: <!--> and <!---> are empty comments.
		end := bytes.Index(b[i+2:], []byte(close))
		if end < 0 {
			end = len(b)
		} else {
			end += i + 2 + len(close)
		}
		for j := i; j < end; j++ {
			b[j] = ' '
		}
		i = end
	}
}

// isHTMLSpace reports whether c is HTML's white space, which may follow a
// tag's name.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// inPre reports whether offset pos of the HTML source x indexes stands
// inside a <pre> or <textarea> element, where a browser keeps the line
// breaks: htmlJoined joins no line there. An element is open at pos when
// its last opening tag written whole before pos ("<pre>", "<pre ") comes
// after its last closing one ("</pre").
func (x *preIndex) inPre(pos int) bool {
	for n, name := range preNames {
		open := lastBefore(x.opens[n], pos-len(name)-2)
		if open >= 0 && open > lastBefore(x.closes[n], pos-len(name)-2) {
			return true
		}
	}
	return false
}

// lastBefore is the last of the ascending starts that is at most at,
// -1 when none is.
func lastBefore(starts []int, at int) int {
	i, found := slices.BinarySearch(starts, at)
	if found {
		return at
	}
	if i == 0 {
		return -1
	}
	return starts[i-1]
}

// joinable reports whether line, an HTML source line, may join the line
// beside it (see htmlJoined).
func joinable(line string) bool {
	if strings.TrimSpace(line) == "" {
		return false
	}
	lower := strings.ToLower(line)
	for _, tag := range []string{"<html", "</html", "<head", "</head", "<body", "</body", "<title", "<style", "</style", "<script", "</script", "<!doctype", "<meta"} {
		if strings.Contains(lower, tag) {
			return false
		}
	}
	off := 0
	for i, j := range actionSpans(line) {
		if !printsWord(line[i+2 : j]) {
			return false
		}
		off = j + 2
	}
	return !strings.Contains(line[off:], "{{") // an action left open
}
