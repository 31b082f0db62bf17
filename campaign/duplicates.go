package campaign

import (
	"fmt"
	"strings"
)

// Duplicates is what a later row with an earlier row's key is when its
// other values differ (recipients.duplicates).
type Duplicates int

const (
	// DuplicatesStrict: a row problem, since a key stands for one message
	// (a second invoice to one address under key: email); a repeat with
	// the same values is a duplicate (the default).
	DuplicatesStrict Duplicates = iota
	// DuplicatesFirst: a duplicate whatever it holds; the first row with a
	// key is the one sent (a newsletter list merged from two sources).
	DuplicatesFirst
)

// ParseDuplicates parses "strict" (or "") and "first"; anything else is an
// error.
func ParseDuplicates(s string) (Duplicates, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "strict", "":
		return DuplicatesStrict, nil
	case "first":
		return DuplicatesFirst, nil
	default:
		return 0, fmt.Errorf("unknown duplicates rule %q (use strict or first)", s)
	}
}

func (d Duplicates) String() string {
	switch d {
	case DuplicatesStrict:
		return "strict"
	case DuplicatesFirst:
		return "first"
	default:
		return fmt.Sprintf("Duplicates(%d)", int(d))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duplicates) UnmarshalText(b []byte) error {
	v, err := ParseDuplicates(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
