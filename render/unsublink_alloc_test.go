package render

import "testing"

// TestUnsubscribeLinkAllocs finds the row's link in an href as
// html/template writes it (its '&' as &amp;, its scheme and host in
// another case) allocating nothing.
func TestUnsubscribeLinkAllocs(t *testing.T) {
	l := unsubLink{target: "https://acme.example/u?id=m-17&list=news"}
	for _, href := range []string{
		"https://acme.example/u?id=m-17&list=news",
		"https://acme.example/u?id=m-17&amp;list=news",
		"HTTPS://Acme.example/u?id=m-17&amp;list=news",
	} {
		b := []byte(href)
		if !l.inHref(b) {
			t.Fatalf("inHref(%q) = false", href)
		}
		if n := testing.AllocsPerRun(100, func() { l.inHref(b) }); n != 0 {
			t.Errorf("inHref(%q): %v allocations, want 0", href, n)
		}
	}
}
