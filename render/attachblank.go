package render

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// unreadablePath is the row problem of p, the path the attachment
// template t made for row, that resolve could not read (err): blamed on
// a column t prints that is blank in row, and said so, when there is one
// ("{{.dir}}/{{.file}}" made "tickets/" of an empty file cell, and the
// problem named the filled dir, whose value the path holds); else on the
// column whose value p holds (Template.Column).
func (r *Renderer) unreadablePath(t *templates.Template, row campaign.Row, p string, err error) error {
	if blank := t.BlankPrinted(row); len(blank) > 0 {
		return r.rowErr(row, blank[0], fmt.Errorf("render: %s: column %q is empty in this row, so the path reads %q; fill the cell in (%w)", t.Name(), blank[0], p, err))
	}
	return r.rowErr(row, t.Column(row, p), fmt.Errorf("render: %s: %w", t.Name(), err))
}
