package journal

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Copy is written around each copy of a delivered message put into the
// mailbox's Sent folder (mailbox.sent_folder): once before the APPEND
// (Done false) and once after the server took it (Done true). A resumed
// run copies no message twice: a copy begun and never finished is looked
// for in the folder before it is made again.
type Copy struct {
	Row       int    `json:"row"`
	Key       string `json:"key"`
	MessageID string `json:"message_id"`
	Folder    string `json:"folder"`
	Done      bool   `json:"done"`
	// Time is when it was written; the Writer fills it when zero.
	Time time.Time `json:"time"`
}

type copyLine struct {
	Type string `json:"type"`
	Copy
}

// CopyState is where a message's copy in the Sent folder stands.
type CopyState int

// The copy states.
const (
	CopyNone  CopyState = iota // never begun
	CopyBegun                  // begun, not known to be finished
	CopyDone                   // in the folder
)

// Copy appends c and returns once it is written and fsync'ed.
func (w *Writer) Copy(ctx context.Context, c Copy) error {
	if c.MessageID == "" {
		return fmt.Errorf("journal: copy: row %d: no message id", c.Row)
	}
	if c.Time.IsZero() {
		c.Time = time.Now()
	}
	c.Time = c.Time.UTC()
	b, err := json.Marshal(copyLine{Type: "copy", Copy: c})
	if err != nil {
		return fmt.Errorf("journal: copy: %w", err)
	}
	return w.submit(ctx, append(b, '\n'))
}

// parseCopy applies a copy record.
func (s *State) parseCopy(b []byte) error {
	var l copyLine
	if err := json.Unmarshal(b, &l); err != nil {
		return err
	}
	if l.MessageID == "" {
		return fmt.Errorf("copy record without a message id")
	}
	s.Records++
	if s.copies == nil {
		s.copies = map[keyID]CopyState{}
	}
	id := s.ids.of(l.MessageID)
	if l.Done {
		s.copies[id] = CopyDone
	} else if s.copies[id] != CopyDone {
		s.copies[id] = CopyBegun
	}
	return nil
}

// CopyOf says where the copy of the message with Message-ID id stands.
func (s *State) CopyOf(id string) CopyState { return s.copies[s.ids.of(id)] }

// Copies counts the messages with a finished copy.
func (s *State) Copies() int {
	n := 0
	for _, c := range s.copies {
		if c == CopyDone {
			n++
		}
	}
	return n
}
