package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

//go:embed skeleton
var skeleton embed.FS

// initOptions are the flags of `tidings init`.
type initOptions struct {
	force bool
}

func newInitCommand(g *globalOptions) *cobra.Command {
	var opts initOptions
	cmd := &cobra.Command{
		Use:               "init DIR",
		Short:             "Write a small working campaign into DIR",
		Args:              oneArg,
		ValidArgsFunction: completeFolder,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runInit(cmd.Context(), opts, g, args[0])
		},
	}
	cmd.Flags().BoolVar(&opts.force, "force", false, "overwrite files that already exist")
	return cmd
}

// runInit writes the skeleton campaign into dir. It refuses to overwrite an
// existing file unless opts.force.
func runInit(ctx context.Context, opts initOptions, g *globalOptions, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &unusableError{fmt.Errorf("init: %w", err)}
	}
	entries, err := fs.ReadDir(skeleton, "skeleton")
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	if !opts.force {
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if _, err := os.Stat(p); err == nil {
				return &unusableError{fmt.Errorf("init: %s already exists (use --force to overwrite)", p)}
			} else if !errors.Is(err, fs.ErrNotExist) {
				return &unusableError{fmt.Errorf("init: %w", err)}
			}
		}
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := skeleton.ReadFile("skeleton/" + e.Name())
		if err != nil {
			return fmt.Errorf("init: %w", err)
		}
		p := filepath.Join(dir, e.Name())
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return &unusableError{fmt.Errorf("init: %w", err)}
		}
	}
	camp, where := commandArg(filepath.Join(dir, "campaign.yaml")), commandArg(dir)
	if filepath.Clean(dir) == "." {
		where = "the current folder"
	}
	fmt.Fprintf(g.stdout, "Wrote a campaign to %s. Next:\n  tidings check %s\n  tidings preview %s\n  tidings send --test you@example.com %s   (after setting smtp: and the password variable)\n",
		where, camp, camp, camp)
	return nil
}
