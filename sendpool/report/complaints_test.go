package report

import (
	"strings"
	"testing"
)

// TestComplaintLine: the complaint rate is of the complained among the
// delivered (sent and complained), a warning at 0.3% and over, and a
// rate above 0 never reads 0.00%, nor one under the limit 0.30%.
func TestComplaintLine(t *testing.T) {
	for _, c := range []struct {
		sent, complained int
		want             string
	}{
		{12, 0, ""},
		{1999, 1, "complaint rate: 0.05% (1 complained of the 2000 delivered), under the 0.3% Gmail and Yahoo allow any sender (best kept under 0.1%). Counted from"},
		{997, 3, "warning: complaint rate: 0.30% (3 complained of the 1000 delivered), at or over the 0.3%"},
		{665, 2, "complaint rate: 0.29% (2 complained of the 667 delivered), under the 0.3%"},
		{11, 1, "warning: complaint rate: 8.33% (1 complained of the 12 delivered), at or over"},
		{20000, 1, "complaint rate: under 0.01% (1 complained of the 20001 delivered), under"},
		{0, 2, "warning: complaint rate: 100.00% (2 complained of the 2 delivered)"},
	} {
		got := complaintLine(c.sent, c.complained)
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%d sent, %d complained: %q, want it to start %q", c.sent, c.complained, got, c.want)
		}
		if got != "" && !strings.HasSuffix(got, complaintSource) {
			t.Errorf("%d sent, %d complained: %q does not say what it counts", c.sent, c.complained, got)
		}
	}
}
