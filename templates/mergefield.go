package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ErrMergeField is wrapped by the FileError of a template whose own text
// holds a Word merge field («Name», as Word shows one and a document's
// text pasted into a template keeps): text/template does not read it, so
// it would go out in every message as it is.
var ErrMergeField = errors.New("a Word merge field, which Go templates send as it is")

// mergeFieldRE finds text in guillemets on one line: «Name», «First Name».
var mergeFieldRE = regexp.MustCompile(`«([^«»\n]{1,100})»`)

// checkMergeFields reports every Word merge field in text, the template's
// own text nodes, at its line, with the action to write. Only guillemets
// right around a column's name count: «Bonjour», a French quotation, is
// text, and so is « Nom », one of a column's name as French typography
// spaces it (Word shows a field with no space inside its guillemets).
func (cp *compiler) checkMergeFields(t *Template, text []colRef) {
	for _, tn := range text {
		for _, m := range mergeFieldRE.FindAllStringSubmatchIndex(tn.name, -1) {
			field := tn.name[m[2]:m[3]]
			if field != strings.TrimSpace(field) {
				continue // « nom »: French quotes, spaced; Word's fields are not
			}
			col := cp.columnLike(field)
			if col == "" {
				continue
			}
			line := cp.line(t, tn.node)
			if line > 0 {
				line += strings.Count(tn.name[:m[0]], "\n")
			}
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: line,
				Err: fmt.Errorf("templates: %s: %s: %w; write %s", t.name, tn.name[m[0]:m[1]], ErrMergeField, fieldAction(col)),
			})
		}
	}
}

// fieldAction is the action that prints column col: {{.name}}, or
// {{index . "First Name"}} for a header that is no identifier (its
// Identifier form works too, but the header is what the user wrote).
func fieldAction(col string) string {
	if isIdentifier(col) {
		return "{{." + col + "}}"
	}
	return fmt.Sprintf("{{.%s}} (or {{index . %q}})", Identifier(col), col)
}
