package report

import (
	"bytes"
	"maps"
	"slices"
)

// pageBudget bounds the JSON data block of report.html, which keeps the
// page under a megabyte with its markup, style and script.
const pageBudget = 800 << 10

// pageTrims shorten the page's texts, each more than the one before. The
// data is bounded by counts (runs, buckets, domains, reply kinds, marks)
// and its texts by length, but texts of characters JSON writes in six
// bytes (<, >, & and the like, from hostile sheets and servers) could
// still add up to megabytes. After the last trim only short texts remain,
// and the counts hold the data to a few hundred kilobytes.
var pageTrims = []func(*pageData){trimRunTexts, trimExamples, trimAllTexts}

// fitPage returns d as JSON safe in a script, trimmed (and marked so) until
// it fits pageBudget.
func fitPage(d *pageData) ([]byte, error) {
	for i := 0; ; i++ {
		var buf bytes.Buffer
		if err := scriptJSON(&buf, d); err != nil {
			return nil, err
		}
		if buf.Len() <= pageBudget || i == len(pageTrims) {
			return buf.Bytes(), nil
		}
		pageTrims[i](d)
		d.Trimmed = true
	}
}

// trimRunTexts keeps the recorded settings of the last ten runs only, four
// of them each, and shortens the runs' versions and stops.
func trimRunTexts(d *pageData) {
	for i := range d.Runs {
		r := &d.Runs[i]
		r.Version, r.Stop = truncate(r.Version, 40), truncate(r.Stop, 120)
		if i < len(d.Runs)-10 {
			r.Flags = nil
		}
		r.Flags = trimMap(r.Flags, 4, 40)
	}
}

// trimExamples shortens the reply examples and the throttling marks, and
// the per-domain limits listed.
func trimExamples(d *pageData) {
	for i := range d.Replies {
		d.Replies[i].Example = truncate(d.Replies[i].Example, 80)
	}
	d.Timeline.Marks = d.Timeline.Marks[:min(len(d.Timeline.Marks), 20)]
	for i := range d.Timeline.Marks {
		d.Timeline.Marks[i].Text = truncate(d.Timeline.Marks[i].Text, 80)
	}
	for i := range d.Runs {
		d.Runs[i].Stop = truncate(d.Runs[i].Stop, 60)
	}
	d.Settings.Domains = trimMap(d.Settings.Domains, 20, 40)
}

// trimAllTexts leaves the numbers and short names only.
func trimAllTexts(d *pageData) {
	for i := range d.Replies {
		d.Replies[i].Example = ""
	}
	for i := range d.Timeline.Marks {
		d.Timeline.Marks[i].Text, d.Timeline.Marks[i].Domain = "", ""
	}
	for i := range d.Runs {
		d.Runs[i].Flags, d.Runs[i].Version, d.Runs[i].Stop = nil, "", truncate(d.Runs[i].Stop, 40)
	}
	for i := range d.Domains {
		d.Domains[i].Domain = truncate(d.Domains[i].Domain, 60)
	}
	d.Campaign, d.Settings.Rate, d.Settings.Domains = truncate(d.Campaign, 60), truncate(d.Settings.Rate, 40), nil
	if len(d.CampaignPath) > 1000 {
		d.CampaignPath = ""
	}
}

// trimMap keeps the first n entries of m by key, their keys and values
// cut to runes.
func trimMap(m map[string]string, n, runes int) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range slices.Sorted(maps.Keys(m))[:min(len(m), n)] {
		out[truncate(k, runes)] = truncate(m[k], runes)
	}
	return out
}
