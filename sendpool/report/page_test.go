package report_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// pageDataBlock returns the JSON data block of a report.html.
func pageDataBlock(t testing.TB, html []byte) []byte {
	t.Helper()
	const open = `<script type="application/json" id="report-data">`
	i := bytes.Index(html, []byte(open))
	if i < 0 {
		t.Fatal("report.html has no data block")
	}
	rest := html[i+len(open):]
	j := bytes.Index(rest, []byte("</script>"))
	if j < 0 {
		t.Fatal("the data block does not end")
	}
	return rest[:j]
}

// pageRead reads report.html and the chunk files of a page in dir.
func pageRead(t testing.TB, dir string) (html []byte, chunks map[string][]byte) {
	t.Helper()
	html, err := os.ReadFile(filepath.Join(dir, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	chunks = map[string][]byte{}
	names, _ := filepath.Glob(filepath.Join(dir, report.PageDataDir, "*"))
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		chunks[filepath.Base(n)] = b
	}
	return html, chunks
}

// pageChunkRows decodes a chunk file: tidings.rows(N,"[...]"); with the
// rows as a JSON string for JSON.parse.
func pageChunkRows(t testing.TB, chunk []byte) (n int, rows []map[string]any) {
	t.Helper()
	m := regexp.MustCompile(`^tidings\.rows\((\d+),("(?:[^"\\]|\\.)*")\);\n$`).FindSubmatch(chunk)
	if m == nil {
		t.Fatalf("chunk is not tidings.rows(N, \"...\"): %.100s", chunk)
	}
	var js string
	if err := json.Unmarshal(m[2], &js); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(js), &rows); err != nil {
		t.Fatal(err)
	}
	fmt.Sscan(string(m[1]), &n)
	return n, rows
}

func pageRows(n int) []report.Row {
	rows := make([]report.Row, n)
	for i := range rows {
		r := spSampleResults()[i%3]
		r.Row, r.Key, r.To = i+2, fmt.Sprintf("user%05d@example.org", i), fmt.Sprintf("User %05d <user%05d@example.org>", i, i)
		rows[i] = report.FromResult(r)
	}
	return rows
}

// TestWritePageFiles: the page and its chunks are written private, the
// policy allows exactly the page's own style and script, rows link their
// preview when it exists, and a shorter rewrite removes the chunks it no
// longer needs.
func TestWritePageFiles(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	previewDir := filepath.Join(dir, "preview")
	if err := os.MkdirAll(previewDir, 0o700); err != nil {
		t.Fatal(err)
	}
	rows := pageRows(2500)
	if err := os.WriteFile(filepath.Join(previewDir, report.EMLName(rows[1].Row, rows[1].Key)), []byte("Subject: x\r\n\r\nx"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := report.PageInput{Campaign: "November news", CampaignPath: "news.yaml", Rows: report.RowsOf(rows), JournalDir: dir, PreviewDir: previewDir,
		Settings: report.Settings{Rate: "10/s", Concurrency: 4, PerConnection: 100, Retries: 3, Domains: map[string]string{"gmail.com": "5/s"}}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	html, chunks := pageRead(t, dir)
	if len(chunks) != 3 || chunks["rows-0003.js"] == nil {
		t.Errorf("chunks %d", len(chunks))
	}
	for _, p := range []string{report.PageFile, report.PageDataDir, filepath.Join(report.PageDataDir, "rows-0001.js")} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil {
			t.Fatal(err)
		}
		if want := os.FileMode(0o600); fi.IsDir() && fi.Mode().Perm() != 0o700 || !fi.IsDir() && fi.Mode().Perm() != want {
			t.Errorf("%s is %v", p, fi.Mode().Perm())
		}
	}
	// The policy's hashes are those of the inline style and script.
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindSubmatch(html)
	if csp == nil {
		t.Fatal("no Content-Security-Policy")
	}
	for _, re := range []string{`<style>([\s\S]*?)</style>`, `<script>([\s\S]*?)</script>`} {
		m := regexp.MustCompile(re).FindSubmatch(html)
		if m == nil {
			t.Fatalf("no %s", re)
		}
		sum := sha256.Sum256(m[1])
		if h := "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"; !bytes.Contains(csp[1], []byte(h)) {
			t.Errorf("policy %s lacks %s", csp[1], h)
		}
	}
	if bytes.Contains(csp[1], []byte("unsafe")) || !bytes.Contains(csp[1], []byte("default-src 'none'")) {
		t.Errorf("policy %s", csp[1])
	}
	var data struct {
		Total    int
		Chunks   int
		Preview  string
		Settings report.Settings
		Trimmed  bool
	}
	if err := json.Unmarshal(pageDataBlock(t, html), &data); err != nil {
		t.Fatal(err)
	}
	if data.Total != 2500 || data.Chunks != 3 || data.Preview != "preview" || data.Settings.Domains["gmail.com"] != "5/s" || data.Trimmed {
		t.Errorf("data %+v", data)
	}
	n, first := pageChunkRows(t, chunks["rows-0001.js"])
	var links []any
	for _, r := range first {
		if p, ok := r["p"]; ok {
			links = append(links, p)
		}
	}
	if n != 1 || len(first) != 1000 || first[0]["r"] != 2.0 || first[0]["o"] != "example.org" || len(links) != 1 || links[0] != "000003-user00001@example.org.eml" {
		t.Errorf("chunk %d: %d rows, the first %v; preview links %v", n, len(first), first[0], links)
	}

	// A shorter report into the same folder: the third chunk goes.
	in.Rows = report.RowsOf(rows[:1200])
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	if _, chunks := pageRead(t, dir); len(chunks) != 2 {
		t.Errorf("after a shorter rewrite: %d chunks", len(chunks))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left behind %s", e.Name())
		}
	}
}

// TestPageEscaping: values that would end a script, a data block or a
// JavaScript string reach the files only escaped, and the part without
// JavaScript shows them as text (pageCheckStaticEscaped).
func TestPageEscaping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	evil := "</script><script>window.__pwned=1</script>\u2028\u2029<!--<img src=x onerror=alert(1)>"
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: evil + "@x.example", To: evil}, Status: sendpool.StatusFailed, Code: 550, Detail: evil},
		{Recipient: report.Recipient{Row: 3, Key: "a@example.org"}, Status: sendpool.StatusSent, Code: 250, Detail: evil},
	}
	pageJournal(t, dir, journal.Run{Started: time.Now(), Version: evil, Flags: map[string]string{evil: evil}},
		journal.Result{Row: 2, Key: evil, To: evil, Status: sendpool.StatusDeferred, Code: 421, Detail: "rate limited " + evil, Finished: time.Now()})
	in := report.PageInput{Campaign: evil, CampaignPath: evil, Rows: report.RowsOf(rows), JournalDir: dir,
		Settings: report.Settings{Rate: evil, Domains: map[string]string{evil: evil}}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	html, chunks := pageRead(t, dir)
	files := map[string][]byte{"data block": pageDataBlock(t, html)}
	for n, b := range chunks {
		files[n] = b
	}
	for name, b := range files {
		for _, bad := range []string{"<", ">", "\u2028", "\u2029"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s contains a raw %q", name, bad)
			}
		}
	}
	// The values come back as they were.
	_, back := pageChunkRows(t, chunks["rows-0001.js"])
	if back[0]["t"] != evil || back[0]["d"] != evil || back[1]["d"] != evil {
		t.Errorf("rows read back %v", back)
	}
	var data struct {
		Campaign string
		Runs     []struct{ Version string }
	}
	if err := json.Unmarshal(files["data block"], &data); err != nil || data.Campaign != evil || data.Runs[0].Version != evil {
		t.Errorf("data block read back %+v, %v", data, err)
	}
	pageCheckStaticEscaped(t, html, evil)
}

// pageJournal appends a run with results to the journal in dir.
func pageJournal(t testing.TB, dir string, run journal.Run, results ...journal.Result) {
	t.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := w.Result(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestPageSizeBound: report.html stays under a megabyte with everything
// at its worst: every recipient its own domain and its own kind of reply,
// long replies that escape to six bytes a character, hundreds of runs with
// many settings, throttling every minute, hundreds of per-domain limits.
func TestPageSizeBound(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := strings.Repeat("<\u2028", 160) // longer than any cap (300 runes)
	// More kinds of reply and more domains than the page lists.
	const n = 1200
	rows := make([]report.Row, n)
	for i := range rows {
		rows[i] = report.Row{Recipient: report.Recipient{Row: i + 2, Key: fmt.Sprintf("u%d@%s-%d.example", i, strings.Repeat("d", 60), i)},
			Status: sendpool.Status(i % 8), Code: report.ReplyCode(400 + i%199), EnhancedCode: sendpool.EnhancedCode{4, i % 10, i % 999},
			Detail: long, StartedAt: "2026-11-25T21:00:00Z", FinishedAt: "2026-11-25T21:00:01Z", DurationMS: int64(i)}
	}
	flags := map[string]string{}
	for i := range 20 { // more than a run keeps
		flags[fmt.Sprintf("%d%s", i, long)] = long
	}
	// The journal is written as the file format says (package journal's
	// doc), in one write: hundreds of runs through the Writer would spend
	// seconds in fsync.
	var jl bytes.Buffer
	line := func(v map[string]any) {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		jl.Write(append(b, '\n'))
	}
	start := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for r := range 210 { // more runs than the page lists
		at := start.Add(time.Duration(r) * 3 * time.Hour)
		line(map[string]any{"type": "run", "v": 1, "pid": 1, "started": at, "version": long, "flags": flags})
		for k := range 3 {
			line(map[string]any{"type": "result", "status": "temporary", "row": r*3 + k + 2, "key": fmt.Sprintf("x%d@t%d.example", k, r),
				"code": 421, "enhanced_code": "4.7.0", "detail": "rate limited " + long, "finished_at": at.Add(time.Duration(k) * time.Minute)})
		}
	}
	if err := os.WriteFile(filepath.Join(dir, journal.FileName), jl.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	domains := map[string]string{}
	for i := range 500 {
		domains[fmt.Sprintf("%d%s.example", i, long)] = long
	}
	in := report.PageInput{Campaign: long, CampaignPath: long, Rows: report.RowsOf(rows), JournalDir: dir,
		Settings: report.Settings{Rate: "10/s", Domains: domains}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	html, _ := pageRead(t, dir)
	var data struct {
		Runs    []struct{ Runs int }
		Replies []any
		Domains []any
		Trimmed bool
	}
	if err := json.Unmarshal(pageDataBlock(t, html), &data); err != nil {
		t.Fatal(err)
	}
	if len(data.Runs) != 201 || data.Runs[0].Runs != 10 || len(data.Replies) != 100 || len(data.Domains) != 36 || !data.Trimmed {
		t.Errorf("%d runs (first %+v), %d replies, %d domains, trimmed %v: not the worst case", len(data.Runs), data.Runs[0], len(data.Replies), len(data.Domains), data.Trimmed)
	}
	fi, err := os.Stat(filepath.Join(dir, report.PageFile))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("report.html at its worst: %d KB", fi.Size()>>10)
	if fi.Size() >= 1<<20 {
		t.Errorf("report.html is %d bytes, want < 1 MB", fi.Size())
	}
}

// TestWritePageCutShort: a page cut short once it replaced chunks leaves
// no report.html, which would show the new chunks as its own; one cut
// before it replaced any leaves the earlier page as it was.
func TestWritePageCutShort(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	rows := pageRows(2500)
	in := report.PageInput{Campaign: "n", CampaignPath: "n.yaml", Rows: report.RowsOf(rows), JournalDir: dir}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, report.PageFile)
	before, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := report.WritePage(ctx, dir, in); err == nil {
		t.Fatal("a cancelled page was written")
	}
	if after, err := os.ReadFile(page); err != nil || !bytes.Equal(after, before) {
		t.Errorf("a page cut before any chunk changed the earlier one: %v", err)
	}
	// Cut once the pass that writes the chunks wrote its first.
	first := filepath.Join(dir, report.PageDataDir, "rows-0001.js")
	if err := os.Remove(first); err != nil {
		t.Fatal(err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	in.Rows = func(fn func(report.Row) error) error {
		return report.RowsOf(rows)(func(r report.Row) error {
			if _, err := os.Stat(first); err == nil {
				cancel()
			}
			return fn(r)
		})
	}
	if err := report.WritePage(ctx, dir, in); err == nil {
		t.Fatal("a page cut short was written")
	}
	if _, err := os.Stat(page); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("report.html is left over new chunks: %v", err)
	}
}

// TestWritePageStaleChunkStays: an earlier report's chunk that cannot be
// removed (here a folder with a file in it) stays, unused, and the page
// is written all the same.
func TestWritePageStaleChunkStays(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	stale := filepath.Join(dir, report.PageDataDir, "rows-0009.js")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "x"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	in := report.PageInput{Campaign: "n", CampaignPath: "n.yaml", Rows: report.RowsOf(pageRows(1500)), JournalDir: dir}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatalf("page: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, report.PageFile)); err != nil {
		t.Errorf("no page: %v", err)
	}
}

// TestPageChunkToLeftOut: a row's To is left out of its chunk where its
// names and addresses give it back as written (report.WhoText), and kept
// where they do not (a name in quotes) or there are none (a bare
// address); the page's script rebuilds it (TestPageToNameThenAddress).
func TestPageChunkToLeftOut(t *testing.T) {
	t.Parallel()
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "ann@example.org", To: "Ann Lee 张 <ann@example.org>"}, Status: sendpool.StatusSent},
		{Recipient: report.Recipient{Row: 3, Key: "bob@example.org", To: "Bob <bob@example.org>, cy@example.org"}, Status: sendpool.StatusSent},
		{Recipient: report.Recipient{Row: 4, Key: "dee@example.org", To: `"Lee, Dee" <dee@example.org>`}, Status: sendpool.StatusSent},
		{Recipient: report.Recipient{Row: 5, Key: "eve@example.org", To: "eve@example.org"}, Status: sendpool.StatusSent},
	}
	dir := t.TempDir()
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", CampaignPath: "c.yaml", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	_, chunks := pageRead(t, dir)
	_, got := pageChunkRows(t, chunks["rows-0001.js"])
	for i, want := range []struct {
		to  any
		who bool
	}{{nil, true}, {nil, true}, {`"Lee, Dee" <dee@example.org>`, true}, {"eve@example.org", false}} {
		_, hasWho := got[i]["w"]
		if got[i]["t"] != want.to || hasWho != want.who {
			t.Errorf("row %d: t %v, w %v; want t %v, w given %v", i+2, got[i]["t"], got[i]["w"], want.to, want.who)
		}
		if want.to == nil {
			var who [][2]string
			for _, m := range got[i]["w"].([]any) {
				p := m.([]any)
				who = append(who, [2]string{p[0].(string), p[1].(string)})
			}
			if s := report.WhoText(who); s != rows[i].To {
				t.Errorf("row %d: WhoText %q, To %q", i+2, s, rows[i].To)
			}
		}
	}
}
