package campaign

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePercent(t *testing.T) {
	for in, want := range map[string]Percent{
		"5%": 5, "0.5%": 0.5, " 12.5 % ": 12.5, "100%": 100, "0%": 0, "0": 0, "0.0": 0, "1e1%": 10,
	} {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for in, msg := range map[string]string{
		"5":      `percentage "5": write the % sign, like 5%`,
		"0.05":   `write the % sign, like 0.05%`,
		"101%":   "must be from 0% to 100%",
		"-1%":    "must be from 0% to 100%",
		"%":      "want a number with %",
		"five%":  "want a number with %",
		"NaN%":   "want a number with %",
		"Inf%":   "want a number with %",
		"0x1p2%": "want a number with %",
		"5%%":    "want a number with %",
		"":       "want a number with %",
	} {
		_, err := ParsePercent(in)
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParsePercent(%q) = %v, want an error with %q", in, err, msg)
		}
	}
	if p := Percent(0.5); p.String() != "0.5%" || p.Fraction() != 0.005 || p.Off() {
		t.Errorf("0.5%%: %s %v %v", p, p.Fraction(), p.Off())
	}
	if !Percent(0).Off() {
		t.Error("0% not Off")
	}
}

func TestMaxBounceRate(t *testing.T) {
	c, err := Load(writeCampaign(t, minimalCampaign))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Send.BounceLimit(); got != DefaultMaxBounceRate || got.String() != "5%" {
		t.Errorf("default BounceLimit = %v, want 5%%", got)
	}
	for in, want := range map[string]Percent{"2.5%": 2.5, "0": 0, `"10%"`: 10, "100%": 100} {
		c, err := Load(writeCampaign(t, minimalCampaign+"send:\n  max_bounce_rate: "+in+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if got := c.Send.BounceLimit(); got != want {
			t.Errorf("%s: BounceLimit = %v, want %v", in, got, want)
		}
	}
	for in, msg := range map[string]string{
		"5":    `send.max_bounce_rate: percentage "5": write the % sign, like 5%`,
		"150%": `send.max_bounce_rate: percentage "150%": must be from 0% to 100%`,
		"-2%":  "must be from 0% to 100%",
		"lots": "want a number with %",
	} {
		_, err := Load(writeCampaign(t, minimalCampaign+"send:\n  max_bounce_rate: "+in+"\n"))
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 8 || fe.Column != 20 || !strings.Contains(fe.Err.Error(), msg) {
			t.Errorf("%s: Load = %v, want 8:20 and %q", in, err, msg)
		}
	}
}
