package campaign

import (
	"fmt"
	"strings"
)

// DateOrder is how the sheet writes the all-number dates whose order
// cannot be told from the date itself (05/04/2024): month first, as
// Excel and LibreOffice show dates in their US locale, or day first, as
// they do in most of the world.
type DateOrder int

const (
	// MonthFirst reads 05/04/2024 as 4 May 2024 (the default).
	MonthFirst DateOrder = iota
	// DayFirst reads 05/04/2024 as 5 April 2024.
	DayFirst
)

// ParseDateOrder parses "month-first" (or "") and "day-first"; anything
// else is an error.
func ParseDateOrder(s string) (DateOrder, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "month-first", "":
		return MonthFirst, nil
	case "day-first":
		return DayFirst, nil
	default:
		return 0, fmt.Errorf("unknown date order %q (use month-first or day-first)", s)
	}
}

func (o DateOrder) String() string {
	switch o {
	case MonthFirst:
		return "month-first"
	case DayFirst:
		return "day-first"
	default:
		return fmt.Sprintf("DateOrder(%d)", int(o))
	}
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (o *DateOrder) UnmarshalText(b []byte) error {
	v, err := ParseDateOrder(string(b))
	if err != nil {
		return err
	}
	*o = v
	return nil
}
