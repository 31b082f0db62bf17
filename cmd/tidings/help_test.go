package main

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tidings/tidings/templates"
)

// TestHelpTemplates: `tidings help templates` and `tidings templates` print
// templates.Help as it is, and exit 0.
func TestHelpTemplates(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"help", "templates"}, {"templates"}} {
		out, errOut, code := runCLI(t, args...)
		if code != 0 || errOut != "" {
			t.Errorf("tidings %s: code %d, stderr %q", strings.Join(args, " "), code, errOut)
		}
		if out != templates.Help {
			t.Errorf("tidings %s printed\n%s\nwant templates.Help", strings.Join(args, " "), out)
		}
	}
}

// TestHelpListsTopics: `tidings help` lists the templates topic under
// "Additional help topics", its overview names every command line a new
// user needs, and it fits 80 columns.
func TestHelpListsTopics(t *testing.T) {
	t.Parallel()
	out, errOut, code := runCLI(t, "help")
	if code != 0 || errOut != "" {
		t.Fatalf("tidings help: code %d, stderr %q", code, errOut)
	}
	_, topics, ok := strings.Cut(out, "\nAdditional help topics:\n")
	if !ok || !strings.Contains(topics, "tidings templates ") {
		t.Errorf("tidings help lists no templates topic:\n%s", out)
	}
	overview, _, _ := strings.Cut(out, "\nUsage:")
	for _, want := range []string{
		"tidings init DIR", "tidings check CAMPAIGN.yaml", "tidings preview CAMPAIGN.yaml",
		"tidings probe CAMPAIGN.yaml", "tidings send --test ME@EXAMPLE.ORG CAMPAIGN.yaml",
		"marked [TEST]", "tidings send CAMPAIGN.yaml", "tidings report CAMPAIGN.yaml",
		"tidings bounces CAMPAIGN.yaml", "suppress those addresses",
		"tidings show CAMPAIGN.yaml KEY", "tidings help templates",
	} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q:\n%s", want, overview)
		}
	}
	for _, line := range strings.Split(overview, "\n") {
		if utf8.RuneCountInString(line) > 80 {
			t.Errorf("overview line over 80 columns: %q", line)
		}
	}
}

// TestHelpCommand: help about a command prints that command's help.
func TestHelpCommand(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "help", "send")
	if code != 0 || !strings.HasPrefix(out, "send checks every row") || !strings.Contains(out, "--rows string") {
		t.Errorf("tidings help send: code %d\n%s", code, out)
	}
	out, _, code = runCLI(t, "help", "completion", "bash")
	if code != 0 || !strings.Contains(out, "bash") {
		t.Errorf("tidings help completion bash: code %d\n%s", code, out)
	}
}

// TestHelpUnknownTopic: help about a name that is neither a command nor a
// topic says so, lists both, suggests the closest, and exits 2.
func TestHelpUnknownTopic(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ args, want []string }{
		{[]string{"help", "nosuchtopic"}, []string{`unknown help topic "nosuchtopic" (commands: `}},
		{[]string{"help", "templtes"}, []string{`unknown help topic "templtes"; did you mean templates?`}},
		{[]string{"help", "templates", "extra"}, []string{`unknown help topic "templates extra"`}},
	} {
		out, errOut, code := runCLI(t, tt.args...)
		if code != exitUnusable || out != "" {
			t.Errorf("tidings %s: code %d, stdout %q; want 2 and nothing", strings.Join(tt.args, " "), code, out)
		}
		want := append(tt.want, "bounces, check, completion, init, preview, probe, report, send, show; topics: templates)")
		for _, w := range want {
			if !strings.Contains(errOut, w) {
				t.Errorf("tidings %s: stderr\n%s\nlacks %q", strings.Join(tt.args, " "), errOut, w)
			}
		}
	}
}

// TestHelpExitCodeTwo: the help of report and send names every reason
// their exit code 2 has: report's for a campaign it cannot use (a missing
// file here, which does exit 2), send's for a used-up sending quota too.
func TestHelpExitCodeTwo(t *testing.T) {
	t.Parallel()
	_, _, code := runCLI(t, "report", filepath.Join(t.TempDir(), "missing.yaml"))
	if code != exitUnusable {
		t.Fatalf("tidings report of a missing campaign: code %d, want %d", code, exitUnusable)
	}
	for _, tt := range []struct{ cmd, want string }{
		{"report", "2 unusable"},
		{"send", "sending quota used up"},
	} {
		out, _, code := runCLI(t, tt.cmd, "--help")
		_, exit, _ := strings.Cut(out, "Exit code:")
		if code != 0 || !strings.Contains(strings.Join(strings.Fields(exit), " "), tt.want) {
			t.Errorf("tidings %s --help: code %d; its exit codes lack %q:\n%s", tt.cmd, code, tt.want, out)
		}
	}
}
