package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ErrHalfOpen is wrapped by the FileError of a template whose own text
// holds a column written with one opening brace ("{.name}}"): a typo for
// {{.name}} that text/template takes for text, so every message would
// show it as it is.
var ErrHalfOpen = errors.New("a column opened with one {, which Go templates send as it is")

// halfOpenRE finds "{.name}}" (spaces allowed inside): one "{", a dot and
// an identifier, two "}". JavaScript's "{...x}}" and CSS have no such
// dot-and-letter after a lone brace.
var halfOpenRE = regexp.MustCompile(`\{[ \t]*\.([\p{L}_][\p{L}\p{N}_]*)[ \t]*\}\}`)

// checkHalfOpen reports every "{.name}}" in text, the template's own
// text nodes, at its line, with the action to write: an error when name
// is a column or near one (a typo), a warning otherwise ("\emph{.bashrc}}"
// in LaTeX a newsletter quotes), which goes out as it is.
func (cp *compiler) checkHalfOpen(t *Template, text []colRef) {
	for _, tn := range text {
		for _, m := range halfOpenRE.FindAllStringSubmatchIndex(tn.name, -1) {
			line := cp.line(t, tn.node)
			if line > 0 {
				line += strings.Count(tn.name[:m[0]], "\n")
			}
			written, name := tn.name[m[0]:m[1]], tn.name[m[2]:m[3]]
			if cp.names.resolve(name) == "" && cp.names.suggest(name, cp.columns) == "" {
				w := &campaign.FileError{File: t.file, Line: line, Err: fmt.Errorf(
					"templates: %s: %s: no column %q, so it goes out as it is; if a column was meant, write it {{.column}}; to keep the text and this warning away, write {{`%s`}}",
					t.name, written, name, written)}
				cp.warns = append(cp.warns, w.Error())
				continue
			}
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: line,
				Err: fmt.Errorf("templates: %s: %s: %w; write {{.%s}}", t.name, written, ErrHalfOpen, name),
			})
		}
	}
}
