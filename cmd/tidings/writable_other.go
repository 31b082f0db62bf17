//go:build !unix

package main

// writable is nil where the system has no such question to answer
// (Windows): send's own error says so when it cannot.
func writable(string) error { return nil }
