package statefile

import (
	"errors"
	"os"
	"path/filepath"
)

// SyncDir makes the entries of folder dir durable (fsync of the folder):
// what a file created or renamed there needs after its own sync to
// survive a crash. On Windows it checks that dir can be opened only: a
// rename there may be lost to a power loss soon after (see syncFolder).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(syncFolder(d), d.Close())
}

// WriteAtomic replaces path with a file holding data, durably and
// atomically: data goes to path+".tmp" (never through a link, 0600),
// which is synced and renamed over path, and the folder is synced
// (SyncDir: on Windows, which flushes no folder, its journal keeps the
// rename); a crash leaves the old file or the new one, never one cut
// short. The
// temporary file is removed when a step fails.
func WriteAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	f, err := OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, FileMode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return SyncDir(filepath.Dir(path))
}
