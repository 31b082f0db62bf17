package render

import (
	"slices"

	"github.com/tidings/tidings/campaign"
)

// MergeWarnings are the warnings about the sheet's merged ranges
// (campaign.Sheet.MergedRanges) in the columns the campaign reads: those
// a template names, an address header's included, and those that choose
// the rows (recipients.only_blank, only_filled). Every row a range
// covers takes its value, which changes the messages, or who gets one,
// only where a column is read: a range in a column nothing reads (a
// title spanning columns, a notes column) is left out. A range in the
// key column is no warning but each row's problem, as is one in a column
// the To reads (mergedError), which is warned about too. Safe for
// concurrent use.
func (r *Renderer) MergeWarnings(ranges []campaign.MergedRange) []string {
	var out []string
	chooses := slices.Concat(r.c.Recipients.OnlyBlank, r.c.Recipients.OnlyFilled)
	for _, m := range ranges {
		if slices.Contains(r.used, m.Column) || slices.Contains(chooses, m.Column) {
			out = append(out, m.Warning())
		}
	}
	return out
}
