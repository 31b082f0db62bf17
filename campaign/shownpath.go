package campaign

import (
	"os"
	"path/filepath"
)

// ShownPath is p as messages a person reads name it: relative to the
// working folder when that is shorter ("news/c.yaml" run from the
// folder above it, as the user named it), else p as it is. In the file
// system's root (cron's working folder) it keeps p: "tmp/news/c.yaml" is
// shorter than "/tmp/news/c.yaml" by its slash only and reads as a path
// below wherever the log is read. A relative p is returned as it is.
func ShownPath(p string) string {
	wd, err := os.Getwd()
	if err != nil || filepath.Dir(wd) == wd {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && len(rel) < len(p) {
		return rel
	}
	return p
}
