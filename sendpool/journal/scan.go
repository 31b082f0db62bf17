package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/tidings/tidings/sendpool"
)

// Record is one line of the journal as Scan hands it on: exactly one of
// NewRun, Attempt, Result, Feedback, Test and Copy is set.
type Record struct {
	// Line is the record's 1-based line number in the file.
	Line int
	// Run is the 1-based number of the run the record belongs to (the
	// count of run records up to and including this line); 0 for records
	// before any run record.
	Run int
	// NewRun is set on a run record.
	NewRun *Run
	// Attempt is set on an attempt record.
	Attempt *Attempt
	// Result is set on a result record: intermediate tries too (status
	// sendpool.StatusDeferred, "temporary" in the file), decisions, and
	// any status a later version adds that sendpool knows.
	Result *Result
	// Feedback is set on a feedback record (`tidings bounces`), Test on a
	// test send's record (`tidings send --test`).
	Feedback *Feedback
	Test     *TestSend
	// Copy is set on the record of a copy put into the Sent folder.
	Copy *Copy
}

// Scan reads the journal in the campaign state folder dir from its first
// line to its last and calls fn with each record in file order, holding one
// line at a time: for pages and statistics over journals too big to Load.
// The Record's pointers are reused for the next line, so fn must copy what
// it keeps. Lines that are not records (a torn last line, a corrupt line)
// are skipped and counted in skipped; Load reports them in detail. A
// missing journal has no records. Scan takes no lock and may run while a
// send appends. An error from fn stops the scan and is returned as it is.
func Scan(ctx context.Context, dir string, fn func(Record) error) (skipped int, err error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("journal: scan: %w", err)
	}
	defer f.Close()
	s := scanner{fn: fn}
	br := bufio.NewReaderSize(f, 64<<10)
	for {
		b, rerr := br.ReadSlice('\n')
		if errors.Is(rerr, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it whole.
			b, rerr = readLongLine(br, b)
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return s.skipped, fmt.Errorf("journal: scan %s: %w", path, rerr)
		}
		if len(b) > 0 {
			if s.line%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return s.skipped, fmt.Errorf("journal: scan: %w", err)
				}
			}
			if s.line == 0 {
				b = bytes.TrimPrefix(b, utf8BOM)
			}
			if err := s.next(b); err != nil {
				return s.skipped, err
			}
		}
		if rerr != nil { // io.EOF
			return s.skipped, nil
		}
	}
}

// readLongLine completes a line that did not fit bufio.Reader's buffer.
func readLongLine(br *bufio.Reader, head []byte) ([]byte, error) {
	line := append([]byte(nil), head...)
	for {
		b, err := br.ReadSlice('\n')
		line = append(line, b...)
		if !errors.Is(err, bufio.ErrBufferFull) {
			return line, err
		}
	}
}

// scanner is Scan's state: the line and run counts and the records it
// reuses.
type scanner struct {
	fn      func(Record) error
	line    int
	run     int
	skipped int
	runL    runLine
	attL    attemptLine
	resL    resultLine
	fbL     feedbackLine
	testL   testLine
	copyL   copyLine
}

// next decodes one line and hands it to fn.
func (s *scanner) next(b []byte) error {
	s.line++
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	rec, ok := s.decode(b)
	if !ok {
		s.skipped++
		return nil
	}
	return s.fn(rec)
}

// Prefixes of the lines the Writer writes: "type" is their first member,
// which spares a decoding of the head.
var (
	runPrefix     = []byte(`{"type":"run"`)
	attemptPrefix = []byte(`{"type":"attempt"`)
	resultPrefix  = []byte(`{"type":"result"`)
)

// lineType is a line's record type ("" when the line is not JSON).
func lineType(b []byte) string {
	t, _ := recordType(b)
	return t
}

// errNotUTF8 marks a line with bytes that are not UTF-8, which the Writer
// never writes: encoding/json would read them as U+FFFD, and a key so
// changed names nobody in the sheet.
var errNotUTF8 = errors.New("not UTF-8 (was the journal saved in another encoding?)")

// recordType is a line's record type, and encoding/json's error when the
// line is not a JSON object (errNotUTF8 when it is not UTF-8).
func recordType(b []byte) (string, error) {
	if !utf8.Valid(b) {
		return "", errNotUTF8
	}
	switch {
	case bytes.HasPrefix(b, runPrefix):
		return "run", nil
	case bytes.HasPrefix(b, attemptPrefix):
		return "attempt", nil
	case bytes.HasPrefix(b, resultPrefix):
		return "result", nil
	}
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", err
	}
	return head.Type, nil
}

// decode parses one line; ok is false when it is not a record.
func (s *scanner) decode(b []byte) (Record, bool) {
	rec := Record{Line: s.line, Run: s.run}
	switch lineType(b) {
	case "run":
		s.runL = runLine{}
		if json.Unmarshal(b, &s.runL) != nil {
			return Record{}, false
		}
		s.run++
		rec.Run, rec.NewRun = s.run, &s.runL.Run
	case "attempt":
		if readAttempt(b, &s.attL) != nil {
			return Record{}, false
		}
		rec.Attempt = &s.attL.Attempt
	case "result":
		if readResult(b, &s.resL) != nil {
			return Record{}, false
		}
		rec.Result = &s.resL.Result
	case "feedback":
		if readFeedback(b, &s.fbL) != nil {
			return Record{}, false
		}
		rec.Feedback = &s.fbL.Feedback
	case "test":
		s.testL = testLine{Status: recordStatus(NoStatus)}
		if json.Unmarshal(b, &s.testL) != nil || sendpool.Status(s.testL.Status) == NoStatus || s.testL.MessageID == "" {
			return Record{}, false
		}
		s.testL.TestSend.Status = sendpool.Status(s.testL.Status)
		rec.Test = &s.testL.TestSend
	case "copy":
		s.copyL = copyLine{}
		if json.Unmarshal(b, &s.copyL) != nil || s.copyL.MessageID == "" {
			return Record{}, false
		}
		rec.Copy = &s.copyL.Copy
	default:
		return Record{}, false
	}
	return rec, true
}
