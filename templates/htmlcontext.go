package templates

import (
	"fmt"
	"strings"
)

// endContext explains html/template's ErrEndContext, "ends in a non-text
// context: {stateAttr delimDoubleQuote …}" (its internal state, which
// tells a person nothing), for the template source src: what was left
// open (a tag, an attribute's quote, a comment, a script or style
// element) and, when a scan of src finds where it opened, that line
// (1-based; 0 when not found). Written by hand: html/template keeps the
// position to itself, and no library scans a template's HTML around its
// actions.
func endContext(state, src string) (words string, line int) {
	open := scanOpen(src)
	switch {
	case strings.Contains(state, "delimDoubleQuote") || strings.Contains(state, "delimSingleQuote"):
		q := `"`
		if strings.Contains(state, "delimSingleQuote") {
			q = "'"
		}
		if open.kind == q {
			return fmt.Sprintf("the value of %s=%s opened at line %d is never closed with %s", open.name, q, open.line, q), open.line
		}
		return fmt.Sprintf("an attribute's value opened with %s is never closed with %s", q, q), 0
	case strings.Contains(state, "stateHTMLCmt"):
		if open.kind == "<!--" {
			return fmt.Sprintf("the comment <!-- opened at line %d is never closed with -->", open.line), open.line
		}
		return "a comment <!-- is never closed with -->", 0
	case strings.Contains(state, "stateTag") || strings.Contains(state, "stateAttrName") || strings.Contains(state, "stateAfterName") ||
		strings.Contains(state, "stateBeforeValue") || strings.Contains(state, "delimSpaceOrTagEnd"):
		if open.kind == "<" {
			return fmt.Sprintf("the tag <%s opened at line %d is never closed with >", open.name, open.line), open.line
		}
		return "a tag is never closed with >", 0
	case strings.Contains(state, "stateJS") || strings.Contains(state, "elementScript"):
		return "a <script> element, or a string, comment or template literal inside it, is never closed", 0
	case strings.Contains(state, "stateCSS") || strings.Contains(state, "elementStyle"):
		return "a <style> element, or a string or comment inside it, is never closed", 0
	case strings.Contains(state, "elementTextarea") || strings.Contains(state, "elementTitle") || strings.Contains(state, "stateRCDATA"):
		return "a <textarea> or <title> element is never closed", 0
	}
	return "it ends inside a tag, an attribute or an element that is never closed", 0
}

// endContextError is html/template's ErrEndContext error (err) of the
// template of campaign key, told in words (endContext).
type endContextError struct {
	key, words string
	err        error
}

func (e *endContextError) Error() string {
	return fmt.Sprintf("templates: %s: the HTML does not end as text: %s", e.key, e.words)
}

func (e *endContextError) Unwrap() error { return e.err }

// opened is what scanOpen found open at the end of a template: kind is
// "<" (a tag), `"` or "'" (an attribute's value), "<!--" (a comment) or
// "" (nothing); name the tag's or attribute's name.
type opened struct {
	kind, name string
	line       int
}

// scanOpen scans src's HTML, skipping {{actions}}, and returns what is
// still open at its end. It knows tags, quoted attribute values and
// comments, which is what a template left open shows; the text of script
// and style elements is skipped to their end tag.
func scanOpen(src string) opened {
	var cur, tag opened
	line, attr, raw := 1, "", ""
	for i := 0; i < len(src); i++ {
		if strings.HasPrefix(src[i:], "{{") {
			end := strings.Index(src[i:], "}}")
			if end < 0 {
				break
			}
			line += strings.Count(src[i:i+end], "\n")
			i += end + 1
			continue
		}
		c := src[i]
		if c == '\n' {
			line++
		}
		switch cur.kind {
		case "":
			switch {
			case raw != "":
				if strings.HasPrefix(strings.ToLower(src[i:]), "</"+raw) {
					raw = ""
				}
			case strings.HasPrefix(src[i:], "<!--"):
				cur = opened{kind: "<!--", line: line}
				i += 3
			case c == '<' && i+1 < len(src) && (isASCIILetter(src[i+1]) || src[i+1] == '/'):
				name := tagName(src[i+1:])
				tag = opened{kind: "<", name: name, line: line}
				cur = tag
			}
		case "<":
			switch {
			case c == '"' || c == '\'':
				cur = opened{kind: string(c), name: attr, line: line}
			case c == '>':
				cur = opened{}
				if n := strings.ToLower(tag.name); n == "script" || n == "style" {
					raw = n
				}
			case c == '=' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/':
			default:
				if i > 0 && strings.ContainsRune(" \t\r\n", rune(src[i-1])) {
					attr = attrName(src[i:])
				}
			}
		case "<!--":
			if strings.HasPrefix(src[i:], "-->") {
				cur = opened{}
				i += 2
			}
		default: // inside a quoted value
			if string(c) == cur.kind {
				cur = tag
			}
		}
	}
	return cur
}

// tagName is the name at the start of s (after "<"), a leading "/" kept.
func tagName(s string) string {
	end := strings.IndexAny(s, " \t\r\n>/{")
	if strings.HasPrefix(s, "/") {
		end = strings.IndexAny(s[1:], " \t\r\n>{")
		if end >= 0 {
			end++
		}
	}
	if end < 0 {
		return s
	}
	return s[:end]
}

// attrName is the attribute name at the start of s.
func attrName(s string) string {
	end := strings.IndexAny(s, "= \t\r\n>/\"'{")
	if end < 0 {
		return s
	}
	return s[:end]
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
