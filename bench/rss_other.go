//go:build !linux

package bench

import (
	"os"
	"time"
)

// maxRSS is unknown here (0); the benchmarks then print no memory figures.
func maxRSS(*os.ProcessState) int64 { return 0 }

// selfCPU is unknown here (0); the benchmarks then print no CPU figures.
func selfCPU() time.Duration { return 0 }
