package journal

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/tidings/tidings/sendpool"
)

// TestStateKeepsLittlePerKey: a State holds a slot of each key, not its
// records: reading a journal of 20,000 sent messages keeps under 100
// bytes a key live (whole records took about 1,800; the last chunk of
// slots is partly empty at this size).
func TestStateKeepsLittlePerKey(t *testing.T) {
	const n = 20_000
	dir := t.TempDir()
	writeSent(t, dir, n)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := load(t, dir)
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n
	table := tableBytes(s) / n
	t.Logf("%d bytes a key on the Go heap, %d in its tables after Load", heap, table)
	if heap+table > 100 {
		t.Errorf("the State keeps %d bytes a key, want at most 100", heap+table)
	}
	if runtime.GOOS == "linux" && (heap > 10 || !s.keys.chunks[0].Mapped() || !s.keys.places.Mapped()) {
		t.Errorf("%d bytes a key on the Go heap: want the key table outside it", heap)
	}
	// And it still knows each one.
	for _, i := range []int{0, n / 2, n - 1} {
		r := benchResult(i)
		e := entryOf(t, s, r.Key)
		if e == nil || e.Status != sendpool.StatusSent || e.MessageID != r.MessageID || e.Result.Detail != r.Detail || e.LastAttempt.To != r.Key {
			t.Errorf("key %d: %+v", i, e)
		}
	}
	s.Close()
}

// tableBytes is the size of s's key table and sent times.
func tableBytes(s *State) int64 {
	b := int64(len(s.keys.places.Items))*4 + int64(s.sent.Bytes())
	for _, c := range s.keys.chunks {
		b += int64(len(c.Items)) * int64(unsafe.Sizeof(slot{}))
	}
	return b
}

// TestEntryReadBack: an Entry read back from a key's latest lines is what
// reading every line gives: the key and row as last written, the last To
// written, the message of the last hand-over (or the one delivered).
func TestEntryReadBack(t *testing.T) {
	const k = "ann@example.org"
	a1 := att(2, "Ann@Example.org")
	a1.To, a1.MessageID, a1.Hash = "Ann <ann@example.org>", "a@test", "ha"
	d1 := res(2, "Ann@Example.org", sendpool.StatusDeferred)
	d1.MessageID, d1.Hash = "a@test", "ha"
	a2 := att(3, "ann@EXAMPLE.org")
	a2.MessageID, a2.Hash = "b@test", "hb"
	s2 := res(3, "ann@EXAMPLE.org", sendpool.StatusSent)
	s2.MessageID, s2.Hash = "", "" // a result that names no message
	owedRes := res(2, k, sendpool.StatusDeferred)
	owedRes.MessageID, owedRes.Hash, owedRes.Owed = "o@test", "ho", []string{"cc@example.org"}
	owedTry := att(2, k)
	owedTry.MessageID, owedTry.Hash = "o2@test", "ho2"
	owedDone := res(2, k, sendpool.StatusSent)
	owedDone.MessageID = "o2@test"
	afterSent := res(7, "ANN@Example.org", sendpool.StatusFailed) // not tidings' doing: edited in
	afterSent.To, afterSent.MessageID = "Ann Smith <ann@example.org>", "x@test"
	tests := []struct {
		name                     string
		runs                     [][]any
		key, to, msgID, hash     string
		row, attempts            int
		status                   sendpool.Status
		owed                     string
		resultStatus, noteStatus sendpool.Status
	}{
		{name: "deferred, then sent from another row", runs: [][]any{{a1, d1}, {a2, s2}},
			key: "ann@EXAMPLE.org", msgID: "b@test", hash: "hb", row: 3, attempts: 2, // the lines kept name no To
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: NoStatus},
		{name: "a To only an older line gave is not kept", runs: [][]any{{a1}, {a2, s2}},
			key: "ann@EXAMPLE.org", msgID: "b@test", hash: "hb", row: 3, attempts: 2,
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: NoStatus},
		{name: "sent, then suppressed", runs: [][]any{{a1, res(2, k, sendpool.StatusSent)}, {res(7, " ANN@example.org", sendpool.StatusSuppressed)}},
			key: " ANN@example.org", to: "Ann <ann@example.org>", msgID: "m2@test", hash: "ha", row: 7, attempts: 1,
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: sendpool.StatusSuppressed},
		{name: "a result after it was sent names it", runs: [][]any{{a1, res(2, k, sendpool.StatusSent)}, {afterSent}},
			key: "ANN@Example.org", to: "Ann Smith <ann@example.org>", msgID: "m2@test", hash: "ha", row: 7, attempts: 1,
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: NoStatus},
		{name: "partly delivered, then the owed sent", runs: [][]any{{att(2, k), owedRes}, {owedTry, owedDone}},
			key: k, msgID: "o@test", hash: "ho", row: 2, attempts: 2,
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: NoStatus},
		{name: "partly delivered, the owed pending", runs: [][]any{{att(2, k), owedRes}, {owedTry}},
			key: k, msgID: "o@test", hash: "ho", row: 2, attempts: 2, owed: "cc@example.org",
			status: sendpool.StatusSent, resultStatus: sendpool.StatusSent, noteStatus: NoStatus},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, recs := range tt.runs {
				writeRun(t, dir, Run{PID: i + 1, Started: t0.Add(time.Duration(i) * time.Hour)}, recs...)
			}
			s := load(t, dir)
			defer s.Close()
			e := entryOf(t, s, k)
			got := []any{e.NormKey, e.Key, e.To, e.MessageID, e.Hash, e.Row, e.Attempts, e.Status, strings.Join(e.Owed, ",")}
			want := []any{k, tt.key, tt.to, tt.msgID, tt.hash, tt.row, tt.attempts, tt.status, tt.owed}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("entry %v, want %v", got, want)
					break
				}
			}
			if st := statusOf(e.Result); st != tt.resultStatus {
				t.Errorf("Result status %v, want %v", st, tt.resultStatus)
			}
			if st := statusOf(e.Note); st != tt.noteStatus {
				t.Errorf("Note status %v, want %v", st, tt.noteStatus)
			}
			if b, ok := s.Brief(" " + strings.ToUpper(k)); !ok || b.Row != e.Row || b.Delivery != e.delivery || b.Attempts != e.Attempts || !b.Delivered {
				t.Errorf("Brief %+v, %v; entry %+v", b, ok, e)
			}
		})
	}
}

func statusOf(r *Result) sendpool.Status {
	if r == nil {
		return NoStatus
	}
	return r.Status
}

// TestJournalChangedUnderState: a State reads lines back from the journal
// Load read; when the file was cut or replaced since, Entry, Decide and
// Report say so instead of giving another key's lines.
func TestJournalChangedUnderState(t *testing.T) {
	for _, tt := range []struct {
		name   string
		change func(path string) error
	}{
		{"cut", func(path string) error { return os.Truncate(path, 60) }},
		{"replaced", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			// Same length, other keys: every line names bob.
			b = []byte(strings.ReplaceAll(string(b), "ann@example.org", "bob@example.org"))
			tmp := path + ".new"
			if err := os.WriteFile(tmp, b, 0o600); err != nil {
				return err
			}
			return os.Rename(tmp, path) // a new file; the State's is the old one
		}},
		{"rewritten in place", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(path, []byte(strings.ReplaceAll(string(b), "ann@example.org", "bob@example.org")), 0o600)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, Run{Started: t0}, att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent))
			s := load(t, dir)
			defer s.Close()
			if err := tt.change(s.Path); err != nil {
				t.Fatal(err)
			}
			_, err := s.Entry("ann@example.org")
			if tt.name == "replaced" {
				// The open file is the one Load read: it still reads.
				if err != nil {
					t.Errorf("Entry after the file was replaced: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, errChanged) && !strings.Contains(err.Error(), s.Path) {
				t.Errorf("Entry: %v, want an error naming %s", err, s.Path)
			}
			if _, err := s.Decide("ann@example.org", Policy{}); err == nil {
				t.Error("Decide: no error")
			}
			for _, err := range s.Report() {
				if err == nil {
					t.Error("Report: no error")
				}
			}
			if _, err := s.Decide("new@example.org", Policy{}); err != nil {
				t.Errorf("Decide for a key the journal never had: %v", err)
			}
		})
	}
}

// TestStateClosed: a closed State still answers from memory (Brief,
// Outcomes, Settle) and says it cannot read lines back (Entry, Decide,
// a Lookup); an Entry read before stays as it was.
func TestStateClosed(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent))
	s, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	e, err := s.Entry("ann@example.org")
	if err != nil {
		t.Fatal(err)
	}
	ls, err := s.NewLookups(func(e *Entry) []string { return []string{e.MessageID} })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if b, ok := s.Brief("ann@example.org"); !ok || b.Delivery != sendpool.StatusSent {
		t.Errorf("Brief after Close: %+v, %v", b, ok)
	}
	if a, r := s.Outcomes(); a != 1 || r != 0 {
		t.Errorf("Outcomes after Close: %d, %d", a, r)
	}
	if d := s.Settle("ann@example.org", Policy{}); d.Send || d.Status != sendpool.StatusSent {
		t.Errorf("Settle after Close: %+v", d)
	}
	if _, err := s.Entry("ann@example.org"); !errors.Is(err, errClosed) {
		t.Errorf("Entry after Close: %v", err)
	}
	if _, err := s.Decide("ann@example.org", Policy{}); !errors.Is(err, errClosed) {
		t.Errorf("Decide after Close: %v", err)
	}
	if _, err := ls[0].Find(e.MessageID); !errors.Is(err, errClosed) {
		t.Errorf("Lookup.Find after Close: %v", err)
	}
	if e.Result == nil || e.Result.Status != sendpool.StatusSent {
		t.Errorf("an Entry read before Close changed: %+v", e)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestStateTablesFreedWhenGarbage: the key table and the sent times,
// outside the Go heap, are given back once their State is garbage, and
// not before.
func TestStateTablesFreedWhenGarbage(t *testing.T) {
	dir := t.TempDir()
	writeSent(t, dir, 5_000)
	s := load(t, dir)
	keys, sent := s.keys, s.sent
	if runtime.GOOS == "linux" && !keys.chunks[0].Mapped() {
		t.Fatal("the slots are not mapped")
	}
	s.Close()
	runtime.GC()
	if keys.freed.Load() {
		t.Fatal("freed while the State is reachable")
	}
	runtime.KeepAlive(s)
	s = nil
	for i := 0; !keys.freed.Load(); i++ {
		if i == 100 {
			t.Fatal("the tables were not freed after 100 collections")
		}
		runtime.GC()
		runtime.Gosched()
	}
	if keys.chunks != nil || keys.places.Mapped() || sent.Mapped() {
		t.Error("the cleanup left memory held")
	}
}

// TestReadBackInAnyOrder: lines read back through the window are the
// right ones whatever the order keys are asked in (by row, backwards,
// at random, from several goroutines), and a line longer than the window
// is read whole.
func TestReadBackInAnyOrder(t *testing.T) {
	const n = 5_000
	dir := t.TempDir()
	writeSent(t, dir, n)
	long := res(n+2, "long@example.org", sendpool.StatusFailed)
	long.Detail = strings.Repeat("x", windowSize+windowBack)
	writeRun(t, dir, Run{Started: t0}, att(n+2, "long@example.org"), long, att(n+3, "last@example.org"))
	s := load(t, dir)
	defer s.Close()
	check := func(t *testing.T, i int) {
		r := benchResult(i)
		e, err := s.Entry(r.Key)
		if err != nil || e == nil || e.MessageID != r.MessageID || e.LastAttempt.MessageID != r.MessageID || e.Result.Detail != r.Detail {
			t.Errorf("key %d: %+v, %v", i, e, err)
		}
	}
	orders := map[string][]int{"rows": make([]int, n), "backwards": make([]int, n), "random": rand.Perm(n)}
	for i := range n {
		orders["rows"][i], orders["backwards"][i] = i, n-1-i
	}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			for _, i := range order {
				check(t, i)
			}
		})
	}
	t.Run("concurrent", func(t *testing.T) {
		var wg sync.WaitGroup
		for g := range 4 {
			wg.Go(func() {
				for i := g; i < n; i += 4 {
					check(t, i)
				}
			})
		}
		wg.Wait()
	})
	if e := entryOf(t, s, "long@example.org"); e.Result.Detail != long.Detail {
		t.Errorf("the long line read back is %d bytes of detail, want %d", len(e.Result.Detail), len(long.Detail))
	}
	if e := entryOf(t, s, "last@example.org"); e == nil || e.Status != sendpool.StatusUnknown || e.LastAttempt == nil {
		t.Errorf("the last line: %+v", e)
	}
}

// TestLookup: a Lookup finds an entry by the strings derived from it, the
// later entry (by row) when two name one, and nothing for other strings.
func TestLookup(t *testing.T) {
	dir := t.TempDir()
	a := att(2, "ann@example.org")
	a.MessageID = "one@test"
	sent := res(2, "ann@example.org", sendpool.StatusSent)
	sent.MessageID = "one@test"
	b := att(3, "bob@example.org")
	b.MessageID = "two@test"
	writeRun(t, dir, Run{Started: t0}, a, sent, b, res(9, "cid@example.org", sendpool.StatusSuppressed))
	s := load(t, dir)
	defer s.Close()
	l, err := s.NewLookups(
		func(e *Entry) []string { return []string{e.MessageID} },
		func(e *Entry) []string { return []string{"all", e.NormKey} },
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		l        *Lookup
		name, to string
	}{{l[0], "one@test", "ann@example.org"}, {l[0], "two@test", "bob@example.org"}, {l[0], "m9@test", ""},
		{l[1], "all", "cid@example.org"}, {l[1], "bob@example.org", "bob@example.org"}, {l[1], "one@test", ""}} {
		e, err := tt.l.Find(tt.name)
		switch {
		case err != nil:
			t.Errorf("Find(%q): %v", tt.name, err)
		case tt.to == "" && e != nil:
			t.Errorf("Find(%q) = %s, want none", tt.name, e.NormKey)
		case tt.to != "" && (e == nil || e.NormKey != tt.to):
			t.Errorf("Find(%q) = %+v, want %s", tt.name, e, tt.to)
		}
	}
}

// TestRowFactChanged: a row's own fact read back must be the line Load
// read (a key-less or duplicate result of that row), or Report says the
// journal changed.
func TestRowFactChanged(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, res(5, "", sendpool.StatusInvalid))
	s := load(t, dir)
	defer s.Close()
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	// The same length, another row and a key: in place.
	changed := strings.Replace(strings.Replace(string(b), `"row":5,"key":""`, `"row":9,"key":"b"`, 1), `"norm_key":""`, `"norm_key":"b"`, 1)
	if changed == string(b) {
		t.Fatalf("the line was not changed:\n%s", b)
	}
	if err := os.WriteFile(s.Path, []byte(changed), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RowFacts(); !errors.Is(err, errChanged) {
		t.Errorf("RowFacts after the line changed: %v", err)
	}
}

// TestUnmarked: Unmarked yields the recipients not marked, in All's order;
// Mark says whether the journal knows a key.
func TestUnmarked(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, res(4, "cid@example.org", sendpool.StatusSent),
		res(2, "ann@example.org", sendpool.StatusSent), res(3, "bob@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	m := s.NewMarks()
	if !m.Mark(" BOB@example.org") || m.Mark("new@example.org") {
		t.Error("Mark: bob is known, new is not")
	}
	var got []string
	for e, err := range s.Unmarked(m) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, e.NormKey)
	}
	if strings.Join(got, " ") != "ann@example.org cid@example.org" {
		t.Errorf("Unmarked yields %v", got)
	}
}

// TestWindowsFollowTwoRuns: after a run that retried some recipients,
// reading by row goes through the first run's lines and the second's by
// turns; each region keeps a window, so the journal is read about once,
// not a window at every turn.
func TestWindowsFollowTwoRuns(t *testing.T) {
	const n = 6000
	dir := t.TempDir()
	var first, second []any
	for i := range n {
		k := fmt.Sprintf("recipient%05d@example.org", i)
		a, r := att(i+2, k), res(i+2, k, sendpool.StatusSent)
		r.Detail = strings.Repeat("d", 300) // lines of a real journal's size
		if i%10 == 0 {
			d := r
			d.Status = sendpool.StatusDeferred
			first, second = append(first, a, d), append(second, a, r)
			continue
		}
		first = append(first, a, r)
	}
	writeRun(t, dir, Run{Started: t0}, first...)
	writeRun(t, dir, Run{Started: t0.Add(time.Hour)}, second...)
	s := load(t, dir)
	defer s.Close()
	st, err := os.Stat(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range s.All() {
		if err != nil {
			t.Fatal(err)
		}
	}
	if most := 2*int(st.Size())/(windowSize-windowBack) + 4; s.window.fills > most {
		t.Errorf("%d windows read for a journal of %d bytes, want at most %d", s.window.fills, st.Size(), most)
	}
	t.Logf("%d windows read for a journal of %d bytes", s.window.fills, st.Size())
}

// TestEditedLines: a norm_key written in another case (a hand edit)
// still names its key, and a row number no State can keep (a hand edit)
// makes its line a corrupt one, not another row.
func TestEditedLines(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bob@example.org"), res(3, "bob@example.org", sendpool.StatusSent))
	changeLines(t, filepath.Join(dir, FileName), func(lines []string) []string {
		for i, l := range lines {
			l = strings.ReplaceAll(l, `"norm_key":"ann@example.org"`, `"norm_key":"ANN@Example.org"`)
			lines[i] = strings.ReplaceAll(l, `"row":3,`, `"row":4294967298,`)
		}
		return lines
	})
	s := load(t, dir)
	defer s.Close()
	if e := entryOf(t, s, "ann@example.org"); e == nil || e.Status != sendpool.StatusSent || e.NormKey != "ann@example.org" {
		t.Errorf("ann: %+v", e)
	}
	if e := entryOf(t, s, "bob@example.org"); e != nil {
		t.Errorf("bob at row %d: %+v", e.Row, e)
	}
	if len(s.Warnings) != 2 || !strings.Contains(s.Warnings[0].Error(), "row 4294967298 out of range") {
		t.Errorf("warnings %v, want bob's two lines out of range", s.Warnings)
	}
}

// TestLineGoneUnderState: a line deleted while a State is in use shifts
// the ones after it: reading one back says the journal changed, whatever
// now stands where it was.
func TestLineGoneUnderState(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bob@example.org"), res(3, "bob@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	b, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	// Keep the length: the first attempt line goes, the rest move up and
	// the end is padded with a line of spaces.
	gone := len(lines[1])
	rest := strings.Join(append(lines[:1:1], lines[2:]...), "")
	if err := os.WriteFile(s.Path, []byte(rest+strings.Repeat(" ", gone-1)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ann@example.org", "bob@example.org"} {
		if _, err := s.Entry(k); !errors.Is(err, errChanged) {
			t.Errorf("Entry(%s) after a line went: %v", k, err)
		}
	}
}
