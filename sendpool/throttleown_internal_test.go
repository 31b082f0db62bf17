package sendpool

import "testing"

// TestThrottledRunTookDuringTry: a row's second throttling reply counts as
// the server's slowing of the run when the recipients it took since the
// row's first try were taken after this try began (on another connection,
// their replies read first): TestPoolThrottlingSlowsDown/pipelined-bdat
// failed under load so, the row's retry spending its retries as if the
// server refused that row alone, and ending deferred. Taken before this
// try began, they make the reply the row's own, as before.
func TestThrottledRunTookDuringTry(t *testing.T) {
	for _, tc := range []struct {
		name             string
		tryTook, tookNow int64
		wantRun          bool
	}{
		{"taken while this try ran", 0, 1, true},
		{"taken before this try began", 1, 1, false},
	} {
		r := &poolRun{}
		j := &poolJob{}
		if !r.throttledRun(j) { // the first try's reply: the run's, always
			t.Fatalf("%s: the first throttling reply is the row's own", tc.name)
		}
		j.throttles++
		r.throttles.Add(1) // another row's throttling reply in between
		j.tryTook = tc.tryTook
		r.took.Store(tc.tookNow)
		if got := r.throttledRun(j); got != tc.wantRun {
			t.Errorf("%s: throttledRun = %v, want %v", tc.name, got, tc.wantRun)
		}
	}
}
