package templates

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDashDateTwoDigitYear: "26-12-09", written year first (9 December
// 2026), was told "set recipients.dates: day-first", which then read it
// as 26 December 2009; and "9-12-26", which no form reads, was told
// nothing of why (rev-fix-left). Now a year-first value is told to be
// written 2026-12-09, with what day-first would read it as, and a day or
// month of one digit to be written with two, or the year in full.
func TestDashDateTwoDigitYear(t *testing.T) {
	for _, tc := range []struct {
		v     string
		order campaign.DateOrder
		want  string
	}{
		{"26-12-09", campaign.MonthFirst, "day first it is 26 December 2009 (set recipients.dates: day-first if so); year first it is 9 December 2026, which no setting reads: write it 2026-12-09"},
		{"32-12-09", campaign.MonthFirst, "; year first it is 9 December 2032, which no setting reads: write it 2032-12-09"},
		{"9-12-26", campaign.MonthFirst, "with dashes and a two-digit year, date reads the day and the month as two digits each (09-12-26): write them so, or the year in full (9-12-2026)"},
		{"9-12-26", campaign.DayFirst, "with dashes and a two-digit year, date reads the day and the month as two digits each (09-12-26)"},
	} {
		_, err := newDateReading(tc.order, campaign.Locale{}).fnDate("2 January 2006", tc.v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: %v; want %q", tc.order, tc.v, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "dates like 3/14/2024") {
			t.Errorf("%s %q: %v; want no advice of day-first for a year-first date", tc.order, tc.v, err)
		}
	}
	for v, want := range map[string]bool{"09-12-26": true, "9-12-2026": true, "09-12-2026": true, "9-12-26": false, "09-1-26": false} {
		if got := dashDateRE.MatchString(v); got != want {
			t.Errorf("dashDateRE %q: %t, want %t (the dash forms date reads)", v, got, want)
		}
	}
}
