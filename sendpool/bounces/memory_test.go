package bounces

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/statefile"
)

func entries(ids ...string) []mailbox.Entry {
	var out []mailbox.Entry
	for _, id := range ids {
		out = append(out, mailbox.Entry{ID: id})
	}
	return out
}

func idsOf(es []mailbox.Entry) string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return strings.Join(out, " ")
}

// TestMemoryUIDs: UIDs read are kept as ranges, saved (0600) and loaded
// back; the next listing skips them; a Scope of another UIDVALIDITY
// forgets them all.
func TestMemoryUIDs(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `imap "h:993" "u" "INBOX" 7`, UIDs: true}
	m, err := LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	listed := entries("1", "2", "3", "5", "6", "9")
	kept, skipped, forgot := m.skip(scope, "/l", listed, false)
	if len(kept) != 6 || skipped != 0 || forgot != "" {
		t.Fatalf("empty memory: kept %v, skipped %d, forgot %q", kept, skipped, forgot)
	}
	m.add(scope, []string{"1", "2", "3", "6", "5"}, nil, listed)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ReadFile))
	if fi, _ := os.Stat(filepath.Join(dir, ReadFile)); fi.Mode().Perm() != 0o600 || !strings.Contains(string(data), "\nuids 1:3,5:6\n") {
		t.Fatalf("file (mode %v):\n%s", fi.Mode(), data)
	}
	m, err = LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	kept, skipped, _ = m.skip(scope, "/l", append(listed, entries("10")...), false)
	if idsOf(kept) != "9 10" || skipped != 5 {
		t.Errorf("loaded: kept %q, skipped %d", idsOf(kept), skipped)
	}
	other := scope
	other.Key = `imap "h:993" "u" "INBOX" 8`
	kept, skipped, forgot = m.skip(other, "/l", listed, false)
	if len(kept) != 6 || skipped != 0 || !strings.Contains(forgot, "UIDVALIDITY changed") {
		t.Errorf("another UIDVALIDITY: kept %v, skipped %d, forgot %q", kept, skipped, forgot)
	}
}

// TestMemoryList: what was read for one suppression list is forgotten
// under another (the reports read again list their addresses in it), not
// under the same list by another path; the list's path is kept quoted.
func TestMemoryList(t *testing.T) {
	dir, lists := t.TempDir(), t.TempDir()
	first, other := filepath.Join(lists, "a\nb.txt"), filepath.Join(lists, "other.txt")
	for _, p := range []string{first, other} {
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(lists, link); err != nil {
		t.Fatal(err)
	}
	scope := mailbox.Scope{Key: `imap "h:993" "u" "INBOX" 7`, UIDs: true}
	listed := entries("1", "2")
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := load()
	m.skip(scope, first, listed, false)
	m.add(scope, []string{"1", "2"}, nil, listed)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if _, skipped, forgot := load().skip(scope, filepath.Join(link, "a\nb.txt"), listed, false); skipped != 2 || forgot != "" {
		t.Errorf("the same list by another path: %d skipped, forgot %q", skipped, forgot)
	}
	m = load()
	kept, skipped, forgot := m.skip(scope, other, listed, false)
	if len(kept) != 2 || skipped != 0 || !strings.Contains(forgot, "suppress: list is another") {
		t.Fatalf("another list: kept %v, %d skipped, forgot %q", kept, skipped, forgot)
	}
	m.add(scope, []string{"1"}, nil, listed)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if kept, _, forgot := load().skip(scope, other, listed, false); idsOf(kept) != "2" || forgot != "" {
		t.Errorf("then the other list: kept %q, forgot %q", idsOf(kept), forgot)
	}
}

// TestMemoryLink: a bounces.read that is a symbolic link is neither
// read nor written through; both errors name the package and are a
// *statefile.LinkError.
func TestMemoryLink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, []byte("keep\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, ReadFile)); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMemory(dir)
	if _, ok := errors.AsType[*statefile.LinkError](err); !ok || !strings.HasPrefix(err.Error(), "bounces: ") {
		t.Errorf("LoadMemory: %v", err)
	}
	m.skip(mailbox.Scope{Key: "k", UIDs: true}, "/l", nil, false)
	m.add(mailbox.Scope{Key: "k", UIDs: true}, []string{"1"}, nil, nil)
	err = m.Save()
	if _, ok := errors.AsType[*statefile.LinkError](err); !ok || !strings.HasPrefix(err.Error(), "bounces: ") {
		t.Errorf("Save: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "keep\n" {
		t.Errorf("the link's target was written: %q", b)
	}
}

// TestMemoryBounds: two million UIDs read in order are one range; past
// maxRanges ranges the lowest are forgotten (read again, never skipped
// unread).
func TestMemoryBounds(t *testing.T) {
	scope := mailbox.Scope{Key: "k", UIDs: true}
	m := &Memory{path: filepath.Join(t.TempDir(), ReadFile), key: "k", known: map[string]bool{}}
	read := make([]string, 0, 2_000_000)
	for i := 1; i <= 2_000_000; i++ {
		read = append(read, strconv.Itoa(i))
	}
	m.add(scope, read, nil, nil)
	if m.uids.String() != "1:2000000" {
		t.Fatalf("two million UIDs: %.40s", m.uids.String())
	}
	var odd []string
	for i := 2_000_001; i < 2_000_001+2*(maxRanges+10); i += 2 {
		odd = append(odd, strconv.Itoa(i))
	}
	m.add(scope, odd, nil, nil)
	if len(m.uids) != maxRanges || m.uids.has(1) || !m.uids.has(uint32(2_000_001+2*(maxRanges+9))) || m.uids.has(2_000_002) {
		t.Errorf("%d ranges, first %v", len(m.uids), m.uids[0])
	}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(m.path); err != nil || fi.Size() > maxMemoryFile {
		t.Errorf("file size %v, %v", fi.Size(), err)
	}
}

// TestMemoryPOP3: unique-ids read are kept, those gone from the maildrop
// forgotten; a damaged file is an error and an empty Memory.
func TestMemoryPOP3(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	m, _ := LoadMemory(dir)
	m.skip(scope, "/l", nil, false)
	m.add(scope, []string{"a1", "b2", "has space"}, nil, entries("a1", "b2", "c3"))
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	kept, skipped, _ := m.skip(scope, "/l", entries("b2", "c3", "d4"), false)
	if idsOf(kept) != "c3 d4" || skipped != 1 {
		t.Errorf("kept %q, skipped %d", idsOf(kept), skipped)
	}
	m.add(scope, []string{"c3"}, nil, entries("b2", "c3", "d4"))
	if strings.Join(m.uidls, " ") != "b2 c3" {
		t.Errorf("remembered %v", m.uidls)
	}
	os.WriteFile(filepath.Join(dir, ReadFile), []byte("key k\nuids 5:3\n"), 0o600)
	if m, err := LoadMemory(dir); err == nil || len(m.uids) != 0 || m.key != "" {
		t.Errorf("damaged file: %v, %+v", err, m)
	}
}

// TestProcessMemoryMissing: a message the server listed but did not
// find when asked for it (another client took it, or the server
// stumbled) is not remembered: the next run reads it if it is there.
func TestProcessMemoryMissing(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	mb := newMemMailbox(personal, dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"))
	mb.gone = map[string]bool{"2": true}
	w, done := journalRecorder(t, dir)
	defer done()
	run := func() *Summary {
		t.Helper()
		mem, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Process(t.Context(), mb, index(t, dir), w, Options{SuppressFile: filepath.Join(dir, "s.txt"), Campaign: "x", Memory: mem})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	if sum := run(); len(sum.Findings) != 2 || sum.Count(Matched) != 0 {
		t.Fatalf("first run: %+v", sum.Findings)
	}
	mb.gone = nil
	if sum := run(); len(sum.Findings) != 1 || sum.Skipped != 1 || sum.Count(Matched) != 1 {
		t.Errorf("the next run: %d read (%+v), %d skipped; want the bounce read", len(sum.Findings), sum.Findings, sum.Skipped)
	}
}

// TestDisposeStopped: the reports a stopped run recorded are moved on a
// new session; when none can be opened they stay, and the error says so
// and that the next run reads them again.
func TestDisposeStopped(t *testing.T) {
	mb := newMemMailbox("a", "b", "c")
	stopped := &StoppedError{Err: errors.New("mailbox: cut"), Read: 2, Listed: 3, Recorded: []string{"1", "2"}, MoveTo: "Junk"}
	open := func(context.Context) (Session, error) { return closing{mb}, nil }
	if n := DisposeStopped(t.Context(), open, stopped); n != 2 || mb.moved["1"] != "Junk" || mb.moved["2"] != "Junk" || mb.moved["3"] != "" {
		t.Errorf("moved %d: %v", n, mb.moved)
	}
	if !strings.Contains(stopped.Error(), "the 2 reports among them were moved to Junk on a new session; the next run reads the 1 not read yet") {
		t.Errorf("error: %v", stopped)
	}
	failed := &StoppedError{Err: errors.New("mailbox: cut"), Read: 2, Listed: 3, Recorded: []string{"1"}, Delete: true}
	refuse := func(context.Context) (Session, error) { return nil, errors.New("mailbox: connection refused") }
	if n := DisposeStopped(t.Context(), refuse, failed); n != 0 ||
		!strings.Contains(failed.Error(), "deleting them on a new session failed too (mailbox: connection refused): they stay in the mailbox, and the next run reads them again (recording nothing twice) and the 1 not read yet") {
		t.Errorf("%d deleted: %v", n, failed)
	}
}

// TestStoppedReadAgain: a run with --move-to that its time limit stopped
// says that the messages it read and left in the mailbox (none a report,
// or the reports it could not move) take the next run's time again, and
// what to do when they fill it; not when it moved all it read, nor when
// another bound stopped it.
func TestStoppedReadAgain(t *testing.T) {
	limit := fmt.Errorf("mailbox: UID FETCH stopped: %w", &mailbox.RunLimit{Limit: 30 * time.Minute, Setting: "--max-time"})
	hint := "count against its 30m00s (--max-time) too: when they fill it, give one run more time"
	for _, c := range []struct {
		e    StoppedError
		want string
	}{
		{StoppedError{Err: limit, Read: 40, Listed: 90, MoveTo: "Junk"}, "none of them was a report to move; the next run reads them again (recording nothing twice) and the 50 not read yet; the 40 it reads again " + hint},
		{StoppedError{Err: limit, Read: 40, Listed: 90, MoveTo: "Junk", Recorded: []string{"1"}, Disposed: 1}, "(and the other messages read, left in the mailbox, again, recording nothing twice); the 39 it reads again " + hint},
		{StoppedError{Err: limit, Read: 40, Listed: 90, Delete: true, Recorded: []string{"1"}, DisposeErr: errors.New("mailbox: refused")}, "and the 50 not read yet; the 40 it reads again " + hint},
		{StoppedError{Err: limit, Read: 2, Listed: 9, MoveTo: "Junk", Recorded: []string{"1", "2"}, Disposed: 2}, "the next run reads the 7 not read yet (and the other messages read, left in the mailbox, again, recording nothing twice)"},
		{StoppedError{Err: errors.New("mailbox: connection lost"), Read: 4, Listed: 9, MoveTo: "Junk"}, "recording nothing twice) and the 5 not read yet"},
		// The others remembered (bounces.read): the next run skips them.
		{StoppedError{Err: limit, Read: 40, Listed: 90, MoveTo: "Junk", Recorded: []string{"1"}, Disposed: 1, Remembered: true}, "the report among them was moved to Junk on a new session; the next run reads the 50 not read yet (it skips the 39 other messages read, left in the mailbox: they are remembered in the state folder's bounces.read)"},
		{StoppedError{Err: limit, Read: 40, Listed: 90, Delete: true, Recorded: []string{"1"}, DisposeErr: errors.New("mailbox: refused"), Remembered: true}, "and the 50 not read yet; it skips the 39 other messages read, left in the mailbox: they are remembered in the state folder's bounces.read; the 1 it reads again " + hint},
		{StoppedError{Err: limit, Read: 40, Listed: 90, MoveTo: "Junk", Remembered: true}, "none of them was a report to move: the next run skips them (they are remembered in the state folder's bounces.read) and reads the 50 not read yet"},
	} {
		got := c.e.Error()
		if !strings.Contains(got, c.want) || (!strings.Contains(c.want, hint) && strings.Contains(got, "count against")) {
			t.Errorf("%+v:\n%s\nwant %q", c.e, got, c.want)
		}
	}
}

// closing is a memMailbox that ends.
type closing struct{ *memMailbox }

func (closing) Close(context.Context) error { return nil }

// TestProcessMemory: a run that moves nothing remembers the messages it
// read but the one the server refused to give, which the next run reads
// again; a dry run skips what is remembered and remembers nothing; a run
// with --delete reads the report the others read (and deletes it), not
// the messages left in the mailbox as no report.
func TestProcessMemory(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	mb := newMemMailbox(personal, personal, dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"))
	mb.refuse = map[string]bool{"1": true}
	w, done := journalRecorder(t, dir)
	defer done()
	opts := Options{SuppressFile: filepath.Join(t.TempDir(), "s.txt"), Campaign: "x"}
	run := func(o Options) *Summary {
		t.Helper()
		mem, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		o.Memory = mem
		sum, err := Process(t.Context(), mb, index(t, dir), w, o)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	if sum := run(opts); len(sum.Findings) != 3 || sum.Skipped != 0 || !sum.Remembered {
		t.Fatalf("first run: %d read, %d skipped, remembered %v", len(sum.Findings), sum.Skipped, sum.Remembered)
	}
	dry := opts
	dry.DryRun = true
	mb.refuse = nil
	if sum := run(dry); len(sum.Findings) != 1 || sum.Findings[0].ID != "1" || sum.Skipped != 2 || sum.Remembered {
		t.Fatalf("dry run: findings %+v, %d skipped, remembered %v", sum.Findings, sum.Skipped, sum.Remembered)
	}
	if sum := run(opts); len(sum.Findings) != 1 || sum.Findings[0].ID != "1" || sum.Skipped != 2 {
		t.Fatalf("second run: findings %+v, %d skipped", sum.Findings, sum.Skipped)
	}
	if sum := run(opts); len(sum.Findings) != 0 || sum.Skipped != 3 {
		t.Fatalf("third run: findings %+v, %d skipped", sum.Findings, sum.Skipped)
	}
	del := opts
	del.Delete = true
	if sum := run(del); len(sum.Findings) != 1 || sum.Findings[0].ID != "3" || sum.Skipped != 2 || sum.Processed != 1 {
		t.Errorf("--delete run: %d read, %d skipped, %d deleted", len(sum.Findings), sum.Skipped, sum.Processed)
	}
}

// TestMemoryLeft: of the messages read, those left in the mailbox as no
// report are kept apart (IMAP and POP3), saved and loaded back: a run
// that moves or deletes skips those only, one that moves nothing all
// read.
func TestMemoryLeft(t *testing.T) {
	for _, scope := range []mailbox.Scope{{Key: `imap "h:993" "u" "INBOX" 7`, UIDs: true}, {Key: `pop3 "h:995" "u"`}} {
		dir := t.TempDir()
		m, _ := LoadMemory(dir)
		listed := entries("1", "2", "3", "4")
		m.skip(scope, "/l", listed, true)
		m.add(scope, []string{"1", "2", "3"}, []string{"2", "3"}, listed)
		if err := m.Save(); err != nil {
			t.Fatal(err)
		}
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		if kept, skipped, _ := m.skip(scope, "/l", listed, true); idsOf(kept) != "1 4" || skipped != 2 {
			t.Errorf("%s, moving: kept %q, skipped %d; want 1 (a report read) and 4", scope.Key, idsOf(kept), skipped)
		}
		if kept, skipped, _ := m.skip(scope, "/l", listed, false); idsOf(kept) != "4" || skipped != 3 {
			t.Errorf("%s, moving nothing: kept %q, skipped %d; want 4", scope.Key, idsOf(kept), skipped)
		}
	}
}

// TestProcessMemoryRules: what runs remembered, the messages left in the
// mailbox as no report among it, is read again once the rules messages
// are read by change (here the unsubscribe request's subject: a message
// that was "other" may be a request now), by a run that moves too; and
// not while they stay.
func TestProcessMemoryRules(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	mb := newMemMailbox(personal, personal)
	w, done := journalRecorder(t, dir)
	defer done()
	opts := Options{SuppressFile: filepath.Join(t.TempDir(), "s.txt"), Campaign: "x", Unsubscribe: "news@example.org", UnsubscribeSubject: "stop"}
	run := func(o Options) *Summary {
		t.Helper()
		mem, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		o.Memory = mem
		sum, err := Process(t.Context(), mb, index(t, dir), w, o)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	if sum := run(opts); len(sum.Findings) != 2 || sum.Forgot != "" {
		t.Fatalf("first run: %d read, forgot %q", len(sum.Findings), sum.Forgot)
	}
	move := opts
	move.Delete = true
	if sum := run(move); len(sum.Findings) != 0 || sum.Skipped != 2 || sum.Forgot != "" {
		t.Fatalf("--delete run, the rules as they were: %d read, %d skipped, forgot %q", len(sum.Findings), sum.Skipped, sum.Forgot)
	}
	move.UnsubscribeSubject = "unsubscribe me"
	if sum := run(move); len(sum.Findings) != 2 || sum.Skipped != 0 || !strings.Contains(sum.Forgot, "read by other rules") {
		t.Errorf("--delete run, another unsubscribe subject: %d read, %d skipped, forgot %q", len(sum.Findings), sum.Skipped, sum.Forgot)
	}
}

// TestMemoryOverruns: a message whose fetch overran in two runs under a
// bound is passed over by runs under that bound or a smaller one, not a
// larger; kept across Save and LoadMemory; forgotten once read, once no
// longer listed, and when the rules the messages are read by change.
func TestMemoryOverruns(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `imap "h:993" "u" "INBOX" 7`, UIDs: true}
	listed := entries("1", "2", "3")
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		m.readBy("r1")
		m.skip(scope, "/l", listed, false)
		return m
	}
	run := func(m *Memory, read, overran []string, bound time.Duration) {
		t.Helper()
		var msgs []PassedOver
		for _, id := range overran {
			msgs = append(msgs, PassedOver{ID: id, Subject: "Undelivered " + id, From: "\"Mail\" <daemon@x>\n"})
		}
		if _, err := rememberRead(m, scope, readings{read: read, overran: msgs}, listed, Options{Bound: bound}); err != nil {
			t.Fatal(err)
		}
	}
	m := load()
	run(m, []string{"1"}, []string{"2", "3"}, time.Minute)
	if kept, passed, _ := load().passOver(listed, time.Minute); len(passed) != 0 || len(kept) != 3 {
		t.Fatalf("after one run: passed over %v", passed)
	}
	m = load()
	run(m, nil, []string{"2", "3"}, time.Minute)
	m = load()
	if kept, passed, _ := m.passOver(listed, 30*time.Second); idsOf(kept) != "1" || len(passed) != 2 || passed[0] != (PassedOver{ID: "2", Subject: "Undelivered 2", From: `"Mail" <daemon@x>`, Runs: 2, Bound: time.Minute}) {
		t.Errorf("after two runs, a smaller bound: kept %q, passed over %+v", idsOf(kept), passed)
	}
	if _, passed, _ := m.passOver(listed, 2*time.Minute); len(passed) != 0 {
		t.Errorf("a larger bound passes over %+v", passed)
	}
	// 3 read at last, 2 taken out of the mailbox.
	listed = entries("1", "3")
	run(m, []string{"3"}, nil, time.Minute)
	if m := load(); len(m.overran) != 0 {
		t.Errorf("kept %v", m.overran)
	}
	run(m, nil, []string{"3"}, time.Minute)
	run(m, nil, []string{"3"}, time.Minute)
	m = load()
	if m.readBy("r2") == "" || len(m.overran) != 0 {
		t.Errorf("other rules kept %v", m.overran)
	}
}

// TestJournalMark: a journal that grew since its mark holds it; one
// shorter, or as long but with other bytes before the mark (an older
// backup put back, and written to since), does not; a mark survives Save
// and LoadMemory, and one not known holds anywhere.
func TestJournalMark(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := strings.Repeat(`{"type":"result","row":2}`+"\n", 300)
	write(old + `{"type":"feedback","id":"a"}` + "\n")
	mark := markOf(path)
	write(old + `{"type":"feedback","id":"a"}` + "\n" + `{"type":"run"}` + "\n")
	if !mark.heldBy(path) {
		t.Error("a journal grown since does not hold its mark")
	}
	write(old)
	if mark.heldBy(path) {
		t.Error("a shorter journal holds the mark")
	}
	write(old + `{"type":"result","row":3}` + "\n" + `{"type":"run"}` + "\n")
	if mark.heldBy(path) {
		t.Error("the older journal written to since holds the mark")
	}
	if !(journalMark{}).heldBy(path) || !mark.heldBy(filepath.Join(dir, "gone")) {
		t.Error("a mark or a journal not known does not hold")
	}
	m := &Memory{path: filepath.Join(dir, ReadFile), key: "k", journal: mark}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadMemory(dir); err != nil || got.journal != mark {
		t.Errorf("loaded %+v, %v; want %+v", got.journal, err, mark)
	}
}

// TestMemoryUIDLGivenAgain: a POP3 unique-id the maildrop gives another
// message since (against RFC 1939), of another size, is read, not
// skipped as the message read under it; then remembered with its size. A
// unique-id an older tidings kept without its size is skipped as before.
func TestMemoryUIDLGivenAgain(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	sized := func(pairs ...any) []mailbox.Entry {
		var out []mailbox.Entry
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, mailbox.Entry{ID: pairs[i].(string), Size: int64(pairs[i+1].(int))})
		}
		return out
	}
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m := load()
	listed := sized("a1", 100, "b2", 200)
	m.skip(scope, "/l", listed, false)
	m.add(scope, []string{"a1", "b2"}, []string{"b2"}, listed)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(m.path, append(readBytes(t, m.path), "uidl c3\n"...), 0o600); err != nil {
		t.Fatal(err)
	}
	m = load()
	listed = sized("a1", 100, "b2", 999, "c3", 50)
	if kept, skipped, _ := m.skip(scope, "/l", listed, false); idsOf(kept) != "b2" || skipped != 2 {
		t.Fatalf("b2 given again: kept %q, skipped %d", idsOf(kept), skipped)
	}
	m.add(scope, []string{"b2"}, nil, listed) // a report now
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	m = load()
	if kept, skipped, _ := m.skip(scope, "/l", listed, false); len(kept) != 0 || skipped != 3 {
		t.Errorf("the run after: kept %q, skipped %d", idsOf(kept), skipped)
	}
	if kept, _, _ := m.skip(scope, "/l", listed, true); idsOf(kept) != "a1 b2 c3" {
		t.Errorf("moving: kept %q, want all but those left as no report (b2 is a report now)", idsOf(kept))
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestMemoryBoundsPOP3: a Memory at its bounds, every unique-id of 70
// characters with the largest size and every overrun with a Subject and
// From of escapes, is saved and loaded back whole: it was refused as
// damage (past maxMemoryFile) once sizes were kept, and every run read
// the whole maildrop again.
func TestMemoryBoundsPOP3(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	m, _ := LoadMemory(dir)
	listed := make([]mailbox.Entry, 0, maxUIDLs)
	read := make([]string, 0, maxUIDLs)
	for i := range maxUIDLs {
		id := fmt.Sprintf("%070d", i)
		listed = append(listed, mailbox.Entry{ID: id, Size: math.MaxInt64})
		read = append(read, id)
	}
	m.skip(scope, "/l", listed, false)
	var overran []PassedOver
	for i := range maxOverran {
		overran = append(overran, PassedOver{ID: read[i], Subject: strings.Repeat("\U0001F600\x01", 50), From: strings.Repeat("\x02", 100)})
	}
	if _, err := rememberRead(m, scope, readings{read: read[maxOverran:], left: read[maxOverran:], overran: overran}, listed, Options{Bound: time.Hour}); err != nil {
		t.Fatal(err)
	}
	got, err := LoadMemory(dir)
	if err != nil || len(got.uidls) != maxUIDLs-maxOverran || len(got.overran) != maxOverran {
		t.Errorf("loaded %d unique-ids, %d overruns, %v", len(got.uidls), len(got.overran), err)
	}
}

// TestMemoryPOP3Progress: read-only runs over a maildrop of more messages
// than maxUIDLs, each reading 60,000, get further each run, passing over
// a message that is never settled (a hole), which each reads again: the
// first maxUIDLs were kept and those read after them forgotten, so every
// run read the same ones again from the 100,001st on. A maildrop whose
// last message read is gone is read again from where the unique-ids kept
// end; a run that deletes skips the messages it left, not the reports.
func TestMemoryPOP3Progress(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	listed := make([]mailbox.Entry, 0, 250_000)
	for i := range 250_000 {
		listed = append(listed, mailbox.Entry{ID: fmt.Sprintf("m%06d", i), Size: int64(1000 + i)})
	}
	// run reads n of the messages not skipped, all left as no report
	// but when moving (reports to delete).
	run := func(listed []mailbox.Entry, n int, moving bool) []mailbox.Entry {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		kept, _, _ := m.skip(scope, "/l", listed, moving)
		var read, left []string
		for _, e := range kept[:min(n, len(kept))] {
			if e.ID != "m000005" { // an unsubscribe request not applied, say
				read = append(read, e.ID)
				if !moving {
					left = append(left, e.ID)
				}
			}
		}
		m.add(scope, read, left, listed)
		if err := m.Save(); err != nil {
			t.Fatal(err)
		}
		return kept
	}
	// Each run reads the hole again among its 60,000.
	for i, want := range []string{"m000000", "m000005 m060000", "m000005 m119999", "m000005 m179998"} {
		kept := run(listed, 60_000, false)
		if got := strings.Join(strings.Fields(idsOf(kept[:min(2, len(kept))])), " "); got != want && !(i == 0 && strings.HasPrefix(got, want)) {
			t.Fatalf("run %d: reads from %q, want %q (%d kept)", i+1, got, want, len(kept))
		}
	}
	if kept := run(listed, 11, true); len(kept) != 10_004 {
		t.Errorf("a run that deletes: %d kept, want the hole and the 10,003 not read (the others were left as no report)", len(kept))
	}
	// It deleted the 10 reports it read: the next goes on after them.
	listed = slices.Concat(listed[:239_997], listed[240_007:])
	if kept := run(listed, 0, true); len(kept) != 9_994 || kept[1].ID != "m240007" {
		t.Errorf("after the reports were deleted: %d kept, from %s; want the hole and the 9,993 after them", len(kept), kept[1].ID)
	}
	gone := slices.Concat(listed[:239_996], listed[239_997:]) // the last read
	if kept := run(gone, 0, false); len(kept) < 100_000 || kept[1].ID != "m100001" {
		t.Errorf("its last message read gone: %d kept, from %s", len(kept), kept[1].ID)
	}
}

// TestMemoryOverrunGivenAgain: a POP3 unique-id whose message overran in
// two runs, given by the maildrop to another message since (against RFC
// 1939, of another size), is read, not passed over unread as the one
// that overran, and that message's overruns count anew; an overran line
// without a size (written before sizes were kept) holds as before.
func TestMemoryOverrunGivenAgain(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	listed := []mailbox.Entry{{ID: "a1", Size: 100}, {ID: "b2", Size: 200}}
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		m.readBy("r1")
		m.skip(scope, "/l", listed, false)
		return m
	}
	run := func(size int64) {
		t.Helper()
		msgs := []PassedOver{{ID: "b2", Size: size, Subject: "Undelivered"}}
		if _, err := rememberRead(load(), scope, readings{read: []string{"a1"}, overran: msgs}, listed, Options{Bound: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	run(200)
	run(200)
	if _, passed, _ := load().passOver(listed, time.Minute); len(passed) != 1 {
		t.Fatalf("after two runs: passed over %+v, want b2", passed)
	}
	listed = []mailbox.Entry{{ID: "a1", Size: 100}, {ID: "b2", Size: 300}}
	if kept, passed, _ := load().passOver(listed, time.Minute); len(passed) != 0 || idsOf(kept) != "a1 b2" {
		t.Errorf("another message under b2: kept %q, passed over %+v", idsOf(kept), passed)
	}
	run(300)
	if m := load(); m.overran["b2"].runs != 1 || m.overran["b2"].size != 300 {
		t.Errorf("another message's overrun: %+v, want 1 run of size 300", m.overran["b2"])
	}
	b, err := os.ReadFile(filepath.Join(dir, ReadFile))
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(b), "overran b2 1 1m0s 300 ", "overran b2 2 1m0s ", 1)
	if old == string(b) {
		t.Fatalf("no overran line of size 300 in\n%s", b)
	}
	if err := os.WriteFile(filepath.Join(dir, ReadFile), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, passed, _ := load().passOver(listed, time.Minute); len(passed) != 1 {
		t.Errorf("an overran line without a size: passed over %+v, want b2", passed)
	}
}

// TestMemoryOverrunCut: a message that made the server cut the
// connection in one run and overran in another counts two runs, and the
// last run's kind is kept across Save and LoadMemory (a "dropped" line,
// whose PassedOver says Cut), so the run that passes it over says how
// the server failed.
func TestMemoryOverrunCut(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	listed := []mailbox.Entry{{ID: "a1", Size: 100}, {ID: "b2", Size: 200}}
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		m.readBy("r1")
		m.skip(scope, "/l", listed, false)
		return m
	}
	for _, cut := range []bool{false, true} {
		msgs := []PassedOver{{ID: "b2", Size: 200, Subject: "Undelivered", Cut: cut}}
		if _, err := rememberRead(load(), scope, readings{read: []string{"a1"}, overran: msgs}, listed, Options{Bound: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, ReadFile)); err != nil || !strings.Contains(string(b), "\ndropped b2 2 1m0s 200 \"Undelivered\" \"\"\n") {
		t.Errorf("no dropped line for b2 in\n%s (%v)", b, err)
	}
	_, passed, _ := load().passOver(listed, time.Minute)
	if len(passed) != 1 || !passed[0].Cut || passed[0].Runs != 2 {
		t.Errorf("passed over %+v, want b2, cut, in 2 runs", passed)
	}
}

// TestMemoryOverrunSizeNotKnown: a POP3 message listed with its size not
// known (its LIST cut the connection) that cut the connection in two
// runs was remembered with no size, as a line written before sizes were
// kept, which holds for any size: a message the server later gave its
// unique-id, against RFC 1939, and could list was passed over unread.
// The size not known is kept (SIZE -1) and holds for that message only;
// a line without a size still holds for any.
func TestMemoryOverrunSizeNotKnown(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	listed := []mailbox.Entry{{ID: "a1", Size: 100}, {ID: "b2", Size: -1}}
	load := func() *Memory {
		t.Helper()
		m, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		m.readBy("r1")
		m.skip(scope, "/l", listed, false)
		return m
	}
	for range 2 {
		msgs := []PassedOver{{ID: "b2", Size: -1, Subject: "Undelivered", Cut: true}}
		if _, err := rememberRead(load(), scope, readings{read: []string{"a1"}, overran: msgs}, listed, Options{Bound: time.Minute}); err != nil {
			t.Fatal(err)
		}
	}
	if _, passed, _ := load().passOver(listed, time.Minute); len(passed) != 1 {
		t.Fatalf("after two runs: passed over %+v, want b2", passed)
	}
	other := []mailbox.Entry{{ID: "a1", Size: 100}, {ID: "b2", Size: 300}}
	if kept, passed, _ := load().passOver(other, time.Minute); len(passed) != 0 || idsOf(kept) != "a1 b2" {
		t.Errorf("another message under b2, of a size listed: kept %q, passed over %+v", idsOf(kept), passed)
	}
	b, err := os.ReadFile(filepath.Join(dir, ReadFile))
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(b), "dropped b2 2 1m0s -1 ", "dropped b2 2 1m0s ", 1)
	if old == string(b) {
		t.Fatalf("no dropped line of size -1 in\n%s", b)
	}
	if err := os.WriteFile(filepath.Join(dir, ReadFile), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, passed, _ := load().passOver(other, time.Minute); len(passed) != 1 {
		t.Errorf("a dropped line without a size: passed over %+v, want b2", passed)
	}
}

// TestMemoryVersion: bounces.read had no format version, so a tidings
// older than a change could tell a newer file only as damage ("a line
// tidings does not write"). The file says its format ("version 1"); a
// file written before it was kept (no version line, as here byte for
// byte) reads as format 1; one of a newer format is refused as such
// (*NewerFileError, naming the file and both formats), whatever its
// other lines. A file holding a header line (a dropped message's header
// digest, headLine) is of format 2, for an older tidings to refuse as a
// newer one's; one without stays format 1, which it reads.
func TestMemoryVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ReadFile)
	old := memoryHead + "\nkey pop3 \"h:995\" \"u\"\nrules r1\nlist \"/l\"\nuidl a1 100\nstay b2 200\ndropped c3 2 1m0s -1 \"Undelivered\" \"\"\n"
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMemory(dir)
	if err != nil || !m.known["a1"] || !m.stay["b2"] || m.overran["c3"].runs != 2 {
		t.Fatalf("a file without a version line: %v, known %v, stay %v, overran %v", err, m.known, m.stay, m.overran)
	}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), memoryHead+"\nversion 1\nkey ") {
		t.Fatalf("saved without its version line:\n%s (%v)", b, err)
	}
	if m, err := LoadMemory(dir); err != nil || !m.known["a1"] {
		t.Fatalf("the file saved does not load: %v", err)
	}
	o := m.overran["c3"]
	o.head = headDigest([]byte("Subject: x\r\n\r\n"))
	m.overran["c3"] = o
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.HasPrefix(string(b), memoryHead+"\nversion 2\nkey ") || !strings.Contains(string(b), "\nheader c3 "+o.head+"\n") {
		t.Fatalf("saved with a header digest:\n%s (%v)", b, err)
	}
	if m, err := LoadMemory(dir); err != nil || m.overran["c3"] != o {
		t.Fatalf("the file with a header line loads as %v, %v; want %v", m.overran["c3"], err, o)
	}
	delete(m.overran, "c3")
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if b, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	newer := strings.Replace(string(b), "\nversion 1\n", "\nversion 4\nwidget 7\n", 1)
	if err := os.WriteFile(path, []byte(newer), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err = LoadMemory(dir)
	ne, ok := errors.AsType[*NewerFileError](err)
	if !ok || ne.Format != 4 || m.key != "" || !strings.Contains(err.Error(), path+" was written by a newer tidings (its format 4, this one's 3") || strings.Contains(err.Error(), "does not write") {
		t.Errorf("a newer file: %v, key %q", err, m.key)
	}
}

// TestMemoryVersionLine: the version line was taken wherever and however
// often it stood, so a file saying "version 1" and then "version 2" was
// read by this tidings' rules, a line of a later format taken for one of
// its own; and a bare "version", "version +1" or a version line after the
// key passed. tidings writes "version N" once, before the key: any other
// is a file it cannot read (an error naming the line; the run reads every
// message), and so is an empty file, which tidings never writes. A file
// with the version line and no header line reads (the header is a
// comment).
func TestMemoryVersionLine(t *testing.T) {
	body := "key pop3 \"h:995\" \"u\"\nrules r1\nlist \"/l\"\nuidl a1 100\n"
	for _, c := range []struct{ name, file, err string }{
		{"twice", memoryHead + "\nversion 1\nversion 2\n" + body, `a version line tidings does not write: "version 2"`},
		{"twice, newer first", memoryHead + "\nversion 2\nversion 1\n" + body, `a version line tidings does not write: "version 1"`},
		{"the same twice", memoryHead + "\nversion 1\nversion 1\n" + body, `a version line tidings does not write: "version 1"`},
		{"bare", memoryHead + "\nversion\n" + body, `a version line tidings does not write: "version"`},
		{"signed", memoryHead + "\nversion +1\n" + body, `a version line tidings does not write: "version +1"`},
		{"after the key", memoryHead + "\n" + body + "version 1\n", `a version line tidings does not write: "version 1"`},
		{"empty", "", "is empty, which tidings never writes"},
		{"no header", "version 1\n" + body, ""},
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, ReadFile), []byte(c.file), 0o600); err != nil {
			t.Fatal(err)
		}
		m, err := LoadMemory(dir)
		switch {
		case c.err == "" && (err != nil || !m.known["a1"]):
			t.Errorf("%s: %v, known %v, want a1 read", c.name, err, m.known)
		case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err) || m.key != ""):
			t.Errorf("%s: %v, key %q, want an error with %q and nothing held", c.name, err, m.key, c.err)
		}
	}
}

// TestMemoryGoneLine: a message the server said is not there but listed
// on a new session too (readAgainGone) is kept as a gone line, in a
// file of format 3 (an older tidings refuses it as a newer one's,
// rather than take it for an overran line or for damage); it loads as
// it was saved, and a gone record another message under its id (another
// size) replaces is of format 1 again.
func TestMemoryGoneLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ReadFile)
	m, err := LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	m.key = `pop3 "h:995" "u"`
	m.noteOverruns([]PassedOver{{ID: "g1", Size: 1008, Gone: true}}, time.Minute)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), memoryHead+"\nversion 3\nkey ") || !strings.Contains(string(b), "\ngone g1 1 1m0s 1008 \"\" \"\"\n") {
		t.Fatalf("saved with a gone record:\n%s (%v)", b, err)
	}
	m, err = LoadMemory(dir)
	if o := m.overran["g1"]; err != nil || !o.gone || o.cut || o.runs != 1 || o.size != 1008 {
		t.Fatalf("the file with a gone line loads as %+v, %v", o, err)
	}
	m.noteOverruns([]PassedOver{{ID: "g1", Size: 1008, Cut: true}}, time.Minute)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !strings.Contains(string(b), "\nversion 1\n") || !strings.Contains(string(b), "\ndropped g1 2 1m0s 1008 ") {
		t.Fatalf("a gone record the server cut the connection on since:\n%s (%v)", b, err)
	}
}

// TestMemoryPOP3NewestFirst: a maildrop that lists the newest mail first
// (mailpit's POP3, the README's walk-through) put the messages that came
// after a run before the last one it read, which the run's "upto" line
// took for read: the next run skipped every new bounce. A maildrop whose
// messages read are all kept by unique-id needs no such line.
func TestMemoryPOP3NewestFirst(t *testing.T) {
	dir := t.TempDir()
	scope := mailbox.Scope{Key: `pop3 "h:995" "u"`}
	m, _ := LoadMemory(dir)
	first := entries("c3", "b2", "a1")
	m.skip(scope, "/l", first, false)
	m.add(scope, []string{"c3", "b2", "a1"}, []string{"c3", "b2", "a1"}, first)
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, moving := range []bool{false, true} {
		kept, skipped, _ := m.skip(scope, "/l", entries("e5", "d4", "c3", "b2", "a1"), moving)
		if idsOf(kept) != "e5 d4" || skipped != 3 {
			t.Errorf("moving %v: kept %q, skipped %d; want the two new ones read", moving, idsOf(kept), skipped)
		}
	}
}
