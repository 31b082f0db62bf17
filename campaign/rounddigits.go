package campaign

import "strings"

// RoundDigits rounds the unsigned decimal number whole.frac (ASCII
// digits) to places digits after the point, half away from zero on its
// written digits (no float: 2.675 is 2.68), and returns its whole and
// fraction parts; the whole part may gain a digit (9.99 → 10.0) and
// keeps its leading zeros. A fraction no longer than places is padded
// with zeros.
func RoundDigits(whole, frac string, places int) (string, string) {
	if len(frac) <= places {
		return whole, frac + strings.Repeat("0", places-len(frac))
	}
	up := frac[places] >= '5'
	digits := []byte(whole + frac[:places])
	for i := len(digits) - 1; up && i >= 0; i-- {
		if digits[i] == '9' {
			digits[i] = '0'
			continue
		}
		digits[i]++
		up = false
	}
	s := string(digits)
	if up {
		s = "1" + s
	}
	return s[:len(s)-places], s[len(s)-places:]
}
