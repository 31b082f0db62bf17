package render

import (
	"bytes"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// hintInColumns returns err, the refusal of the address token of t's
// output for row, with the call of the address function its words
// suggest (genericFix) in t's own columns, when they tell it (see
// tokenFix); err itself otherwise. The error returned wraps err.
func (r *Renderer) hintInColumns(err error, t *templates.Template, row campaign.Row, token string) error {
	if !strings.Contains(err.Error(), genericFix) {
		return err
	}
	fix := r.tokenFix(t, row, token)
	if fix == genericFix {
		return err
	}
	return &fixedHint{err: err, text: strings.ReplaceAll(err.Error(), genericFix, fix)}
}

// fixedHint is an error whose words name the template's columns.
type fixedHint struct {
	err  error
	text string
}

func (e *fixedHint) Error() string { return e.text }
func (e *fixedHint) Unwrap() error { return e.err }

// tokenFix is the call of the address function that writes token, an
// address t made of row, in t's own terms, as addressFix tells it of the
// address a name column splits: t executed with a marker in every column,
// the address there is the one whose addr-spec is token's (the one
// column holding it in row, or the same text), and fixOf tells it. It is
// genericFix for a template of more than text and columns
// (FieldsOnly), or when no one address is found.
func (r *Renderer) tokenFix(t *templates.Template, row campaign.Row, token string) string {
	spec := tokenSpec(token)
	if !t.FieldsOnly() || spec == "" {
		return genericFix
	}
	cols := t.Columns()
	marked := campaign.Row{Values: make(map[string]string, len(cols))}
	want := spec
	for i, c := range cols {
		marked.Values[c] = columnMarker(i)
		if strings.TrimSpace(row.Values[c]) == spec {
			if want != spec {
				return genericFix // two columns hold it
			}
			want = columnMarker(i)
		}
	}
	v, err := r.value(t, marked, new(bytes.Buffer))
	if err != nil {
		return genericFix
	}
	var found []string
	for _, part := range shapeList(v).parts {
		if strings.Contains(part, want) {
			found = append(found, part)
		}
	}
	if len(found) != 1 {
		return genericFix
	}
	return fixOf(found[0], cols)
}

// tokenSpec is the addr-spec of token, an address: between its < >, or
// else its last word holding an @; "" when it has none.
func tokenSpec(token string) string {
	if strings.Contains(token, "<") {
		return addrPart(token)
	}
	words := strings.Fields(token)
	for i := len(words) - 1; i >= 0; i-- {
		if strings.Contains(words[i], "@") {
			return words[i]
		}
	}
	return ""
}
