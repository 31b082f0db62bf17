package journal

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// Warning sentinels, carried in the *campaign.FileError values of
// State.Warnings.
var (
	// ErrTornLine marks a line cut off as it was written: its run was
	// killed, the machine lost power, or its disk filled up (the journal
	// cannot tell which).
	ErrTornLine = errors.New("torn last line")
	// ErrCorruptLine marks a line in the middle that is not a record.
	ErrCorruptLine = errors.New("corrupt line")
)

// tornCause is what a line cut off as it was written tells of its
// cause: all the journal can tell, since a run killed mid-write, a
// machine that lost power and a disk that filled up leave the same.
const tornCause = "the run writing it was stopped (killed, or the machine lost power), or its disk filled up"

// tornIgnored says what a torn line that is ignored means, and what to
// do: the record it held is lost, and an attempt line before it stands
// (its message unknown; the Writer writes the attempt whole before the
// message goes), so nothing is sent twice.
const tornIgnored = "The line is ignored and the lines before it stand, so nothing is sent twice (a message whose result was on it counts as unknown). If that disk is still full, free space on it: nothing more can be recorded there until then"

// errTooLarge is returned for a journal larger than a State can name
// lines of (maxJournal).
var errTooLarge = errors.New("larger than 1 TiB, more than tidings reads: send the rest as a new campaign, with a new state folder")

// Load reads the journal in the campaign state folder dir. A missing
// journal is an empty State, not an error. Load does not take the send lock
// and may run while another process appends; a half-written last line is
// then reported as torn. Load fails only when the file cannot be read. The
// State keeps the journal open to read lines back: the caller closes it.
func Load(ctx context.Context, dir string) (*State, error) {
	return loadUpTo(ctx, dir, maxJournal)
}

// loadUpTo is Load of a journal of at most maxSize bytes (errTooLarge).
func loadUpTo(ctx context.Context, dir string, maxSize int64) (*State, error) {
	s := newState(filepath.Join(dir, FileName))
	s.maxSize = maxSize
	f, err := os.Open(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("journal: load: %w", err)
	}
	s.file = f
	if fi, err := f.Stat(); err == nil && fi.Size() > maxSize {
		s.Close()
		return nil, fmt.Errorf("journal: load %s: %w", s.Path, errTooLarge)
	}
	if err := s.read(ctx, bufio.NewReaderSize(f, 64<<10)); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// read reads the journal's lines from br.
func (s *State) read(ctx context.Context, br *bufio.Reader) error {
	defer runtime.KeepAlive(s)
	var (
		lineNo  int
		pos     int64               // where the line read next starts
		bad     *campaign.FileError // an invalid complete line, classified once we know whether it is the last
		badSize int
		badKind lineDamage
	)
	for {
		b, rerr := br.ReadBytes('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return fmt.Errorf("journal: load %s: %w", s.Path, rerr)
		}
		at := lineRef(pos + 1)
		pos += int64(len(b))
		if pos > s.maxSize {
			return fmt.Errorf("journal: load %s: %w", s.Path, errTooLarge)
		}
		if len(b) > 0 {
			lineNo++
			if lineNo == 1 && bytes.HasPrefix(b, utf8BOM) {
				b = b[len(utf8BOM):] // an editor's; the Writer writes none
				at += lineRef(len(utf8BOM))
			}
			if lineNo%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return fmt.Errorf("journal: load: %w", err)
				}
			}
			if len(bytes.TrimSpace(b)) > 0 {
				complete := b[len(b)-1] == '\n'
				if bad != nil {
					// Not the last line after all.
					s.Warnings = append(s.Warnings, bad)
					s.damage.corruptLine(bad, badKind)
					bad = nil
				}
				typ, perr := s.parse(b, at)
				if perr == nil {
					s.damage.record(typ)
				}
				switch {
				case !complete && perr != nil:
					s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: the last line is cut off after %d bytes: %s. %s", ErrTornLine, len(b), tornCause, tornIgnored)})
				case !complete:
					s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: the last line lacks only its end of line (%s); the record on it is complete and was kept", ErrTornLine, tornCause)})
				case perr != nil:
					bad = &campaign.FileError{File: s.Path, Line: lineNo,
						Err: fmt.Errorf("journal: %w: %w; skipped", ErrCorruptLine, perr)}
					badSize, badKind = len(b), damageOf(b)
				}
			}
		}
		if rerr != nil { // io.EOF
			break
		}
	}
	switch {
	case bad != nil && badKind == damageEncoding: // no crash leaves that
		s.Warnings = append(s.Warnings, bad)
		s.damage.corruptLine(bad, badKind)
	case bad != nil:
		s.Warnings = append(s.Warnings, &campaign.FileError{File: s.Path, Line: bad.Line,
			Err: fmt.Errorf("journal: %w: the last line (%d bytes) is not a record: damaged as it was written (the machine lost power), or changed since; ignored", ErrTornLine, badSize)})
	}
	s.settlePending()
	slices.Sort(s.sent.Items())
	return nil
}

// parse decodes the line b, which starts at at, and applies it to s.
func (s *State) parse(b []byte, at lineRef) (typ string, err error) {
	if typ, err = recordType(b); err != nil {
		return "", err
	}
	return typ, s.apply(typ, b, at)
}

// apply applies the record line b of type typ, which starts at at, to s.
func (s *State) apply(typ string, b []byte, at lineRef) error {
	switch typ {
	case "run":
		var l runLine
		if err := json.Unmarshal(b, &l); err != nil {
			return err
		}
		s.settlePending()
		s.Runs, s.runAt, s.finals = append(s.Runs, l.Run), append(s.runAt, at), append(s.finals, 0)
	case "attempt":
		var l attemptLine
		if err := readAttempt(b, &l); err != nil {
			return err
		}
		s.Records++
		s.noteRun(&l.Attempt, nil)
		s.attempt(&l.Attempt, at)
	case "result":
		var l resultLine
		if err := readResult(b, &l); err != nil {
			return err
		}
		s.Records++
		s.noteRun(nil, &l.Result)
		s.noteFinal(&l.Result)
		s.result(&l.Result, at)
	case "feedback":
		var l feedbackLine
		if err := readFeedback(b, &l); err != nil {
			return err
		}
		s.Records++
		s.feedback(&l.Feedback, at)
	case "test":
		return s.parseTest(b)
	case "copy":
		return s.parseCopy(b)
	default:
		return fmt.Errorf("unknown record type %q", typ)
	}
	return nil
}

// readAttempt decodes the attempt line b into l and checks it names a key.
func readAttempt(b []byte, l *attemptLine) error {
	if err := decodeAttempt(b, l); err != nil {
		return err
	}
	l.NormKey = normKey(l.NormKey, l.Key)
	if l.NormKey == "" {
		return errors.New("attempt without a key")
	}
	return checkRow(l.Row)
}

// normKey is a line's normalized key: its norm_key as NormalizeKey gives
// it (the Writer writes it so; a hand edit may not have), else its key's.
func normKey(norm, key string) string {
	return NormalizeKey(cmp.Or(norm, key))
}

// checkRow refuses a row number a State cannot keep (32 bits): no sheet
// has so many rows; the line was edited.
func checkRow(row int) error {
	if row < math.MinInt32 || row > math.MaxInt32 {
		return fmt.Errorf("row %d out of range", row)
	}
	return nil
}

// readResult decodes the result line b into l and checks it has a status.
func readResult(b []byte, l *resultLine) error {
	if err := decodeResult(b, l); err != nil {
		return err
	}
	if sendpool.Status(l.Status) == NoStatus {
		return errors.New("result without a status")
	}
	l.Result.Status = sendpool.Status(l.Status)
	l.NormKey = normKey(l.NormKey, l.Key)
	return checkRow(l.Row)
}

// readFeedback decodes the feedback line b into l and checks its kind and
// id.
func readFeedback(b []byte, l *feedbackLine) error {
	*l = feedbackLine{}
	if err := json.Unmarshal(b, l); err != nil {
		return err
	}
	if !l.Kind.valid() || l.ID == "" {
		return errors.New("feedback without a kind or an id")
	}
	l.NormKey = normKey(l.NormKey, l.Key)
	return nil
}
