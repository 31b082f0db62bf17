package render

import "bytes"

// blankComments returns src, a template's text, with its comments
// ({{/* … */}}, also with trim markers: {{- /* … */ -}}) made spaces, line
// breaks kept, so that what a comment holds (an old <img>, a link kept for
// later) is not taken for what the template writes, and lines are where
// they were. src is returned as it is when it holds no comment; an
// unclosed comment (which text/template refused already) is left.
func blankComments(src []byte) []byte {
	var out []byte
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("{{"))
		if j < 0 {
			break
		}
		start := i + j
		end := commentEnd(src, start)
		if end < 0 {
			i = start + 2
			continue
		}
		if out == nil {
			out = bytes.Clone(src)
		}
		for k := start; k < end; k++ {
			if out[k] != '\n' {
				out[k] = ' '
			}
		}
		i = end
	}
	if out == nil {
		return src
	}
	return out
}

// commentEnd returns where the comment action starting at src[start]
// ("{{") ends, past its "}}", or -1 when no comment starts there.
func commentEnd(src []byte, start int) int {
	k := start + 2
	if k+1 < len(src) && src[k] == '-' && isSpace(src[k+1]) {
		k += 2 // a trim marker is followed by a space
	}
	if !bytes.HasPrefix(src[k:], []byte("/*")) {
		return -1
	}
	close := bytes.Index(src[k+2:], []byte("*/"))
	if close < 0 {
		return -1
	}
	k += 2 + close + 2
	if k+1 < len(src) && isSpace(src[k]) && src[k+1] == '-' { // a space, tab or line break
		k += 2
	}
	if !bytes.HasPrefix(src[k:], []byte("}}")) {
		return -1
	}
	return k + 2
}
