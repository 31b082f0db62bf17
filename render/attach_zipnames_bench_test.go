package render

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchFolder makes a folder of n invoices, each named in cp850 (not
// UTF-8) when cp850 is set: Rechnung-M\x81ller-17.pdf, as a zip
// Windows Explorer made leaves them unzipped on Linux.
func benchFolder(b *testing.B, n int, cp850 bool) string {
	b.Helper()
	dir := b.TempDir()
	for i := range n {
		name := fmt.Sprintf("Rechnung-Meier-%d.pdf", i)
		if cp850 {
			name = fmt.Sprintf("Rechnung-M\x81ller-%d.pdf", i)
		}
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	return dir
}

// BenchmarkCodePageListing: the first hint of a missing attachment in a
// folder of 50,000 files lists it once; with every name in cp850 the
// first code-page hint also reads each name in seven code pages.
func BenchmarkCodePageListing(b *testing.B) {
	for _, cp850 := range []bool{false, true} {
		b.Run(fmt.Sprintf("cp850=%v", cp850), func(b *testing.B) {
			dir := benchFolder(b, 50000, cp850)
			b.ReportAllocs()
			for b.Loop() {
				newDirNames().list(dir).codePages.lookup("x")
			}
		})
	}
}

// BenchmarkCodePageHintPerRow: each further row whose attachment is
// missing from that folder costs a lookup in its listing, kept while the
// folder's modification time stays the same, not a listing.
func BenchmarkCodePageHintPerRow(b *testing.B) {
	dir := benchFolder(b, 50000, true)
	d := newDirNames()
	missing := filepath.Join(dir, "Rechnung-Müller-49999.pdf")
	d.inCodePage(missing) // lists and indexes the folder
	b.ReportAllocs()
	for b.Loop() {
		if found, _ := d.inCodePage(missing); found == "" {
			b.Fatal("not found")
		}
		d.otherCase(missing)
	}
}
