package render

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"runtime"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

const newsletterYAML = `name: newsletter
from: "Acme News <news@acme.example>"
reply_to: "Acme Help <help@acme.example>"
to: '{{address (printf "%s %s" .first_name .last_name) .email}}'
subject: "{{.first_name}}, your {{.plan}} digest for November"
text: body.txt
html: body.html
headers:
  X-Campaign: nov-2026
  X-Member: "{{.id}}"
unsubscribe:
  url: "https://acme.example/unsubscribe?id={{.id}}"
  mailto: "unsubscribe@acme.example"
  one_click: true
list_id: "Acme News <news.acme.example>"
recipients: {path: people.csv}
`

var newsletterColumns = []string{"email", "first_name", "last_name", "city", "plan", "member_since", "points", "id"}

// newsletterFiles is a 5 KB HTML and a 1 KB text body with eight fields
// (seven columns) each, shaped like a real newsletter.
func newsletterFiles() map[string]string {
	var h strings.Builder
	h.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Acme News</title></head>\n")
	h.WriteString("<body style=\"margin:0;padding:0;background:#f4f4f4;font-family:Helvetica,Arial,sans-serif\">\n")
	h.WriteString("<table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" role=\"presentation\">\n")
	h.WriteString("<tr><td style=\"padding:24px\"><h1>Hello {{.first_name}} {{.last_name}}!</h1>\n")
	h.WriteString("<p>Your {{.plan}} membership since {{.member_since}} has earned you {{.points}} points.</p></td></tr>\n")
	h.WriteString("<tr><td style=\"padding:12px 24px\"><h2>This month in {{.city}}</h2></td></tr>\n")
	for i := 1; h.Len() < 4700; i++ {
		fmt.Fprintf(&h, "<tr><td style=\"padding:12px 24px;border-top:1px solid #ddd\">\n<h2>Story %d</h2>\n", i)
		h.WriteString("<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n")
		h.WriteString("tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam,\n")
		h.WriteString("quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo.</p>\n")
		fmt.Fprintf(&h, "<p><a href=\"https://acme.example/story/%d\">Read more</a></p></td></tr>\n", i)
	}
	h.WriteString("<tr><td><a href=\"https://acme.example/unsubscribe?id={{.id}}\">Unsubscribe</a></td></tr>\n</table></body></html>\n")

	var t strings.Builder
	t.WriteString("Hello {{.first_name}} {{.last_name}}!\n\nYour {{.plan}} membership since {{.member_since}}\nhas earned you {{.points}} points. This month in {{.city}}:\n\n")
	for i := 1; t.Len() < 900; i++ {
		fmt.Fprintf(&t, "Story %d\nLorem ipsum dolor sit amet, consectetur adipiscing elit.\nhttps://acme.example/story/%d\n\n", i, i)
	}
	t.WriteString("Unsubscribe: https://acme.example/unsubscribe?id={{.id}}\n")
	return map[string]string{"body.html": h.String(), "body.txt": t.String()}
}

func newsletterRows() []campaign.Row {
	people := [][3]string{
		{"Ann", "Lee", "Boston"}, {"Élodie", "Dupont", "Besançon"}, {"三", "张", "北京"}, {"Jörg", "Müller", "Köln"},
	}
	rows := make([]campaign.Row, 0, 64)
	for i := range 64 {
		p := people[i%len(people)]
		rows = append(rows, row(i+2,
			"email", fmt.Sprintf("member%d@example.com", i), "first_name", p[0], "last_name", p[1], "city", p[2],
			"plan", "Gold", "member_since", "2019-04-01", "points", fmt.Sprint(1000+i*37), "id", fmt.Sprintf("m-%06d", i)))
	}
	return rows
}

func TestNewsletterFixture(t *testing.T) {
	f := newsletterFiles()
	if n := len(f["body.html"]); n < 4700 || n > 5300 {
		t.Errorf("html is %d bytes, want about 5 KB", n)
	}
	if n := len(f["body.txt"]); n < 900 || n > 1200 {
		t.Errorf("text is %d bytes, want about 1 KB", n)
	}
	e := setup(t, newsletterYAML, f, newsletterColumns)
	for _, r := range newsletterRows()[:4] {
		m, err := e.r.Render(r)
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, m.Data, false)
		verify(t, e, r, m, nil)
	}
}

// BenchmarkRenderNewsletter renders the newsletter for rows in turn:
// templates, checks and MIME.
func BenchmarkRenderNewsletter(b *testing.B) {
	e := setup(b, newsletterYAML, newsletterFiles(), newsletterColumns)
	rows := newsletterRows()
	var n, size int
	b.ReportAllocs()
	for b.Loop() {
		m, err := e.r.Render(rows[n%len(rows)])
		if err != nil {
			b.Fatal(err)
		}
		size += len(m.Data)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(size)/float64(n), "bytes/msg")
}

// BenchmarkBuildMIME builds the same messages from already rendered and
// checked values: the header section and MIME body alone, no templates.
// The ratio BenchmarkRenderNewsletter / BenchmarkBuildMIME in msgs/s is the
// share of time rendering leaves to building.
func BenchmarkBuildMIME(b *testing.B) {
	e := setup(b, newsletterYAML, newsletterFiles(), newsletterColumns)
	rows := newsletterRows()
	type ready struct {
		key string
		p   *parts
	}
	prepared := make([]ready, len(rows))
	for i, r := range rows {
		st := new(state) // kept: the parts point into its buffers
		m := &Message{Row: r.Number, Key: r.Values["email"]}
		p, err := e.r.evaluate(st, r, m)
		if err != nil {
			b.Fatal(err)
		}
		prepared[i] = ready{key: m.Key, p: p}
	}
	st := new(state)
	var n, size int
	b.ReportAllocs()
	for b.Loop() {
		x := prepared[n%len(prepared)]
		if err := e.r.build(st, x.key, x.p); err != nil {
			b.Fatal(err)
		}
		data := bytes.Clone(st.msg.Bytes())
		size += len(data)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(size)/float64(n), "bytes/msg")
}

// genSheet generates n newsletter rows on the fly, like a long CSV.
type genSheet struct {
	n, i int
	rows []campaign.Row
}

func (g *genSheet) Columns() []string                    { return newsletterColumns }
func (g *genSheet) Warnings() []string                   { return nil }
func (g *genSheet) MergedRanges() []campaign.MergedRange { return nil }

func (g *genSheet) HeaderRow() int { return 1 }
func (g *genSheet) Close() error   { return nil }
func (g *genSheet) Next(ctx context.Context) (campaign.Row, error) {
	if g.i >= g.n {
		return campaign.Row{}, io.EOF
	}
	r := g.rows[g.i%len(g.rows)]
	vals := maps.Clone(r.Values)
	vals["email"] = fmt.Sprintf("member%d@example.com", g.i)
	g.i++
	return campaign.Row{Number: g.i + 1, Values: vals}, nil
}

// BenchmarkEachNewsletter streams b.N generated rows through Each on two
// workers and reports the largest heap seen: it stays flat however many
// rows go through.
func BenchmarkEachNewsletter(b *testing.B) {
	e := setup(b, newsletterYAML, newsletterFiles(), newsletterColumns)
	sheet := &genSheet{n: b.N, rows: newsletterRows()}
	var ms runtime.MemStats
	var peak uint64
	seen := 0
	b.ReportAllocs()
	b.ResetTimer()
	err := e.r.Each(context.Background(), sheet, 2, func(m *Message, err error) error {
		if err != nil {
			return err
		}
		if seen++; seen%5000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(seen)/b.Elapsed().Seconds(), "msgs/s")
	if peak > 0 {
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	}
}
