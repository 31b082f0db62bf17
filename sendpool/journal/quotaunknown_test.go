package journal

import (
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestQuotaCountsUnknown: a daily cap counts the messages of unknown
// outcome as sent, the server may have taken them (and counted them): an
// attempt a crash left without a result, and a result whose reply was
// lost; not a deferral, nor an attempt withdrawn before its body went.
func TestQuotaCountsUnknown(t *testing.T) {
	dir := t.TempDir()
	sent := res(2, "a@example.org", sendpool.StatusSent)
	withdrawn := res(6, "e@example.org", sendpool.StatusNotAttempted)
	writeRun(t, dir, Run{Started: t0},
		att(2, "a@example.org"), sent,
		att(3, "b@example.org"), // the crash came before its result
		att(4, "c@example.org"), res(4, "c@example.org", sendpool.StatusUnknown),
		att(5, "d@example.org"), res(5, "d@example.org", sendpool.StatusDeferred),
		att(6, "e@example.org"), withdrawn,
	)
	s := load(t, dir)
	day := 24 * time.Hour
	now := t0.Add(time.Hour)
	if left, next := s.Quota(5, day, now); left != 2 || !next.IsZero() {
		t.Errorf("Quota(5) = %d, %v; want 2 left: one sent and two of unknown outcome count", left, next)
	}
	if left, next := s.Quota(3, day, now); left != 0 || !next.Equal(t0.Add(day)) {
		t.Errorf("Quota(3) = %d, %v; want 0 left until %v", left, next, t0.Add(day))
	}
	if left, _ := s.Quota(3, day, t0.Add(day+time.Hour)); left != 3 {
		t.Errorf("a day later Quota(3) = %d, want 3: they left the window", left)
	}
}

// TestQuotaCountsUnknownTest: a test send whose reply was lost counts
// towards the cap as a sent one does; a refused one does not.
func TestQuotaCountsUnknownTest(t *testing.T) {
	dir := t.TempDir()
	test := func(id string, st sendpool.Status) TestSend {
		return TestSend{Row: 2, Key: "a@example.org", To: []string{"me@example.net"}, MessageID: id, Status: st, Finished: t0}
	}
	writeRun(t, dir, Run{Started: t0}, test("t1@x", sendpool.StatusSent), test("t2@x", sendpool.StatusUnknown), test("t3@x", sendpool.StatusFailed))
	if left, _ := load(t, dir).Quota(3, 24*time.Hour, t0.Add(time.Minute)); left != 1 {
		t.Errorf("quota left %d, want 1: the test sent and the one of unknown outcome count", left)
	}
}
