package bounces

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// BenchmarkAppendSuppressions: a bounces run appends one address to a
// suppression list of 100,000 lines (addresses with tidings' comments, a
// few @domain lines and comment lines), which it first reads under the
// list's lock for the lines already there (appendOnce). Each iteration
// appends a new address, so the list grows by b.N lines.
func BenchmarkAppendSuppressions(b *testing.B) {
	const lines = 100_000
	path := filepath.Join(b.TempDir(), "suppress.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	for i := range lines {
		switch {
		case i%1000 == 0:
			fmt.Fprintf(w, "# imported from the old tool, batch %d\n", i/1000)
		case i%997 == 0:
			fmt.Fprintf(w, "@Domain%d.example\n", i)
		default:
			fmt.Fprintln(w, Suppression{Address: fmt.Sprintf("User%07d@Example.com", i), Kind: journal.FeedbackBounced, Status: "5.1.1"}.Line("spring", now))
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		list := []Suppression{{Address: fmt.Sprintf("new%07d@example.org", i), Kind: journal.FeedbackBounced, Status: "5.1.1"}}
		if err := AppendSuppressions(path, list, "spring", now); err != nil {
			b.Fatal(err)
		}
	}
}
