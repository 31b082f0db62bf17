package render

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// unreadablePath is the row problem of p, the path the attachment
// template t made for row, that resolve could not read (err): blamed on
// a column t prints that is blank in row, and said so, when there is one
// and p shows its hole (hasEmptyPart: "{{.dir}}/{{.file}}" made "tickets/"
// of an empty file cell, and the problem named the filled dir, whose
// value the path holds); else on the column whose value p holds
// (Template.Column): "tickets/anne.pdf" of {{.name}}{{.suffix}}.pdf, its
// suffix blank as most rows', is a name mistyped, not the suffix's fault.
func (r *Renderer) unreadablePath(t *templates.Template, row campaign.Row, p string, err error) error {
	if blank := t.BlankPrinted(row); len(blank) > 0 && hasEmptyPart(p) {
		return r.rowErr(row, blank[0], fmt.Errorf("render: %s: column %q is empty in this row, so the path reads %q; fill the cell in (%w)", t.Name(), blank[0], p, err))
	}
	return r.rowErr(row, t.Column(row, p), fmt.Errorf("render: %s: %w", t.Name(), err))
}

// hasEmptyPart reports whether the path p has a part a blank cell would
// leave empty: none at all, an empty folder name ("a//b", "tickets/"), or
// a file name that is only its extension or white space ("tickets/.pdf").
func hasEmptyPart(p string) bool {
	p = filepath.ToSlash(p)
	if strings.TrimSpace(p) == "" || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
		return true
	}
	base := path.Base(p)
	return strings.TrimSpace(strings.TrimSuffix(base, path.Ext(base))) == ""
}
