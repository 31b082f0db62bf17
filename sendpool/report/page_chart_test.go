package report_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestPageDomainLabels: a domain whose first label is as long as DNS
// allows (63 letters) is named in the domain chart within the room for
// names, cut in its middle, left of its bars and inside the page, on a
// wide screen and a phone, with its whole name as the tooltip; it ran off
// the chart's left edge.
func TestPageDomainLabels(t *testing.T) {
	long := strings.Repeat("verylong", 7) + "labelxx" + ".example.com" // 63 + 12
	var rows []report.Row
	for i, d := range []string{long, long, long, "example.org", "example.net"} {
		key := fmt.Sprintf("r%d@%s", i, d)
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: sendpool.StatusSent})
	}
	for _, width := range []int{1280, 390} {
		p := rowsPage(t, "c.yaml", width, rows)
		got := p.str("labels", `(function () {
			var svg = document.getElementById('domain-svg').getBoundingClientRect(), out = [];
			document.querySelectorAll('#domain-svg .bar-row').forEach(function (g) {
				var label = g.querySelector('.dlabel'), r = label.getBoundingClientRect(), bar = g.querySelector('rect.seg').getBoundingClientRect();
				var t = label.querySelector('title'), name = t ? t.textContent : label.textContent;
				if (r.left < svg.left || r.left < 0) { out.push(name + ': starts left of the chart (' + r.left + ' < ' + svg.left + ')'); }
				if (r.right > bar.left) { out.push(name + ': runs into its bar (' + r.right + ' > ' + bar.left + ')'); }
				if (label.firstChild.data !== name && label.firstChild.data.indexOf('…') < 0) { out.push(name + ': shown as ' + label.firstChild.data); }
			});
			return out.length ? out.join('\n') : 'ok ' + document.querySelectorAll('#domain-svg .bar-row').length;
		})()`)
		if got != "ok 3" {
			t.Errorf("%d px wide, the domain chart's names:\n%s", width, got)
		}
		if got := p.str("long", `Array.from(document.querySelectorAll('#domain-svg .dlabel title')).map(function (e) { return e.textContent; }).join(' ')`); !strings.Contains(got, long) {
			t.Errorf("%d px wide, no label's tooltip names %s: %s", width, long, got)
		}
		for _, problem := range p.b.Problems() {
			t.Errorf("browser reported %s", problem)
		}
	}
}
