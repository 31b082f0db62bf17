package journal

import (
	"slices"
	"sync/atomic"

	"github.com/tidings/tidings/sendpool"

	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

var t0 = time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)

// openWriter opens a journal in a fresh folder (the lock released when the
// test ends, after the test has closed the Writer) and returns it with the
// folder.
func openWriter(t *testing.T) (*Writer, string) {
	t.Helper()
	dir := t.TempDir()
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Release() })
	w, err := Open(context.Background(), l, Run{Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	return w, dir
}

// writeRun appends one run to the journal in dir, with the given Attempt
// and Result records in order.
func writeRun(t testing.TB, dir string, run Run, recs ...any) {
	t.Helper()
	ctx := context.Background()
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	w, err := Open(ctx, l, run)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		switch r := r.(type) {
		case Attempt:
			err = w.Attempt(ctx, r)
		case Result:
			err = w.Result(ctx, r)
		case Feedback:
			err = w.Feedback(ctx, r)
		case TestSend:
			err = w.TestSend(ctx, r)
		case Copy:
			err = w.Copy(ctx, r)
		default:
			t.Fatalf("writeRun: %T", r)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func load(t testing.TB, dir string) *State {
	t.Helper()
	s, err := Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func att(row int, key string) Attempt {
	return Attempt{Row: row, Key: key, MessageID: fmt.Sprintf("m%d@test", row), Hash: "h", Try: 1, Time: t0}
}

func res(row int, key string, st sendpool.Status) Result {
	return Result{Row: row, Key: key, Status: st, Attempts: 1, Started: t0, Finished: t0.Add(time.Second),
		MessageID: fmt.Sprintf("m%d@test", row)}
}

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"ann@example.org":       "ann@example.org",
		"  Ann@Example.ORG \t":  "ann@example.org",
		"\u00c9mile@Example.fr": "\u00e9mile@example.fr",
		"":                      "",
	} {
		if got := NormalizeKey(in); got != want {
			t.Errorf("NormalizeKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDeduper: the first row of each key is kept, and repeats of it (in
// any case and spacing) are duplicates of that row; empty keys are none.
// The same with a journal that knows ann and cid (NewDeduperFor): keys it
// knows are kept beside its slots, the others in the hash tables only.
func TestDeduper(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, res(9, "Ann@example.org", sendpool.StatusSent), res(10, "cid@example.org", sendpool.StatusFailed))
	s := load(t, dir)
	defer s.Close()
	for _, d := range []*Deduper{NewDeduper(), NewDeduperFor(s), NewDeduperFor(nil)} {
		checkDeduper(t, d)
		keys := 0
		for i := range d.shards {
			keys += d.shards[i].n
		}
		if want := 2; d.state != nil {
			if want = 1; keys != want || len(d.known.Items) != 2 {
				t.Errorf("with the journal: %d keys in the hash tables and %d beside its slots, want bob's only and 2", keys, len(d.known.Items))
			}
		} else if keys != want {
			t.Errorf("%d keys in the hash tables, want %d", keys, want)
		}
		d.Close()
	}
}

// TestDeduperVariants: a repeat of a key whose row's values differ (both
// variants known) is told from a plain repeat, for keys the journal knows
// (cid) and keys it does not (bob) alike; an unknown variant (0) never
// differs.
func TestDeduperVariants(t *testing.T) {
	dir := t.TempDir()
	writeRun(t, dir, Run{Started: t0}, res(9, "cid@example.org", sendpool.StatusSent))
	s := load(t, dir)
	defer s.Close()
	for _, d := range []*Deduper{NewDeduper(), NewDeduperFor(s)} {
		for _, c := range []struct {
			row     int
			key     string
			variant uint32
			first   int
			differs bool
		}{
			{2, "bob@example.org", 7, 0, false},
			{3, "cid@example.org", 8, 0, false},
			{4, "BOB@example.org", 7, 2, false},
			{5, "bob@example.org", 9, 2, true},
			{6, "cid@example.org", 8, 3, false},
			{7, " Cid@example.org", 5, 3, true},
			{8, "cid@example.org", 0, 3, false},
			{9, "dee@example.org", 0, 0, false},
			{10, "dee@example.org", 4, 9, false},
		} {
			first, differs := d.CheckVariant(c.row, c.key, c.variant)
			if first != c.first || differs != c.differs {
				t.Errorf("journal %v: CheckVariant(%d, %q, %d) = %d, %v; want %d, %v", d.state != nil, c.row, c.key, c.variant, first, differs, c.first, c.differs)
			}
		}
		d.Close()
	}
}

func checkDeduper(t *testing.T, d *Deduper) {
	t.Helper()
	rows := []struct {
		row    int
		key    string
		detail string
	}{
		{2, "ann@example.org", ""},
		{3, "bob@example.org", ""},
		{4, " ANN@example.org ", "duplicate of row 2"},
		{5, "", ""},
		{6, "", ""},
		{7, "Bob@Example.org", "duplicate of row 3"},
		{8, "ann@example.org", "duplicate of row 2"},
	}
	for _, r := range rows {
		detail, dup := check(d, r.row, r.key)
		if detail != r.detail || dup != (r.detail != "") {
			t.Errorf("Check(%d, %q) = %q, %v; want %q", r.row, r.key, detail, dup, r.detail)
		}
	}
}

// TestDeduperGrows: across the table's growth every key's first row is
// kept, every repeat is found (in any case and spacing), and the table
// stays at most 7/8 full and within 27 bytes a key, the variants moved
// with their keys.
func TestDeduperGrows(t *testing.T) {
	const n = 200_000
	d := NewDeduper()
	for i := range n {
		if first, _ := d.CheckVariant(i+2, fmt.Sprintf("user%d@example.org", i), uint32(i+1)); first != 0 {
			t.Fatalf("row %d: a new key taken as a duplicate of row %d", i+2, first)
		}
	}
	for i := 0; i < n; i += 997 {
		detail, dup := check(d, n+i+2, fmt.Sprintf(" USER%d@Example.org ", i))
		if want := fmt.Sprintf("duplicate of row %d", i+2); !dup || detail != want {
			t.Fatalf("repeat of row %d: %q, %v; want %q", i+2, detail, dup, want)
		}
		if _, differs := d.CheckVariant(n+i+2, fmt.Sprintf("user%d@example.org", i), uint32(i+1)); differs {
			t.Fatalf("repeat of row %d with its variant: told as different", i+2)
		}
		if _, differs := d.CheckVariant(n+i+2, fmt.Sprintf("user%d@example.org", i), uint32(i+2)); !differs {
			t.Fatalf("repeat of row %d with another variant: not told", i+2)
		}
	}
	keys, slots := 0, 0
	for i := range d.shards {
		keys, slots = keys+d.shards[i].n, slots+len(d.shards[i].hashes.Items)
	}
	if keys != n || keys > slots/8*7 {
		t.Errorf("%d keys in %d slots", keys, slots)
	}
	if perKey := float64(16*slots) / n; perKey > 27 {
		t.Errorf("%.1f bytes a key", perKey)
	}
}

// TestRecordStatus: the file's status words read back as the statuses
// they were written from; deferred is "temporary" in the file, and
// anything else is refused.
func TestRecordStatus(t *testing.T) {
	for word, want := range map[string]sendpool.Status{
		"sent": sendpool.StatusSent, "failed": sendpool.StatusFailed, "temporary": sendpool.StatusDeferred,
		"unknown": sendpool.StatusUnknown, "not-attempted": sendpool.StatusNotAttempted, "invalid": sendpool.StatusInvalid,
		"duplicate": sendpool.StatusDuplicate, "suppressed": sendpool.StatusSuppressed,
	} {
		var s recordStatus
		if err := s.UnmarshalText([]byte(word)); err != nil || sendpool.Status(s) != want {
			t.Errorf("UnmarshalText(%q) = %v, %v; want %v", word, sendpool.Status(s), err, want)
		}
		if b, err := recordStatus(want).MarshalText(); err != nil || string(b) != word {
			t.Errorf("MarshalText(%v) = %q, %v; want %q", want, b, err, word)
		}
	}
	for _, word := range []string{"", "Sent", "ok", "skipped", "deferred"} {
		var s recordStatus
		if err := s.UnmarshalText([]byte(word)); err == nil {
			t.Errorf("UnmarshalText(%q): no error", word)
		}
	}
}

func TestNewAttempt(t *testing.T) {
	m := &render.Message{Row: 7, Key: " Ann@Example.org", To: "Ann <ann@example.org>", MessageID: "x@y", Data: []byte("hello"), ValuesSum: 0xfedcba98, ValueSums: []uint16{1, 0xfedc}}
	a := NewAttempt(m, 2, t0)
	want := Attempt{Row: 7, Key: " Ann@Example.org", NormKey: "ann@example.org", To: "Ann <ann@example.org>",
		MessageID: "x@y", Hash: "2cf24dba5fb0a30e", Values: Values{Sum: 0xfedcba98, Each: []uint16{1, 0xfedc}}, Try: 2, Time: t0}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("NewAttempt = %+v\nwant %+v", a, want)
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	r := Result{Row: 2, Key: "Ann@Example.org", To: "Ann <ann@example.org>", Status: sendpool.StatusSent, Attempts: 2,
		Code: 250, EnhancedCode: "2.0.0", Detail: "OK queued as 123", MessageID: "m2@test", Server: "127.0.0.1:2525",
		Started: t0, Finished: t0.Add(1500 * time.Millisecond), DurationMS: 1500, WaitMS: 40, Hash: "abc"}
	writeRun(t, dir, Run{PID: 42, Started: t0, Version: "0.1.0", ResendUnknown: true, Flags: map[string]string{"limit": "10"}},
		att(2, "Ann@Example.org"), r)
	s := load(t, dir)
	if len(s.Warnings) != 0 || s.Records != 2 || len(s.Runs) != 1 {
		t.Fatalf("warnings %v, records %d, runs %d", s.Warnings, s.Records, len(s.Runs))
	}
	if got := s.Runs[0]; got.PID != 42 || !got.Started.Equal(t0) || got.Version != "0.1.0" || !got.ResendUnknown || got.Flags["limit"] != "10" {
		t.Errorf("run = %+v", got)
	}
	e := entryOf(t, s, "ann@example.org")
	if e == nil {
		t.Fatal("no entry")
	}
	r.NormKey = "ann@example.org"
	if !reflect.DeepEqual(*e.Result, r) {
		t.Errorf("result = %+v\nwant %+v", *e.Result, r)
	}
	if e.Status != sendpool.StatusSent || e.Attempts != 1 || e.Pending || e.Run != 1 || e.MessageID != "m2@test" {
		t.Errorf("entry = %+v", e)
	}
	// The file is one JSON object per line, with a type.
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, typ := range []string{"run", "attempt", "result"} {
		var m map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &m); err != nil || m["type"] != typ {
			t.Errorf("line %d = %s (%v), want type %s", i+1, lines[i], err, typ)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	s := load(t, filepath.Join(t.TempDir(), "never-sent"))
	if s.Records != 0 || len(s.Warnings) != 0 || len(entriesOf(t, s)) != 0 {
		t.Errorf("state of a missing journal: %+v", s)
	}
	if d := decideOf(t, s, "ann@example.org", Policy{}); !d.Send {
		t.Errorf("Decide on empty journal = %+v", d)
	}
}

// buildTornBase writes a journal whose last line is a sent result for
// "last@example.org" and returns its bytes and the last line's start.
func buildTornBase(t *testing.T) (data []byte, lastStart int) {
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0},
		att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bob@example.org"), res(3, "bob@example.org", sendpool.StatusFailed),
		att(4, "last@example.org"), res(4, "last@example.org", sendpool.StatusSent))
	data, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	return data, bytes.LastIndexByte(data[:len(data)-1], '\n') + 1
}

func TestTornLastLine(t *testing.T) {
	data, start := buildTornBase(t)
	lastLine := bytes.Count(data, []byte("\n"))
	for cut := start; cut <= len(data); cut++ {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(context.Background(), dir)
		if err != nil {
			t.Fatalf("cut %d: Load: %v", cut, err)
		}
		// The earlier records are intact.
		if e := entryOf(t, s, "ann@example.org"); e == nil || e.Status != sendpool.StatusSent {
			t.Fatalf("cut %d: ann = %+v", cut, e)
		}
		if e := entryOf(t, s, "bob@example.org"); e == nil || e.Status != sendpool.StatusFailed {
			t.Fatalf("cut %d: bob = %+v", cut, e)
		}
		// The last record counts only when it is complete.
		complete := cut >= len(data)-1
		wantLast := sendpool.StatusUnknown // its attempt is there, its result is not
		if complete {
			wantLast = sendpool.StatusSent
		}
		if e := entryOf(t, s, "last@example.org"); e == nil || e.Status != wantLast {
			t.Fatalf("cut %d: last = %+v, want %s", cut, e, wantLast)
		}
		torn := cut != start && cut != len(data)
		if !torn {
			if len(s.Warnings) != 0 {
				t.Fatalf("cut %d: warnings %v", cut, s.Warnings)
			}
			continue
		}
		if len(s.Warnings) != 1 || !errors.Is(s.Warnings[0], ErrTornLine) {
			t.Fatalf("cut %d: warnings %v, want one torn-line warning", cut, s.Warnings)
		}
		var fe *campaign.FileError
		if !errors.As(s.Warnings[0], &fe) || fe.Line != lastLine || fe.File != s.Path {
			t.Fatalf("cut %d: warning %v, want line %d of %s", cut, s.Warnings[0], lastLine, s.Path)
		}
	}
}

// TestAppendAfterTornLine: a new run after a crash starts on a fresh line,
// so neither its records nor the earlier ones are lost.
func TestAppendAfterTornLine(t *testing.T) {
	data, start := buildTornBase(t)
	for _, cut := range []int{start + 1, start + 10, len(data) - 2, len(data) - 1} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, FileName), data[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour)}, att(5, "new@example.org"), res(5, "new@example.org", sendpool.StatusSent))
		s := load(t, dir)
		if len(s.Runs) != 2 {
			t.Fatalf("cut %d: %d runs, want 2", cut, len(s.Runs))
		}
		if e := entryOf(t, s, "new@example.org"); e == nil || e.Status != sendpool.StatusSent || e.Run != 2 {
			t.Fatalf("cut %d: new = %+v", cut, e)
		}
		if e := entryOf(t, s, "ann@example.org"); e == nil || e.Status != sendpool.StatusSent {
			t.Fatalf("cut %d: ann = %+v", cut, e)
		}
		if cut == len(data)-1 {
			// A complete record without its newline is kept and now ends
			// with the newline the new run wrote first.
			if len(s.Warnings) != 0 || entryOf(t, s, "last@example.org").Status != sendpool.StatusSent {
				t.Fatalf("cut %d: warnings %v, last %+v", cut, s.Warnings, entryOf(t, s, "last@example.org"))
			}
			continue
		}
		// The torn fragment is now a line in the middle, a crash's: a
		// new run's records follow it, none of its own; the warning says
		// so, not that the line is corrupt, and what can cut one off
		// (tornCause) as the last line's warning says it, not within
		// parentheses of its own.
		if len(s.Warnings) != 1 || !errors.Is(s.Warnings[0], ErrTornLine) || !strings.Contains(s.Warnings[0].Error(), "a line cut off as it was written, before the next run began: "+tornCause+"; ignored") {
			t.Fatalf("cut %d: warnings %v, want one torn-line warning", cut, s.Warnings)
		}
		if d := s.Damaged(); len(d) != 0 {
			t.Fatalf("cut %d: damaged %v, want none (a crash's leftover)", cut, d)
		}
	}
}

func TestCorruptMiddleLine(t *testing.T) {
	dir := t.TempDir()
	path := threeSent(t, dir, "bob@example.org")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	// Line 5 (bob's result) is garbled, line 3 has an unknown status and a
	// blank line is inserted after line 6; a line of NULs (what a crash
	// can leave) follows line 2.
	lines[4] = `{"type":"result","row":3,"key":"bob@exa` + "\x00\x00\n"
	lines[2] = strings.Replace(lines[2], `"sent"`, `"delivered"`, 1)
	lines[5] += "\n"
	lines[1] += "\x00\x00\x00\x00\n"
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	s := load(t, dir)
	var got []int
	for _, w := range s.Warnings {
		var fe *campaign.FileError
		if !errors.Is(w, ErrCorruptLine) || !errors.As(w, &fe) {
			t.Fatalf("warning %v is not a corrupt-line FileError", w)
		}
		got = append(got, fe.Line)
	}
	if fmt.Sprint(got) != "[3 4 6]" {
		t.Errorf("warnings on lines %v, want [3 4 6]: %v", got, s.Warnings)
	}
	want := map[string]sendpool.Status{
		"ann@example.org": sendpool.StatusUnknown, // its result line was spoilt
		"bob@example.org": sendpool.StatusUnknown,
		"cid@example.org": sendpool.StatusSent, // the lines after the damage are read
	}
	for k, st := range want {
		if e := entryOf(t, s, k); e == nil || e.Status != st {
			t.Errorf("%s: %+v, want %s", k, e, st)
		}
	}
}

// TestGroupCommitBatches shows that callers share an fsync and that none
// returns before its batch is written: the first batch is held inside the
// writer while others queue; they must all go out in the second batch.
func TestGroupCommitBatches(t *testing.T) {
	const n = 50
	w, _ := openWriter(t)
	ctx := context.Background()
	var (
		batches  []int
		inBatch  = make(chan struct{})
		release  = make(chan struct{})
		queued   sync.WaitGroup
		enqueued = make(chan struct{}, n+1)
	)
	w.testHookQueued = func() { enqueued <- struct{}{} }
	w.testHookBatch = func(size int) {
		batches = append(batches, size)
		if len(batches) == 1 {
			close(inBatch)
			<-release
		}
	}
	firstDone := make(chan error)
	go func() { firstDone <- w.Attempt(ctx, att(1, "first@example.org")) }()
	<-enqueued
	<-inBatch
	errs := make(chan error, n)
	queued.Add(n)
	for i := range n {
		go func() {
			defer queued.Done()
			errs <- w.Attempt(ctx, att(i+2, fmt.Sprintf("r%d@example.org", i)))
		}()
	}
	for range n {
		<-enqueued
	}
	select {
	case err := <-firstDone:
		t.Fatalf("Attempt returned (%v) before its batch was written", err)
	default:
	}
	if got := countLines(t, w.Path()); got != 1 {
		t.Fatalf("%d lines before the first batch was written, want 1 (the run record)", got)
	}
	close(release)
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	queued.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(batches) != fmt.Sprint([]int{1, n}) {
		t.Errorf("batches %v, want [1 %d]", batches, n)
	}
	if got := countLines(t, w.Path()); got != n+2 {
		t.Errorf("%d lines, want %d", got, n+2)
	}
}

func countLines(t *testing.T, path string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Count(data, []byte("\n"))
}

// TestGroupCommitDurable: many goroutines write at once; each record is in
// the file, read through another handle, as soon as its call returns; and
// every result line comes after its attempt line.
func TestGroupCommitDurable(t *testing.T) {
	const workers, each = 32, 8
	w, dir := openWriter(t)
	ctx := context.Background()
	inFile := func(id, typ string) error {
		data, err := os.ReadFile(w.Path())
		if err != nil {
			return err
		}
		if !bytes.Contains(data, []byte(`{"type":"`+typ+`"`)) || !bytes.Contains(data, []byte(`"message_id":"`+id+`"`)) {
			return fmt.Errorf("%s %s not in the file after it returned", typ, id)
		}
		return nil
	}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				row := 2 + g*each + i
				id := fmt.Sprintf("g%d-%d@test", g, i)
				key := fmt.Sprintf("r%d@example.org", row)
				a := att(row, key)
				a.MessageID = id
				if err := w.Attempt(ctx, a); err != nil {
					errs <- err
					return
				}
				if err := inFile(id, "attempt"); err != nil {
					errs <- err
					return
				}
				r := res(row, key, sendpool.StatusSent)
				r.MessageID = id
				if err := w.Result(ctx, r); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	// Durability order: the result of a message is after its attempt.
	data, err := os.ReadFile(w.Path())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var rec struct{ Type, Message_ID string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		switch rec.Type {
		case "attempt":
			if seen[rec.Message_ID] != "" {
				t.Fatalf("line %d: second attempt for %s", i+1, rec.Message_ID)
			}
			seen[rec.Message_ID] = "attempt"
		case "result":
			if seen[rec.Message_ID] != "attempt" {
				t.Fatalf("line %d: result for %s before its attempt", i+1, rec.Message_ID)
			}
			seen[rec.Message_ID] = "result"
		}
	}
	if len(seen) != workers*each {
		t.Errorf("%d messages in the file, want %d", len(seen), workers*each)
	}
	s := load(t, dir)
	if s.Records != 2*workers*each || len(s.Warnings) != 0 {
		t.Errorf("Load: %d records, warnings %v", s.Records, s.Warnings)
	}
	if n, _ := s.SentSince(t0); n != workers*each {
		t.Errorf("SentSince = %d, want %d", n, workers*each)
	}
}

func TestWriterClosedAndCanceled(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	ctx := context.Background()
	if _, err := Open(ctx, nil, Run{}); err == nil {
		t.Error("Open without a lock: no error")
	}
	w, err := Open(ctx, l, Run{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Result(ctx, Result{Row: 2, Key: "a@example.org", Status: sendpool.Status(99)}); err == nil {
		t.Error("Result with an unknown status: no error")
	}
	if err := w.Attempt(ctx, Attempt{Row: 2, Key: "  "}); err == nil {
		t.Error("Attempt without a key: no error")
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.Attempt(canceled, att(2, "a@example.org")); !errors.Is(err, context.Canceled) {
		t.Errorf("Attempt with a canceled context = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
	if err := w.Attempt(ctx, att(2, "a@example.org")); !errors.Is(err, ErrClosed) {
		t.Errorf("Attempt after Close = %v, want ErrClosed", err)
	}
	s := load(t, dir)
	if s.Records != 0 || len(s.Runs) != 1 || s.Runs[0].PID != os.Getpid() || s.Runs[0].Started.IsZero() {
		t.Errorf("state %+v, runs %+v", s, s.Runs)
	}
}

// TestLoadWhileAppending reads the journal while a writer appends to it, as
// `report` does on a live campaign: every load succeeds, never loses a
// record it saw before, and at most reports the line being written as torn.
func TestLoadWhileAppending(t *testing.T) {
	w, dir := openWriter(t)
	ctx := context.Background()
	const total = 400
	done := make(chan error)
	go func() {
		for i := range total {
			if err := w.Result(ctx, res(i+2, fmt.Sprintf("r%d@example.org", i), sendpool.StatusSent)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	prev := 0
	for finished := false; !finished; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			finished = true
		default:
		}
		s := load(t, dir)
		if s.Records < prev {
			t.Fatalf("records went from %d to %d", prev, s.Records)
		}
		prev = s.Records
		for _, w := range s.Warnings {
			if !errors.Is(w, ErrTornLine) {
				t.Fatalf("warning %v", w)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s := load(t, dir); s.Records != total || len(s.Warnings) != 0 {
		t.Errorf("final: %d records, warnings %v", s.Records, s.Warnings)
	}
}

// TestSyncSpacing: a lone writer, waiting for each record in turn, never
// has its fsyncs spaced out (waiting would only slow it); a batch of at
// least busyBatch records spaces the next one, and a small batch after it
// lifts the spacing again.
func TestSyncSpacing(t *testing.T) {
	w, _ := openWriter(t)
	ctx := context.Background()
	var (
		spaced   []bool
		holding  = true
		inBatch  = make(chan struct{})
		release  = make(chan struct{})
		enqueued = make(chan struct{}, 64)
	)
	w.testHookSpaced = func(s bool) { spaced = append(spaced, s) }
	for i := range 20 {
		if err := w.Attempt(ctx, att(i+2, fmt.Sprintf("lone%d@example.org", i))); err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(spaced) != fmt.Sprint(make([]bool, 20)) {
		t.Fatalf("lone writer: spacing decisions %v, want none spaced", spaced)
	}

	// Hold one batch in the writer while busyBatch more records queue:
	// they go out together, and the write after them is spaced.
	spaced = nil
	w.testHookQueued = func() { enqueued <- struct{}{} }
	w.testHookBatch = func(int) {
		if holding {
			holding = false
			close(inBatch)
			<-release
		}
	}
	errs := make(chan error, busyBatch+1)
	go func() { errs <- w.Attempt(ctx, att(100, "held@example.org")) }()
	<-enqueued
	<-inBatch
	for i := range busyBatch {
		go func() { errs <- w.Attempt(ctx, att(101+i, fmt.Sprintf("busy%d@example.org", i))) }()
	}
	for range busyBatch {
		<-enqueued
	}
	close(release)
	for range busyBatch + 1 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Attempt(ctx, att(200, "after@example.org")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []bool{false, true, false}; fmt.Sprint(spaced) != fmt.Sprint(want) {
		t.Errorf("spacing decisions %v, want %v (held batch of 1, busy batch of %d, then 1)", spaced, want, busyBatch)
	}
}

// TestLineNotUTF8: a line with bytes that are not UTF-8 (the journal saved
// as Latin-1 by an editor) is a corrupt line, warned about by Load and
// skipped by Scan, not a record whose key encoding/json would have changed
// to U+FFFD.
func TestLineNotUTF8(t *testing.T) {
	dir := t.TempDir()
	path := threeSent(t, dir, "rené@example.org")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	changeLines(t, path, func(l []string) []string {
		return strings.SplitAfter(strings.ReplaceAll(strings.Join(l, ""), "é", "\xe9"), "\n")
	})
	s := load(t, dir)
	var lines []int
	for _, w := range s.Warnings {
		var fe *campaign.FileError
		if !errors.Is(w, ErrCorruptLine) || !errors.As(w, &fe) || !strings.Contains(w.Error(), "not UTF-8") {
			t.Fatalf("warning %v, want a corrupt line that is not UTF-8", w)
		}
		lines = append(lines, fe.Line)
	}
	if fmt.Sprint(lines) != "[4 5]" || entryOf(t, s, "ann@example.org").Status != sendpool.StatusSent || entryOf(t, s, "cid@example.org").Status != sendpool.StatusSent {
		t.Errorf("warnings on lines %v, want [4 5]; ann %+v, cid %+v", lines, entryOf(t, s, "ann@example.org"), entryOf(t, s, "cid@example.org"))
	}
	// Records of their run follow them: no crash leaves that.
	if d := s.Damaged(); len(d) != 2 {
		t.Errorf("damaged %v, want lines 4 and 5", d)
	}
	skipped, err := Scan(t.Context(), dir, func(Record) error { return nil })
	if err != nil || skipped != 2 {
		t.Errorf("Scan skipped %d lines (%v), want 2", skipped, err)
	}
	// Saved as UTF-16, no line is a record: every one is damaged.
	utf16le := []byte{0xff, 0xfe}
	for _, r := range string(data) {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	if err := os.WriteFile(path, utf16le, 0o600); err != nil {
		t.Fatal(err)
	}
	if d := load(t, dir).Damaged(); len(d) < 6 {
		t.Errorf("UTF-16: damaged %v, want every line", d)
	}
}

// TestDamagedKinds: what Damaged holds against send, and what it takes for
// a crash's leftovers. Each case changes a journal of one run (ann, rené,
// cid; rené's two lines are 4 and 5, cid's 6 and 7) and may add a second
// run after the change, as a test send or bounces would.
func TestDamagedKinds(t *testing.T) {
	for _, c := range []struct {
		name    string
		change  func(lines []string) []string
		nextRun bool
		damaged int // lines Damaged lists
	}{
		{"Latin-1, a later run after it", func(l []string) []string {
			return strings.SplitAfter(strings.ReplaceAll(strings.Join(l, ""), "é", "\xe9"), "\n")
		}, true, 2},
		{"Latin-1 in the run's last lines", func(l []string) []string {
			l[3], l[4], l[5], l[6] = l[5], l[6], strings.ReplaceAll(l[3], "é", "\xe9"), strings.ReplaceAll(l[4], "é", "\xe9")
			return l
		}, false, 2},
		{"UTF-16, a later run after it", func(l []string) []string {
			var b []byte
			for _, r := range "\ufeff" + strings.Join(l, "") {
				b = append(b, byte(r), byte(r>>8))
			}
			return []string{string(b)}
		}, true, 7},
		{"edited by hand, its run's records after it", func(l []string) []string {
			l[4] = l[4][:30] + "\n"
			return l
		}, false, 1},
		{"an editor's byte order mark", func(l []string) []string {
			l[0] = "\xef\xbb\xbf" + l[0]
			return l
		}, false, 0},
		{"NULs a power loss left amid the last batch", func(l []string) []string {
			l[4] = strings.Repeat("\x00", 40) + "\n"
			return l
		}, false, 0},
		{"a torn write inside a character, then a new run", func(l []string) []string {
			last := l[len(l)-2] // cid's result, made to name rené
			last = strings.Replace(last, "cid", "rené", 1)
			return append(l[:len(l)-2], last[:strings.Index(last, "é")+1])
		}, true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			changeLines(t, threeSent(t, dir, "rené@example.org"), c.change)
			if c.nextRun {
				writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour)})
			}
			if d := load(t, dir).Damaged(); len(d) != c.damaged {
				t.Errorf("damaged %d lines, want %d: %v", len(d), c.damaged, d)
			}
		})
	}
}

// threeSent writes one run in which ann, key2 and cid were sent (rows 2–4:
// lines 2–7, key2's on lines 4 and 5) and returns the journal's path.
func threeSent(t *testing.T, dir, key2 string) string {
	t.Helper()
	writeRun(t, dir, Run{PID: 1, Started: t0},
		att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, key2), res(3, key2, sendpool.StatusSent),
		att(4, "cid@example.org"), res(4, "cid@example.org", sendpool.StatusSent))
	return filepath.Join(dir, FileName)
}

// changeLines rewrites the file at path with change applied to its lines
// (each with its newline).
func changeLines(t *testing.T, path string, change func([]string) []string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := change(strings.SplitAfter(string(data), "\n"))
	if err := os.WriteFile(path, []byte(strings.Join(lines, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestResultQueued: records queued without waiting go out in few, full
// batches (one fsync each, not one a record), in the order queued, and
// Sync returns only once all of them are on disk; a write error reaches
// Sync and Close.
func TestResultQueued(t *testing.T) {
	const n = 10_000
	w, dir := openWriter(t)
	ctx := context.Background()
	var (
		batches atomic.Int64
		hold    atomic.Bool
	)
	held, release := make(chan struct{}), make(chan struct{})
	w.testHookBatch = func(int) {
		batches.Add(1)
		if hold.CompareAndSwap(true, false) {
			close(held)
			<-release
		}
	}
	for i := range n {
		if err := w.ResultQueued(ctx, res(i+2, fmt.Sprintf("r%d@example.org", i), sendpool.StatusSuppressed)); err != nil {
			t.Fatal(err)
		}
	}
	// The next batch to be cut is held: Sync, queued behind every record,
	// must not return before it is written.
	hold.Store(true)
	synced := make(chan error, 1)
	go func() { synced <- w.Sync(ctx) }()
	<-held
	select {
	case err := <-synced:
		t.Fatalf("Sync returned (%v) with a batch still held", err)
	default:
	}
	close(release)
	if err := <-synced; err != nil {
		t.Fatal(err)
	}
	if got := countLines(t, w.Path()); got != n+1 {
		t.Errorf("%d lines after Sync, want %d and the run record", got, n)
	}
	if b := batches.Load(); b > n/100 {
		t.Errorf("%d batches for %d queued records, want few", b, n)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows := 0
	if _, err := Scan(ctx, dir, func(r Record) error {
		if r.Result == nil {
			return nil
		}
		if r.Result.Row != rows+2 {
			return fmt.Errorf("record %d is row %d, want %d: out of order", rows, r.Result.Row, rows+2)
		}
		rows++
		return nil
	}); err != nil || rows != n {
		t.Errorf("%d records read back in order (%v), want %d", rows, err, n)
	}

	// A write that fails: Sync and Close say so.
	w, _ = openWriter(t)
	w.f.Close()
	if err := w.ResultQueued(ctx, res(2, "a@example.org", sendpool.StatusSuppressed)); err != nil {
		t.Fatal(err)
	}
	if err := w.Sync(ctx); err == nil {
		t.Error("Sync after a failed write: no error")
	}
	if err := w.Close(); err == nil {
		t.Error("Close after a failed write: no error")
	}
}

// check is CheckVariant without a variant, with the duplicate's detail.
func check(d *Deduper, row int, key string) (detail string, dup bool) {
	if first, _ := d.CheckVariant(row, key, 0); first > 0 {
		return DuplicateOf(first), true
	}
	return "", false
}

// TestAttemptEnvelope: an attempt keeps the envelope of a message that
// goes to more than its To's one address (a Cc, a Bcc, two in the To),
// and nothing for the usual message to one address.
func TestAttemptEnvelope(t *testing.T) {
	for _, c := range []struct {
		to   string
		rcpt []string
		want []string
	}{
		{"Ann <Ann@Example.org>", []string{"ann@example.org"}, nil},
		{"Ann <ann@example.org>", []string{"ann@example.org", "boss@example.org"}, []string{"ann@example.org", "boss@example.org"}},
		{"ann@example.org, bob@example.org", []string{"ann@example.org", "bob@example.org"}, []string{"ann@example.org", "bob@example.org"}},
		{"", []string{"bcc@example.org"}, []string{"bcc@example.org"}},
	} {
		a := NewAttempt(&render.Message{Row: 2, Key: "k", To: c.to, Recipients: c.rcpt, Data: []byte("x")}, 1, time.Unix(0, 0))
		if !slices.Equal(a.Envelope, c.want) {
			t.Errorf("To %q, recipients %v: envelope %v, want %v", c.to, c.rcpt, a.Envelope, c.want)
		}
	}
}
