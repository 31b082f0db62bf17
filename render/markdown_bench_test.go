package render

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

// markdownNewsletterYAML is newsletterYAML with the text and HTML bodies
// made from one Markdown file in the built-in layout.
var markdownNewsletterYAML = strings.Replace(newsletterYAML, "text: body.txt\nhtml: body.html\n", "markdown: body.md\n", 1)

// newsletterMarkdown is the newsletter of newsletterFiles written as
// Markdown: the same stories and links, and the same eight fields (seven
// columns).
func newsletterMarkdown() map[string]string {
	var m strings.Builder
	m.WriteString("# Hello {{.first_name}} {{.last_name}}!\n\n")
	m.WriteString("Your **{{.plan}}** membership since {{.member_since}} has earned you {{.points}} points.\n\n")
	m.WriteString("## This month in {{.city}}\n\n")
	for i := 1; m.Len() < 2600; i++ {
		fmt.Fprintf(&m, "### Story %d\n\n", i)
		m.WriteString("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\n")
		m.WriteString("tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam,\n")
		m.WriteString("quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo.\n\n")
		fmt.Fprintf(&m, "[Read more](https://acme.example/story/%d)\n\n", i)
	}
	m.WriteString("---\n\n[Unsubscribe](https://acme.example/unsubscribe?id={{.id}})\n")
	return map[string]string{"body.md": m.String()}
}

func TestMarkdownNewsletterFixture(t *testing.T) {
	e := setup(t, markdownNewsletterYAML, newsletterMarkdown(), newsletterColumns)
	for _, r := range newsletterRows()[:4] {
		m, err := e.r.Render(r)
		if err != nil {
			t.Fatal(err)
		}
		checkLines(t, m.Data, false)
		if shape := verify(t, e, r, m, nil); shape != "multipart/alternative(text/plain,text/html)" {
			t.Errorf("shape %s", shape)
		}
		text, htm := textAndHTML(t, m)
		if !strings.Contains(text, "Hello "+r.Values["first_name"]) || !strings.Contains(htm, "Story 9") {
			t.Errorf("row %d: text %d bytes, html %d bytes", r.Number, len(text), len(htm))
		}
	}
}

// BenchmarkRenderMarkdownNewsletter is BenchmarkRenderNewsletter with the
// bodies made from Markdown: template, escaping, goldmark, the text
// rendering and the layout, per row.
func BenchmarkRenderMarkdownNewsletter(b *testing.B) {
	e := setup(b, markdownNewsletterYAML, newsletterMarkdown(), newsletterColumns)
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

// TestMarkdownEach renders the Markdown newsletter on several workers at
// once (run with -race).
func TestMarkdownEach(t *testing.T) {
	e := setup(t, markdownNewsletterYAML, newsletterMarkdown(), newsletterColumns)
	sheet := &genSheet{n: 200, rows: newsletterRows()}
	seen := 0
	err := e.r.Each(context.Background(), sheet, 4, func(m *Message, err error) error {
		if err != nil {
			return err
		}
		if !bytes.Contains(m.Data, []byte("Story 9")) {
			t.Errorf("row %d: no Story 9", m.Row)
		}
		seen++
		return nil
	})
	if err != nil || seen != 200 {
		t.Fatalf("Each: %v, %d messages", err, seen)
	}
}
