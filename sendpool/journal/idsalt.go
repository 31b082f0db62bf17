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
)

// RecordedIDSalt returns the Message-ID salt of the latest run of the
// journal in the state folder dir that recorded one (Run.IDSalt), as
// State.IDSalt does, "" when none did or there is no journal, and whether
// the journal has lines other than run records (sends, tries, reports),
// without loading the journal: only the lines that name a salt are
// decoded. It
// takes no lock, writes nothing, and may run while a send appends: for
// the commands that read a campaign's state without changing it, when
// the state folder's salt file is gone.
func RecordedIDSalt(ctx context.Context, dir string) (salt string, more bool, err error) {
	path := filepath.Join(dir, FileName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	for n := 0; ; n++ {
		b, rerr := br.ReadSlice('\n')
		if errors.Is(rerr, bufio.ErrBufferFull) {
			b, rerr = readLongLine(br, b)
		}
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return "", false, fmt.Errorf("journal: %s: %w", path, rerr)
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return "", false, fmt.Errorf("journal: %w", err)
			}
		}
		if s := lineSalt(b); s != "" {
			salt = s
		}
		if t := bytes.TrimSpace(b); len(t) > 0 && !bytes.HasPrefix(bytes.TrimPrefix(t, utf8BOM), runPrefix) {
			more = true
		}
		if rerr != nil { // io.EOF
			return salt, more, nil
		}
	}
}

// lineSalt is the salt a journal line records, "" when it is not a run
// record that records one (a torn or damaged line records none).
func lineSalt(b []byte) string {
	if !bytes.Contains(b, []byte(`"id_salt"`)) {
		return ""
	}
	var l runLine
	if json.Unmarshal(bytes.TrimPrefix(b, utf8BOM), &l) != nil || l.Type != "run" {
		return ""
	}
	return l.IDSalt
}
