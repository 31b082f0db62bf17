package statefile

import "os"

// syncFolder does nothing on Windows: Go's os.Open opens a folder for
// reading only, and FlushFileBuffers, a folder's Sync there, needs a
// handle open for writing, so the Sync of every folder SyncDir opens is
// "Access is denied" (golang/go#75541) and would fail every state write.
// What is given up: a file renamed into place (WriteAtomic, report.csv,
// a spool file) has its data synced before the rename, and NTFS replaces
// it whole, but it writes the journal of its folder entries lazily, so a
// power loss in the seconds after may bring back the file before, never
// one cut short. A folder opened for writing with
// FILE_FLAG_BACKUP_SEMANTICS can be flushed on a local NTFS disk (etcd's
// fileutil does so), not on a network share ("Incorrect function",
// dgraph-io/badger#699); tidings does not.
func syncFolder(*os.File) error { return nil }
