package campaign

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Percent is a share written as a percentage: "5%", "0.5%", "100%"; a bare
// "0" is 0%. It holds the percentage, so Percent(5) is 5%.
type Percent float64

// ParsePercent parses a percentage from 0% to 100% written with a % sign
// ("5%", "0.5%", " 12.5 % "); a number without the sign is refused (is
// "5" meant as 5% or as 0.05?) except zero, which is the same either way.
func ParsePercent(s string) (Percent, error) {
	t := strings.TrimSpace(s)
	num, hasSign := strings.CutSuffix(t, "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
	switch {
	case err != nil || math.IsNaN(v) || math.IsInf(v, 0) || strings.ContainsAny(num, "xXpP_"):
		return 0, fmt.Errorf("percentage %q: want a number with %%, like 5%% or 0.5%%", s)
	case !hasSign && v != 0:
		return 0, fmt.Errorf("percentage %q: write the %% sign, like %s%%", s, num)
	case v < 0 || v > 100:
		return 0, fmt.Errorf("percentage %q: must be from 0%% to 100%%", s)
	}
	return Percent(v), nil
}

// Fraction is the share as a fraction of one: 0.05 for 5%.
func (p Percent) Fraction() float64 { return float64(p) / 100 }

// Off reports 0%, which turns the setting off where it says so.
func (p Percent) Off() bool { return p == 0 }

func (p Percent) String() string {
	return strconv.FormatFloat(float64(p), 'f', -1, 64) + "%"
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (p *Percent) UnmarshalText(b []byte) error {
	v, err := ParsePercent(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
