package journal

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// fullDisk takes left bytes, then fails as a full disk does.
type fullDisk struct {
	*os.File
	left int
}

func (f *fullDisk) Write(b []byte) (int, error) {
	if len(b) > f.left {
		n, _ := f.File.Write(b[:f.left])
		f.left = 0
		return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
	}
	f.left -= len(b)
	return f.File.Write(b)
}

// TestWriterFullDisk: a journal the disk has no room for fails the
// record, and Close, with ENOSPC naming the file once: it said "journal:
// write PATH: write PATH: no space left on device".
func TestWriterFullDisk(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	l.SetFile(func(f *os.File) File { return &fullDisk{File: f, left: 10} })
	w, err := Open(context.Background(), l, Run{Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	want := "journal: write " + path + ": no space left on device"
	err = w.Result(context.Background(), res(2, "a@example.org", sendpool.StatusSent))
	if !errors.Is(err, syscall.ENOSPC) || err.Error() != want {
		t.Errorf("Result: %v\nwant %s", err, want)
	}
	if err := w.Close(); !errors.Is(err, syscall.ENOSPC) || strings.Count(err.Error(), path) != 1 {
		t.Errorf("Close: %v, want ENOSPC naming %s once", err, path)
	}
}
