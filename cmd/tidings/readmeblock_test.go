package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// readmeOutput is the output block README.md shows after the code block
// holding the line command: the lines of the next ``` block but one.
func readmeOutput(t *testing.T, command string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n"+command+"\n```\n")
	if !ok {
		t.Fatalf("README.md has no code block ending with %q", command)
	}
	_, rest, _ = strings.Cut(rest, "```\n")
	block, _, _ := strings.Cut(rest, "```")
	return strings.Split(strings.TrimRight(block, "\n"), "\n")
}

// isoDateRE matches a date as the commands print one.
var isoDateRE = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// checkREADMEOutput fails t unless out, a command's output, is the output
// README.md shows for command, line for line, dates aside and the paths of
// dir's files written as the README writes them, run in dir
// (campaign.yaml); a line the README cuts short with "…" need only start
// so. The README shows the output on a terminal, where blank lines set
// its parts apart; here it runs off one, where none is written
// (lineBreak): a blank line in the README's block is passed over.
func checkREADMEOutput(t *testing.T, command, out, dir string) {
	t.Helper()
	out = strings.ReplaceAll(out, dir+string(filepath.Separator), "")
	got := strings.Split(strings.TrimRight(isoDateRE.ReplaceAllString(out, "DATE"), "\n"), "\n")
	want := slices.DeleteFunc(readmeOutput(t, command), func(line string) bool { return line == "" })
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = isoDateRE.ReplaceAllString(want[i], "DATE")
		}
		if prefix, cut := strings.CutSuffix(w, "…"); g != w && !(cut && strings.HasPrefix(g, prefix)) {
			t.Errorf("README.md shows for %s, at its line %d,\n%q\nwhere the command prints\n%q\n(all of it:\n%s)", command, i+1, w, g, out)
			return
		}
	}
}
