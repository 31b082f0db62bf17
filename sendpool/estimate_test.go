package sendpool_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

func TestEstimate(t *testing.T) {
	perS := func(n int) campaign.Rate { return campaign.Rate{N: n, Per: time.Second} }
	perM := func(n int) campaign.Rate { return campaign.Rate{N: n, Per: time.Minute} }
	perH := func(n int) campaign.Rate { return campaign.Rate{N: n, Per: time.Hour} }
	for _, tc := range []struct {
		name         string
		counts       map[string]int
		total        int
		rate         campaign.Rate
		domains      map[string]campaign.Rate
		dailyCap     int
		sent         int
		wantSending  time.Duration
		wantDuration time.Duration
		wantNow      int
		wantRuns     int
		wantDomains  []string // "domain messages duration", slowest first
		wantText     string
	}{
		{
			name:   "global rate only",
			counts: map[string]int{"example.com": 1500}, total: 1500, rate: perS(10),
			wantSending: 150 * time.Second, wantDuration: 150 * time.Second, wantNow: 1500, wantRuns: 1,
			wantText: "1,500 messages: about 2m30s at 10/s",
		},
		{
			name:   "a limited domain takes longer than the global rate",
			counts: map[string]int{"qq.com": 1200, "other.org": 300}, total: 1500, rate: perS(10),
			domains:     map[string]campaign.Rate{"qq.com": perM(20), "gmail.com": perH(100)},
			wantSending: time.Hour, wantDuration: time.Hour, wantNow: 1500, wantRuns: 1,
			wantDomains: []string{"qq.com 1200 1h0m0s"},
			wantText:    "1,500 messages: about 1h00m at 10/s; qq.com (1,200 at 20/m) takes longest: 1h00m",
		},
		{
			name:   "the issue's example: global rate dominates, cap splits the run",
			counts: map[string]int{"qq.com": 1000, "vip.qq.com": 200, "gmail.com": 300, "example.org": 4500}, total: 6000, rate: perS(1),
			domains:  map[string]campaign.Rate{"qq.com": perM(20), "gmail.com": perH(500)},
			dailyCap: 2000,
			// 2000 now (2000s), 2000 from 24h, 2000 from 48h: done at 48h+2000s.
			wantSending: 6000 * time.Second, wantDuration: 48*time.Hour + 2000*time.Second, wantNow: 2000, wantRuns: 3,
			wantDomains: []string{"qq.com 1200 1h0m0s", "gmail.com 300 36m0s"},
			wantText:    "6,000 messages: about 1h40m at 1/s; qq.com (1,200 at 20/m) takes longest: 1h00m; daily_cap 2,000 → 3 runs: 2,000 now, then up to 2,000 per 24 hours; about 2d1h in all",
		},
		{
			name:   "no global rate, one limited domain",
			counts: map[string]int{"gmail.com": 250, "x.org": 10}, total: 260,
			domains:     map[string]campaign.Rate{"gmail.com": perH(100)},
			wantSending: 150 * time.Minute, wantDuration: 150 * time.Minute, wantNow: 260, wantRuns: 1,
			wantDomains: []string{"gmail.com 250 2h30m0s"},
			wantText:    "260 messages: about 2h30m with no global rate; gmail.com (250 at 100/h) takes longest: 2h30m",
		},
		{
			name:   "no limits at all",
			counts: map[string]int{"x.org": 5}, total: 5,
			wantNow: 5, wantRuns: 1,
			wantText: "5 messages: no rate limit, as fast as the server accepts them",
		},
		{
			name:   "subdomains add up under their entry; IDN entry and count",
			counts: map[string]int{"qq.com": 10, "vip.qq.com": 5, "foxmail.com": 3, "例子.中国": 4}, total: 22,
			domains:     map[string]campaign.Rate{"QQ.com": perM(1), "xn--fsqu00a.xn--fiqs8s": perM(2)},
			wantSending: 15 * time.Minute, wantDuration: 15 * time.Minute, wantNow: 22, wantRuns: 1,
			wantDomains: []string{"qq.com 15 15m0s", "xn--fsqu00a.xn--fiqs8s 4 2m0s"},
			wantText:    "22 messages: about 15m00s with no global rate; qq.com (15 at 1/m) takes longest: 15m00s",
		},
		{
			name:   "cap already used up: nothing now, the rest tomorrow",
			counts: map[string]int{"x.org": 500}, total: 500, rate: perS(10),
			dailyCap: 2000, sent: 2000,
			wantSending: 50 * time.Second, wantDuration: 24*time.Hour + 50*time.Second, wantNow: 0, wantRuns: 2,
			wantText: "500 messages: about 50s at 10/s; daily_cap 2,000 → none now (2,000 sent in the last 24 hours), then 1 run of up to 2,000 per 24 hours; about 1d0h in all",
		},
		{
			name:   "cap partly used, the run fits",
			counts: map[string]int{"x.org": 500}, total: 500, rate: perS(10),
			dailyCap: 2000, sent: 1000,
			wantSending: 50 * time.Second, wantDuration: 50 * time.Second, wantNow: 500, wantRuns: 1,
			wantText: "500 messages: about 50s at 10/s; daily_cap 2,000: fits (1,000 already sent in the last 24 hours)",
		},
		{
			name:   "cap fits",
			counts: map[string]int{"x.org": 10}, total: 10, rate: perM(1),
			dailyCap:    10,
			wantSending: 10 * time.Minute, wantDuration: 10 * time.Minute, wantNow: 10, wantRuns: 1,
			wantText: "10 messages: about 10m00s at 1/m; daily_cap 10: fits",
		},
		{
			name:   "rate slower than the cap: the windows run back to back",
			counts: map[string]int{"x.org": 250}, total: 250, rate: perH(1),
			dailyCap: 100,
			// 100 take 100h, longer than a window: no wait between runs.
			wantSending: 250 * time.Hour, wantDuration: 250 * time.Hour, wantNow: 100, wantRuns: 3,
			wantText: "250 messages: about 10d10h at 1/h; daily_cap 100 → 3 runs: 100 now, then up to 100 per 24 hours; about 10d10h in all",
		},
		{
			name:  "nothing to send",
			total: 0, rate: perS(10), dailyCap: 5, sent: 9,
			wantRuns: 1,
			wantText: "nothing to send",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := sendpool.Estimate(tc.counts, tc.total, tc.rate, tc.domains, tc.dailyCap, tc.sent)
			if err != nil {
				t.Fatal(err)
			}
			if e.Sending != tc.wantSending || e.Duration != tc.wantDuration || e.Now != tc.wantNow || e.Runs != tc.wantRuns {
				t.Errorf("sending %s, duration %s, now %d, runs %d; want %s, %s, %d, %d",
					e.Sending, e.Duration, e.Now, e.Runs, tc.wantSending, tc.wantDuration, tc.wantNow, tc.wantRuns)
			}
			var doms []string
			for _, d := range e.Domains {
				doms = append(doms, d.Domain+" "+strconv.Itoa(d.Messages)+" "+d.Duration.String())
			}
			if strings.Join(doms, "|") != strings.Join(tc.wantDomains, "|") {
				t.Errorf("domains %q, want %q", doms, tc.wantDomains)
			}
			if e.Text != tc.wantText {
				t.Errorf("text\n got %s\nwant %s", e.Text, tc.wantText)
			}
		})
	}
}

func TestEstimateRejectsBadDomains(t *testing.T) {
	_, err := sendpool.Estimate(nil, 1, campaign.Rate{}, map[string]campaign.Rate{"@qq.com": {N: 1, Per: time.Minute}}, 0, 0)
	if err == nil || !strings.Contains(err.Error(), "send.domains") {
		t.Errorf("err %v, want a send.domains error", err)
	}
}

func TestFormatEstimate(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{
		{0, "under 1s"},
		{400 * time.Millisecond, "under 1s"},
		{600 * time.Millisecond, "1s"},
		{45 * time.Second, "45s"},
		{59*time.Second + 600*time.Millisecond, "1m00s"},
		{200 * time.Second, "3m20s"},
		{59*time.Minute + 59*time.Second + 600*time.Millisecond, "1h00m"},
		{2*time.Hour + 10*time.Minute, "2h10m"},
		{23*time.Hour + 59*time.Minute + 40*time.Second, "1d0h"},
		{48*time.Hour + 2000*time.Second, "2d1h"},
		{250 * time.Hour, "10d10h"},
	} {
		if got := sendpool.FormatEstimate(tc.d); got != tc.want {
			t.Errorf("FormatEstimate(%s) = %q, want %q", tc.d, got, tc.want)
		}
	}
}

// TestWaitText: a wait is written for a person, to the second from half
// a second on, never to the millisecond ("retry 1 of 3 in 37.841s",
// today's review).
func TestWaitText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		time.Millisecond:                        "1ms",
		250 * time.Millisecond:                  "250ms",
		37841 * time.Millisecond:                "38s",
		2*time.Minute + 5300*time.Millisecond:   "2m05s",
		59*time.Minute + 59600*time.Millisecond: "1h00m",
		-time.Second:                            "0s",
	} {
		if got := sendpool.WaitText(d); got != want {
			t.Errorf("WaitText(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestLimitText: a time limit (--max-time, an exchange's) is written as
// the project writes a duration for a person, "30m00s" and not Go's
// "30m0s" (today's review), to the second ("11s", not "11.031s"), and to
// the millisecond under one.
func TestLimitText(t *testing.T) {
	for d, want := range map[time.Duration]string{
		30 * time.Minute:              "30m00s",
		4 * time.Second:               "4s",
		11031 * time.Millisecond:      "11s",
		5*time.Minute + time.Second/3: "5m00s",
		2 * time.Hour:                 "2h00m",
		500 * time.Millisecond:        "500ms",
		315 * time.Millisecond:        "315ms",
		0:                             "0s",
		-5 * time.Minute:              "-5m00s",
	} {
		if got := sendpool.LimitText(d); got != want {
			t.Errorf("LimitText(%v) = %q, want %q", d, got, want)
		}
	}
}
