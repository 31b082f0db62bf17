package journal

import (
	"github.com/tidings/tidings/sendpool"

	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

func TestResumePolicy(t *testing.T) {
	const k = "ann@example.org"
	unknownResult := res(2, k, sendpool.StatusUnknown)
	failed := res(2, k, sendpool.StatusFailed)
	failed.Code, failed.EnhancedCode, failed.Detail = 550, "5.1.1", "no such user"
	temp := res(2, k, sendpool.StatusDeferred)
	temp.Code, temp.Detail = 451, "try later"
	partly := res(2, k, sendpool.StatusDeferred)
	partly.Owed = []string{"cc@example.org"}
	tests := []struct {
		name   string
		runs   [][]any         // records per run
		status sendpool.Status // Entry.Status; NoStatus for no entry
		// Send under no flags, --retry-failed, --resend-unknown
		send, retryFailed, resendUnknown bool
		reason                           string // substring of the no-flag reason
	}{
		{name: "new", status: NoStatus, send: true, retryFailed: true, resendUnknown: true, reason: "new"},
		{name: "sent", runs: [][]any{{att(2, k), res(2, k, sendpool.StatusSent)}}, status: sendpool.StatusSent, reason: "already sent"},
		{name: "failed", runs: [][]any{{att(2, k), failed}}, status: sendpool.StatusFailed, retryFailed: true,
			reason: "550 5.1.1 no such user; --retry-failed"},
		{name: "temporary", runs: [][]any{{att(2, k), att(2, k), temp}}, status: sendpool.StatusDeferred,
			send: true, retryFailed: true, resendUnknown: true, reason: "451 try later"},
		{name: "attempt without result", runs: [][]any{{att(2, k)}}, status: sendpool.StatusUnknown, resendUnknown: true,
			reason: "--resend-unknown"},
		{name: "unknown result", runs: [][]any{{att(2, k), unknownResult}}, status: sendpool.StatusUnknown, resendUnknown: true},
		{name: "attempt then not-attempted", runs: [][]any{{att(2, k), res(2, k, sendpool.StatusNotAttempted)}},
			status: sendpool.StatusNotAttempted, send: true, retryFailed: true, resendUnknown: true},
		{name: "never reached", runs: [][]any{{res(2, k, sendpool.StatusNotAttempted)}},
			status: sendpool.StatusNotAttempted, send: true, retryFailed: true, resendUnknown: true},
		{name: "invalid before", runs: [][]any{{res(2, k, sendpool.StatusInvalid)}},
			status: sendpool.StatusInvalid, send: true, retryFailed: true, resendUnknown: true},
		{name: "suppressed before", runs: [][]any{{res(2, k, sendpool.StatusSuppressed)}},
			status: sendpool.StatusSuppressed, send: true, retryFailed: true, resendUnknown: true},
		{name: "duplicate row of a sent key stays sent",
			runs:   [][]any{{att(2, k), res(2, k, sendpool.StatusSent), res(9, "ANN@example.org", sendpool.StatusDuplicate)}},
			status: sendpool.StatusSent},
		{name: "suppressed after unknown stays unknown",
			runs:   [][]any{{att(2, k)}, {res(2, k, sendpool.StatusSuppressed)}},
			status: sendpool.StatusUnknown, resendUnknown: true},
		{name: "invalid after failed stays failed",
			runs:   [][]any{{att(2, k), failed}, {res(2, k, sendpool.StatusInvalid)}},
			status: sendpool.StatusFailed, retryFailed: true},
		{name: "suppressed after temporary stands suppressed",
			runs:   [][]any{{att(2, k), temp}, {res(2, k, sendpool.StatusSuppressed)}},
			status: sendpool.StatusSuppressed, send: true, retryFailed: true, resendUnknown: true, reason: "451 try later"},
		{name: "temporary after suppressed stands temporary",
			runs:   [][]any{{res(2, k, sendpool.StatusSuppressed)}, {att(2, k), temp}},
			status: sendpool.StatusDeferred, send: true, retryFailed: true, resendUnknown: true},
		{name: "suppressed (under --retry-failed) after failed stays failed",
			runs:   [][]any{{att(2, k), failed}, {res(2, k, sendpool.StatusSuppressed)}},
			status: sendpool.StatusFailed, retryFailed: true},
		{name: "unknown after suppressed stands unknown",
			runs:   [][]any{{res(2, k, sendpool.StatusSuppressed)}, {att(2, k)}},
			status: sendpool.StatusUnknown, resendUnknown: true},
		{name: "temporary then sent in the next run",
			runs:   [][]any{{att(2, k), temp}, {att(2, k), res(2, k, sendpool.StatusSent)}},
			status: sendpool.StatusSent},
		{name: "unknown resent and sent",
			runs:   [][]any{{att(2, k)}, {att(2, k), res(2, k, sendpool.StatusSent)}},
			status: sendpool.StatusSent},
		{name: "failed retried and failed again",
			runs:   [][]any{{att(2, k), failed}, {att(2, k), failed}},
			status: sendpool.StatusFailed, retryFailed: true},
		{name: "sent stays sent", runs: [][]any{{att(2, k), res(2, k, sendpool.StatusSent), att(2, k), failed}},
			status: sendpool.StatusSent},
		{name: "partly delivered", runs: [][]any{{att(2, k), partly}}, status: sendpool.StatusSent,
			send: true, retryFailed: true, resendUnknown: true, reason: "sending to the 1 the server deferred"},
		{name: "partly delivered, the owed refused", runs: [][]any{{att(2, k), partly}, {att(2, k), failed}}, status: sendpool.StatusSent,
			retryFailed: true, reason: "refused for good for cc@example.org: 550 5.1.1 no such user"},
		{name: "row moved and key case changed", runs: [][]any{{att(2, k), res(2, k, sendpool.StatusSent)}, {res(5, " Ann@EXAMPLE.org", sendpool.StatusSuppressed)}},
			status: sendpool.StatusSent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for i, recs := range tt.runs {
				writeRun(t, dir, Run{PID: 100 + i, Started: t0.Add(time.Duration(i) * time.Hour)}, recs...)
			}
			s := load(t, dir)
			e := entryOf(t, s, " ANN@Example.org ")
			switch {
			case tt.status == NoStatus && e != nil:
				t.Fatalf("entry %+v, want none", e)
			case tt.status != NoStatus && (e == nil || e.Status != tt.status):
				t.Fatalf("entry %+v, want status %s", e, tt.status)
			}
			for _, p := range []struct {
				p    Policy
				want bool
			}{{Policy{}, tt.send}, {Policy{RetryFailed: true}, tt.send || tt.retryFailed},
				{Policy{ResendUnknown: true}, tt.send || tt.resendUnknown}} {
				d := decideOf(t, s, k, p.p)
				if d.Send != p.want {
					t.Errorf("Decide(%+v) = %+v, want Send %v", p.p, d, p.want)
				}
				if d.Send != (d.Status == NoStatus) || d.Reason == "" || (e != nil) != (d.Entry != nil) {
					t.Errorf("Decide(%+v) = %+v: inconsistent", p.p, d)
				}
				if !d.Send && d.Status != e.Status {
					t.Errorf("Decide(%+v).Status = %s, want %s", p.p, d.Status, e.Status)
				}
				if st := s.Settle(k, p.p); st.Send != d.Send || st.Status != d.Status || fmt.Sprint(st.Owed) != fmt.Sprint(d.Owed) {
					t.Errorf("Settle(%+v) = %+v, Decide %+v", p.p, st, d)
				}
			}
			if d := decideOf(t, s, k, Policy{}); !strings.Contains(d.Reason, tt.reason) {
				t.Errorf("reason %q does not contain %q", d.Reason, tt.reason)
			}
		})
	}
}

func TestUnknownAndReport(t *testing.T) {
	dir := t.TempDir()
	a5 := att(5, "Eve@example.org")
	a5.To = "Eve <eve@example.org>"
	writeRun(t, dir, Run{PID: 1, Started: t0},
		att(2, "ann@example.org"), res(2, "ann@example.org", sendpool.StatusSent),
		att(3, "bob@example.org"), // crash before bob's reply
		att(4, "cid@example.org"), res(4, "cid@example.org", sendpool.StatusDeferred),
		res(6, "ann@example.org", sendpool.StatusDuplicate),
		res(7, "", sendpool.StatusInvalid),
		a5, res(5, "Eve@example.org", sendpool.StatusUnknown),
	)
	writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour)},
		att(4, "cid@example.org"), res(4, "cid@example.org", sendpool.StatusSent),
		res(8, "dan@example.org", sendpool.StatusSuppressed),
		// row 7 now holds a fixed address: the old invalid line goes
		att(7, "fay@example.org"), res(7, "fay@example.org", sendpool.StatusSent),
	)
	s := load(t, dir)
	var unknown []string
	for _, e := range unknownOf(t, s) {
		unknown = append(unknown, fmt.Sprintf("%d %s %s", e.Row, e.Key, e.To))
	}
	if got := strings.Join(unknown, "|"); got != "3 bob@example.org |5 Eve@example.org Eve <eve@example.org>" {
		t.Errorf("Unknown = %q", got)
	}
	var lines []string
	for _, r := range reportOf(t, s) {
		lines = append(lines, fmt.Sprintf("%d %s %s %d", r.Row, r.Key, r.Status, r.Attempts))
	}
	want := []string{
		"2 ann@example.org sent 1",
		"3 bob@example.org unknown 1",
		"4 cid@example.org sent 2",
		"5 Eve@example.org unknown 1",
		"6 ann@example.org duplicate 1",
		"7 fay@example.org sent 1",
		"8 dan@example.org suppressed 1",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("Report:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range reportOf(t, s) {
		if r.Row == 3 && (!strings.Contains(r.Detail, "no final reply") || r.MessageID != "m3@test") {
			t.Errorf("unknown line %+v", r)
		}
		// send says what report says of it
		if d := decideOf(t, s, r.Key, Policy{}); r.Row == 3 && d.Reason != r.Detail {
			t.Errorf("send's reason %q, report's detail %q", d.Reason, r.Detail)
		}
	}
	if e := entryOf(t, s, "cid@example.org"); e.Run != 2 || e.Attempts != 2 {
		t.Errorf("cid entry %+v", e)
	}
}

func TestSentSinceAndQuota(t *testing.T) {
	dir := t.TempDir()
	var recs []any
	// sent at t0+1h, +2h, +3h, +4h; one failed at +5h; one sent without
	// a finish time.
	for i := 1; i <= 4; i++ {
		r := res(i+1, fmt.Sprintf("r%d@example.org", i), sendpool.StatusSent)
		r.Finished = t0.Add(time.Duration(i) * time.Hour)
		recs = append(recs, r)
	}
	f := res(9, "f@example.org", sendpool.StatusFailed)
	f.Finished = t0.Add(5 * time.Hour)
	z := res(10, "z@example.org", sendpool.StatusSent)
	z.Finished = time.Time{}
	recs = append(recs, f, z)
	writeRun(t, dir, Run{Started: t0}, recs...)
	s := load(t, dir)
	tests := []struct {
		since  time.Time
		n      int
		oldest time.Time
	}{
		{t0, 4, t0.Add(time.Hour)},
		{t0.Add(time.Hour), 3, t0.Add(2 * time.Hour)}, // strictly after
		{t0.Add(90 * time.Minute), 3, t0.Add(2 * time.Hour)},
		{t0.Add(4 * time.Hour), 0, time.Time{}},
		{time.Time{}.Add(-time.Hour), 5, time.Time{}},
		{time.Time{}, 4, t0.Add(time.Hour)}, // the one without a finish time is not after it
	}
	for _, tt := range tests {
		n, oldest := s.SentSince(tt.since)
		if n != tt.n || !oldest.Equal(tt.oldest) {
			t.Errorf("SentSince(%v) = %d, %v; want %d, %v", tt.since, n, oldest, tt.n, tt.oldest)
		}
	}
	day := 24 * time.Hour
	quotas := []struct {
		limit int
		now   time.Time
		left  int
		next  time.Time
	}{
		{10, t0.Add(5 * time.Hour), 6, time.Time{}},
		{4, t0.Add(5 * time.Hour), 0, t0.Add(time.Hour + day)},
		{3, t0.Add(5 * time.Hour), 0, t0.Add(2*time.Hour + day)}, // two must age out
		{4, t0.Add(time.Hour + day), 1, time.Time{}},             // the first has left the window
		{0, t0.Add(5 * time.Hour), math.MaxInt, time.Time{}},
	}
	for _, q := range quotas {
		left, next := s.Quota(q.limit, day, q.now)
		if left != q.left || !next.Equal(q.next) {
			t.Errorf("Quota(%d, 24h, %v) = %d, %v; want %d, %v", q.limit, q.now, left, next, q.left, q.next)
		}
	}
	// Room: with room for some now, the next slot after them opens as
	// the oldest in the window leaves it (those sent at +1h, +2h, +3h and
	// +4h, of runs before or not); Quota's when there is none; none known
	// with an empty window or no cap.
	rooms := []struct {
		limit int
		now   time.Time
		left  int
		next  time.Time
	}{
		{10, t0.Add(5 * time.Hour), 6, t0.Add(time.Hour + day)},
		{4, t0.Add(time.Hour + day), 1, t0.Add(2*time.Hour + day)},
		{4, t0.Add(5 * time.Hour), 0, t0.Add(time.Hour + day)},
		{10, t0.Add(5*time.Hour + day), 10, time.Time{}},
		{0, t0.Add(5 * time.Hour), math.MaxInt, time.Time{}},
	}
	for _, q := range rooms {
		left, next := s.Room(q.limit, day, q.now)
		if left != q.left || !next.Equal(q.next) {
			t.Errorf("Room(%d, 24h, %v) = %d, %v; want %d, %v", q.limit, q.now, left, next, q.left, q.next)
		}
	}
}

// TestOwedReportLine: the line of a message delivered to its To while
// the Cc was deferred, after the send to the Cc alone, is sent (the To has
// it) unless that send's outcome is not known; its detail says what the
// later send got, then what the first delivery did. A line with no later
// send is the first delivery's.
func TestOwedReportLine(t *testing.T) {
	const k = "ann@example.org"
	partly := res(2, k, sendpool.StatusSent)
	partly.Code, partly.Detail, partly.Owed = 250, "OK; not accepted for cc@example.org (451 try later)", []string{"cc@example.org"}
	owed := func(st sendpool.Status, code int, detail string) Result {
		r := res(2, k, st)
		r.Code, r.Detail = code, detail
		return r
	}
	for _, tt := range []struct {
		name   string
		later  []any
		status sendpool.Status
		detail string // the line's detail starts with it
	}{
		{"no later send", nil, sendpool.StatusSent, "OK; not accepted for cc@example.org"},
		{"deferred again", []any{att(2, k), owed(sendpool.StatusDeferred, 451, "busy")}, sendpool.StatusSent,
			"resent to the recipients still owed: deferred (451 busy); first delivery: OK; not accepted"},
		{"refused", []any{att(2, k), owed(sendpool.StatusFailed, 550, "no such user")}, sendpool.StatusSent,
			"resent to the recipients still owed: failed (550 no such user); first"},
		{"reply lost", []any{att(2, k), owed(sendpool.StatusUnknown, 0, "connection lost")}, sendpool.StatusUnknown,
			"resent to the recipients still owed: unknown (connection lost)"},
		{"no result", []any{att(2, k)}, sendpool.StatusUnknown,
			"resent to the recipients still owed: unknown (its delivery began at 2026"},
		{"refused, then no result", []any{att(2, k), owed(sendpool.StatusFailed, 550, "no"), att(2, k)}, sendpool.StatusUnknown,
			"resent to the recipients still owed: unknown (its delivery began"},
		{"delivered", []any{att(2, k), owed(sendpool.StatusSent, 250, "OK")}, sendpool.StatusSent,
			"resent to the recipients still owed: sent (250 OK); first delivery: OK; not accepted"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, k), partly)
			if tt.later != nil {
				writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour)}, tt.later...)
			}
			s := load(t, dir)
			lines := reportOf(t, s)
			code := 250 // the first delivery's, unless the row is unknown
			if tt.status == sendpool.StatusUnknown {
				code = 0
			}
			if len(lines) != 1 || lines[0].Status != tt.status || !strings.HasPrefix(lines[0].Detail, tt.detail) || lines[0].Code != code {
				t.Fatalf("report %+v, want one line %s with %d %q…", lines, tt.status, code, tt.detail)
			}
			if d := decideOf(t, s, k, Policy{}); !d.Send && d.Status != tt.status {
				t.Errorf("decision %s, line %s", d.Status, tt.status)
			}
		})
	}
}

// TestOwedWithinARun: the pool's retry, in the same run, of the Cc a try
// left owed goes on with that delivery (it is no later send to the Cc);
// a later run's send that the server refused for one owed Cc and deferred
// for the other leaves only the deferred one owed.
func TestOwedWithinARun(t *testing.T) {
	const k = "ann@example.org"
	partly := res(2, k, sendpool.StatusDeferred)
	partly.Owed = []string{"a@example.org", "b@example.org"}
	retried := res(2, k, sendpool.StatusSent)
	retried.Detail = "OK"
	dir := t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, k), partly, att(2, k), retried)
	e := entryOf(t, load(t, dir), k)
	if lines := reportOf(t, load(t, dir)); len(lines) != 1 || lines[0].Detail != "OK" || e.OwedResult != nil || len(e.Owed) != 0 || e.OwesIn(nil) {
		t.Fatalf("after the retry in the same run: %+v, entry %+v", lines, e)
	}

	dir = t.TempDir()
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, k), partly)
	mixed := res(2, k, sendpool.StatusDeferred)
	mixed.Refused = []string{"a@example.org"}
	writeRun(t, dir, Run{PID: 2, Started: t0.Add(time.Hour)}, att(2, k), mixed)
	s := load(t, dir)
	if e := entryOf(t, s, k); strings.Join(e.Owed, ",") != "b@example.org" || !e.OwesIn([]string{"ann@example.org", "b@example.org"}) || e.OwesIn([]string{"ann@example.org"}) {
		t.Errorf("after a refused and b deferred: owed %v", e.Owed)
	}
	if d := decideOf(t, s, k, Policy{}); !d.Send || strings.Join(d.Owed, ",") != "b@example.org" {
		t.Errorf("decision %+v, want a send to b alone", d)
	}
}

// TestAttemptCutOffNotCounted: an attempt recorded ahead of its body
// (pipelining) whose run was cut off before the body went, which its
// not-attempted result says, is not counted among the key's attempts.
func TestAttemptCutOffNotCounted(t *testing.T) {
	dir := t.TempDir()
	a := "ann@example.org"
	cut := res(2, a, sendpool.StatusNotAttempted)
	cut.Attempts = 0
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, a), cut)
	writeRun(t, dir, Run{PID: 2, Started: t0}, att(2, a), res(2, a, sendpool.StatusSent))
	if e := entryOf(t, load(t, dir), a); e.Status != sendpool.StatusSent || e.Attempts != 1 {
		t.Errorf("ann: %s after %d attempts, want sent after 1", e.Status, e.Attempts)
	}
}

// TestNotAttemptedAfterAnEarlierRun: a run that stops before a key whose
// earlier run's attempt has no result (unknown) notes it not attempted,
// which leaves it unknown, its attempt counted: only --resend-unknown
// sends it again. A message made anew (send --resend-changed) whose try
// is cut off before its body went is not counted either.
func TestNotAttemptedAfterAnEarlierRun(t *testing.T) {
	dir := t.TempDir()
	a, b := "ann@example.org", "bob@example.org"
	stopped := res(2, a, sendpool.StatusNotAttempted)
	stopped.Attempts = 0
	first := att(3, b)
	first.Values = Values{Sum: 1, Each: []uint16{1}}
	again := att(3, b)
	again.Values = Values{Sum: 2, Each: []uint16{2}}
	cut := res(3, b, sendpool.StatusNotAttempted)
	cut.Attempts = 0
	writeRun(t, dir, Run{PID: 1, Started: t0, Facets: []string{"name"}}, att(2, a), first, res(3, b, sendpool.StatusSent))
	writeRun(t, dir, Run{PID: 2, Started: t0, ResendUnknown: true, ResendChanged: true, Facets: []string{"name"}}, stopped, again, cut)
	s := load(t, dir)
	if e := entryOf(t, s, a); e.Status != sendpool.StatusUnknown || e.Attempts != 1 {
		t.Errorf("ann: %s after %d attempts, want unknown after 1", e.Status, e.Attempts)
	}
	if d := decideOf(t, s, a, Policy{}); d.Send {
		t.Errorf("ann is sent again without --resend-unknown: %+v", d)
	}
	if e := entryOf(t, s, b); e.Status != sendpool.StatusSent || e.Attempts != 1 {
		t.Errorf("bob: %s after %d attempts, want sent after 1", e.Status, e.Attempts)
	}
}

// TestResendUnknownCutOff: a run under --resend-unknown that recorded an
// attempt for an unknown key (or for the recipients a partly delivered
// message owes, whose send's outcome is unknown) and was cut off before
// the body went leaves the key unknown: a plain send does not send it.
func TestResendUnknownCutOff(t *testing.T) {
	dir := t.TempDir()
	a, b := "ann@example.org", "bob@example.org"
	cut := func(row int, key string) Result {
		r := res(row, key, sendpool.StatusNotAttempted)
		r.Attempts = 0
		return r
	}
	partly := res(3, b, sendpool.StatusSent)
	partly.Owed = []string{"boss@example.org"}
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, a), att(3, b), partly)
	writeRun(t, dir, Run{PID: 2, Started: t0}, att(3, b)) // the send to boss: a crash
	writeRun(t, dir, Run{PID: 3, Started: t0, ResendUnknown: true}, att(2, a), cut(2, a), att(3, b), cut(3, b))
	s := load(t, dir)
	if e := entryOf(t, s, a); e.Status != sendpool.StatusUnknown || e.Attempts != 1 {
		t.Errorf("ann: %s after %d attempts, want unknown after 1", e.Status, e.Attempts)
	}
	for _, k := range []string{a, b} {
		if d := decideOf(t, s, k, Policy{}); d.Send {
			t.Errorf("%s is sent again without --resend-unknown: %+v", k, d)
		}
	}
	if d := decideOf(t, s, a, Policy{ResendUnknown: true}); !d.Send {
		t.Errorf("ann is not sent under --resend-unknown: %+v", d)
	}
}

// TestRetryCutOffStays: a run under --resend-unknown or --retry-failed
// that recorded an attempt for a key whose earlier delivery ended
// unknown (its reply lost: a result, not a crash) or failed, and was cut
// off before the body went, leaves the key as it was, with that result:
// a plain send does not send it (it made the key not attempted, which
// the next plain send sent, a second copy for the unknown one). One
// deferred before stays deferred, with the server's reply (a plain send
// retries it).
func TestRetryCutOffStays(t *testing.T) {
	dir := t.TempDir()
	a, b := "ann@example.org", "bob@example.org"
	cut := func(row int, key string) Result {
		r := res(row, key, sendpool.StatusNotAttempted)
		r.Attempts = 0
		return r
	}
	c := "cy@example.org"
	writeRun(t, dir, Run{PID: 1, Started: t0}, att(2, a), res(2, a, sendpool.StatusUnknown), att(3, b), res(3, b, sendpool.StatusFailed), att(4, c), res(4, c, sendpool.StatusDeferred))
	writeRun(t, dir, Run{PID: 2, Started: t0, ResendUnknown: true, RetryFailed: true}, att(2, a), att(3, b), att(4, c), cut(2, a), cut(3, b), cut(4, c))
	s := load(t, dir)
	if e := entryOf(t, s, c); e.Status != sendpool.StatusDeferred || e.Attempts != 1 || e.Pending || e.Result == nil || e.Result.Status != sendpool.StatusDeferred {
		t.Errorf("%s, deferred before and retried when the run was cut off: %s after %d attempts, pending %v, result %+v; want deferred after 1, with its reply", c, e.Status, e.Attempts, e.Pending, e.Result)
	}
	if d := decideOf(t, s, c, Policy{}); !d.Send {
		t.Errorf("%s, deferred, is not sent by a plain send: %+v", c, d)
	}
	for k, want := range map[string]sendpool.Status{a: sendpool.StatusUnknown, b: sendpool.StatusFailed} {
		e := entryOf(t, s, k)
		if line, _ := e.ReportLine(); e.Status != want || line.Status != want || e.Attempts != 1 || e.Pending {
			t.Errorf("%s: %s (line %s) after %d attempts, pending %v; want %s after 1", k, e.Status, line.Status, e.Attempts, e.Pending, want)
		}
		if d := decideOf(t, s, k, Policy{}); d.Send {
			t.Errorf("%s is sent again by a plain send: %+v", k, d)
		}
		if d := decideOf(t, s, k, Policy{ResendUnknown: true, RetryFailed: true}); !d.Send {
			t.Errorf("%s is not sent under the flags: %+v", k, d)
		}
	}
}

// TestInterrupted: the journal tells that the latest run to try a
// message was interrupted with rows left, until a later run tries one
// (a run that tries none, a bounces run, leaves it so).
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	cut := res(3, "c@example.org", sendpool.StatusNotAttempted)
	cut.Detail = sendpool.InterruptedUnsent
	writeRun(t, dir, Run{Started: t0}, att(2, "b@example.org"), res(2, "b@example.org", sendpool.StatusSent))
	for _, step := range []struct {
		name string
		recs []any
		want bool
	}{
		{"a whole run", nil, false},
		{"an interrupted run", []any{att(4, "d@example.org"), res(4, "d@example.org", sendpool.StatusSent), cut}, true},
		{"a run that tries nothing", nil, true},
		{"a run that tries a row", []any{att(3, "c@example.org"), res(3, "c@example.org", sendpool.StatusSent)}, false},
	} {
		if step.name != "a whole run" {
			writeRun(t, dir, Run{Started: t0}, step.recs...)
		}
		s := load(t, dir)
		if got := s.Interrupted(); got != step.want {
			t.Errorf("after %s: Interrupted() = %v, want %v", step.name, got, step.want)
		}
		s.Close()
	}
}
