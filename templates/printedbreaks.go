package templates

import (
	"iter"
	"strconv"
	"strings"
)

// filler stands, in a source actionBreaks rewrote, for bytes of an action
// that print nothing: it keeps the source as long as it was.
const filler = '\x00'

// actionBreaks is src with each action that prints a literal line break
// ({{"\n"}}, {{- "\n" -}}, {{printf "\n"}}, {{"Yours,\nAnn"}}) written
// as the text it prints, its other bytes filler: a line such an action
// breaks ends there, as one the template's text breaks does
// ("{{.street}}{{- "\n" -}}{{.city}}" is two lines). It is as long as
// src, so that a node's Pos holds.
func actionBreaks(src string) string {
	var b []byte
	for i, j := range actionSpans(src) {
		off := j + 2
		s, ok := literalText(src[i+2 : j])
		if !ok || !strings.Contains(s, "\n") || len(s) > off-i {
			continue
		}
		if b == nil {
			b = []byte(src)
		}
		n := copy(b[i:off], s)
		for k := i + n; k < off; k++ {
			b[k] = filler
		}
	}
	if b == nil {
		return src
	}
	return string(b)
}

// actionSpans yields, in order, where each action of src, a template's
// source, opens ("{{", at i) and closes ("}}", at j): the text between
// its braces is src[i+2:j]. An action left open ends it.
func actionSpans(src string) iter.Seq2[int, int] {
	return func(yield func(int, int) bool) {
		for off := 0; ; {
			i := strings.Index(src[off:], "{{")
			if i < 0 {
				return
			}
			i += off
			j := strings.Index(src[i+2:], "}}")
			if j < 0 {
				return
			}
			j += i + 2
			off = j + 2
			if !yield(i, j) {
				return
			}
		}
	}
}

// beforeOpen is rest, a source's text after its last closed action
// (actionSpans), up to an action left open in it: the text a reader
// sees of it.
func beforeOpen(rest string) string {
	if k := strings.Index(rest, "{{"); k >= 0 {
		return rest[:k]
	}
	return rest
}

// literalText is what an action whose text between its braces is body
// prints when it prints a constant: a string literal ({{"\n"}}), or
// printf given one with no verb in it ({{printf "\n"}}); ok is false for
// any other action.
func literalText(body string) (string, bool) {
	body = untrimmed(body)
	if rest, ok := strings.CutPrefix(body, "printf "); ok {
		s, err := strconv.Unquote(strings.TrimSpace(rest))
		if err != nil || strings.Contains(s, "%") {
			return "", false
		}
		return s, true
	}
	s, err := strconv.Unquote(body)
	return s, err == nil
}
