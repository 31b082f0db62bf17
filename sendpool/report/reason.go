package report

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool/spool"
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
// is. The column's name is left out only with the words for developers
// before it, so that Reason of its own words is those words, a reason
// that starts with its column's name included ("to: address: …" on the
// line of the column "to", which a spool keeps as Reason worded it, and
// report, show and check word again: ProblemLines).
func Reason(reason, column string) string {
	for {
		p := packagePrefix.ReplaceAllString(reason, "")
		p = templatePlace.ReplaceAllString(p, "$1: ")
		if p == reason {
			return p
		}
		if column != "" {
			if rest, ok := strings.CutPrefix(p, column+": "); ok && rest != "" {
				p = rest
			}
		}
		reason = p
	}
}

// problemPlace matches the place a row problem's line names first, as
// campaign.RowError writes it: its file, row and, if any, column (quoted,
// submatch 1): `r.csv: row 3, column "paid": `.
var problemPlace = regexp.MustCompile(`^.*?: row \d+(?:, column ("(?:[^"\\]|\\.)*"))?: `)

// ProblemLines are the lines of detail, a row's problems as a spool
// keeps them (the spool.Row.Detail of a spool.KindInvalid, a line each,
// its place first), each with its reason as Reason words it: a spool an
// older tidings wrote kept the package names ("campaign: the cell holds
// …"), which check, show and report leave out as they do for a row just
// rendered.
func ProblemLines(detail string) []string {
	lines := spool.DetailLines(detail)
	for i, line := range lines {
		m := problemPlace.FindStringSubmatchIndex(line)
		if m == nil {
			lines[i] = Reason(line, "")
			continue
		}
		column := ""
		if m[2] >= 0 {
			column, _ = strconv.Unquote(line[m[2]:m[3]])
		}
		lines[i] = line[:m[1]] + Reason(line[m[1]:], column)
	}
	return lines
}

// ProblemLine is ProblemLines on one line, "; " between them, as
// spool.DetailLine joins them.
func ProblemLine(detail string) string { return strings.Join(ProblemLines(detail), "; ") }
