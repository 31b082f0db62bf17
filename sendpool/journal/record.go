package journal

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/tidings/tidings/render"
)

// FileName is the journal's file name inside the campaign's state folder.
const FileName = "journal.jsonl"

// formatVersion is written into every run record.
const formatVersion = 1

// Status is a recipient's outcome as recorded in a result record.
type Status string

// The statuses a result may carry. StatusSent, StatusFailed,
// StatusTemporary and StatusUnknown describe a delivery; StatusNotAttempted
// describes a message whose body was never handed over; the others are
// decisions made before delivery.
const (
	// StatusSent: the server accepted the message (2xx after the body).
	StatusSent Status = "sent"
	// StatusFailed: a permanent failure (5xx); not retried unless asked.
	StatusFailed Status = "failed"
	// StatusTemporary: a temporary failure (4xx, a dropped connection
	// before the body) that outlasted the run's retries, or a message
	// deferred; retried by the next run.
	StatusTemporary Status = "temporary"
	// StatusUnknown: the body was handed over but the final reply was lost;
	// the message may have been delivered.
	StatusUnknown Status = "unknown"
	// StatusNotAttempted: the run ended (interrupted, daily cap) before
	// this message's body was handed over.
	StatusNotAttempted Status = "not-attempted"
	// StatusInvalid: the row failed preflight and was not sent.
	StatusInvalid Status = "invalid"
	// StatusDuplicate: an earlier row has the same normalized key.
	StatusDuplicate Status = "duplicate"
	// StatusSuppressed: the address is on the suppression list.
	StatusSuppressed Status = "suppressed"
)

var statuses = []Status{
	StatusSent, StatusFailed, StatusTemporary, StatusUnknown,
	StatusNotAttempted, StatusInvalid, StatusDuplicate, StatusSuppressed,
}

// ParseStatus parses one of the status names; anything else is an error.
func ParseStatus(s string) (Status, error) {
	for _, st := range statuses {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("journal: unknown status %q", s)
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown
// statuses.
func (s *Status) UnmarshalText(b []byte) error {
	v, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// delivery reports whether s is the outcome of a delivery (or of an attempt
// that ended before the body was handed over), as opposed to a decision
// made before delivery.
func (s Status) delivery() bool {
	switch s {
	case StatusSent, StatusFailed, StatusTemporary, StatusUnknown, StatusNotAttempted:
		return true
	}
	return false
}

// Run is the record that opens every send run.
type Run struct {
	// PID is the sending process's ID; Started when the run began.
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Version is the tool's version.
	Version string `json:"version,omitempty"`
	// ResendUnknown and RetryFailed are the run's resume flags.
	ResendUnknown bool `json:"resend_unknown,omitempty"`
	RetryFailed   bool `json:"retry_failed,omitempty"`
	// Flags holds any other settings worth recording (limit, rate, …).
	Flags map[string]string `json:"flags,omitempty"`
}

// Attempt is written before a message's body is handed to the server.
type Attempt struct {
	Row int    `json:"row"`
	Key string `json:"key"`
	// NormKey is NormalizeKey(Key); the Writer fills it when empty.
	NormKey   string `json:"norm_key"`
	To        string `json:"to,omitempty"`
	MessageID string `json:"message_id,omitempty"`
	// Hash identifies the message's contents, see Hash.
	Hash string `json:"hash,omitempty"`
	// Try counts the body hand-overs of this message within the run,
	// starting at 1.
	Try int `json:"try,omitempty"`
	// Time is when the body is about to be handed over; the Writer fills
	// it with the current time when zero.
	Time time.Time `json:"time"`
}

// Result is written after the server's final reply for a message, or for a
// row that was decided without delivery (invalid, duplicate, suppressed,
// not-attempted).
type Result struct {
	Row int    `json:"row"`
	Key string `json:"key"`
	// NormKey is NormalizeKey(Key); the Writer fills it when empty.
	NormKey string `json:"norm_key"`
	To      string `json:"to,omitempty"`
	Status  Status `json:"status"`
	// Attempts is the number of body hand-overs in this run.
	Attempts     int    `json:"attempts"`
	Code         int    `json:"code,omitempty"`
	EnhancedCode string `json:"enhanced_code,omitempty"`
	// Detail is the server's reply text or the error, or the reason for a
	// decision ("duplicate of row 7").
	Detail     string    `json:"detail,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
	Server     string    `json:"server,omitempty"`
	Started    time.Time `json:"started_at,omitzero"`
	Finished   time.Time `json:"finished_at,omitzero"`
	DurationMS int64     `json:"duration_ms"`
	// WaitMS is how long the message waited for its receiving domain's
	// rate limiter.
	WaitMS int64  `json:"wait_ms,omitempty"`
	Hash   string `json:"hash,omitempty"`
	// Owed lists the envelope recipients still owed the message when the
	// server accepted it for others and refused these temporarily: a
	// resumed run sends to these only, so nobody gets a second copy.
	Owed []string `json:"owed,omitempty"`
}

// NormalizeKey is the form in which recipient keys are compared: s with
// surrounding white space removed, lower-cased.
func NormalizeKey(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// Hash returns a short fingerprint of a message's data: the first 16 hex
// digits of its SHA-256. It tells which version of a message a recipient got
// when templates change between runs.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// NewAttempt returns the attempt record for m's try'th body hand-over at t.
func NewAttempt(m *render.Message, try int, t time.Time) Attempt {
	return Attempt{
		Row:       m.Row,
		Key:       m.Key,
		NormKey:   NormalizeKey(m.Key),
		To:        m.To,
		MessageID: m.MessageID,
		Hash:      Hash(m.Data),
		Try:       try,
		Time:      t,
	}
}

// Deduper finds rows whose normalized key an earlier row already has. Feed
// it the rows in sheet order. It is not safe for concurrent use.
type Deduper struct {
	first map[string]int
}

// NewDeduper returns an empty Deduper.
func NewDeduper() *Deduper {
	return &Deduper{first: make(map[string]int)}
}

// Check records row's key and, when an earlier row has the same normalized
// key, returns the detail "duplicate of row N" (N being that earlier row)
// and true. Empty keys are never duplicates (they are invalid rows).
func (d *Deduper) Check(row int, key string) (detail string, dup bool) {
	k := NormalizeKey(key)
	if k == "" {
		return "", false
	}
	if first, ok := d.first[k]; ok {
		return fmt.Sprintf("duplicate of row %d", first), true
	}
	d.first[k] = row
	return "", false
}
