package templates

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDateWritesCJKWeekday: a layout writes the row's weekday in
// Japanese or Chinese where it holds the reference date's Monday in one
// of their forms, as Mon writes it in English; the name ja is
// 2006年1月2日（月）.
func TestDateWritesCJKWeekday(t *testing.T) {
	date := dateFunc(campaign.MonthFirst, campaign.Locale{})
	for _, c := range []struct{ layout, value, want string }{
		{"2006年1月2日（月）", "2024年3月5日(火)", "2024年3月5日（火）"},
		{"2006年1月2日(月)", "2024/3/6", "2024年3月6日(水)"},
		{"ja", "2024-03-10", "2024年3月10日（日）"},
		{"1月2日 月曜日", "2024-03-09", "3月9日 土曜日"},
		{"1/2(月曜)", "2024-03-07", "3/7(木曜)"},
		{"2006年1月2日 星期一", "2024-03-05", "2024年3月5日 星期二"},
		{"2006年1月2日（周一）", "2024-03-10", "2024年3月10日（周日）"},
		{"Mon 2006年1月2日 (月)", "2024-03-05", "Tue 2024年3月5日 (火)"},
		{"zh", "2024-03-05", "2024年3月5日"},
	} {
		if got, err := date(c.layout, c.value); err != nil || got != c.want {
			t.Errorf("date %q %q = %q, %v; want %q", c.layout, c.value, got, err, c.want)
		}
	}
}

// TestDateLiteralCJKWeekday: a constant layout holding another day than
// Monday in a Japanese or Chinese weekday form is one template error at
// its line, saying it would be the same on every row and what to write;
// a layout from a column holding one fails the row.
func TestDateLiteralCJKWeekday(t *testing.T) {
	cols := []string{"email", "name", "d", "fmt"}
	for _, c := range []struct{ layout, lit, write string }{
		{"2006年1月2日（火）", "（火）", "（月）"},
		{"2006年1月2日(日)", "(日)", "(月)"},
		{"1月2日 水曜日", "水曜日", "月曜日"},
		{"1月2日 金曜", "金曜", "月曜"},
		{"2006年1月2日 星期天", "星期天", "星期一"},
		{"2006年1月2日 周五", "周五", "周一"},
	} {
		body := "x\n{{date \"" + c.layout + "\" .d}}\n"
		_, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols)
		var fe *campaign.FileError
		want := "writes " + c.lit + " on every row, whatever the date"
		if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "write "+c.write+" for the row's weekday") || strings.Count(err.Error(), "on every row") != 1 {
			t.Errorf("%q: Compile = %v, want one error at line 2 with %q, write %s", c.layout, err, want, c.write)
		}
	}
	set, err := Compile(load(t, baseYAML, map[string]string{"body.txt": "{{date .fmt .d}}\n"}), cols)
	if err != nil {
		t.Fatal(err)
	}
	_, err = set.Execute(campaign.Row{Number: 2, Values: map[string]string{"email": "a@x.example", "name": "Ann", "d": "2024-03-05", "fmt": "2006年1月2日（火）"}})
	if err == nil || !strings.Contains(err.Error(), "on every row") {
		t.Errorf("a layout from a column with （火）: %v, want the row to fail", err)
	}
}
