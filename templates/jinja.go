package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// ErrJinja is wrapped by the FileError of a template whose own text holds
// a Jinja block tag ({% if x %}) or comment ({# … #}), as Python's
// mailmerge writes them: text/template does not read them, so they would
// go out in every message as they are.
var ErrJinja = errors.New("Jinja syntax, which Go templates send as it is")

// jinjaRE finds a Jinja block tag that closes on its line within 200
// bytes, or a comment that closes within 500 (over lines). Only the
// template's own text is searched (its text nodes), so a value from the
// sheet holding "{%" is no error, and CSS (@keyframes a{0%{…}}) has no
// "{%" to match.
var jinjaRE = regexp.MustCompile(`\{%[-+]?\s*([^%{}\n]{1,200}?)\s*[-+]?%\}|\{#[-+]?((?s:[^#]{0,500}?))[-+]?#\}`)

// checkJinja reports every Jinja tag or comment in text, the template's
// own text nodes, at its line, with the text/template form to write.
func (cp *compiler) checkJinja(t *Template, text []colRef) {
	for _, tn := range text {
		cp.jinjaIn(t, tn.name, cp.line(t, tn.node), int(tn.node.Position()))
	}
}

// checkJinjaSource reports the Jinja tags and comments of t's source
// outside its actions, for a template that does not parse, whose text
// nodes checkJinja never sees: a mailmerge template's {% for x in y %}
// is told beside the parse error its {{ x }} makes, not after it is
// fixed.
func (cp *compiler) checkJinjaSource(t *Template) {
	text := sourceActionRE.ReplaceAllStringFunc(t.source, func(a string) string {
		b := []byte(a) // the action's bytes blanked, its lines and the offsets after it kept
		for i := range b {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
		return string(b)
	})
	cp.jinjaIn(t, text, t.line, 0)
}

// sourceActionRE finds an action of a template's source, over lines.
var sourceActionRE = regexp.MustCompile(`(?s)\{\{.*?\}\}`)

// jinjaIn reports every Jinja tag or comment in text, the template's own
// text starting at line (0: unknown) of t's file and at byte offset of
// its source.
func (cp *compiler) jinjaIn(t *Template, text string, line, offset int) {
	for _, m := range jinjaRE.FindAllStringSubmatchIndex(text, -1) {
		at := line
		if at > 0 {
			at += strings.Count(text[:m[0]], "\n")
		}
		found := text[m[0]:m[1]]
		fix := ""
		if m[2] >= 0 {
			fix = jinjaTrim(found, cp.jinjaTag(text[m[2]:m[3]]))
		} else {
			fix = jinjaComment(text[m[4]:m[5]])
		}
		cp.errs = append(cp.errs, &campaign.FileError{
			File: t.file, Line: at, Column: cp.column(t, offset+m[0]),
			Err: fmt.Errorf("templates: %s: %s: %w; %s; %s", t.name, clipLine(found), ErrJinja, fix, jinjaLiteral(found[:2])),
		})
	}
}

// jinjaTag is what to write for the Jinja tag whose inside is tag ("if
// betrag", "endfor").
func (cp *compiler) jinjaTag(tag string) string {
	words := strings.Fields(tag)
	switch words[0] {
	case "if":
		return "write " + cp.jinjaIf("{{if ", words[1:])
	case "elif":
		return "write " + cp.jinjaIf("{{else if ", words[1:])
	case "else":
		return "write {{else}}"
	case "endif", "endfor", "endwith":
		return "write {{end}}"
	case "for":
		return cp.jinjaFor(words[1:])
	case "set":
		return "write {{$name := …}}"
	}
	return "text/template writes {{if}}, {{range}}, {{with}}, {{else}} and {{end}}; tidings help templates shows them"
}

// jinjaFor is what to write for a Jinja for loop whose words follow
// "for": over a column ("x in items"), or over a column's parts as
// Python splits them ("x in items.split(';')").
func (cp *compiler) jinjaFor(words []string) string {
	if len(words) != 3 || words[1] != "in" {
		return "write {{range …}} … {{end}}"
	}
	if m := jinjaSplitRE.FindStringSubmatch(words[2]); m != nil {
		return fmt.Sprintf("write {{range split %q %s}} (inside it, {{.}} is the item)", m[2]+m[3], cp.jinjaField(m[1]))
	}
	if !isIdentifier(words[2]) {
		return "write {{range …}} … {{end}} (inside it, {{.}} is the item)"
	}
	f := cp.jinjaField(words[2])
	return fmt.Sprintf("write {{range %s}} (inside it, {{.}} is the item; a column is text: {{range split \",\" %s}} loops over its parts)", f, f)
}

// jinjaSplitRE matches a column split as Python writes it: items.split(";")
// or items.split(';'), the separator in m[2] or m[3].
var jinjaSplitRE = regexp.MustCompile(`^(\w+)\.split\((?:"([^"]*)"|'([^']*)')\)$`)

// jinjaIf writes a Jinja condition (its words) after open: a column,
// not and a column, or a column compared with text (grade == "C-", as
// mailmerge's README writes it); anything else as … with a word on
// conditions.
func (cp *compiler) jinjaIf(open string, cond []string) string {
	switch {
	case len(cond) == 1 && isIdentifier(cond[0]):
		return open + cp.jinjaField(cond[0]) + "}}"
	case len(cond) == 2 && cond[0] == "not" && isIdentifier(cond[1]):
		return open + "not " + cp.jinjaField(cond[1]) + "}}"
	}
	if m := jinjaCompareRE.FindStringSubmatch(strings.Join(cond, " ")); m != nil {
		return fmt.Sprintf("%s%s %s %q}}", open, compareFuncs[m[2]], cp.jinjaField(m[1]), m[3]+m[4])
	}
	return open + "…}} (conditions are calls: {{if eq .a \"x\"}}, {{if and .a .b}}, {{if not .a}})"
}

// compareFuncs are the template functions of the comparisons other
// languages write as operators (Jinja's, Thunderbird's between bars).
var compareFuncs = map[string]string{"==": "eq", "!=": "ne"}

// jinjaCompareRE matches a Jinja condition comparing a column with text
// in double or single quotes: role == "phd", grade != 'F'.
var jinjaCompareRE = regexp.MustCompile(`^(\w+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)')$`)

// jinjaField is how a template writes the value a Jinja name means: the
// column it names, in any case, as a field ({{.Name}}), or the name with
// a dot.
func (cp *compiler) jinjaField(name string) string {
	if c := cp.columnLike(name); c != "" {
		return "." + Identifier(c)
	}
	return "." + name
}

// jinjaLiteral says how to send open, a Jinja tag's opening ("{%" or
// "{#"), as it is: written as text in an action ({{"{%"}}), it is no
// longer the template's own text, which checkJinja reads.
func jinjaLiteral(open string) string {
	return fmt.Sprintf("to send %s as it is, write {{%q}}", open, open)
}

// jinjaComment is what to write for a Jinja comment holding text.
func jinjaComment(text string) string {
	text = strings.TrimSpace(text)
	if len(text) > 40 || strings.Contains(text, "\n") {
		text = "…"
	}
	return fmt.Sprintf("write {{/* %s */}}", text)
}

// column is the column (in characters, from 1) of byte offset of t's
// source in a body file, or 0: a header's template is a value of the
// campaign file, whose own columns its offsets are not.
func (cp *compiler) column(t *Template, offset int) int {
	if t.file == cp.c.File || t.line != 1 || offset < 0 || offset > len(t.source) {
		return 0
	}
	start := strings.LastIndexByte(t.source[:offset], '\n') + 1
	return utf8.RuneCountInString(t.source[start:offset]) + 1
}

// jinjaTrim carries the trim markers of found, a Jinja tag ({%- if x -%}),
// to fix, the action to write for it ("write {{if .x}} …"), where they
// mean the same: the spaces and line breaks before or after go. A fix that
// writes no action is left as it is.
func jinjaTrim(found, fix string) string {
	if !strings.HasPrefix(fix, "write {{") {
		return fix
	}
	if strings.HasPrefix(found, "{%-") {
		fix = "write {{- " + strings.TrimPrefix(fix, "write {{")
	}
	if strings.HasSuffix(found, "-%}") {
		fix = strings.Replace(fix, "}}", " -}}", 1)
	}
	return fix
}
