package main

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/tidings/tidings/sendpool/statefile"
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
// existing file unless opts.force, and never writes through a symbolic
// link where a skeleton file goes (dangling or not, --force or not): the
// link is named and nothing is written.
func runInit(ctx context.Context, opts initOptions, g *globalOptions, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return &unusableError{fmt.Errorf("init: %w", err)}
	}
	entries, err := fs.ReadDir(skeleton, "skeleton")
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	for _, e := range entries {
		if err := initFree(filepath.Join(dir, e.Name()), opts.force); err != nil {
			return &unusableError{err}
		}
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := writeSkeleton(e.Name(), filepath.Join(dir, e.Name()), opts.force); err != nil {
			return err
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

// initFree returns an error unless init may write p: p is missing, or a
// regular file and force says to overwrite it. A symbolic link is refused
// either way (os.Lstat: a dangling one is not missing).
func initFree(p string, force bool) error {
	fi, err := os.Lstat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("init: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Errorf("init: %w", &statefile.LinkError{Path: p})
	case !force:
		return fmt.Errorf("init: %s already exists (use --force to overwrite)", p)
	}
	return nil
}

// skeletonMode is the mode init writes the skeleton's file name with:
// the sheet and the suppression list, which the user fills with
// recipients' addresses (and bounces with those who bounced or asked to
// unsubscribe), are their owner's only, as the state folder's files are;
// the campaign file and bodies are readable by all (0644 before umask).
func skeletonMode(name string) os.FileMode {
	if name == "recipients.csv" || name == "suppress.txt" {
		return 0o600
	}
	return 0o644
}

// writeSkeleton writes the skeleton's file name to p: a new file
// (O_EXCL, which a link, dangling or not, also fails), or with force one
// replaced in place, never through a link (statefile.OpenFile). A file
// replaced that skeletonMode makes 0600 is made 0600, as a new one is
// (off Windows, whose modes do not say who reads a file).
func writeSkeleton(name, p string, force bool) error {
	data, err := skeleton.ReadFile("skeleton/" + name)
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flag = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := statefile.OpenFile(p, flag, skeletonMode(name))
	if err != nil {
		return &unusableError{fmt.Errorf("init: %w", err)}
	}
	if mode := skeletonMode(name); force && mode == 0o600 && runtime.GOOS != "windows" {
		err = f.Chmod(mode)
	}
	if err == nil {
		_, err = f.Write(data)
	}
	if err = errors.Join(err, f.Close()); err != nil {
		return &unusableError{fmt.Errorf("init: %w", err)}
	}
	return nil
}
