package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// firstLineMax bounds the first line FirstRun reads: a run record is
// well under it.
const firstLineMax = 64 << 10

// FirstRun returns the run record that starts the journal in the state
// folder dir (Open writes one before anything else), without reading the
// rest; ok is false when there is no journal or it starts otherwise.
func FirstRun(dir string) (run Run, ok bool, err error) {
	f, err := os.Open(filepath.Join(dir, FileName))
	if errors.Is(err, fs.ErrNotExist) {
		return Run{}, false, nil
	}
	if err != nil {
		return Run{}, false, fmt.Errorf("journal: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReaderSize(io.LimitReader(f, firstLineMax), firstLineMax).ReadSlice('\n')
	if err != nil {
		return Run{}, false, nil // empty, or a first line no run record makes
	}
	var l runLine
	if json.Unmarshal(line, &l) != nil || l.Type != "run" {
		return Run{}, false, nil
	}
	return l.Run, true, nil
}
