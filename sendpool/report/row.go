package report

import (
	"fmt"
	"strconv"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// Report file names inside the state folder.
const (
	CSVFile  = "report.csv"
	JSONFile = "report.json"
)

// ReplyCode is an SMTP reply code; 0 (none) is written as an empty CSV cell.
type ReplyCode int

// MarshalCSV implements gocsv.TypeMarshaller.
func (c ReplyCode) MarshalCSV() (string, error) {
	if c == 0 {
		return "", nil
	}
	return strconv.Itoa(int(c)), nil
}

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (c *ReplyCode) UnmarshalCSV(s string) error {
	if s == "" {
		*c = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 {
		return fmt.Errorf("report: reply code %q is not a number from 100 to 599", s)
	}
	*c = ReplyCode(n)
	return nil
}

// Row is one line of report.csv and one element of report.json's
// "rows". The CSV columns are, in this order: row, key, to, status,
// attempts, code, enhanced_code, detail, message_id, server, started_at,
// finished_at, duration_ms, cc, bcc; times are RFC 3339 in UTC ("" when
// nothing was attempted). Cc and Bcc came last, after the others, so that
// a script reading the columns by position reads what it read before.
type Row struct {
	Recipient
	Status       sendpool.Status       `csv:"status" json:"status"`
	Attempts     int                   `csv:"attempts" json:"attempts"`
	Code         ReplyCode             `csv:"code" json:"code"`
	EnhancedCode sendpool.EnhancedCode `csv:"enhanced_code" json:"enhanced_code"`
	Detail       string                `csv:"detail" json:"detail"`
	MessageID    string                `csv:"message_id" json:"message_id"`
	Server       string                `csv:"server" json:"server"`
	StartedAt    string                `csv:"started_at" json:"started_at"`
	FinishedAt   string                `csv:"finished_at" json:"finished_at"`
	DurationMS   int64                 `csv:"duration_ms" json:"duration_ms"`
	// Cc and Bcc are the Cc and Bcc of the message tried for the row, as
	// To gives its To (render.Message.Cc): whom its copies were sent to,
	// refused or not (a refused one is named in Detail). Empty on a row
	// no message was tried for, and on a line of a journal of a tidings
	// before they were kept. report.json leaves them out when empty (most
	// messages have neither; the state folder's budget counts the bytes).
	Cc  string `csv:"cc" json:"cc,omitempty"`
	Bcc string `csv:"bcc" json:"bcc,omitempty"`
	// WaitMS is sendpool.Result.Wait in milliseconds: report.json only, the CSV
	// columns are fixed.
	WaitMS int64 `csv:"-" json:"wait_ms,omitempty"`
	// Gone marks a recipient the sheet no longer has (AddRemoved): listed
	// as the journal has it, but no send tries it again, so an open
	// outcome (unknown) does not count against Summary.OK. report.json
	// only.
	Gone bool `csv:"-" json:"gone,omitempty"`
	// LeftOut marks a recipient whose row the sheet has but the campaign's
	// recipients.only_blank or only_filled leave out now (AddRemoved): a
	// message went to it before, and no send tries it again, so, as for
	// Gone, an open outcome (unknown) does not count against Summary.OK,
	// and a message sent stays sent. Row is the row it has now.
	// report.json only.
	LeftOut bool `csv:"-" json:"left_out,omitempty"`
	// Owing marks a message delivered to some of its recipients while
	// the server deferred others, which a later send delivers to
	// (journal.Entry.OwesIn): its status is sent, but the row is not
	// done. report.json only.
	Owing bool `csv:"-" json:"owing,omitempty"`
	// NowSuppressed marks a failed or unknown recipient whose row's
	// envelope (as the row is now, which a retry would send to) has an
	// address the suppression list names now (MarkSuppressed): its status
	// stays what the send got, but no send tries it again, so it does not
	// count against Summary.OK. report.json only.
	NowSuppressed bool `csv:"-" json:"now_suppressed,omitempty"`
}

// MarkSuppressed sets r.NowSuppressed when r is failed or unknown and
// supp (nil: none) names an address of envelope, the envelope of r's row
// as it is now: a send under --retry-failed or --resend-unknown would hold
// the row back (suppressed), so no send tries it again.
func (r *Row) MarkSuppressed(supp *campaign.Suppression, envelope []string) {
	if r.Status == sendpool.StatusFailed || r.Status == sendpool.StatusUnknown {
		r.NowSuppressed = supp.Names(envelope)
	}
}

// Recipient names a sheet row's recipient: the first columns of every
// report tidings writes (report.csv, the preview's report.csv).
type Recipient struct {
	// Row is the sheet's row number (the header is row 1).
	Row int `csv:"row" json:"row"`
	// Key is the recipient key as the sheet holds it.
	Key string `csv:"key" json:"key"`
	// To is the To header as a person reads it.
	To string `csv:"to" json:"to"`
}

// Columns are report.csv's columns, in order.
var Columns = []string{"row", "key", "to", "status", "attempts", "code", "enhanced_code", "detail", "message_id", "server", "started_at", "finished_at", "duration_ms", "cc", "bcc"}

// FromResult converts a sendpool.Result to its report line. A line
// not attempted names no message (no Message-ID, Cc or Bcc): none went,
// and a Message-ID would send someone searching a mail log for it.
func FromResult(r sendpool.Result) Row {
	if r.Status == sendpool.StatusNotAttempted {
		r.MessageID, r.Cc, r.Bcc = "", "", ""
	}
	return Row{
		Recipient:    Recipient{Row: r.Row, Key: r.Key, To: r.To},
		Status:       r.Status,
		Attempts:     r.Attempts,
		Code:         ReplyCode(r.Code),
		EnhancedCode: r.EnhancedCode,
		Detail:       sendpool.OneLine(r.Detail),
		MessageID:    r.MessageID,
		Server:       r.Server,
		StartedAt:    Time(r.StartedAt),
		FinishedAt:   Time(r.FinishedAt),
		DurationMS:   r.Duration.Milliseconds(),
		Cc:           r.Cc,
		Bcc:          r.Bcc,
		WaitMS:       r.Wait.Milliseconds(),
	}
}

// Time is t as report.csv's started_at and finished_at (and report.json)
// write it: RFC 3339 in UTC, to the second; "" for the zero time. show
// says its times so too.
func Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
