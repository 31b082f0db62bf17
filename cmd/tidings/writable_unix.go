//go:build unix

package main

import "golang.org/x/sys/unix"

// writable is nil when this user may make files in the folder dir, else
// why not (EACCES, EROFS), as the system answers for this process.
func writable(dir string) error {
	return unix.Access(dir, unix.W_OK)
}
