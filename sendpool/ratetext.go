package sendpool

import (
	"math"
	"strconv"
)

// RateText writes a rate of perSecond messages a second as a person reads
// it: in the first unit (per second, minute, hour, day) that makes it a
// whole number of at least one, else the first that makes it one or more,
// to four significant digits, without an exponent (1e+08/s); "no rate
// limit" for 0.
func RateText(perSecond float64) string {
	if perSecond == 0 {
		return "no rate limit"
	}
	// The first unit that gives a whole number of at least one (90/h, not
	// 1.5/min; 2000/d, not 83.33/h), else the first that gives one or more.
	type inUnit struct {
		n    float64
		unit string
	}
	units := []inUnit{{perSecond, "s"}, {perSecond * 60, "min"}, {perSecond * 3600, "h"}, {perSecond * 86400, "d"}}
	pick := units[len(units)-1]
	for _, u := range units {
		if u.n >= 1 {
			pick = u
			break
		}
	}
	for _, u := range units {
		if u.n >= 1 && math.Abs(u.n-math.Round(u.n)) < 1e-9*u.n {
			pick = u
			break
		}
	}
	n, unit := pick.n, pick.unit
	rounded, _ := strconv.ParseFloat(strconv.FormatFloat(n, 'g', 4, 64), 64)
	return strconv.FormatFloat(rounded, 'f', -1, 64) + "/" + unit
}
