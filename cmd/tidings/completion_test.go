package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// writeCompletion writes `tidings completion SHELL` to a file and returns
// its path.
func writeCompletion(t *testing.T, shell string) string {
	t.Helper()
	out, errOut, code := runCLI(t, "completion", shell)
	if code != 0 || errOut != "" {
		t.Fatalf("tidings completion %s: code %d, stderr %q", shell, code, errOut)
	}
	if !strings.Contains(out, "tidings") {
		t.Fatalf("tidings completion %s does not mention tidings:\n%.500s", shell, out)
	}
	p := filepath.Join(t.TempDir(), "tidings."+shell)
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestCompletionBash: the bash script is valid bash, and sourcing it in a
// real bash registers the completion of tidings.
func TestCompletionBash(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		msg := "bash not found on PATH"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip("SKIPPING the bash completion test: " + msg)
	}
	script := writeCompletion(t, "bash")
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	out, err := exec.Command(bash, "--norc", "--noprofile", "-c", `source "$1" && complete -p tidings`, "bash", script).CombinedOutput()
	if err != nil {
		t.Fatalf("sourcing the script: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "-F __start_tidings tidings") {
		t.Errorf("complete -p tidings = %q, want the script's function registered", out)
	}
}

// TestCompletionZshFish: the zsh and fish scripts name tidings, and pass
// the shell's syntax check where that shell is installed.
func TestCompletionZshFish(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		shell string
		check []string
	}{
		{"zsh", []string{"-n"}},
		{"fish", []string{"--no-execute"}},
	} {
		t.Run(tt.shell, func(t *testing.T) {
			script := writeCompletion(t, tt.shell)
			sh, err := exec.LookPath(tt.shell)
			if err != nil {
				t.Skipf("%s is not installed: syntax not checked", tt.shell)
			}
			if out, err := exec.Command(sh, append(tt.check, script)...).CombinedOutput(); err != nil {
				t.Errorf("%s %s: %v\n%s", tt.shell, strings.Join(tt.check, " "), err, out)
			}
		})
	}
}

// complete runs cobra's hidden `tidings __complete ARGS...` as the shell
// scripts do and returns the candidates and the directive line (":4").
func complete(t *testing.T, args ...string) (candidates []string, directive string) {
	t.Helper()
	out, _, code := runCLI(t, append([]string{"__complete"}, args...)...)
	if code != 0 {
		t.Fatalf("tidings __complete %q: code %d\n%s", args, code, out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	return lines[:len(lines)-1], lines[len(lines)-1]
}

func directive(d cobra.ShellCompDirective) string { return fmt.Sprintf(":%d", d) }

// TestCompleteArguments: the campaign argument completes to .yaml and .yml
// files, init's folder to folders, help to commands and topics, and no
// argument after the campaign to files.
func TestCompleteArguments(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args       []string
		candidates string
		directive  cobra.ShellCompDirective
	}{
		{[]string{"send", ""}, "yaml yml", cobra.ShellCompDirectiveFilterFileExt},
		{[]string{"check", "ca"}, "yaml yml", cobra.ShellCompDirectiveFilterFileExt},
		{[]string{"bounces", "--dry-run", ""}, "yaml yml", cobra.ShellCompDirectiveFilterFileExt},
		{[]string{"show", "c.yaml", ""}, "", cobra.ShellCompDirectiveNoFileComp},
		{[]string{"send", "c.yaml", ""}, "", cobra.ShellCompDirectiveNoFileComp},
		{[]string{"init", ""}, "", cobra.ShellCompDirectiveFilterDirs},
		{[]string{"help", "te"}, "templates", cobra.ShellCompDirectiveNoFileComp},
		{[]string{"help", "s"}, "send show", cobra.ShellCompDirectiveNoFileComp},
	} {
		got, d := complete(t, tt.args...)
		var names []string
		for _, c := range got {
			name, _, _ := strings.Cut(c, "\t")
			names = append(names, name)
		}
		if strings.Join(names, " ") != tt.candidates || d != directive(tt.directive) {
			t.Errorf("__complete %q = %q %s, want %q %s", tt.args, names, d, tt.candidates, directive(tt.directive))
		}
	}
}

// TestCompleteFlags: a flag's name completes, and its value completes to
// what it names: a folder for preview --out, a file for show --out and
// --cpu-profile, and nothing (no file names) for every other flag that
// takes a value, such as --rows.
func TestCompleteFlags(t *testing.T) {
	t.Parallel()
	got, d := complete(t, "send", "--r")
	if d != directive(cobra.ShellCompDirectiveNoFileComp) || !strings.Contains(strings.Join(got, "\n"), "--rows\twith --test: these rows") {
		t.Errorf("__complete send --r = %q %s, want --rows with its usage", got, d)
	}
	paths := map[string]cobra.ShellCompDirective{
		"preview --out": cobra.ShellCompDirectiveFilterDirs,
		"show --out":    cobra.ShellCompDirectiveFilterFileExt,
		"--cpu-profile": cobra.ShellCompDirectiveDefault,
	}
	n := 0
	root := newRootCommand(&globalOptions{})
	for _, c := range append([]*cobra.Command{root}, root.Commands()...) {
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.NoOptDefVal != "" { // a bool: no value to complete
				return
			}
			n++
			args := []string{"--" + f.Name, ""}
			if c != root {
				args = append([]string{c.Name()}, args...)
			}
			want, isPath := paths[strings.Join(args[:len(args)-1], " ")]
			if !isPath {
				want = cobra.ShellCompDirectiveNoFileComp
			}
			if _, d := complete(t, args...); d != directive(want) {
				t.Errorf("__complete %q: directive %s, want %s", args, d, directive(want))
			}
		})
	}
	if n < 13 {
		t.Errorf("tried %d flags with values, want every one (at least 13)", n)
	}
	if got, _ := complete(t, "show", "--out", ""); strings.Join(got, " ") != "eml" {
		t.Errorf("show --out completes to %q, want .eml files", got)
	}
}

// TestCompletionUnknownShell: a missing or unknown shell is a usage error
// (exit 2, nothing on stdout), not cobra's help on stdout with exit 0,
// which `tidings completion zhs > _tidings` wrote where a script goes.
func TestCompletionUnknownShell(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"completion"}, {"completion", "zhs"}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || out != "" || !strings.Contains(errOut, "bash") && !strings.Contains(errOut, "zhs") {
			t.Errorf("tidings %s: exit %d, stdout %q, stderr %q", strings.Join(args, " "), code, out, errOut)
		}
	}
}
