package main

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Shell completion: cobra's default `tidings completion bash|zsh|fish|
// powershell` writes the scripts, which ask the hidden `tidings __complete`
// command what fits the word being completed. The functions here tell it
// what tidings' arguments and flag values are.

// completeCampaign completes a command's first argument, the campaign file,
// with .yaml and .yml files (and folders, to walk into); nothing follows it.
func completeCampaign(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return []cobra.Completion{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// completeFolder completes a command's one argument with folders.
func completeFolder(_ *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return nil, cobra.ShellCompDirectiveFilterDirs
}

// completeFlagValues makes every flag under root that takes a value and
// has no completion of its own (a function, or a MarkFlagFilename or
// MarkFlagDirname annotation) complete to nothing: the value of --rows,
// --rate or --test is no file name, and the shells' fallback would offer
// files. Flags that name a file or folder must be marked as such.
func completeFlagValues(root *cobra.Command) {
	seen := map[*pflag.Flag]bool{}
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		visit := func(f *pflag.Flag) {
			if seen[f] || f.NoOptDefVal != "" || namesPath(f) {
				return
			}
			seen[f] = true
			if _, ok := c.GetFlagCompletionFunc(f.Name); !ok {
				// The flag exists and has no function: this cannot fail.
				_ = c.RegisterFlagCompletionFunc(f.Name, cobra.NoFileCompletions)
			}
		}
		c.PersistentFlags().VisitAll(visit)
		c.Flags().VisitAll(visit)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// namesPath reports whether f was marked as naming a file or folder.
func namesPath(f *pflag.Flag) bool {
	_, file := f.Annotations[cobra.BashCompFilenameExt]
	_, dir := f.Annotations[cobra.BashCompSubdirsInDir]
	return file || dir
}
