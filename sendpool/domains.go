package sendpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

// DefaultLookAhead is how many messages a DomainScheduler holds at most
// while messages to throttled domains wait.
const DefaultLookAhead = 1000

// lookAheadBytes bounds the data of the messages a DomainScheduler holds,
// as its look-ahead bounds their number: a thousand newsletters are 7 MB,
// a thousand messages with an invoice of 6 MB would be 8 GB. It reads ahead
// only while what it holds is less (and always one message).
const lookAheadBytes = 64 << 20

// DomainLimits are per-receiving-domain rate limits (the campaign's
// send.domains), normalized for matching.
//
// A limit applies to its domain and to every subdomain of it: "qq.com"
// covers qq.com and vip.qq.com, which are served by the same provider and
// share its quota, so they share one bucket. When both a domain and a
// subdomain are listed, the most specific one applies ("vip.qq.com: 5/m"
// beside "qq.com: 20/m" gives vip.qq.com its own bucket). A zero Rate means
// unlimited, which exempts a subdomain from its parent's limit.
//
// A DomainLimits is read-only after ParseDomainLimits and safe for
// concurrent use.
type DomainLimits struct {
	rates map[string]campaign.Rate // A-label domain → rate
}

// ParseDomainLimits normalizes the keys of m (case, a trailing dot,
// internationalized names to their IDNA A-labels, as render writes envelope
// addresses) and rejects keys that are not domain names ("@qq.com",
// "*.qq.com", "a b") and two keys naming the same domain.
func ParseDomainLimits(m map[string]campaign.Rate) (*DomainLimits, error) {
	d := &DomainLimits{rates: make(map[string]campaign.Rate, len(m))}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic error messages
	var errs []error
	seen := map[string]string{}
	for _, k := range keys {
		norm, err := normalizeDomain(k)
		if err != nil {
			errs = append(errs, fmt.Errorf("sendpool: send.domains: %q: %w", k, err))
			continue
		}
		if prev, dup := seen[norm]; dup {
			errs = append(errs, fmt.Errorf("sendpool: send.domains: %q and %q name the same domain", prev, k))
			continue
		}
		seen[norm] = k
		d.rates[norm] = m[k]
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return d, nil
}

// normalizeDomain lowercases a domain name, drops a trailing dot and
// converts it to IDNA A-labels; it refuses anything that is not a name.
func normalizeDomain(s string) (string, error) {
	s = strings.TrimSuffix(strings.TrimSpace(s), ".")
	if s == "" {
		return "", errors.New("empty domain")
	}
	if strings.ContainsAny(s, "@*/: \t") {
		return "", errors.New("want a domain name such as qq.com (it also covers its subdomains)")
	}
	a, err := idna.Lookup.ToASCII(s)
	if err != nil {
		return "", fmt.Errorf("not a valid domain name: %w", err)
	}
	return strings.ToLower(a), nil
}

// Len is the number of limits.
func (d *DomainLimits) Len() int {
	if d == nil {
		return 0
	}
	return len(d.rates)
}

// Match returns the limit that applies to domain (an A-label or Unicode
// domain, any case): the key it matched (the most specific listed domain
// equal to domain or a parent of it) and its rate. ok is false when no
// limit applies or the matched rate is zero (unlimited).
func (d *DomainLimits) Match(domain string) (key string, r campaign.Rate, ok bool) {
	if d.Len() == 0 {
		return "", campaign.Rate{}, false
	}
	dom := strings.ToLower(strings.TrimSuffix(domain, "."))
	if a, err := idna.Lookup.ToASCII(dom); err == nil {
		dom = strings.ToLower(a)
	}
	for {
		if r, found := d.rates[dom]; found {
			return dom, r, !r.IsZero()
		}
		_, rest, more := strings.Cut(dom, ".")
		if !more {
			return "", campaign.Rate{}, false
		}
		dom = rest
	}
}

// MessageDomains returns the distinct domains of m's envelope recipients
// (To, Cc and Bcc), lowercased, in first-seen order.
func MessageDomains(m *render.Message) []string { return addressDomains(m.Recipients) }

// addressDomains returns the distinct domains of addrs, lowercased, in
// first-seen order.
func addressDomains(addrs []string) []string {
	var out []string
	for _, a := range addrs {
		if dom := domainOf(a); dom != "" && !slices.Contains(out, dom) {
			out = append(out, dom)
		}
	}
	return out
}

// domainBucket spaces the messages to one limited domain: at most one every
// interval, i.e. a token bucket of size 1. Hand-written rather than
// x/time/rate because it needs exact integer arithmetic: with interval
// rounded up, no window of Per holds more than N messages, which a float
// token count cannot promise at the boundary.
type domainBucket struct {
	key      string
	rate     campaign.Rate
	interval time.Duration
	next     time.Time // when the next message may go; zero: now
}

// domainGroup is the FIFO of waiting messages that need the same set of
// buckets (usually one bucket; none for unlimited domains).
type domainGroup struct {
	key     string
	buckets []*domainBucket
	queue   []*schedItem
}

type schedItem struct {
	msg     *render.Message
	seq     uint64
	arrived time.Time
}

// readyAt is when the group's head may go: when all its buckets allow.
func (g *domainGroup) readyAt() time.Time { return readyAt(g.buckets) }

// readyAt is when a message needing the buckets bs may go: when all allow.
func readyAt(bs []*domainBucket) time.Time {
	var t time.Time
	for _, b := range bs {
		if b.next.After(t) {
			t = b.next
		}
	}
	return t
}

// DomainScheduler is a Source that applies per-receiving-domain limits on
// top of the pool's global rate, without head-of-line blocking: a message
// whose domain must wait is held back while later messages to other domains
// go ahead.
//
// It reads ahead from the underlying source only while nothing it holds may
// go now, and holds at most LookAhead messages (DefaultLookAhead) and about
// lookAheadBytes of their data, so memory stays flat over any sheet. Among
// the messages that may go now, the one earliest in the source goes first,
// so sheet order is kept wherever the limits allow it. Next waits (on the Clock's timer) only when every message
// held is waiting for its domain and no more may be read ahead.
//
// A message counts against the limit of every limited domain among its
// envelope recipients (each receiving domain sees one copy), and goes when
// all of them allow it. Messages to one limited domain go at most one every
// Per/N (rounded up to the nanosecond): no window of Per holds more than N
// of them, and a domain that was idle does not get a burst.
//
// A message that was read ahead waited; TakeWait tells how long, for the
// report. Next must be called from one goroutine at a time (the pool does);
// TakeWait may be called concurrently with Next.
type DomainScheduler struct {
	src       Source
	clock     Clock
	limits    *DomainLimits
	lookAhead int

	// bmu guards buckets, and their next times, which Next and PaceRetry
	// share.
	bmu     sync.Mutex
	buckets map[string]*domainBucket
	// Owned by Next.
	groups map[string]*domainGroup
	held   int
	bytes  int // of the messages held
	seq    uint64
	srcErr error // io.EOF once the source is exhausted

	mu     sync.Mutex
	waited map[int]time.Duration // row → wait, for rows that waited

	// turns, when set (SetTurns), carries the buckets' turns from the
	// runs before this one and on to the next.
	turns *DomainTurns
}

// DomainTurns is when each limited domain may next get a message, carried
// from one run to the next of a send that goes in several (the parts of
// a long send): a run that begins gives a domain its next message when
// the run before it let it go, not at once, so no window of Per holds
// more than N messages to the domain across the runs either. Safe for
// concurrent use; the zero value is empty.
type DomainTurns struct {
	mu   sync.Mutex
	next map[string]time.Time
}

// at is when the domain of send.domains key key may next get a message
// (zero: now).
func (t *DomainTurns) at(key string) time.Time {
	if t == nil {
		return time.Time{}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.next[key]
}

// set records that the domain of key may next get a message at next.
func (t *DomainTurns) set(key string, next time.Time) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.next == nil {
		t.next = map[string]time.Time{}
	}
	t.next[key] = next
}

// NewDomainScheduler returns a scheduler reading from src with the limits
// of send.domains (see ParseDomainLimits for the key rules). A nil clock
// means the system clock. It never closes src.
func NewDomainScheduler(src Source, limits map[string]campaign.Rate, clock Clock) (*DomainScheduler, error) {
	dl, err := ParseDomainLimits(limits)
	if err != nil {
		return nil, err
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &DomainScheduler{
		src: src, clock: clock, limits: dl, lookAhead: DefaultLookAhead,
		buckets: map[string]*domainBucket{}, groups: map[string]*domainGroup{},
		waited: map[int]time.Duration{},
	}, nil
}

// SetLookAhead changes how many messages the scheduler may hold (n < 1
// means 1: no read-ahead, so limited messages block the ones behind them).
// Call it before the first Next.
func (s *DomainScheduler) SetLookAhead(n int) { s.lookAhead = max(n, 1) }

// SetTurns makes the scheduler begin each domain's turns where the runs
// before it left them in t, and leave its own there for the runs after
// (nil: none kept). Call it before the first Next.
func (s *DomainScheduler) SetTurns(t *DomainTurns) { s.turns = t }

// Held is the number of messages read from the source and not handed out
// yet. These are never handed to the pool if the run stops: the caller
// reports them as not attempted. Call it from the goroutine that calls
// Next, or after the run.
func (s *DomainScheduler) Held() int { return s.held }

// Next implements Source: it returns the earliest held (or newly read)
// message whose domains allow it now. After the source's io.EOF it hands out
// what it holds, at its domains' pace, then returns io.EOF. Another error
// from the source is returned at once (the messages held are not handed
// out). When ctx ends Next returns ctx.Err() and keeps what it holds.
func (s *DomainScheduler) Next(ctx context.Context) (*render.Message, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.srcErr != nil && s.srcErr != io.EOF {
			return nil, s.srcErr
		}
		now := s.clock.Now()
		s.bmu.Lock()
		g, at := s.earliest(now)
		var m *render.Message
		if g != nil && !at.After(now) {
			m = s.take(g, now)
		}
		s.bmu.Unlock()
		if m != nil {
			return m, nil
		}
		if s.srcErr == nil && s.held < s.lookAhead && (s.held == 0 || s.bytes < lookAheadBytes) {
			m, err := s.src.Next(ctx)
			switch {
			case err == nil && m == nil:
				return nil, errors.New("sendpool: domain scheduler: the source returned a nil message")
			case errors.Is(err, io.EOF):
				s.srcErr = io.EOF
				continue
			case err != nil:
				if ctx.Err() == nil {
					s.srcErr = err
				}
				return nil, err
			}
			s.add(m, s.clock.Now())
			continue
		}
		if g == nil {
			return nil, io.EOF
		}
		t := s.clock.NewTimer(at.Sub(now))
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		}
	}
}

// TakeWait returns how long the message of sheet row row was held back for
// its domain's limit (from being read from the source to being handed out)
// and forgets it; 0 when it was not held back. Call it once per result, so
// the record stays as small as the messages in flight.
func (s *DomainScheduler) TakeWait(row int) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.waited[row]
	delete(s.waited, row)
	return d
}

// PaceRetry waits until a message the pool tries again, to recipients,
// may go under their domains' limits, and takes its turn: retries count
// against the limits as first tries do, so no window of Per holds more
// than N messages to a domain, retries included (a domain that defers is
// the one least to be pressed). It returns ctx.Err() when ctx ends first.
// Safe to call concurrently with Next and with itself.
func (s *DomainScheduler) PaceRetry(ctx context.Context, recipients []string) error {
	s.bmu.Lock()
	_, bs := s.bucketsOf(addressDomains(recipients))
	s.bmu.Unlock()
	for {
		s.bmu.Lock()
		now := s.clock.Now()
		at := readyAt(bs)
		if !at.After(now) {
			for _, b := range bs {
				s.spend(b, now)
			}
			s.bmu.Unlock()
			return nil
		}
		s.bmu.Unlock()
		t := s.clock.NewTimer(at.Sub(now))
		select {
		case <-t.C():
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// bucketsOf returns the limited buckets the domains need, and their keys
// sorted, making the buckets not met before. Call it with bmu held.
func (s *DomainScheduler) bucketsOf(domains []string) (keys []string, bs []*domainBucket) {
	for _, dom := range domains {
		key, r, ok := s.limits.Match(dom)
		if !ok || slices.Contains(keys, key) {
			continue
		}
		b := s.buckets[key]
		if b == nil {
			// Interval rounded up so N intervals never fall short of Per.
			iv := (r.Per + time.Duration(r.N) - 1) / time.Duration(r.N)
			b = &domainBucket{key: key, rate: r, interval: iv, next: s.turns.at(key)}
			s.buckets[key] = b
		}
		keys = append(keys, key)
		bs = append(bs, b)
	}
	slices.Sort(keys)
	return keys, bs
}

// spend takes b's turn at now: its next message goes an interval later,
// in this run or a later one (turns). Call it with bmu held.
func (s *DomainScheduler) spend(b *domainBucket, now time.Time) {
	b.next = now.Add(b.interval)
	s.turns.set(b.key, b.next)
}

// add queues m in the group of the buckets its domains need.
func (s *DomainScheduler) add(m *render.Message, now time.Time) {
	s.bmu.Lock()
	keys, bs := s.bucketsOf(MessageDomains(m))
	s.bmu.Unlock()
	gk := strings.Join(keys, " ")
	g := s.groups[gk]
	if g == nil {
		g = &domainGroup{key: gk, buckets: bs}
		s.groups[gk] = g
	}
	s.seq++
	g.queue = append(g.queue, &schedItem{msg: m, seq: s.seq, arrived: now})
	s.held++
	s.bytes += len(m.Data)
}

// earliest picks the group whose head goes next: among the heads that may
// go at now, the earliest read; otherwise the one that may go soonest. It
// returns nil when nothing is held.
func (s *DomainScheduler) earliest(now time.Time) (*domainGroup, time.Time) {
	var best *domainGroup
	var bestAt time.Time
	bestReady := false
	for _, g := range s.groups {
		at := g.readyAt()
		ready := !at.After(now)
		switch {
		case best == nil,
			ready && !bestReady,
			ready && bestReady && g.queue[0].seq < best.queue[0].seq,
			!ready && !bestReady && (at.Before(bestAt) || at.Equal(bestAt) && g.queue[0].seq < best.queue[0].seq):
			best, bestAt, bestReady = g, at, ready
		}
	}
	return best, bestAt
}

// take hands out g's head, spending a token of each of its buckets.
func (s *DomainScheduler) take(g *domainGroup, now time.Time) *render.Message {
	it := g.queue[0]
	g.queue[0] = nil
	g.queue = g.queue[1:]
	if len(g.queue) == 0 {
		delete(s.groups, g.key) // also lets the backing array go
	}
	s.held--
	s.bytes -= len(it.msg.Data)
	for _, b := range g.buckets {
		s.spend(b, now)
	}
	// Waits under a millisecond (reading ahead itself) are not worth a
	// report column nor a map entry.
	if w := now.Sub(it.arrived); w >= time.Millisecond {
		s.mu.Lock()
		s.waited[it.msg.Row] = w
		s.mu.Unlock()
	}
	return it.msg
}
