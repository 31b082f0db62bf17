package templates

import (
	"fmt"
	"strings"
	"testing"
)

// builderBlock is a block of an email builder's export (MJML's,
// Stripo's): a table row of a few lines, columns printed, tested and in
// links.
const builderBlock = `<tr><td class="block" style="padding:10px 25px;font-family:Arial,sans-serif">
<p style="margin:0">Hello {{.a}}, a line of some length, as a newsletter's paragraph has it</p>
{{if .b}}<p>Your code is {{.b}}.</p>{{else}}<p>No code for {{.a}} yet.</p>{{end}}
<a href="https://acme.example/offer?id={{.c}}&amp;u={{.d}}" style="color:#1a73e8">See the offer, {{.a}}</a>
</td></tr>
`

// builderBody is an HTML body of about size bytes made of builderBlock.
func builderBody(size int) string {
	head := "<html><head><title>News</title></head><body><table width=\"600\">\n"
	tail := "</table></body></html>\n"
	return head + strings.Repeat(builderBlock, (size-len(head)-len(tail))/len(builderBlock)+1) + tail
}

// BenchmarkCompileLargeHTML: compiling (what check does first) an HTML
// body of an email builder's export at two sizes, as written (lines) and
// minified (one line): the time should grow as the body does.
//
//	go test ./templates -run '^$' -bench CompileLargeHTML -benchtime 3x
func BenchmarkCompileLargeHTML(b *testing.B) {
	for _, oneLine := range []bool{false, true} {
		for _, size := range []int{500_000, 4_700_000} {
			body, form := builderBody(size), "lines"
			if oneLine {
				body, form = strings.ReplaceAll(body, "\n", ""), "oneline"
			}
			b.Run(fmt.Sprintf("%s/%.1fMB", form, float64(size)/1e6), func(b *testing.B) {
				c := load(b, "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: x\nhtml: body.html\nrecipients:\n  path: people.csv\n",
					map[string]string{"body.html": body})
				b.SetBytes(int64(len(body)))
				for b.Loop() {
					if _, err := Compile(c, []string{"email", "a", "b", "c", "d", "e"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
