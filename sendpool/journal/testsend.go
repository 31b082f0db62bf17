package journal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
)

// TestSend is written by `tidings send --test` for every test message once
// the server gave its final reply. A test message goes to the test
// addresses only and carries a Message-ID of its own: it is never a
// delivery of its row (Decide and Report do not see it, and a bounce of it
// matches no row), but a sent one counts towards daily_cap (Quota), since
// the provider counts it.
type TestSend struct {
	// Row and Key are the row the message was rendered from.
	Row int    `json:"row"`
	Key string `json:"key"`
	// To are the test addresses it went to.
	To        []string `json:"to"`
	MessageID string   `json:"message_id"`
	// Status is sent, failed, deferred or unknown; Code and Detail the
	// server's reply.
	Status   sendpool.Status `json:"-"`
	Code     int             `json:"code,omitempty"`
	Detail   string          `json:"detail,omitempty"`
	Finished time.Time       `json:"finished_at"`
}

type testLine struct {
	Type   string       `json:"type"`
	Status recordStatus `json:"status"`
	TestSend
}

// TestSend appends t and returns once it is written and fsync'ed.
func (w *Writer) TestSend(ctx context.Context, t TestSend) error {
	if !isDelivery(t.Status) || t.MessageID == "" {
		return fmt.Errorf("journal: test send: row %d: status %v, message id %q", t.Row, t.Status, t.MessageID)
	}
	if t.Finished.IsZero() {
		t.Finished = time.Now()
	}
	t.Finished = t.Finished.UTC()
	b, err := json.Marshal(testLine{Type: "test", Status: recordStatus(t.Status), TestSend: t})
	if err != nil {
		return fmt.Errorf("journal: test send: %w", err)
	}
	return w.submit(ctx, append(b, '\n'))
}

// parseTest applies a test record: a sent one counts towards the quota,
// and so does one of unknown outcome (its reply lost: the server may
// have taken it), as State.Quota counts a row's.
func (s *State) parseTest(b []byte) error {
	l := testLine{Status: recordStatus(NoStatus)}
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if sendpool.Status(l.Status) == NoStatus || l.MessageID == "" {
		return fmt.Errorf("test record without a status or a message id")
	}
	s.Records++
	s.Tests++
	if st := sendpool.Status(l.Status); st == sendpool.StatusSent || st == sendpool.StatusUnknown {
		s.sent.Add(sentKey(l.Finished))
	}
	return nil
}

// TestRecorder is the pool's Journal for a test send: it writes a TestSend
// record for every final result and nothing else (a test message is no
// attempt at its row's delivery). It is safe for concurrent use.
type TestRecorder struct {
	w *Writer
}

// NewTestRecorder records test sends in w.
func NewTestRecorder(w *Writer) *TestRecorder { return &TestRecorder{w: w} }

// Attempt implements sendpool.Journal; it records nothing.
func (*TestRecorder) Attempt(context.Context, *render.Message) error { return nil }

// Result implements sendpool.Journal: a final result becomes a TestSend
// record.
func (t *TestRecorder) Result(ctx context.Context, m *render.Message, r sendpool.Result) error {
	if !r.Final {
		return nil
	}
	return t.w.TestSend(ctx, TestSend{Row: m.Row, Key: m.Key, To: m.Recipients, MessageID: m.MessageID,
		Status: r.Status, Code: r.Code, Detail: r.Detail, Finished: r.FinishedAt})
}
