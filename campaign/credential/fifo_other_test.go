//go:build !unix

package credential_test

import "testing"

// mkfifo makes no FIFO where the system has none: it reports false.
func mkfifo(*testing.T, string) bool { return false }
