package statefile

import (
	"errors"
	"os"
)

// SyncDir makes the entries of folder dir durable (fsync of the folder):
// what a file created or renamed there needs after its own sync to
// survive a crash.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	return errors.Join(d.Sync(), d.Close())
}
