package pagetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// Campaign writes the journal of a made-up, realistic campaign of n
// recipients into the state folder dir and returns its report rows, for
// the report page's screenshot and bench. Two runs: the first sends about
// two thirds at 8 messages a second, slowing to half while qq.com throttles
// (421 "frequency limited", retried), greylisting at gmx.de and web.de
// (451, retried five minutes later), and is interrupted; the second, three
// hours later, sends the rest at 10 a second. About 2% are refused (unknown
// user, mailbox full, policy), a few replies are lost, and the sheet has
// invalid, duplicate and suppressed rows. The journal is written in its
// file format (package journal's doc) in one go, without the Writer's
// fsyncs. The same n gives the same campaign.
func Campaign(dir string, n int, start time.Time) ([]report.Row, error) {
	rows := make([]report.Row, 0, n)
	err := writeCampaign(dir, n, start, func(r report.Row) error {
		rows = append(rows, r)
		return nil
	})
	return rows, err
}

// CampaignRows writes the journal of Campaign(dir, n, start) and returns
// its rows as a source for report.PageInput.Rows that holds none of them:
// each call makes them again, the same rows in the same (row) order, as it
// hands them to fn. For measuring the page's own memory.
func CampaignRows(dir string, n int, start time.Time) (func(fn func(report.Row) error) error, error) {
	if err := writeCampaign(dir, n, start, func(report.Row) error { return nil }); err != nil {
		return nil, err
	}
	return func(fn func(report.Row) error) error {
		return newCampaignGen(n, start, nil).each(n, fn)
	}, nil
}

// writeCampaign writes the campaign's journal into dir, handing each row
// to fn as it goes.
func writeCampaign(dir string, n int, start time.Time, fn func(report.Row) error) error {
	f, err := os.OpenFile(filepath.Join(dir, journal.FileName), os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := newCampaignGen(n, start, w).each(n, fn); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// campaignGen is Campaign's state: the clock of the run being written.
type campaignGen struct {
	r *rand.Rand
	// w takes the journal; nil when only the rows are wanted.
	w    *bufio.Writer
	at   time.Time
	run2 bool
	err  error
}

func newCampaignGen(n int, start time.Time, w *bufio.Writer) *campaignGen {
	return &campaignGen{r: rand.New(rand.NewPCG(42, uint64(n))), at: start.UTC(), w: w}
}

// each makes the campaign's n rows, writing their journal (when g.w is
// set) and handing each to fn.
func (g *campaignGen) each(n int, fn func(report.Row) error) error {
	g.line(map[string]any{"type": "run", "v": 1, "pid": 4711, "started": g.at, "version": "tidings 0.9.0",
		"flags": map[string]string{"rate": "8/s", "concurrency": "4"}})
	cut := n * 2 / 3
	for i := range n {
		if i == cut {
			g.stop(i, n)
			g.at = g.at.Add(3 * time.Hour)
			g.line(map[string]any{"type": "run", "v": 1, "pid": 4712, "started": g.at, "version": "tidings 0.9.0",
				"flags": map[string]string{"rate": "10/s", "concurrency": "4"}})
			g.run2 = true
		}
		if err := fn(g.recipient(i, i*100/max(cut, 1))); err != nil {
			return err
		}
	}
	return g.err
}

func (g *campaignGen) line(v map[string]any) {
	if g.w == nil {
		return
	}
	b, err := json.Marshal(v)
	if err == nil {
		b = append(b, '\n')
		_, err = g.w.Write(b)
	}
	if err != nil && g.err == nil {
		g.err = err
	}
}

type genDomain struct {
	name   string
	weight int
	ms     float64 // median reply time
	ok     string  // the 250 reply's text
	gone   string  // the unknown-user refusal: "code ec text"
}

var genDomains = []genDomain{
	{"gmail.com", 28, 420, "2.0.0 OK  1764600000 a12si3456.78 - gsmtp", "550 5.1.1 The email account that you tried to reach does not exist."},
	{"outlook.com", 12, 900, "2.6.0 Queued mail for delivery", "550 5.5.0 Requested action not taken: mailbox unavailable"},
	{"yahoo.com", 8, 650, "ok dirdel", "554 5.7.9 Message not accepted for policy reasons."},
	{"qq.com", 9, 1300, "OK: queued as", "550 5.1.1 Mailbox not found."},
	{"hotmail.com", 6, 900, "2.6.0 Queued mail for delivery", "550 5.5.0 Requested action not taken: mailbox unavailable"},
	{"163.com", 5, 1100, "Mail OK queued as", "550 5.1.1 User not found or not activated"},
	{"icloud.com", 5, 500, "2.0.0 Ok: queued", "550 5.1.1 user does not exist"},
	{"gmx.de", 4, 380, "2.0.0 Ok: queued as", "550 5.1.1 Requested action not taken: mailbox unavailable"},
	{"web.de", 3, 400, "2.0.0 Ok: queued as", "550 5.1.1 Requested action not taken: mailbox unavailable"},
	{"orange.fr", 3, 700, "2.0.0 queued", "550 5.1.1 Adresse d'au moins un destinataire invalide"},
}

var genFirst = []string{"Ann", "Bob", "Chen", "Dana", "Emil", "Fatima", "Greta", "Hiro", "Ines", "Jonas", "Kemal", "Lena", "Mateo", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yusuf", "Zoe", "Zoë"}
var genLast = []string{"Meyer", "Okafor", "Rossi", "Nakamura", "García", "Novak", "Larsen", "Haddad", "Kowalski", "Dubois", "Silva", "Müller", "Park", "Ivanova"}

// domain picks a receiving domain: the big providers by weight, the rest
// small company domains.
func (g *campaignGen) domain() genDomain {
	k := g.r.IntN(100)
	for _, d := range genDomains {
		if k < d.weight {
			return d
		}
		k -= d.weight
	}
	name := fmt.Sprintf("acme-%03d.example", g.r.IntN(400))
	return genDomain{name, 0, 150, "2.0.0 Ok: queued as", "550 5.1.1 <user>: Recipient address rejected: User unknown in virtual mailbox table"}
}

// tick advances the clock by one message's spacing at the run's rate
// (half of it while qq.com throttles in run 1).
func (g *campaignGen) tick(pct int) {
	rate := 8.0
	if g.run2 {
		rate = 10
	} else if pct >= 35 && pct < 50 {
		rate = 4
	}
	g.at = g.at.Add(time.Duration(g.r.ExpFloat64() / rate * float64(time.Second)))
}

// recipient writes row i's tries and returns its report line; pct is how
// far run 1 is.
func (g *campaignGen) recipient(i, pct int) report.Row {
	d := g.domain()
	first, last := genFirst[g.r.IntN(len(genFirst))], genLast[g.r.IntN(len(genLast))]
	key := fmt.Sprintf("%s.%s%d@%s", asciiName(first), asciiName(last), i, d.name)
	row := report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: first + " " + last + " <" + key + ">"}}
	if g.skipped(&row, first+" "+last) {
		return g.decision(row)
	}
	g.tick(pct)
	begun, at := g.at, g.at
	tries := 1
	// Retried refusals first: qq.com's throttling, greylisting; the retry
	// comes later while the run goes on.
	if !g.run2 && d.name == "qq.com" && pct >= 35 && pct < 50 {
		g.try(row, at, "temporary", 421, "4.7.0", "Ip frequency limited. http://service.mail.qq.com/cgi-bin/help?subtype=1&&id=20022&&no=1000722", d.ms)
		at, tries = at.Add(90*time.Second), 2
	} else if (d.name == "gmx.de" || d.name == "web.de") && g.r.IntN(10) < 3 {
		g.try(row, at, "temporary", 451, "4.7.1", "Greylisted, please try again later", d.ms)
		at, tries = at.Add(5*time.Minute), 2
	}
	code, ec, text, st := 250, "", d.ok, sendpool.StatusSent
	switch p := g.r.IntN(1000); {
	case p < 13:
		fmt.Sscanf(d.gone, "%d %s", &code, &ec)
		text, st = d.gone[10:], sendpool.StatusFailed
	case p < 16:
		code, ec, text, st = 552, "5.2.2", "Mailbox full: user is over quota", sendpool.StatusFailed
	case p < 18:
		code, ec, text, st = 550, "5.7.1", "Message rejected due to local policy", sendpool.StatusFailed
	case p < 19:
		code, ec, text, st = 0, "", "the connection was lost after the message was sent: it may or may not have been delivered", sendpool.StatusUnknown
	}
	if code == 250 {
		if len(text) > 4 && text[1] == '.' {
			ec, text = text[:5], text[6:]
		}
		text += fmt.Sprintf(" %08X", g.r.Uint32())
	}
	end := g.try(row, at, st.String(), code, ec, text, d.ms)
	row.Status, row.Attempts, row.Code, row.Detail = st, tries, report.ReplyCode(code), text
	row.EnhancedCode, _ = sendpool.ParseEnhancedCode(ec)
	row.StartedAt, row.FinishedAt = begun.Format(time.RFC3339), end.Format(time.RFC3339)
	row.DurationMS = end.Sub(begun).Milliseconds()
	row.Server = "smtp.mailer.example:587"
	return row
}

// skipped decides, for seven rows in a thousand, that the sheet's row is
// not sent: invalid, a duplicate, suppressed.
func (g *campaignGen) skipped(row *report.Row, name string) bool {
	switch p := g.r.IntN(1000); {
	case p < 2:
		row.Recipient = report.Recipient{Row: row.Row}
		row.Status, row.Detail = sendpool.StatusInvalid, fmt.Sprintf("people.xlsx:%d: column \"email\": %q is not an address", row.Row, name)
	case p < 5:
		row.Status, row.Detail = sendpool.StatusDuplicate, fmt.Sprintf("duplicate of row %d", max(2, row.Row-1-g.r.IntN(row.Row)))
	case p < 7:
		row.Status, row.Detail = sendpool.StatusSuppressed, row.Key+" is suppressed (unsubscribed)"
	default:
		return false
	}
	return true
}

// try writes an attempt at t and its result, a reply time later (about ms
// for the domain), and returns the result's time.
func (g *campaignGen) try(row report.Row, t time.Time, status string, code int, ec, text string, ms float64) time.Time {
	end := t.Add(time.Duration(ms * math.Exp(g.r.NormFloat64()*0.5) * float64(time.Millisecond)))
	if g.w == nil {
		return end
	}
	g.line(map[string]any{"type": "attempt", "row": row.Row, "key": row.Key, "to": row.To, "try": 1, "time": t})
	res := map[string]any{"type": "result", "status": status, "row": row.Row, "key": row.Key, "to": row.To, "attempts": 1,
		"detail": text, "server": "smtp.mailer.example:587", "started_at": t, "finished_at": end, "duration_ms": end.Sub(t).Milliseconds()}
	if code != 0 {
		res["code"], res["enhanced_code"] = code, ec
	}
	g.line(res)
	return end
}

// decision writes a row decided before any delivery.
func (g *campaignGen) decision(row report.Row) report.Row {
	if g.w == nil {
		return row
	}
	g.line(map[string]any{"type": "result", "status": row.Status.String(), "row": row.Row, "key": row.Key, "detail": row.Detail, "finished_at": g.at})
	return row
}

// stop ends run 1 as Ctrl-C does: the messages queued are not attempted
// (recorded by row: their keys are drawn later).
func (g *campaignGen) stop(i, n int) {
	for k := i; k < min(i+4, n); k++ {
		g.line(map[string]any{"type": "result", "status": "not-attempted", "row": k + 2, "key": "",
			"detail": "run stopped: interrupted (Ctrl-C)", "finished_at": g.at})
	}
}

// asciiName is a name fit for an address's local part.
func asciiName(s string) string {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
			out = append(out, byte(r|0x20))
		case r == 'ü':
			out = append(out, 'u')
		case r == 'í':
			out = append(out, 'i')
		case r == 'ë':
			out = append(out, 'e')
		}
	}
	if len(out) == 0 {
		return "x"
	}
	return string(out)
}
