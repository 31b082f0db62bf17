package templates

import (
	"slices"
	"strings"
)

// srcLines answers, for the source a printWalk reads, where the line
// holding an offset starts and ends and where the tags that break an
// HTML line stand (htmlLine), each found once: asked for every printing
// action, reading the source around it each time grew with the square of
// its length when its lines are long (an email builder's export written
// on one line: 0.5 MB took 5 s, 4.7 MB would have taken minutes).
type srcLines struct {
	src    string
	breaks lineIndex
	// tags are the break tags of the ranges htmlLine was last asked
	// about: the line around an action (besideText) and the lines a
	// browser joins with it (holedLine), which the actions of a line share.
	tags [2]rangeTags
	next int // the tags to replace on a miss
}

// rangeTags are the break tags (breakTag) of src[start:end], in order,
// read as htmlLine reads them: from start, each '<' to the '>' after it,
// none past a '<' with no '>' in the range.
type rangeTags struct {
	start, end int
	lts, gts   []int // each tag's '<' and '>'
	read       bool
}

// newSrcLines indexes src's line breaks.
func newSrcLines(src string) *srcLines {
	return &srcLines{src: src, breaks: newLineIndex(src)}
}

// lineAround is where the line of src holding pos (0 to len(src)) starts
// and ends: from the newline before pos to the one after it, or, in HTML
// (html), within the tags that break the line there (htmlLine).
func (l *srcLines) lineAround(pos int, html bool) (start, end int) {
	n, _ := slices.BinarySearch(l.breaks, pos) // the breaks before pos
	end = len(l.src)
	if n > 0 {
		start = l.breaks[n-1] + 1
	}
	if n < len(l.breaks) {
		end = l.breaks[n]
	}
	if html {
		start, end = l.htmlLine(start, pos, end)
	}
	return start, end
}

// htmlLine narrows src[start:end], an HTML source line holding offset
// pos, to the part a reader sees as one line with pos: that between the
// tags that break it, or start or end an element of their own
// (breakTags: <br>, </p><p>, <td>), nearest pos on either side.
func (l *srcLines) htmlLine(start, pos, end int) (int, int) {
	t := l.tagsIn(start, end)
	from, to := start, end
	if i, _ := slices.BinarySearch(t.gts, pos); i > 0 { // the tags ending before pos
		from = t.gts[i-1] + 1
	}
	j, found := slices.BinarySearch(t.lts, pos) // the first starting after it
	if found {
		j++
	}
	if j < len(t.lts) {
		to = t.lts[j]
	}
	return from, to
}

// tagsIn is the rangeTags of src[start:end], read once while the actions
// asking for it come one after another.
func (l *srcLines) tagsIn(start, end int) *rangeTags {
	for i := range l.tags {
		if t := &l.tags[i]; t.read && t.start == start && t.end == end {
			return t
		}
	}
	t := &l.tags[l.next]
	l.next = (l.next + 1) % len(l.tags)
	*t = rangeTags{start: start, end: end, lts: t.lts[:0], gts: t.gts[:0], read: true}
	src := l.src
	for k := start; k < end; {
		lt := strings.IndexByte(src[k:end], '<')
		if lt < 0 {
			break
		}
		lt += k
		gt := strings.IndexByte(src[lt:end], '>')
		if gt < 0 {
			break
		}
		gt += lt
		if breakTag(src[lt+1 : gt]) {
			t.lts, t.gts = append(t.lts, lt), append(t.gts, gt)
		}
		k = gt + 1
	}
	return t
}
