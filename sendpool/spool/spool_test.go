package spool

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

func testMessage(row int) *render.Message {
	to := fmt.Sprintf("user%d@example.org", row)
	body := strings.Repeat(fmt.Sprintf("Hello %s, this is the newsletter.\r\n", to), 80)
	return &render.Message{Row: row, Key: to, EnvelopeFrom: "news@example.org", Recipients: []string{to, "cc@example.org"},
		To: "User <" + to + ">", Subject: fmt.Sprintf("Issue for row %d", row), MessageID: fmt.Sprintf("m%d@example.org", row),
		UTF8: row%7 == 0, Attachments: []render.Attachment{{Name: "a.pdf", Path: "/x/a.pdf", Size: 10, ContentType: "application/pdf", SHA256: "ab"}},
		Data: []byte("Subject: x\r\n\r\n" + body), ValueSums: testSums(row), ValuesSum: testSum(row), Cc: testCc(row)}
}

// testCc is the Cc of testMessage(row): none on every fourth row.
func testCc(row int) string {
	if row%4 == 0 {
		return ""
	}
	return "Boss <cc@example.org>"
}

// testSum is the ValuesSum of testMessage(row).
func testSum(row int) uint32 {
	if row%3 == 0 {
		return 0
	}
	return uint32(row) * 2654435761
}

// testSums are the ValueSums of testMessage(row): none for every third
// row (a record as an older tidings wrote it: the same bytes).
func testSums(row int) []uint16 {
	if row%3 == 0 {
		return nil
	}
	return []uint16{uint16(row), 0, 0xffff}
}

// writeGeneration spools rows 2..n+1: every 10th invalid, every 13th a
// duplicate, the rest messages.
func writeGeneration(t *testing.T, s *Store, n int) {
	t.Helper()
	w, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	for row := 2; row < n+2; row++ {
		switch {
		case row%10 == 0:
			r := Row{Row: row, Kind: KindInvalid, Detail: "bad address\nbad file", KeyReused: row%20 == 0}
			if row%30 == 0 {
				r.ColumnSums = []uint16{uint16(row), 0, 0xffff}
			}
			w.AddRow(r)
		case row%13 == 0:
			w.AddRow(Row{Row: row, Kind: KindDuplicate, Key: "dup@example.org", Detail: "duplicate of row 2", OtherValues: row%26 == 0})
		default:
			m := testMessage(row)
			if row%11 == 0 {
				m.Unlinked = &render.Unlinked{Bodies: render.BodyHTML, Mailto: true}
			}
			w.AddRow(RowOf(m))
			if err := w.AddMessage(m, fmt.Sprintf("h%d", row)); err != nil {
				t.Fatal(err)
			}
			if err := w.AddAttachment(testAttachment(row)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(Inputs{Digest: "d1"}); err != nil {
		t.Fatal(err)
	}
}

// testAttachment is the attachment record writeGeneration writes for row:
// every other row's file could not be read.
func testAttachment(row int) Attachment {
	a := Attachment{Row: row, Path: fmt.Sprintf("/x/invoices/INV-%06d.pdf", row), Size: int64(row) * 100, ModTime: 1767225600_000000000 + int64(row)}
	if row%2 == 0 {
		a.SHA256 = fmt.Sprintf("%064x", row)
	}
	return a
}

func TestSpoolRoundTrip(t *testing.T) {
	s := OpenStore(t.TempDir())
	const n = 1000
	writeGeneration(t, s, n)
	gens, err := s.Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v", gens, err)
	}
	g := gens[0]
	if g.Rows() != n || g.Inputs().Digest != "d1" {
		t.Errorf("manifest: %d rows, inputs %+v", g.Rows(), g.Inputs())
	}
	atts := 0
	if err := g.ScanAttachments(context.Background(), func(a Attachment) error {
		if want := testAttachment(a.Row); a != want {
			return fmt.Errorf("attachment record %+v, want %+v", a, want)
		}
		atts++
		return nil
	}); err != nil || atts != g.Messages() {
		t.Errorf("%d attachment records of %d messages: %v", atts, g.Messages(), err)
	}
	rd, err := g.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	ctx := context.Background()
	var rows, msgs int
	next := 2
	if err := rd.ScanRows(ctx, func(r Row) error {
		if r.Row != next {
			return fmt.Errorf("row %d, want %d", r.Row, next)
		}
		if want := testSum(r.Row); r.Kind == KindMessage && r.ValuesSum != want || r.Kind != KindMessage && r.ValuesSum != 0 || r.ValueSums != nil {
			return fmt.Errorf("row %d (%v): ValuesSum %x, ValueSums %x (a record keeps them with the message)", r.Row, r.Kind, r.ValuesSum, r.ValueSums)
		}
		if r.KeyReused != (r.Kind == KindInvalid && r.Row%20 == 0) || r.OtherValues != (r.Kind == KindDuplicate && r.Row%26 == 0) {
			return fmt.Errorf("row %d (%v): KeyReused %v, OtherValues %v", r.Row, r.Kind, r.KeyReused, r.OtherValues)
		}
		if want := (r.Kind == KindMessage && r.Row%11 == 0); want != (r.Unlinked == 5) || !want && r.Unlinked != 0 {
			return fmt.Errorf("row %d (%v): Unlinked %d", r.Row, r.Kind, r.Unlinked)
		}
		if want := (r.Kind == KindInvalid && r.Row%30 == 0); want != (r.ColumnSums != nil) || want && !slices.Equal(r.ColumnSums, []uint16{uint16(r.Row), 0, 0xffff}) {
			return fmt.Errorf("row %d (%v): ColumnSums %v", r.Row, r.Kind, r.ColumnSums)
		}
		next++
		rows++
		return nil
	}); err != nil || rows != n {
		t.Fatalf("ScanRows: %d rows, %v", rows, err)
	}
	if err := rd.ScanMessages(ctx, 0, func(m Message) error {
		want := testMessage(m.Row)
		if !bytes.Equal(m.Data, want.Data) || m.Key != want.Key || m.EnvelopeFrom != want.EnvelopeFrom || strings.Join(m.Recipients, ",") != strings.Join(want.Recipients, ",") ||
			m.To != want.To || m.Subject != want.Subject || m.MessageID != want.MessageID || m.UTF8 != want.UTF8 || m.Hash != fmt.Sprintf("h%d", m.Row) ||
			len(m.Attachments) != 1 || m.Attachments[0] != want.Attachments[0] || !slices.Equal(m.ValueSums, want.ValueSums) || m.ValuesSum != want.ValuesSum ||
			m.Cc != want.Cc || m.Bcc != want.Bcc {
			return fmt.Errorf("row %d: decoded %+v", m.Row, m.Message)
		}
		msgs++
		return nil
	}); err != nil || msgs != g.Messages() {
		t.Fatalf("ScanMessages: %d of %d, %v", msgs, g.Messages(), err)
	}
	for _, row := range []int{2, 3, 500, 999, 1001, 10, 13} {
		m, ok, err := rd.Message(row)
		wantOK := row%10 != 0 && row%13 != 0
		if err != nil || ok != wantOK || ok && m.Row != row {
			t.Errorf("Message(%d) = row %d, %v, %v", row, m.Row, ok, err)
		}
	}
	r, ok, err := rd.FindRow(ctx, func(r Row) bool { return r.Key == "user777@example.org" })
	if err != nil || !ok || r.Row != 777 {
		t.Errorf("FindRow: %+v %v %v", r, ok, err)
	}
	// Compression: a frame of similar messages is far smaller than its
	// messages.
	if per := g.Size() / int64(g.Messages()); per > 400 {
		t.Errorf("%d bytes a message on disk", per)
	}
}

// TestSpoolCutShortIsNotRead: a generation without its manifest, or whose
// files were changed after, is left out and cleaned away; a damaged frame
// is an error, never a wrong message.
func TestSpoolCutShortIsNotRead(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 200)
	w, err := s.Create() // generation 2, never closed: a crash
	if err != nil {
		t.Fatal(err)
	}
	w.AddRow(Row{Row: 2, Kind: KindInvalid})
	w.drain()
	w.closeFiles()
	gens, _ := s.Generations()
	if len(gens) != 1 || gens[0].Number() != 1 {
		t.Fatalf("generations %v", gens)
	}
	if err := s.Clean(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gens[0].path(extRows)); err != nil {
		t.Errorf("the complete generation was removed: %v", err)
	}
	if _, err := os.Stat((&Generation{dir: s.dir, num: 2}).path(extRows)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the generation cut short is still there: %v", err)
	}
	// Truncate the messages: the manifest no longer matches.
	g := gens[0]
	fi, _ := os.Stat(g.path(extMsgs))
	if err := os.Truncate(g.path(extMsgs), fi.Size()-1); err != nil {
		t.Fatal(err)
	}
	if gens, _ := s.Generations(); len(gens) != 0 {
		t.Errorf("a truncated generation is listed")
	}
	os.Truncate(g.path(extMsgs), fi.Size())
	// Flip a byte inside a frame: the CRC catches it.
	f, _ := os.OpenFile(g.path(extMsgs), os.O_RDWR, 0)
	b := make([]byte, 1)
	f.ReadAt(b, 100)
	f.WriteAt([]byte{^b[0]}, 100) // a byte that differs, whatever it was
	f.Close()
	rd, err := (&Generation{dir: s.dir, num: 1}).Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if _, _, err := rd.Message(2); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), g.path(extMsgs)) {
		t.Errorf("damaged frame: %v", err)
	}
	if err := rd.Verify(t.Context()); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), g.path(extMsgs)) {
		t.Errorf("Verify of a damaged frame: %v", err)
	}
}

// TestSpoolIndexChecked: an index record changed after it was written (a
// frame's last row, so a search by row would skip frames; its offset) is
// found when the generation is opened, naming the index.
func TestSpoolIndexChecked(t *testing.T) {
	for name, field := range map[string]int{"last row": 12, "offset": 16} {
		s := OpenStore(t.TempDir())
		writeGeneration(t, s, 200)
		g := &Generation{dir: s.dir, num: 1}
		f, err := os.OpenFile(g.path(extIndex), os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt([]byte{0x7f}, int64(field))
		f.Close()
		rd, err := g.Open()
		if err == nil {
			rd.Close()
		}
		if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), g.path(extIndex)) {
			t.Errorf("%s changed: %v", name, err)
		}
	}
}

// fullDisk is a File that takes limit bytes, then fails as a full disk.
type fullDisk struct {
	*os.File
	left *int
}

func (f fullDisk) Write(b []byte) (int, error) {
	if len(b) > *f.left {
		n, _ := f.File.Write(b[:*f.left])
		*f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	*f.left -= len(b)
	return f.File.Write(b)
}

// TestSpoolFullDisk: a write that fails (ENOSPC) fails Close with the path
// and the error, and leaves no generation behind.
func TestSpoolFullDisk(t *testing.T) {
	s := OpenStore(t.TempDir())
	left := 20_000
	s.SetCreate(func(path string) (File, error) {
		f, err := createFile(path)
		if err != nil {
			return nil, err
		}
		return fullDisk{File: f.(*os.File), left: &left}, nil
	})
	w, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	var addErr error
	for row := 2; row < 3000 && addErr == nil; row++ {
		m := testMessage(row)
		m.Data = append(m.Data, fmt.Sprintf("%x", row*7919)...)
		if addErr = w.AddRow(Row{Row: row, Kind: KindMessage, Key: m.Key}); addErr == nil {
			addErr = w.AddMessage(m, "h")
		}
	}
	err = w.Close(Inputs{Digest: "d"})
	if err == nil || !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), s.Dir()) {
		t.Fatalf("Close: %v, want ENOSPC naming the file", err)
	}
	if gens, _ := s.Generations(); len(gens) != 0 {
		t.Errorf("a generation is left: %v", gens)
	}
	ents, _ := os.ReadDir(s.Dir())
	if len(ents) != 0 {
		t.Errorf("files left: %v", ents)
	}
}

// TestCleanKeepsUsed: Clean never removes a used generation, not even one
// that does not read (a later version's, a damaged one): it is the record
// of what went out. An unused one that does not read goes.
func TestCleanKeepsUsed(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 20)
	writeGeneration(t, s, 20)
	gens, _ := s.Generations()
	used, unused := gens[1], gens[0] // newest first
	if err := used.MarkUsed(); err != nil {
		t.Fatal(err)
	}
	for _, g := range []*Generation{used, unused} {
		fi, _ := os.Stat(g.path(extMsgs))
		if err := os.Truncate(g.path(extMsgs), fi.Size()-1); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Clean(func(*Generation) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(used.path(extMsgs)); err != nil {
		t.Errorf("the used generation was removed: %v", err)
	}
	if _, err := os.Stat(unused.path(extMsgs)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the unused damaged generation is still there: %v", err)
	}
}

// gatedFile holds every Write until gate is closed.
type gatedFile struct {
	File
	gate chan struct{}
}

func (f gatedFile) Write(b []byte) (int, error) {
	<-f.gate
	return f.File.Write(b)
}

// TestSpoolPendingBytes: frames of large messages wait for the file
// writer once pendingBytes of them are pending, and a message larger than
// pendingBytes still goes through; the generation reads back whole.
func TestSpoolPendingBytes(t *testing.T) {
	s := OpenStore(t.TempDir())
	const big = 12 << 20 // a frame each (frameBytes)
	sizes := []int{big, big, big, big, pendingBytes + 1<<20, 100}
	synctest.Test(t, func(t *testing.T) {
		gate := make(chan struct{}) // made in the bubble: waiting on it is durable
		s.SetCreate(func(path string) (File, error) {
			f, err := createFile(path)
			if err != nil {
				return nil, err
			}
			return gatedFile{File: f, gate: gate}, nil
		})
		w, err := s.Create()
		if err != nil {
			t.Fatal(err)
		}
		var added atomic.Int32
		done := make(chan error)
		go func() {
			for i, size := range sizes {
				m := testMessage(i + 2)
				m.Data = bytes.Repeat([]byte("0123456789abcde\n"), size/16+1)[:size]
				w.AddRow(Row{Row: m.Row, Kind: KindMessage, Key: m.Key})
				if err := w.AddMessage(m, "h"); err != nil {
					done <- err
					return
				}
				added.Add(1)
			}
			done <- w.Close(Inputs{Digest: "d"})
		}()
		synctest.Wait()
		if got, want := int(added.Load()), 2; got != want { // 32 MB pending, 12 MB a frame
			t.Errorf("%d messages added while the file writer waits, want %d (pendingBytes)", got, want)
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
	gens, err := s.Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("generations %v, %v", gens, err)
	}
	rd, err := gens[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	n := 0
	if err := rd.ScanMessages(context.Background(), 0, func(m Message) error {
		if len(m.Data) != sizes[m.Row-2] {
			return fmt.Errorf("row %d: %d bytes, want %d", m.Row, len(m.Data), sizes[m.Row-2])
		}
		n++
		return nil
	}); err != nil || n != len(sizes) {
		t.Fatalf("ScanMessages: %d of %d, %v", n, len(sizes), err)
	}
}

// TestScanMessagesOwnData: a message kept after its frame was scanned (as
// one waiting for a retry or for its domain's turn is) holds only its own
// bytes, not the whole frame's: the pool's byte bounds count len(Data).
func TestScanMessagesOwnData(t *testing.T) {
	const frames = 20
	var msgs []*render.Message
	for row := 2; row < 2+frames*msgsPerFrame; row++ {
		msgs = append(msgs, testMessage(row))
	}
	rd := spoolMessages(t, msgs)
	before := heapAlloc()
	var kept []Message
	var keptBytes, frameBytes int
	if err := rd.ScanMessages(t.Context(), 0, func(m Message) error {
		frameBytes += len(m.Data)
		if (m.Row-2)%msgsPerFrame == 0 {
			kept = append(kept, m)
			keptBytes += len(m.Data)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	after := heapAlloc()
	runtime.KeepAlive(kept)
	// Sharing frames, the kept messages would hold all frameBytes (5.6
	// MB); alone, their own bytes and the reader's buffers for one frame.
	if held := after - before; held > int64(keptBytes+frameBytes/frames+(512<<10)) {
		t.Errorf("%d messages of %d bytes kept: the heap grew by %d bytes (all frames: %d)", len(kept), keptBytes, held, frameBytes)
	}
}

// TestMessageLetsGoOfLargeFrames: a Reader keeps nothing of a frame
// holding a message with a large attachment once Message returned it (the
// pool's refetcher keeps its Reader for the whole run).
func TestMessageLetsGoOfLargeFrames(t *testing.T) {
	const size = 8 << 20
	var msgs []*render.Message
	for row := 2; row < 4; row++ {
		m := testMessage(row)
		m.Data = make([]byte, size) // random: the frame stays large on disk too
		rand.NewChaCha8([32]byte{byte(row)}).Read(m.Data)
		msgs = append(msgs, m)
	}
	rd := spoolMessages(t, msgs)
	before := heapAlloc()
	if m, ok, err := rd.Message(3); err != nil || !ok || len(m.Data) != size {
		t.Fatalf("Message(3): %d bytes, %v, %v", len(m.Data), ok, err)
	}
	// The message is dropped: what is left is the Reader's.
	if held := heapAlloc() - before; held > 1<<20 {
		t.Errorf("the Reader holds %d bytes after returning an %d-byte message", held, size)
	}
}

// spoolMessages spools msgs as a new generation of a fresh store and opens
// it; the Reader is closed when the test ends.
func spoolMessages(t *testing.T, msgs []*render.Message) *Reader {
	t.Helper()
	s := OpenStore(t.TempDir())
	w, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		w.AddRow(Row{Row: m.Row, Kind: KindMessage, Key: m.Key, To: m.To, MessageID: m.MessageID})
		if err := w.AddMessage(m, "h"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Inputs{Digest: "d"}); err != nil {
		t.Fatal(err)
	}
	gens, err := s.Generations()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := gens[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rd.Close() })
	return rd
}

// heapAlloc is the live heap after a collection.
func heapAlloc() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestSameKeyAsTheJournal: keys compare as the journal's NormalizeKey
// (campaign.NormalizeKey) makes them, not by Unicode case folding.
func TestSameKeyAsTheJournal(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{" Ann@Example.org ", "ann@example.org", true},
		{"ſam@example.org", "sam@example.org", true},         // NFKC makes the long s an s
		{"straße@example.org", "strasse@example.org", false}, // EqualFold's full folding would not; NFKC keeps ß
		{"K@example.org", "k@example.org", true},
		{"Zu\u0308rich", "Zürich", true},
	} {
		if got := SameKey(c.a, c.b); got != c.same || got != (campaign.NormalizeKey(c.a) == campaign.NormalizeKey(c.b)) {
			t.Errorf("SameKey(%q, %q) = %v, want %v", c.a, c.b, got, c.same)
		}
	}
}

// TestFindPassesDamagedGenerations: with a digest, a message in a damaged
// frame of the newest generation is found in an older one that has the
// same bytes; the damage is the answer only when no generation has them.
func TestFindPassesDamagedGenerations(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 30)
	writeGeneration(t, s, 30) // the same messages: generation 2
	g2 := &Generation{dir: s.dir, num: 2}
	f, err := os.OpenFile(g2.path(extMsgs), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteAt([]byte{0xff}, 100) // in its first frame, which holds all 30 rows
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	finder, err := s.NewFinder()
	if err != nil {
		t.Fatal(err)
	}
	defer finder.Close()
	m, g, ok, err := finder.Find(t.Context(), 3, "user3@example.org", "h3")
	if err != nil || !ok || g.Number() != 1 || m.Hash != "h3" {
		t.Errorf("Find by digest: generation %v, ok %v, %v; want generation 1's", g, ok, err)
	}
	if _, _, ok, err := finder.Find(t.Context(), 3, "user3@example.org", ""); ok || !errors.Is(err, ErrCorrupt) {
		t.Errorf("Find of the newest, damaged: ok %v, %v", ok, err)
	}
}

// TestFindNewest: without a digest, Find gives the newest generation's
// message for the key, also when an older one has the key at the row
// given and the newest has it elsewhere (the sheet changed between).
func TestFindNewest(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 5) // user3 at row 3
	w, err := s.Create()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range []int{2, 3, 4} {
		m := testMessage(row + 1) // user3 at row 2 now
		m.Row = row
		w.AddRow(Row{Row: row, Kind: KindMessage, Key: m.Key, To: m.To, MessageID: m.MessageID})
		if err := w.AddMessage(m, fmt.Sprintf("new%d", row)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(Inputs{Digest: "d2"}); err != nil {
		t.Fatal(err)
	}
	finder, err := s.NewFinder()
	if err != nil {
		t.Fatal(err)
	}
	defer finder.Close()
	m, g, ok, err := finder.Find(t.Context(), 3, "user3@example.org", "")
	if err != nil || !ok || g.Number() != 2 || m.Row != 2 || m.Hash != "new2" {
		t.Errorf("Find: generation %v, row %d, hash %q, ok %v, %v; want generation 2's at row 2", g, m.Row, m.Hash, ok, err)
	}
}

// TestIndexDamaged: an index record changed after it was written (a
// frame's first row one higher: still in order, so the records alone
// look fine) makes the generation damaged at Open, not a reader that
// misses the rows of that frame.
func TestIndexDamaged(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 30)
	g := &Generation{dir: s.dir, num: 1}
	path := g.path(extIndex)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[8]++ // the first record's first row
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	gens, err := s.Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("%d generations, %v", len(gens), err)
	}
	if rd, err := gens[0].Open(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "checksum of the index") {
		if rd != nil {
			rd.Close()
		}
		t.Errorf("Open: %v, want the index's checksum to fail", err)
	}
}

// TestUsedGenerationUnreadable: a generation messages went out from
// (marked used) whose manifest was damaged, or whose messages file was cut
// short, since it was written is still listed, as damaged: Open, and Find
// by a digest it alone holds, say why (naming the file), not that it has
// no such message. The same damage to a generation nothing went out from
// is the crash case: it is left out.
func TestUsedGenerationUnreadable(t *testing.T) {
	for name, damage := range map[string]func(g *Generation) error{
		"manifest": func(g *Generation) error {
			f, err := os.OpenFile(g.path(extManifest), os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt([]byte{'X'}, 3)
			return err
		},
		"truncated": func(g *Generation) error {
			fi, err := os.Stat(g.path(extMsgs))
			if err != nil {
				return err
			}
			return os.Truncate(g.path(extMsgs), fi.Size()-10)
		},
		"manifest gone": func(g *Generation) error { return os.Remove(g.path(extManifest)) },
	} {
		t.Run(name, func(t *testing.T) {
			s := OpenStore(t.TempDir())
			writeGeneration(t, s, 30) // used
			writeGeneration(t, s, 30) // not used
			used, unused := &Generation{dir: s.dir, num: 1}, &Generation{dir: s.dir, num: 2}
			if err := used.MarkUsed(); err != nil {
				t.Fatal(err)
			}
			for _, g := range []*Generation{used, unused} {
				if err := damage(g); err != nil {
					t.Fatal(err)
				}
			}
			gens, err := s.Generations()
			if err != nil || len(gens) != 1 || gens[0].Number() != 1 {
				t.Fatalf("generations %v, %v: want the used one alone", gens, err)
			}
			g := gens[0]
			if err := g.Unreadable(); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "g0001.") {
				t.Errorf("Unreadable: %v", err)
			}
			if rd, err := g.Open(); !errors.Is(err, ErrCorrupt) {
				if rd != nil {
					rd.Close()
				}
				t.Errorf("Open: %v", err)
			}
			finder, err := s.NewFinder()
			if err != nil {
				t.Fatal(err)
			}
			defer finder.Close()
			if _, _, ok, err := finder.Find(t.Context(), 3, "user3@example.org", "h3"); ok || !errors.Is(err, ErrCorrupt) {
				t.Errorf("Find: ok %v, %v; want the damage", ok, err)
			}
			if err := s.Clean(nil); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(used.path(extRows)); err != nil {
				t.Errorf("Clean removed the used generation: %v", err)
			}
		})
	}
}

// TestFrameWithMoreRecords: a frame holding more records than its index
// record counts (the index and manifest changed to agree on one record
// fewer) is damaged, not read as far as the count goes.
func TestFrameWithMoreRecords(t *testing.T) {
	s := OpenStore(t.TempDir())
	writeGeneration(t, s, 30) // one frame of each stream
	g := &Generation{dir: s.dir, num: 1}
	if err := g.load(); err != nil {
		t.Fatal(err)
	}
	index, err := os.ReadFile(g.path(extIndex))
	if err != nil {
		t.Fatal(err)
	}
	var lastMsg int
	for off := 0; off < len(index); off += indexRecordSize {
		ref := unmarshalFrameRef(index[off : off+indexRecordSize])
		ref.count--
		switch ref.stream {
		case streamRows:
			g.m.Rows--
		case streamMsgs:
			g.m.Messages--
			lastMsg = ref.lastRow
		}
		copy(index[off:], ref.marshal())
	}
	g.m.IndexCRC = crc32.Checksum(index, castagnoli)
	if err := os.WriteFile(g.path(extIndex), index, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.writeManifest(g.m); err != nil {
		t.Fatal(err)
	}
	rd, err := (&Generation{dir: s.dir, num: 1}).Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if err := rd.ScanRows(t.Context(), func(Row) error { return nil }); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "g0001.rows") {
		t.Errorf("ScanRows: %v", err)
	}
	if err := rd.ScanMessages(t.Context(), 0, func(Message) error { return nil }); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "g0001.msgs") {
		t.Errorf("ScanMessages: %v", err)
	}
	if _, _, err := rd.Message(lastMsg); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Message: %v", err)
	}
}
