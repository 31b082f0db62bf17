package sendpool

import (
	"context"
	"errors"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

// Config configures a Pool.
type Config struct {
	// Dialer opens the connections (required): smtpclient.Dialer for SMTP
	// and LMTP servers, or a test's own.
	Dialer Dialer
	// Rate is the shared limit in messages per second for the whole pool
	// (campaign.Rate.PerSecond()); 0 means unlimited.
	Rate float64
	// Burst is the token bucket's size; 0 means 1.
	Burst int
	// Limiter, when set, is the pool's shared limit in place of a new one
	// of Rate and Burst: one carried from a run before (a part of a long
	// send before this one), whose throttle stands, so a server that
	// asked to slow down is not met at the full rate again.
	Limiter *Limiter
	// RetryDue, when set, carries the retries the run did not make (it
	// stopped while they waited: a part of a long send whose time ran
	// out) to the next run, which gives each such message its next try
	// when it was due, not at once, and keeps there those it leaves.
	RetryDue *RetryDue
	// SentDomains are recipient domains the server took mail for from
	// this client, through the same login, in earlier runs of the send
	// (journal.State.SentDomains): those other than the envelope
	// sender's count as such mail in the run does toward holding that it
	// relays for this client, so that a refusal to relay is its
	// recipient's, once the run saw it take one such domain itself, and
	// when the run decides on the refusals it held (noteRelayed,
	// relayDecided).
	SentDomains []string
	// ReachedBefore says that an earlier run of the send delivered
	// through a server at this host name (journal.State.HostReached): a
	// name that does not resolve now is then more likely a dropped
	// network than a setting, and the run waits for it as for a failed
	// connection instead of stopping (see outageError).
	ReachedBefore bool
	// Concurrency is the most connections open at once; 0 means 4.
	Concurrency int
	// PerConnection is how many transactions a connection carries before
	// it is replaced; 0 means 100.
	PerConnection int
	// Retries is how many times a temporary failure is retried (0: none).
	Retries int
	// RetryBackoff is the first retry's delay; each further one doubles,
	// with jitter (×0.5 to ×1.5). 0 means 30s.
	RetryBackoff time.Duration
	// MaxThrottled bounds the tries one message may spend on throttling
	// replies, which do not count as retries; 0 means 10.
	MaxThrottled int
	// Journal, when set, records attempts and results (see Journal).
	Journal Journal
	// SMTPUTF8Rows lists the rows of the run whose messages need SMTPUTF8
	// (RFC 6531: non-ASCII addresses). A server that does not offer it
	// stops the run at its first connection, naming them, before anything
	// goes through it, rather than refusing them one by one after other
	// mail went out.
	SMTPUTF8Rows []int
	// Refetch, when set, gives back the data of message m, which the pool
	// let go while m waited for a retry (see RetryKeep): otherwise
	// messages with a large attachment that a server defers (greylisting)
	// stay in memory, each whole, until their retries. It must return the
	// bytes m had. It is called from the pool's goroutines, several at
	// once, and must return when ctx ends.
	Refetch func(ctx context.Context, m *render.Message) ([]byte, error)
	// RetryKeep bounds the bytes that messages waiting for a retry keep
	// in memory when Refetch is set; past it a waiting message lets its
	// data go. 0 means 16 MB (retryKeepBytes); tests make it small.
	RetryKeep int64
	// Clock drives the limiter and the backoff; nil means the system clock.
	Clock Clock
	// Notify, when set, receives notices worth showing the user (throttling,
	// retries, reconnects). It is called from the pool's goroutines, one
	// call at a time, on the goroutine that has the news (a worker in the
	// middle of a transaction, the dispatcher): it must not wait (on a
	// terminal that does not read, say), or delivery waits with it;
	// queue what it prints, as the tidings command does.
	Notify func(Notice)
}

// ConfigFrom builds a Config from a loaded campaign's send: section (whose
// settings have their defaults filled in by campaign.Load). The caller sets
// the Dialer.
func ConfigFrom(c *campaign.Campaign) Config {
	return Config{
		Rate:          c.Send.Rate.PerSecond(),
		Burst:         c.Send.Burst,
		Concurrency:   c.Send.Concurrency,
		PerConnection: c.Send.PerConnection,
		Retries:       c.Send.MaxRetries(),
		RetryBackoff:  time.Duration(c.Send.RetryBackoff),
	}
}

// withDefaults checks cfg and fills in the defaults the fields document.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Dialer == nil {
		return cfg, errors.New("sendpool: Config.Dialer is nil")
	}
	if cfg.Rate < 0 {
		return cfg, errors.New("sendpool: rate must not be negative")
	}
	if cfg.Concurrency < 0 || cfg.PerConnection < 0 || cfg.Retries < 0 || cfg.Burst < 0 || cfg.RetryBackoff < 0 || cfg.MaxThrottled < 0 {
		return cfg, errors.New("sendpool: concurrency, per_connection, retries, burst, retry_backoff must not be negative")
	}
	if cfg.RetryKeep < 0 {
		return cfg, errors.New("sendpool: Config.RetryKeep must not be negative")
	}
	cfg.Concurrency = orDefault(cfg.Concurrency, 4)
	cfg.PerConnection = orDefault(cfg.PerConnection, 100)
	cfg.Burst = orDefault(cfg.Burst, 1)
	cfg.RetryBackoff = orDefault(cfg.RetryBackoff, 30*time.Second)
	cfg.MaxThrottled = orDefault(cfg.MaxThrottled, 10)
	cfg.RetryKeep = orDefault(cfg.RetryKeep, retryKeepBytes)
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Journal == nil {
		cfg.Journal = NopJournal{}
	}
	return cfg, nil
}

func orDefault[T int | int64 | time.Duration](v, d T) T {
	if v == 0 {
		return d
	}
	return v
}

// NoticeKind says what a Notice is about.
type NoticeKind int

// Kinds of notice.
const (
	NoticeWarning   NoticeKind = iota // a setting the user must know about
	NoticeThrottle                    // the server asked to slow down; Rate is the new rate
	NoticeRetry                       // a message will be retried
	NoticeReconnect                   // connecting failed and will be tried again
	// NoticeWait: a message waits for its next try with no words for
	// the user (Text is empty): a throttled one, whose throttle has its
	// notice, or one a run before left waiting (Config.RetryDue).
	NoticeWait
	// NoticeHeld: a run in which the server refused a connection as
	// one too many of the sender's at once (a NoticeReconnect with
	// Cap) ends; Conns is the most connections the run held open at
	// once, what the server took. No words for the user (Text is empty).
	NoticeHeld
)

// Notice is something the pool tells the user while it runs.
type Notice struct {
	Kind NoticeKind
	Text string
	// Rate is the rate in force after a NoticeThrottle (0 = unlimited),
	// Was the rate the server asked to slow down from (0 = unlimited).
	Rate, Was float64
	// Own, on a NoticeThrottle, says the server took nothing since the
	// last cut of the rate, by this run or one before that shared its
	// Limiter (the parts of a long send: Limiter.Cut): Was is a rate the
	// pool cut itself to (a server that answers every message "slow
	// down" while it is down is cut again and again), not one the server
	// was sent at and asked to slow down from.
	Own bool
	// Redial, on a NoticeReconnect after a failed dial, is when the pool
	// dials again (on Config.Clock); no worker dials before then. Zero on
	// the other notices.
	Redial time.Time
	// Row, on a NoticeRetry and a NoticeWait, is the row of the message
	// that waits for its next try, Due when that try is due (on
	// Config.Clock; it may wait longer, for its domain's turn or a
	// connection) and Attempts the tries it had: its final result comes
	// with more when the try was made, with as many when the run ended
	// first (stopped, interrupted, out of time). Zero on the other
	// notices.
	Row      int
	Due      time.Time
	Attempts int
	// Cap, on the NoticeReconnect of a worker that gave up its place,
	// says the server refused its connection as one too many of the
	// sender's at once (IsConnectionCap, not IsServerBusy). Conns, on
	// such a notice, is the most connections the run held open at once
	// so far (the workers left may be fewer, some having given up their
	// places to an outage's refusals; a connection the server counted
	// may not have been greeted yet: the run's NoticeHeld says the most
	// in the end); on a NoticeHeld the most the run held. Zero on the
	// other notices.
	Cap   bool
	Conns int
	// Again, on the NoticeReconnect of a worker that gave up its place,
	// says a refusal of the same kind (the same command, codes, and cap
	// or not) was told in full earlier in the run; Text is then one short
	// line, and a caller that counts these may leave it unsaid.
	Again bool
}
