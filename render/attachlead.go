package render

import (
	"fmt"
	"path/filepath"

	"github.com/tidings/tidings/campaign"
)

// absoluteLead refuses lead, the text an attachment template writes
// before the row's values ("/srv/invoices/" of
// /srv/invoices/{{.no}}.pdf), when it is an absolute path whose folder
// a path made from row data may not come from (no absolute
// attachments_dir, or one that does not hold it): every row would be
// refused alike, so it is the template's error, naming the
// attachments_dir to set. A lead in the filesystem's root is left to the
// rows.
func (a *attacher) absoluteLead(lead string) error {
	if !filepath.IsAbs(lead) {
		return nil
	}
	dir := filepath.Dir(lead) // "/srv/invoices/" and "/srv/invoices/INV-" are /srv/invoices
	// "/{{.path}}": the filesystem's root is no folder to suggest.
	if dir == filepath.Dir(dir) || a.absOK && campaign.Inside(a.root, dir) {
		return nil
	}
	return fmt.Errorf("%w: the path starts with the absolute folder %s, and paths made from row data stay in %s: set attachments_dir: %s (an absolute folder attachment paths may come from)", ErrAttachmentPath, dir, a.root, dir)
}
