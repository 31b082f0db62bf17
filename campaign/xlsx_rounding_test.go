package campaign

import "testing"

func TestParseFixedFormat(t *testing.T) {
	cases := []struct {
		code string
		want fixedFormat
		ok   bool
	}{
		{"0.00", fixedFormat{places: 2}, true},
		{"#,##0.00", fixedFormat{places: 2, grouped: true}, true},
		{`#,##0.00\ "€"`, fixedFormat{places: 2, grouped: true}, true},
		{`[$€-40C]\ #,##0.00;[Red]\-[$€-40C]\ #,##0.00`, fixedFormat{places: 2, grouped: true}, true},
		{"0.0%", fixedFormat{places: 1, percent: 1}, true},
		{"#,##0 ;(#,##0)", fixedFormat{grouped: true}, true},
		{`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`, fixedFormat{places: 2, grouped: true}, true},
		{"0.00;(0.0)", fixedFormat{}, false}, // the sections disagree
		{"0.##", fixedFormat{}, false},
		{"0.00E+00", fixedFormat{}, false},
		{"dd/mm/yyyy", fixedFormat{}, false},
		{"[h]:mm", fixedFormat{}, false},
		{"# ?/?", fixedFormat{}, false},
		{"#,##0,", fixedFormat{}, false},    // thousands
		{"0.0,,", fixedFormat{}, false},     // millions
		{"#,##0.00,", fixedFormat{}, false}, // thousands, after the decimals
		{`0.00," k"`, fixedFormat{}, false},
		{"@", fixedFormat{}, false},
		{"", fixedFormat{}, false},
	}
	for _, c := range cases {
		got, ok := parseFixedFormat(c.code)
		if got != c.want || ok != c.ok {
			t.Errorf("parseFixedFormat(%q) = %+v, %v; want %+v, %v", c.code, got, ok, c.want, c.ok)
		}
	}
}

func TestRoundShown(t *testing.T) {
	cases := []struct {
		v             float64
		places, shift int
		want          string
	}{
		{1.005, 2, 0, "1.01"},
		{-1.005, 2, 0, "1.01"},
		{0.285, 0, 2, "29"},
		{0.00285, 1, 2, "0.3"},
		{999.995, 2, 0, "1000.00"},
		{0.004, 2, 0, "0.00"},
		{0, 2, 0, "0.00"},
		{45, 0, 0, "45"},
		{1e20, 1, 0, "100000000000000000000.0"},
		{1.8524999999999998, 2, 0, "1.85"},
	}
	for _, c := range cases {
		if got := roundShown(c.v, c.places, c.shift); got != c.want {
			t.Errorf("roundShown(%v, %d, %d) = %q; want %q", c.v, c.places, c.shift, got, c.want)
		}
	}
}
