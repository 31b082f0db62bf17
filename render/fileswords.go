package render

import "slices"

// FilesWords names the row's files, the facet "" of Facets, as a person
// reads that they changed: "its attached files" (attachments made from
// the row), "its inline image" (the HTML body's cid:{{.qr_file}};
// "images" when it names several), or "its attached files and inline
// images"; "" when no file is the row's own.
func (r *Renderer) FilesWords() string {
	atts := slices.ContainsFunc(r.atts, func(af attField) bool { return !af.fixed })
	switch n := len(r.set.Images); {
	case atts && n > 0:
		return "its attached files and inline images"
	case atts:
		return "its attached files"
	case n == 1:
		return "its inline image"
	case n > 1:
		return "its inline images"
	}
	return ""
}
