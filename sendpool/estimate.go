package sendpool

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
)

// capWindow is daily_cap's rolling window.
const capWindow = 24 * time.Hour

// DomainEstimate is the part of a run that goes to one limited domain.
type DomainEstimate struct {
	// Domain is the send.domains entry (IDNA A-labels), covering its
	// subdomains.
	Domain   string
	Rate     campaign.Rate
	Messages int
	// Duration is Messages at Rate.
	Duration time.Duration
}

// EstimateResult is what `tidings check` says about how long a run takes.
type EstimateResult struct {
	// Messages is the number of messages to send.
	Messages int
	// Rate is the global rate (zero: unlimited).
	Rate campaign.Rate
	// Global is Messages at Rate (0 when Rate is unlimited).
	Global time.Duration
	// Domains are the limited domains that get messages, slowest first.
	Domains []DomainEstimate
	// Sending is the time the messages take at these rates if the daily cap
	// never stopped the run: the longest of Global and the domains'
	// durations (the scheduler lets domains proceed side by side).
	Sending time.Duration
	// DailyCap is send.daily_cap (0: none); Now is how many messages may go
	// before it stops the run (Messages when it does not).
	DailyCap int
	Now      int
	// Runs is how many runs of `tidings send` the daily cap splits the
	// sending into (each stops at the cap; the next may start when the
	// window has moved on): 1 when everything fits now. A run now that may
	// send nothing counts.
	Runs int
	// Duration is the expected time from now until the last message is
	// sent, the waits for the cap's next windows included.
	Duration time.Duration
	// Text says it in one line, e.g. "6,000 messages: about 1h40m at 1/s;
	// qq.com (1,200 at 20/m) takes longest: 1h00m; daily_cap 2,000 → 3 runs:
	// 2,000 now, then up to 2,000 per 24 hours; about 2d1h in all".
	Text string
}

// Estimate predicts a run of total messages under the global rate, the
// per-domain limits (send.domains) and the rolling daily cap, of which
// sentInWindow were already used in the last 24 hours. counts maps a
// recipient domain to the number of messages with a recipient there;
// counts of subdomains add up under the send.domains entry that covers
// them. The model is the scheduler's: each limited domain proceeds at its
// own rate alongside the others, the whole run at the global rate, and the
// cap's windows open 24 hours after the previous window's first message (the
// worst case for messages of earlier runs, whose times are not passed in).
// An invalid send.domains key is an error, as NewDomainScheduler would
// report it.
func Estimate(counts map[string]int, total int, rate campaign.Rate, domains map[string]campaign.Rate, dailyCap int, sentInWindow int) (EstimateResult, error) {
	dl, err := ParseDomainLimits(domains)
	if err != nil {
		return EstimateResult{}, err
	}
	total = max(total, 0)
	e := EstimateResult{Messages: total, Rate: rate, DailyCap: max(dailyCap, 0), Now: total, Runs: 1}
	e.Global = durationAt(total, rate)
	e.Sending = e.Global

	byKey := map[string]*DomainEstimate{}
	for dom, n := range counts {
		key, r, ok := dl.Match(dom)
		if !ok || n <= 0 {
			continue
		}
		de := byKey[key]
		if de == nil {
			de = &DomainEstimate{Domain: key, Rate: r}
			byKey[key] = de
		}
		de.Messages += n
	}
	for _, de := range byKey {
		de.Duration = durationAt(de.Messages, de.Rate)
		e.Domains = append(e.Domains, *de)
		e.Sending = max(e.Sending, de.Duration)
	}
	sort.Slice(e.Domains, func(i, j int) bool {
		a, b := e.Domains[i], e.Domains[j]
		if a.Duration != b.Duration {
			return a.Duration > b.Duration
		}
		return a.Domain < b.Domain
	})

	e.Duration = e.Sending
	if e.DailyCap > 0 {
		left := max(e.DailyCap-max(sentInWindow, 0), 0)
		if total > left {
			e.Now = left
			e.Runs, e.Duration = capSchedule(total, left, e.DailyCap, e.Sending)
		}
	}
	e.Text = e.text(max(sentInWindow, 0))
	return e, nil
}

// durationAt is n messages at r; 0 when r is unlimited.
func durationAt(n int, r campaign.Rate) time.Duration {
	if r.IsZero() || n <= 0 {
		return 0
	}
	return secondsDuration(float64(n) / r.PerSecond())
}

// secondsDuration converts seconds to a Duration, saturating instead of
// overflowing (about 292 years).
func secondsDuration(s float64) time.Duration {
	if s >= math.MaxInt64/float64(time.Second) {
		return math.MaxInt64
	}
	return time.Duration(s * float64(time.Second))
}

// capSchedule spreads total messages over cap windows: first left now, then
// up to limit per window, each window opening 24 hours after the previous
// one opened or when the previous one's messages are done, whichever is
// later. sending is the time for all messages at the rates, spent in
// proportion. It returns the number of runs and when the last message
// goes.
func capSchedule(total, left, limit int, sending time.Duration) (runs int, end time.Duration) {
	per := sending.Seconds() / float64(total)
	chunk := func(n int) float64 { return per * float64(n) }
	runs = 1
	start := 0.0
	finish := chunk(left)
	rest := total - left
	for rest > 0 {
		n := min(rest, limit)
		start = math.Max(start+capWindow.Seconds(), finish)
		finish = start + chunk(n)
		rest -= n
		runs++
	}
	return runs, secondsDuration(finish)
}

func (e *EstimateResult) text(sentInWindow int) string {
	if e.Messages == 0 {
		return "nothing to send"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s message%s: ", thousands(e.Messages), plural(e.Messages))
	if e.Rate.IsZero() {
		if e.Sending > 0 {
			fmt.Fprintf(&b, "%s with no global rate", approximately(e.Sending))
		} else {
			b.WriteString("no rate limit, as fast as the server accepts them")
		}
	} else {
		fmt.Fprintf(&b, "%s at %s", approximately(e.Sending), e.Rate)
	}
	if len(e.Domains) > 0 {
		d := e.Domains[0]
		fmt.Fprintf(&b, "; %s (%s at %s) takes longest: %s", d.Domain, thousands(d.Messages), d.Rate, FormatEstimate(d.Duration))
	}
	if e.DailyCap > 0 {
		switch {
		case e.Runs > 1 && e.Now == 0:
			// The run now would send nothing: the runs that send.
			fmt.Fprintf(&b, "; daily_cap %s → none now (%s sent in the last 24 hours), then %d run%s of up to %s per 24 hours; about %s in all",
				thousands(e.DailyCap), thousands(sentInWindow), e.Runs-1, plural(e.Runs-1), thousands(e.DailyCap), FormatEstimate(e.Duration))
		case e.Runs > 1:
			fmt.Fprintf(&b, "; daily_cap %s → %d runs: %s now", thousands(e.DailyCap), e.Runs, thousands(e.Now))
			if sentInWindow > 0 {
				fmt.Fprintf(&b, " (%s sent in the last 24 hours)", thousands(sentInWindow))
			}
			fmt.Fprintf(&b, ", then up to %s per 24 hours; about %s in all", thousands(e.DailyCap), FormatEstimate(e.Duration))
		case sentInWindow > 0:
			fmt.Fprintf(&b, "; daily_cap %s: fits (%s already sent in the last 24 hours)", thousands(e.DailyCap), thousands(sentInWindow))
		default:
			fmt.Fprintf(&b, "; daily_cap %s: fits", thousands(e.DailyCap))
		}
	}
	return b.String()
}

// approximately says "about 3m20s", or "under 1s".
func approximately(d time.Duration) string {
	s := FormatEstimate(d)
	if strings.HasPrefix(s, "under") {
		return s
	}
	return "about " + s
}

// WaitText writes a wait for a person: to the millisecond under half a
// second ("250ms"), else as FormatEstimate does, to the second ("38s",
// "2m05s"), never "37.841s". The journal keeps its own times as they are.
func WaitText(d time.Duration) string {
	if d < time.Second/2 {
		return max(d, 0).Round(time.Millisecond).String()
	}
	return FormatEstimate(d)
}

// LimitText writes a time limit for a person (--max-time, an exchange's
// limit): as WaitText does from a second up ("30m00s", "4s"), to the
// millisecond under one ("500ms", which WaitText would round to "1s"),
// and a negative one with its sign ("-5m00s"), as a person may give it.
func LimitText(d time.Duration) string {
	switch {
	case d < 0:
		return "-" + LimitText(-d)
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return WaitText(d)
}

// FormatEstimate writes a duration the way estimates are read: "45s",
// "3m20s", "2h10m", "2d1h" (rounded to the smaller unit shown).
func FormatEstimate(d time.Duration) string {
	if s := d.Round(time.Second); s < time.Minute {
		if s <= 0 {
			return "under 1s"
		}
		return fmt.Sprintf("%ds", int(s/time.Second))
	} else if s < time.Hour {
		return fmt.Sprintf("%dm%02ds", int(s/time.Minute), int(s%time.Minute/time.Second))
	}
	if m := d.Round(time.Minute); m < capWindow {
		return fmt.Sprintf("%dh%02dm", int(m/time.Hour), int(m%time.Hour/time.Minute))
	}
	h := d.Round(time.Hour)
	return fmt.Sprintf("%dd%dh", int(h/capWindow), int(h%capWindow/time.Hour))
}

// thousands formats n with comma separators: 1,200.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
