package sendpool_test

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
)

// TestLimiterRateAndWindows drives the shared limiter from several
// goroutines on a fake clock (no sleeping): no window of any length holds
// more than burst + rate·window events, and the achieved rate is within 2%
// of the configured one.
func TestLimiterRateAndWindows(t *testing.T) {
	for _, tc := range []struct {
		name    string
		rate    float64
		burst   int
		workers int
		n       int
	}{
		{"10/s", 10, 1, 4, 400},
		{"600/m burst 5", 600.0 / 60, 5, 3, 500},
		{"2000/h", 2000.0 / 3600, 1, 2, 200},
		{"250/s burst 20", 250, 20, 8, 3000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			clock := pooltest.NewFakeClock(start)
			lim := sendpool.NewLimiter(tc.rate, tc.burst, clock)
			var active, left atomic.Int64
			active.Store(int64(tc.workers))
			left.Store(int64(tc.n))
			events := make(chan time.Time, tc.n)
			for w := 0; w < tc.workers; w++ {
				go func() {
					defer func() { active.Add(-1); clock.Broadcast() }()
					for left.Add(-1) >= 0 {
						if err := lim.Wait(context.Background()); err != nil {
							t.Error(err)
							return
						}
						events <- clock.Now()
					}
				}()
			}
			for clock.WaitPending(func() int { return int(active.Load()) }) > 0 {
				clock.AdvanceToNext()
			}
			close(events)
			var ts []time.Time
			for e := range events {
				ts = append(ts, e)
			}
			if len(ts) != tc.n {
				t.Fatalf("got %d events, want %d", len(ts), tc.n)
			}
			sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })

			per := time.Duration(float64(time.Second) / tc.rate)
			for _, window := range []time.Duration{per, 10 * per, 100 * per, time.Minute, time.Hour} {
				allowed := float64(tc.burst) + tc.rate*window.Seconds()
				j := 0
				for i := range ts {
					for j < len(ts) && ts[j].Sub(ts[i]) < window {
						j++
					}
					if got := j - i; float64(got) > allowed+1e-9 {
						t.Fatalf("window %s from %s holds %d events, allowed %.2f", window, ts[i].Sub(start), got, allowed)
					}
				}
			}
			span := ts[len(ts)-1].Sub(ts[0]).Seconds()
			achieved := float64(len(ts)-1) / span
			if dev := math.Abs(achieved-tc.rate) / tc.rate; dev > 0.02 {
				t.Errorf("achieved %.4f/s, configured %.4f/s: %.2f%% off", achieved, tc.rate, dev*100)
			}
		})
	}
}

func TestLimiterThrottleAndRecover(t *testing.T) {
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	lim := sendpool.NewLimiter(100, 1, clock)
	if r, ok := cutRate(lim); !ok || r != 50 {
		t.Fatalf("first throttle: rate %v changed %v, want 50 true", r, ok)
	}
	if r, ok := cutRate(lim); ok || r != 50 {
		t.Fatalf("throttle right after: rate %v changed %v, want no second cut", r, ok)
	}
	clock.Advance(3 * time.Second)
	if r, _ := cutRate(lim); r != 25 {
		t.Fatalf("second throttle: %v, want 25", r)
	}
	// Recovery: ×1.19 per 10s without throttling, up to the ceiling:
	// from a deep cut it climbs in proportion, not by jumps of the
	// ceiling's size.
	w := 25.0
	for range 10 {
		w = min(100, w*1.19)
		clock.Advance(10 * time.Second)
		if err := lim.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		if got := lim.Rate(); math.Abs(got-w) > 1e-9 {
			t.Fatalf("after recovery step: rate %v, want %v", got, w)
		}
	}
	if got := lim.Rate(); got != 100 {
		t.Fatalf("after 100s: rate %v, want the ceiling 100", got)
	}
}

func TestLimiterThrottleFloor(t *testing.T) {
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	lim := sendpool.NewLimiter(64, 1, clock)
	for i := 0; i < 20; i++ {
		clock.Advance(time.Hour)
		cutRate(lim)
	}
	if got := lim.Rate(); got != 1 {
		t.Fatalf("rate after many throttles %v, want the floor 1 (64/64)", got)
	}
}

func TestLimiterUnlimitedThrottleStartsFromThroughput(t *testing.T) {
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	lim := sendpool.NewLimiter(0, 1, clock)
	for i := 0; i < 200; i++ { // 200 in 2s: 100/s
		if err := lim.Wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		clock.Advance(10 * time.Millisecond)
	}
	if r := lim.Rate(); r != 0 {
		t.Fatalf("unlimited limiter rate %v, want 0", r)
	}
	if r, ok := cutRate(lim); !ok || math.Abs(r-50) > 0.5 {
		t.Fatalf("throttle from unlimited: %v %v, want about 50 (half the 100/s seen)", r, ok)
	}
	// Recovers to the estimate, then to unlimited.
	for i := 0; i < 20 && lim.Rate() != 0; i++ {
		clock.Advance(10 * time.Second)
		lim.Wait(context.Background())
	}
	if r := lim.Rate(); r != 0 {
		t.Fatalf("did not recover to unlimited: %v", r)
	}
}

func TestLimiterWaitCancelled(t *testing.T) {
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	lim := sendpool.NewLimiter(1, 1, clock)
	if err := lim.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- lim.Wait(ctx) }()
	clock.WaitPending(func() int { return 1 })
	cancel()
	if err := <-done; err == nil {
		t.Fatal("Wait returned nil after cancel")
	}
	// The cancelled reservation was returned: the next event is due one
	// second after the first, not two.
	go func() { done <- lim.Wait(context.Background()) }()
	clock.WaitPending(func() int { return 1 })
	clock.AdvanceToNext()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := clock.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); got != time.Second {
		t.Fatalf("next event at +%s, want +1s", got)
	}
}

func BenchmarkLimiterWaitUnlimited(b *testing.B) {
	lim := sendpool.NewLimiter(0, 1, nil)
	ctx := context.Background()
	for b.Loop() {
		lim.Wait(ctx)
	}
}

func ExampleLimiter() {
	lim := sendpool.NewLimiter(10, 1, nil) // 10 messages a second, shared
	fmt.Println(lim.Rate())
	// Output: 10
}

// cutRate is lim.Cut's new rate and whether it changed.
func cutRate(lim *sendpool.Limiter) (float64, bool) {
	c := lim.Cut()
	return c.Rate, c.Changed
}
