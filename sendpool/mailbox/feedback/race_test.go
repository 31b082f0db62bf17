//go:build race

package feedback

// raceEnabled: the race detector is on. Its sync.Pool drops items at
// random, so allocation counts say nothing then.
const raceEnabled = true
