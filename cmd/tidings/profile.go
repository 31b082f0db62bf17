package main

import (
	"bytes"
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
// there that is empty or a profile already (gzip, as pprof writes it).
// Any other file is refused: the flag takes the next word as its file,
// and `tidings check --cpu-profile c.yaml c.yaml` wrote the profile over
// the campaign file (rev-sec2).
func createProfile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	head := make([]byte, 2)
	n, err := io.ReadFull(f, head)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, errors.Join(fmt.Errorf("cpu profile: %w", err), f.Close())
	}
	if !bytes.HasPrefix(gzipMagic, head[:n]) {
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

// gzipMagic starts every gzip stream (RFC 1952), as pprof writes profiles.
var gzipMagic = []byte{0x1f, 0x8b}
