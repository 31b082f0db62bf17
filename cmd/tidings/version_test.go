package main

import (
	"runtime/debug"
	"testing"
)

// TestVersionOf: a build from a checkout names its commit (and a tree
// with changes), so that a journal's runs tell which build made them; a
// build without (go test, go install of a module) says the release.
func TestVersionOf(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, "tidings 0.1.0"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "8abd20158c0f7e1b0ad0b6e2b1d6f2a43c3c1e9d"}, {Key: "vcs.modified", Value: "false"}}, "tidings 0.1.0 (8abd201)"},
		{[]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}, {Key: "vcs.revision", Value: "8abd20158c0f7e1b0ad0b6e2b1d6f2a43c3c1e9d"}}, "tidings 0.1.0 (8abd201, modified)"},
	} {
		if got := versionOf(c.settings); got != c.want {
			t.Errorf("%v: %q, want %q", c.settings, got, c.want)
		}
	}
}
