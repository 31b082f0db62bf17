package main

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/spf13/cobra"
)

// addProfileFlags adds the hidden --cpu-profile flag to root: the command
// writes a CPU profile (go tool pprof) of its run to the named file. It is
// how the benchmarks' numbers are taken apart (bench/doc.go). The profile
// starts before the command runs and g.stopProfile, which main calls once
// the command returned (failed or not), ends it.
func addProfileFlags(root *cobra.Command, g *globalOptions) {
	var path string
	root.PersistentFlags().StringVar(&path, "cpu-profile", "", "write a CPU profile of the run to `FILE`")
	_ = root.PersistentFlags().MarkHidden("cpu-profile")
	_ = root.MarkPersistentFlagFilename("cpu-profile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if path == "" {
			return nil
		}
		f, err := createProfile(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return errors.Join(fmt.Errorf("cpu profile: %w", err), f.Close(), os.Remove(path))
		}
		g.stopProfile = func() error {
			g.stopProfile = nil
			pprof.StopCPUProfile()
			if err := f.Close(); err != nil {
				return fmt.Errorf("cpu profile: %w", err)
			}
			return nil
		}
		return nil
	}
}

// createProfile creates the profile's file at path, or truncates one
// there that is empty or a profile already (isProfile).
// Any other file is refused: the flag takes the next word as its file,
// and `tidings check --cpu-profile c.yaml c.yaml` wrote the profile over
// the campaign file (rev-sec2).
func createProfile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if !isProfile(f) {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %s holds something else than a profile: give --cpu-profile a new file's name", path)
	}
	if err := f.Truncate(0); err != nil {
		return nil, errors.Join(fmt.Errorf("cpu profile: %w", err), f.Close())
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, errors.Join(fmt.Errorf("cpu profile: %w", err), f.Close())
	}
	return f, nil
}

// isProfile reports whether f, read from its start, is empty or a CPU
// profile as pprof writes it: gzip (RFC 1952) around a protocol buffer
// (profile.proto) whose first byte is the tag of one of the Profile
// message's fields (1 to 14, a varint or length-delimited: Go writes
// time_nanos, 0x48, first). Most other gzip files (a .tar.gz starting
// with a lowercase file name) are not; the test is a guard against a
// slip of the hidden flag, not a parse.
func isProfile(f *os.File) bool {
	if fi, err := f.Stat(); err != nil || fi.Size() == 0 {
		return err == nil
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return false
	}
	first := make([]byte, 1)
	_, err = io.ReadFull(zr, first)
	field, wire := first[0]>>3, first[0]&7
	return err == nil && field >= 1 && field <= 14 && (wire == 0 || wire == 2)
}
