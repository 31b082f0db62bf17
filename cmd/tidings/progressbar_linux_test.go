package main

import (
	"bufio"
	"bytes"
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
	p := newProgress(&globalOptions{stderr: slave}, 10, progressClock{}, runPart{}, 0)
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

// TestProgressBarRetryWait: on a terminal, the bar's own estimate knows
// nothing of a retry waiting; its description says when that retry is
// due, until the message's result.
func TestProgressBarRetryWait(t *testing.T) {
	master, slave := openPTY(t)
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	p := newProgress(&globalOptions{stderr: slave}, 10, progressClock{now: func() time.Time { return t0 }}, runPart{}, 0)
	p.Notice(sendpool.Notice{Kind: sendpool.NoticeRetry, Row: 2, Due: t0.Add(28 * time.Second), Attempts: 1, Text: "row 2: …; retry 1 of 3 in 28s"})
	p.Add(sendpool.Result{Row: 3, Status: sendpool.StatusSent, Attempts: 1})
	want := []byte("sending (a retry due at 09:00:28)")
	shown := make(chan []byte, 1)
	go func() {
		sc := bufio.NewScanner(master)
		sc.Split(bufio.ScanRunes)
		var seen []byte
		for sc.Scan() {
			if seen = append(seen, sc.Bytes()...); bytes.Contains(seen, want) {
				break
			}
		}
		shown <- seen
	}()
	select {
	case seen := <-shown:
		if !bytes.Contains(seen, want) {
			t.Fatalf("the bar: %q, want %q", seen, want)
		}
	case <-time.After(time.Minute): // a bound, not a wait: the bar shows it at once
		t.Fatalf("the bar did not show %q within a minute", want)
	}
	p.Close()
}
