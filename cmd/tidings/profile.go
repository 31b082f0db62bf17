package main

import (
	"errors"
	"fmt"
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
		f, err := os.Create(path)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
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
