package main

import (
	"bufio"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestProgressBarFirstRate: on a terminal, the rate the bar shows after
// its first message counts from the start of the delivery: 1 message in
// a fifth of a second is about 5 msg/s (it read hundreds of thousands,
// timed from that message itself).
func TestProgressBarFirstRate(t *testing.T) {
	master, slave := openPTY(t)
	p := newProgress(&globalOptions{stderr: slave}, 10, progressClock{})
	// The thing shown is a rate over time: there is nothing to wait on.
	time.Sleep(200 * time.Millisecond)
	p.Add(sendpool.Result{Status: sendpool.StatusSent})
	rate := regexp.MustCompile(`, ([0-9.]+) msg/s`)
	sc := bufio.NewScanner(master)
	sc.Split(bufio.ScanRunes)
	var seen []byte
	for sc.Scan() {
		if seen = append(seen, sc.Bytes()...); rate.Match(seen) {
			break
		}
	}
	m := rate.FindSubmatch(seen)
	if m == nil {
		t.Fatalf("no rate shown: %q", seen)
	}
	if r, _ := strconv.ParseFloat(string(m[1]), 64); r > 50 {
		t.Errorf("first rate %s msg/s, want about 5", m[1])
	}
	p.Close()
}
