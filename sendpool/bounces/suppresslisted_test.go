package bounces

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// listedBefore is listedIn as it was before it compared only the lines
// that could name an address (every line's form, read in full): what
// counts as listed must not change. (With the byte-order mark before the
// first line dropped, as campaign.LoadSuppression drops it:
// TestAppendSuppressionsListedAfterBOM.)
func listedBefore(f *os.File) map[string]bool {
	listed := map[string]bool{}
	sc := bufio.NewScanner(io.NewSectionReader(f, 0, max(fileSize(f), 0)))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		entry, _, _ := strings.Cut(line, "#")
		if entry = strings.ToLower(strings.TrimSpace(entry)); entry != "" {
			listed[campaign.SuppressionForm(entry)] = true
		}
	}
	return listed
}

// checkListedAgrees fails t when listedIn and listedBefore disagree on
// whether the list text lists addr.
func checkListedAgrees(t *testing.T, text, addr string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "suppress.txt")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	form := campaign.SuppressionForm(strings.ToLower(addr))
	before, now := listedBefore(f)[form], listedIn(f, []Suppression{{Address: addr}})[form]
	if before != now {
		t.Errorf("list %q, address %q: listed %t, was %t", text, addr, now, before)
	}
}

// TestListedInAgreesWithBefore: listedIn, which compares in full only
// the lines that could name one of the run's addresses, finds listed
// what reading every line found, on lines that case, comments, @domain,
// a BOM, Unicode and A-label domains, a final dot, CRLF and spaces make
// tricky; in both directions (listed and not).
func TestListedInAgreesWithBefore(t *testing.T) {
	t.Parallel()
	lines := []string{
		"ann@example.org",
		"  ANN@Example.ORG  # bounced 5.1.1, tidings bounces, campaign spring, 2026-12-08",
		"ann@example.org.",
		"ann@example.org\r",
		"\ufeffann@example.org",
		"\ufeffANN@EXAMPLE.ORG # a BOM",
		"@example.org",
		"# ann@example.org",
		"#ann@example.org",
		"ann#@example.org",
		"ann@bücher.example",
		"ANN@BÜCHER.EXAMPLE",
		"ann@xn--bcher-kva.example",
		"ANN@XN--BCHER-KVA.EXAMPLE.",
		"\u212aate@example.org",
		"KATE@example.org",
		"kate@example.org\u00a0",
		"\u00a0kate@example.org",
		"\tkate@example.org\v",
		"ann@sub@example.org",
		"\"ann smith\"@example.org",
		"ann",
		"ANN",
		"",
		"   ",
		"İnci@example.org",
		"i̇nci@example.org",
		"ann@exa mple.org",
		"ann@\x00example.org",
		"ann@example.org\x85",
	}
	addrs := []string{
		"ann@example.org", "Ann@Example.Org", "ann@bücher.example", "ann@xn--bcher-kva.example",
		"kate@example.org", "\u212aate@example.org", "@example.org", "ann", "ann@sub@example.org",
		"\"ann smith\"@example.org", "i̇nci@example.org", "İnci@example.org", "ann#@example.org", "ann@example.org.",
	}
	for _, line := range lines {
		for _, addr := range addrs {
			checkListedAgrees(t, "first@example.org\n"+line+"\nlast@example.org", addr)
			checkListedAgrees(t, line+"\n", addr) // first line: a BOM's place
		}
	}
}

// FuzzListedIn: listedIn and listedBefore agree on any list and address.
func FuzzListedIn(f *testing.F) {
	f.Add("ANN@Example.org # bounced\n@example.org\n", "ann@example.org")
	f.Add("\ufeffann@bücher.example.\r\n", "ann@xn--bcher-kva.example")
	f.Add("\u212aate@example.org\n", "kate@example.org")
	f.Fuzz(func(t *testing.T, text, addr string) {
		checkListedAgrees(t, text, addr)
	})
}
