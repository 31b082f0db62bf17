package main

import (
	"time"

	"github.com/tidings/tidings/sendpool"
)

// limitFlag is a time limit given on the command line (--max-time): it
// parses as time.ParseDuration does ("30m", "90s") and writes itself, in
// --help's default too, as the project writes a limit for a person
// (sendpool.LimitText: "30m00s", not Go's "30m0s").
type limitFlag time.Duration

func (l *limitFlag) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*l = limitFlag(d)
	return nil
}

func (l *limitFlag) String() string { return sendpool.LimitText(time.Duration(*l)) }

// Type names the value in --help ("--max-time duration").
func (l *limitFlag) Type() string { return "duration" }
