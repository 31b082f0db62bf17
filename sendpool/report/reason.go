package report

import (
	"regexp"
	"strings"
)

// packagePrefix is the name of one of tidings' own packages that starts a
// row problem's reason ("render: ", "templates: ", "plan: ") and the index
// of a YAML list's entry ("attachments[0]: "); templatePlace a template's
// place in a setting's name ("to (/x/c.yaml:3): " reads "to: "): words for
// the one who reads the code.
var (
	packagePrefix = regexp.MustCompile(`^(?:(?:campaign|templates|render|plan): |attachments\[\d+\]: )+`)
	templatePlace = regexp.MustCompile(`^(\w+) \(.*?:\d+(?::\d+)?\): `)
)

// Reason is the reason of a problem of a row (a campaign.RowError's Err,
// its words) as a person reads it, in check's and preview's problem
// lines, the preview gallery, report.csv and send's list of rows not
// sent alike: without the package names and the list entry packagePrefix
// matches, the setting whose template failed named without its place
// in campaign.yaml (templatePlace), and not named at all when it is
// column, the column the line names ("templates: to (campaign.yaml:12):
// address: …" reads "to: address: …"). A reason that starts otherwise
// (a body's place, "body.html:14:3: …", which says which body) is as it
// is. Reason of its own words is those words.
func Reason(reason, column string) string {
	p := packagePrefix.ReplaceAllString(reason, "")
	p = templatePlace.ReplaceAllString(p, "$1: ")
	if column != "" {
		if rest, ok := strings.CutPrefix(p, column+": "); ok && rest != "" {
			p = rest
		}
	}
	return p
}
