package report

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/tidings/tidings/sendpool"
)

// ComplaintLimit is the complaint rate Gmail and Yahoo hold every sender
// under (0.3%, of the complained among the messages delivered): past it
// their mail goes to spam or is refused.
const ComplaintLimit = 0.003

// complaintSource says what the complaint rate counts: the complaint
// reports that came back, which Gmail does not send.
const complaintSource = "Counted from the complaint reports (ARF) that came back, from Yahoo, Microsoft and the like: Gmail sends senders none (Google Postmaster Tools shows its rate)."

// ComplaintRate is the share of the complained among the messages
// delivered (the rows sent, and the complained, whose message was), as
// Gmail and Yahoo count it, and that number delivered; 0 and 0 when
// none was.
func (s Summary) ComplaintRate() (rate float64, delivered int) {
	return complaintRate(s.Sent, s.Complained)
}

// complaintRate is ComplaintRate of sent rows still sent and complained.
func complaintRate(sent, complained int) (float64, int) {
	delivered := sent + complained
	if delivered == 0 {
		return 0, 0
	}
	return float64(complained) / float64(delivered), delivered
}

// ComplaintLine is the summary's line of the complaint rate, once a row
// complained (tidings bounces): the rate among those delivered, against
// ComplaintLimit, a warning past it, and what it counts ("" when none
// complained).
func (s Summary) ComplaintLine() string { return complaintLine(s.Sent, s.Complained) }

// complaintLine is ComplaintLine of sent and complained rows.
func complaintLine(sent, complained int) string {
	if complained == 0 {
		return ""
	}
	rate, delivered := complaintRate(sent, complained)
	line := fmt.Sprintf("complaint rate: %s (%d complained of the %d delivered), ", percent(rate), complained, delivered)
	if ComplaintOver(rate) {
		line = "warning: " + line + "at or over the 0.3% Gmail and Yahoo allow any sender: past it their mail goes to spam or is refused; tidings bounces suppresses those who complained; send only to those who asked for the mail."
	} else {
		line += "under the 0.3% Gmail and Yahoo allow any sender (best kept under 0.1%)."
	}
	return line + " " + complaintSource
}

// ComplaintOver reports whether rate is at or over ComplaintLimit.
func ComplaintOver(rate float64) bool { return rate >= ComplaintLimit }

// ComplaintsOver reports whether some row complained and the complaint
// rate is at or over ComplaintLimit (ComplaintLine then a warning).
func (s Summary) ComplaintsOver() bool { return complaintsOver(s.Sent, s.Complained) }

// complaintsOver is ComplaintsOver of sent and complained rows.
func complaintsOver(sent, complained int) bool {
	rate, _ := complaintRate(sent, complained)
	return complained > 0 && ComplaintOver(rate)
}

// percent is rate in percent to two places ("8.33%"), a rate above 0
// never shown as "0.00%", nor one under ComplaintLimit as the limit
// ("0.29%" for 2 of 667, 0.2999%, not "0.30%": the line says it is
// under).
func percent(rate float64) string {
	p := math.Round(rate*10000) / 100
	if !ComplaintOver(rate) && math.Round(rate*10000) >= math.Round(ComplaintLimit*10000) {
		p = math.Floor(rate*10000) / 100
	}
	if p == 0 && rate > 0 {
		return "under 0.01%"
	}
	return fmt.Sprintf("%.2f%%", p)
}

// MarshalJSON is report.json's summary: the counts, and the complaint
// rate with the messages it is of ("complaint_rate": 0.083333,
// "delivered": 12; 0 when none was delivered).
func (s Summary) MarshalJSON() ([]byte, error) {
	type counts Summary // without this method
	rate, delivered := s.ComplaintRate()
	return json.Marshal(struct {
		counts
		ComplaintRate float64 `json:"complaint_rate"`
		Delivered     int     `json:"delivered"`
	}{counts(s), math.Round(rate*1e6) / 1e6, delivered})
}

// complaints fills in d's line of the complaint rate from its statuses'
// counts (pageData.Complaints).
func (d *pageData) complaints() {
	n := map[string]int{}
	for _, c := range d.Statuses {
		n[c.Status] = c.N
	}
	sent, complained := n[sendpool.StatusSent.String()], n[sendpool.StatusComplained.String()]
	d.Complaints, d.ComplaintsOver = complaintLine(sent, complained), complaintsOver(sent, complained)
}
