//go:build !unix

package spool

import "os"

// deviceOf is the device (file system) fi is on; ok is false when the
// platform does not say, as here: no file's size and time are then
// trusted (AttachmentClock).
func deviceOf(fi os.FileInfo) (dev uint64, ok bool) { return 0, false }
