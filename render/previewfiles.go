package render

import "path/filepath"

// PreviewMarker is the file tidings preview leaves in the folder it
// writes (sendpool/preview names it so): the messages it writes there are
// every recipient's, and row data may attach none of them.
const PreviewMarker = ".tidings-preview"

// PreviewMessagePattern matches the names preview gives its message files
// (report.EMLName: the row's number in six digits, a dash, its key).
const PreviewMessagePattern = "[0-9][0-9][0-9][0-9][0-9][0-9]-*.eml"

// PreviewWrote reports whether name, directly in a folder holding a
// PreviewMarker, is one tidings preview writes there: its marker, message
// files, index.html, report.csv, the gallery folder (its scripts and the
// messages' data, all of it the preview's) and the temporary files it
// renames into place. The folder's other files (a campaign's, when a
// preview was written into the campaign's folder) are not.
func PreviewWrote(name string) bool {
	for _, p := range []string{
		PreviewMarker, PreviewMessagePattern, "index.html", "report.csv", "gallery",
		".preview-rows-*", ".report.csv.*.tmp", ".index.html.*.tmp",
	} {
		if ok, _ := filepath.Match(p, name); ok { // the patterns are well-formed
			return true
		}
	}
	return false
}
