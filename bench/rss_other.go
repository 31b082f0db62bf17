//go:build !linux

package bench

import "os"

// maxRSS is unknown here (0); the benchmarks then print no memory figures.
func maxRSS(*os.ProcessState) int64 { return 0 }
