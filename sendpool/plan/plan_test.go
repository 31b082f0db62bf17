package plan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// writeCampaign writes a campaign sending to srv over n rows (user000@…)
// with extra YAML appended, and returns its path.
func writeCampaign(t *testing.T, srv *smtptest.Server, n int, extra string) string {
	t.Helper()
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sheet, "user%03d@example.com,User %d\n", i, i)
	}
	writeFile(t, filepath.Join(dir, "c.yaml"), fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
to: '{{address .name .email}}'
subject: "Hello {{.name}}"
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
%s`, srv.Port, extra))
	writeFile(t, filepath.Join(dir, "body.txt"), "Hi {{.name}}\n")
	writeFile(t, filepath.Join(dir, "r.csv"), sheet.String())
	return filepath.Join(dir, "c.yaml")
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// open opens the campaign at path and its (empty or earlier) journal.
func open(t *testing.T, path string) (*Inputs, *journal.State) {
	t.Helper()
	in, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	state, err := journal.Load(context.Background(), in.Campaign.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	return in, state
}

// TestPreflightSpoolsThenReuses: the first preflight renders every row
// into a new spool generation; the next one, over the same inputs, decides
// from that spool and renders nothing, handing OnMessage the notes of the
// rows to send (render.Renderer.Notes, no Data) in sheet order; a change to the sheet, a template,
// an attachment or the passing of a day makes it render a new generation.
func TestPreflightSpoolsThenReuses(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 3, "attachments: [a.txt]\n")
	dir := filepath.Dir(camp)
	writeFile(t, filepath.Join(dir, "a.txt"), "attached")
	ctx := context.Background()
	var noted []int
	preflight := func(now time.Time) (*Plan, int) {
		in, state := open(t, camp)
		rendered := 0
		pl, err := Preflight(ctx, in, state, Options{Now: func() time.Time { return now }, Version: "test", OnMessage: func(m *render.Message) {
			if m.Data != nil {
				rendered++
			} else {
				noted = append(noted, m.Row) // a reused spool's notes of a row to send
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
		return pl, rendered
	}
	now := time.Now()
	pl, n := preflight(now)
	if pl.Reused || n != 3 || pl.ToSend != 3 || pl.Spool.Number() != 1 || pl.Spool.Messages() != 3 {
		t.Fatalf("first: reused %v, rendered %d, to send %d, generation %d", pl.Reused, n, pl.ToSend, pl.Spool.Number())
	}
	if pl, n = preflight(now.Add(MaxSpoolAge / 2)); !pl.Reused || n != 0 || pl.ToSend != 3 || pl.Spool.Number() != 1 || !slices.Equal(noted, []int{2, 3, 4}) {
		t.Fatalf("same inputs: reused %v, rendered %d, generation %d, notes of rows %v", pl.Reused, n, pl.Spool.Number(), noted)
	}
	for i, change := range []func(){
		func() { writeFile(t, filepath.Join(dir, "r.csv"), "email,name\nuser000@example.com,User Zero\n") },
		func() { writeFile(t, filepath.Join(dir, "body.txt"), "Hello {{.name}}\n") },
		func() { writeFile(t, filepath.Join(dir, "a.txt"), "attached, changed") },
		func() { now = now.Add(MaxSpoolAge + time.Minute) },
	} {
		change()
		pl, n = preflight(now)
		if pl.Reused || n == 0 {
			t.Errorf("change %d: reused %v, rendered %d", i, pl.Reused, n)
		}
		// Nothing was sent from the older generations: they are gone.
		gens, err := spool.OpenStore(filepath.Join(dir, ".tidings", "t")).Generations()
		if err != nil || len(gens) != 1 || gens[0].Number() != pl.Spool.Number() {
			t.Errorf("change %d: generations %v, %v", i, gens, err)
		}
	}
}

// TestPreflightFullDisk: a spool that cannot be written (a full disk)
// stops the preflight with the path and the error, before anything is sent,
// and leaves no generation to be used later.
func TestPreflightFullDisk(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 200, "")
	in, state := open(t, camp)
	store := spool.OpenStore(in.Campaign.StateDir)
	left := 4000
	store.SetCreate(func(path string) (spool.File, error) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return nil, err
		}
		return &fullDisk{File: f, left: &left}, nil
	})
	_, err := Preflight(context.Background(), in, state, Options{Store: store})
	if !errors.Is(err, syscall.ENOSPC) || strings.Count(err.Error(), store.Dir()) != 1 {
		t.Fatalf("err %v, want ENOSPC naming the spool's file once", err)
	}
	if gens, _ := store.Generations(); len(gens) != 0 {
		t.Errorf("generations left: %v", gens)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

// fullDisk takes *left bytes, then fails as a full disk.
type fullDisk struct {
	*os.File
	left *int
}

func (f *fullDisk) Write(b []byte) (int, error) {
	if len(b) > *f.left {
		n, _ := f.File.Write(b[:*f.left])
		*f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	*f.left -= len(b)
	return f.File.Write(b)
}

// TestPreflightDecides: every row gets its fate without the command line:
// a duplicate key, a suppressed address, a row problem and a key of an
// earlier row with other values (a problem too) are decided before
// anything is sent, the rest is planned in sheet order.
func TestPreflightDecides(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 0, "suppress: s.txt\n")
	dir := filepath.Dir(camp)
	writeFile(t, filepath.Join(dir, "r.csv"), "email,name\na@example.com,A\nb@example.com,B\nA@Example.com,A\nnot an address,C\nc@blocked.example,C\nB@example.com,Bee\n")
	writeFile(t, filepath.Join(dir, "s.txt"), "@blocked.example\n")
	in, state := open(t, camp)
	var seen int
	pl, err := Preflight(context.Background(), in, state, Options{OnMessage: func(*render.Message) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Rows != 6 || pl.ToSend != 2 || len(pl.Invalid) != 2 || seen != 4 {
		t.Errorf("rows %d, to send %d, invalid %d, seen %d", pl.Rows, pl.ToSend, len(pl.Invalid), seen)
	}
	// Seed reads the same decisions back from the spool.
	rep, err := report.NewReporter(t.TempDir(), report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	lock, w := openJournal(t, in.Campaign.StateDir)
	defer lock.Release()
	defer w.Close()
	if err := pl.Seed(context.Background(), rep, journal.NewRecorder(w), Hold{}); err != nil {
		t.Fatal(err)
	}
	want := map[int]sendpool.Status{2: sendpool.StatusNotAttempted, 3: sendpool.StatusNotAttempted, 4: sendpool.StatusDuplicate,
		5: sendpool.StatusInvalid, 6: sendpool.StatusSuppressed, 7: sendpool.StatusInvalid}
	lines := rep.Rows()
	for _, l := range lines {
		if want[l.Row] != l.Status {
			t.Errorf("row %d: %v (%s), want %v", l.Row, l.Status, l.Detail, want[l.Row])
		}
	}
	if len(lines) != 6 {
		t.Errorf("%d report lines", len(lines))
	}
}

// TestDeliverThenResume: Deliver sends the plan through a real SMTP
// client, journaled and reported; a second preflight over the journal
// plans nothing, and the daily cap holds rows back until its window moves.
func TestDeliverThenResume(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := writeCampaign(t, srv, 5, "")
	ctx := context.Background()
	in, state := open(t, camp)
	pl, err := Preflight(ctx, in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	allow := pl.Allow(0, 3, state, time.Now())
	if allow.N != 3 || !allow.Capped || !allow.Next.IsZero() {
		t.Fatalf("allowance %+v, want 3 now under a cap of 3", allow)
	}
	deliver(t, in, pl, allow.N)
	if got := len(srv.Messages()); got != 3 {
		t.Fatalf("server has %d messages, want 3", got)
	}

	in2, state2 := open(t, camp)
	pl2, err := Preflight(ctx, in2, state2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if pl2.ToSend != 2 {
		t.Errorf("resumed plan: %d to send, want 2", pl2.ToSend)
	}
	if a := pl2.Allow(0, 3, state2, time.Now()); a.N != 0 || a.Next.IsZero() {
		t.Errorf("allowance %+v, want none until the window moves", a)
	}
	if a := pl2.Allow(1, 3, state2, time.Now().Add(25*time.Hour)); a.N != 1 || a.Capped {
		t.Errorf("a day later with --limit 1: %+v", a)
	}
}

// TestDeliverRefetchesDeferred: messages with a large attachment that the
// server defers (greylisting) wait for their retries, most of them without
// their data, which is read back from the spool: they go out as spooled,
// each exactly once.
func TestDeliverRefetchesDeferred(t *testing.T) {
	const n = 8
	srv := smtptest.NewServer(t, smtptest.Greylist())
	camp := writeCampaign(t, srv, n, "attachments: [a.bin]\n")
	attachment := make([]byte, 3<<20) // about 4 MB a message: 3 of 8 keep theirs
	rand.NewChaCha8([32]byte{1}).Read(attachment)
	writeFile(t, filepath.Join(filepath.Dir(camp), "a.bin"), string(attachment))
	in, state := open(t, camp)
	pl, err := Preflight(context.Background(), in, state, Options{})
	if err != nil {
		t.Fatal(err)
	}
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}
	clock := pooltest.NewFakeClock(time.Now())
	before, waiting := heap(), make(chan int64, 1)
	go func() {
		clock.WaitPending(func() int { return n }) // every message deferred
		waiting <- heap() - before
		clock.Advance(time.Hour)
	}()
	deliver(t, in, pl, n, func(cfg *sendpool.Config) { cfg.Clock = clock })
	// 8 messages of 4 MB wait: those past 16 MB without their data (the
	// journal's Recorder must not keep it either: BDAT journals each
	// attempt before the server's replies).
	if held := <-waiting; held > 22<<20 {
		t.Errorf("%d deferred messages of 4 MB held %d MB while they waited", n, held>>20)
	}

	rd, err := pl.Spool.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	got := srv.Messages()
	if len(got) != n {
		t.Fatalf("server has %d messages, want %d", len(got), n)
	}
	for _, m := range got {
		row := 0
		fmt.Sscanf(m.To[0], "user%03d@", &row)
		sm, ok, err := rd.Message(row + 2)
		if err != nil || !ok || !bytes.Equal(m.Data, sm.Data) {
			t.Errorf("%s: got %d bytes, spooled %d (%v, %v)", m.To[0], len(m.Data), len(sm.Data), ok, err)
		}
	}
}

// deliver delivers pl's first n rows of in over a real SMTP client, the
// pool's settings changed by opts: the rows an earlier send sent are not
// among pl's to send.
func deliver(t *testing.T, in *Inputs, pl *Plan, n int, opts ...func(*sendpool.Config)) {
	t.Helper()
	ctx := context.Background()
	c := in.Campaign
	dialer, err := smtpclient.NewDialer(smtpclient.ConfigFrom(c.SMTP, ""))
	if err != nil {
		t.Fatal(err)
	}
	lock, w := openJournal(t, c.StateDir)
	defer lock.Release()
	rec := journal.NewRecorder(w)
	rep, err := report.NewReporter(c.StateDir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if err := pl.Seed(ctx, rep, rec, Hold{}); err != nil {
		t.Fatal(err)
	}
	cfg := sendpool.ConfigFrom(c)
	cfg.Dialer, cfg.Journal = dialer, rec
	for _, o := range opts {
		o(&cfg)
	}
	if err := pl.Deliver(ctx, in, Delivery{Pool: cfg, Limit: n, Reporter: rep}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	// The report counts the rows sent before too: every row but those to
	// send (the test campaigns have no invalid or duplicate one).
	if s := rep.Summary(); s.Sent != n+pl.Rows-pl.ToSend || s.NotAttempted != pl.ToSend-n {
		t.Errorf("report: %d sent, %d not attempted", s.Sent, s.NotAttempted)
	}
}

// openJournal takes the campaign's lock and opens its journal.
func openJournal(t *testing.T, stateDir string) (*journal.Lock, *journal.Writer) {
	t.Helper()
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		t.Fatal(err)
	}
	lock, err := journal.AcquireLock(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	salt, err := readIDSalt(stateDir) // as send records it
	if err != nil {
		t.Fatal(err)
	}
	w, err := journal.Open(context.Background(), lock, journal.Run{PID: os.Getpid(), Started: time.Now(), IDSalt: salt})
	if err != nil {
		lock.Release()
		t.Fatal(err)
	}
	return lock, w
}
