package statefile

import "os"

// syncFolder does nothing on Windows: its flush (FlushFileBuffers) takes a
// handle open for writing, which a folder's cannot be, so a folder's
// Sync is "Access is denied" (golang/go#75541) and would fail every state
// write; NTFS journals a folder's entries itself, and a file's own Sync
// still makes its data durable before it is renamed into place.
func syncFolder(*os.File) error { return nil }
