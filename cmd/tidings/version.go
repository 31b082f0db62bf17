package main

import "runtime/debug"

// release is the tool's name and release: what a spool generation's
// digest is made with (plan.Options.Version), so that every build of a
// release reuses the others' spools.
const release = "tidings 0.1.0"

// toolVersion is release and, when the binary was built from a checkout
// of the repository (go build stamps it), the commit it was built from,
// marked when the tree had changes: "tidings 0.1.0 (8abd201, modified)".
// It is written into the journal's run records, so that a run says which
// build made it, and is what --version says.
func toolVersion() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return release
	}
	return versionOf(info.Settings)
}

// versionOf is toolVersion of a build's settings.
func versionOf(settings []debug.BuildSetting) string {
	var rev, modified string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		}
	}
	if rev == "" {
		return release
	}
	return release + " (" + rev[:min(len(rev), 7)] + modified + ")"
}
