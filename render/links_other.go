//go:build !unix

package render

import "os"

// linkCount is how many names the file fi is has; 1 here, where the
// platform does not say (a hard link into a state folder is then not
// looked for: see linkedOwn).
func linkCount(fi os.FileInfo) uint64 { return 1 }
