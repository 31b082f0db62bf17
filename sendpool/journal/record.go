package journal

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
)

// FileName is the journal's file name inside the campaign's state folder.
const FileName = render.StateJournal

// formatVersion is written into every run record.
const formatVersion = 1

// recordStatus is a result record's status as the journal file spells it:
// sendpool's name for every status but deferred, which the file calls
// "temporary" (its word since the first version; the format is unchanged).
// It is the only mapping of statuses in the journal.
type recordStatus sendpool.Status

// fileTemporary is the file's word for sendpool.StatusDeferred.
const fileTemporary = "temporary"

// MarshalText implements encoding.TextMarshaler.
func (s recordStatus) MarshalText() ([]byte, error) {
	if sendpool.Status(s) == sendpool.StatusDeferred {
		return []byte(fileTemporary), nil
	}
	return sendpool.Status(s).MarshalText()
}

// UnmarshalText implements encoding.TextUnmarshaler and rejects unknown
// statuses (and "deferred" and "sending", which the file never holds).
func (s *recordStatus) UnmarshalText(b []byte) error {
	if string(b) == fileTemporary {
		*s = recordStatus(sendpool.StatusDeferred)
		return nil
	}
	v, err := sendpool.ParseStatus(string(b))
	if err != nil || v == sendpool.StatusDeferred || v == sendpool.StatusSending || v.String() != string(b) {
		return fmt.Errorf("journal: unknown status %q", b)
	}
	*s = recordStatus(v)
	return nil
}

// NoStatus marks the absence of a status where one may be missing: the
// Status of a Decision to send, an entry's delivery before any.
const NoStatus sendpool.Status = -1

// isDelivery reports whether s is the outcome of a delivery (or of an
// attempt that ended before the body was handed over), as opposed to a
// decision made before delivery.
func isDelivery(s sendpool.Status) bool {
	switch s {
	case sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusDeferred, sendpool.StatusUnknown, sendpool.StatusNotAttempted:
		return true
	}
	return false
}

// Run is the record that opens every send run.
type Run struct {
	// PID is the sending process's ID; Started when the run began.
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	// Version is the tool's version.
	Version string `json:"version,omitempty"`
	// ResendUnknown and RetryFailed are the run's resume flags.
	ResendUnknown bool `json:"resend_unknown,omitempty"`
	RetryFailed   bool `json:"retry_failed,omitempty"`
	// ResendChanged is send --resend-changed: the run sends again the
	// rows whose values changed since their message went out.
	ResendChanged bool `json:"resend_changed,omitempty"`
	// RevisedToSend counts the rows the run set out to send again as
	// changed since their message went (with ResendChanged; 0 when none,
	// and in journals of an older tidings): the command that sends what
	// it left has --resend-changed while it is not 0.
	RevisedToSend int `json:"revised_to_send,omitempty"`
	// Flags holds any other settings worth recording (limit, rate, …),
	// "yes" and "skip-invalid" "true" when given; a flag not there was
	// not given (or the journal is an older tidings', which did not
	// record "yes").
	Flags map[string]string `json:"flags,omitempty"`
	// KeyColumn is the sheet column whose values are the keys of the
	// run's records (recipients.key); empty in runs that deliver nothing
	// (bounces, test sends) and in journals of tidings before 0.16.
	KeyColumn string `json:"key_column,omitempty"`
	// Campaign is the campaign file's absolute path (empty in journals
	// of an older tidings), for FirstRun.
	Campaign string `json:"campaign,omitempty"`
	// Name is the campaign's name: (empty in journals of an older
	// tidings): a state folder holds the sends of one campaign.
	Name string `json:"name,omitempty"`
	// Facets name what the Values of the run's attempts fingerprint
	// (render.Renderer.Facets: columns, "" for a row's files); empty in
	// runs that deliver nothing and in journals of an older tidings.
	Facets []string `json:"facets,omitempty"`
	// IDSalt is the Message-ID salt the run's messages were made with
	// (render.Options.IDSalt; empty for none, and in journals of an older
	// tidings): the state folder's file can be written again from it,
	// and a file that no longer holds it is told.
	IDSalt string `json:"id_salt,omitempty"`
	// Held counts the rows to send that the run held back from the start,
	// past --limit or send.daily_cap, and HeldFor is the detail send's
	// report gave them (sendpool.LimitUnsent, sendpool.CapUnsent); 0 and
	// "" when it held none back (State.Held).
	Held    int    `json:"held,omitempty"`
	HeldFor string `json:"held_for,omitempty"`
	// ToSend counts the messages the run set out to send (those it held
	// back, Held, not among them; 0 in runs that deliver nothing and in
	// journals of an older tidings, which read the field's absence so,
	// as an older tidings ignores it): a run that is not running, was
	// neither interrupted nor stopped, and recorded fewer results was
	// killed between two messages (State.EndedShort).
	ToSend int `json:"to_send,omitempty"`
	// Via is the server and login the run delivers through ("host:port
	// as user", "host:port without a login"; empty in runs that deliver
	// nothing and in journals of an older tidings): what tells the
	// domains it took mail for to a later run through the same
	// (State.SentDomains).
	Via string `json:"via,omitempty"`
	// Refused says why a send refused to start, as rows have problems,
	// as it printed it ("1 of 22 rows have problems; nothing was
	// sent"), and RefusedNext what to do ("fix them, or send the rest
	// with --skip-invalid"); "" in every other run. Such a run records
	// nothing after it and names no key column, so an older tidings,
	// which ignores these fields, reads it as a run that delivers
	// nothing (bounces'); its Flags's "command" is "send"
	// (State.Refused).
	Refused     string `json:"refused,omitempty"`
	RefusedNext string `json:"refused_next,omitempty"`
	// RefusedPart is the part of a send in parts that refused to start
	// (2 and up; 0 when it refused at its start), and PartsSent how many
	// messages its parts before sent (State.RefusedPart): report tells
	// the rows sent above the refusal as theirs. An older tidings ignores
	// both.
	RefusedPart int `json:"refused_part,omitempty"`
	PartsSent   int `json:"parts_sent,omitempty"`
}

// Attempt is written before a message's body is handed to the server.
type Attempt struct {
	Row int    `json:"row"`
	Key string `json:"key"`
	// NormKey is NormalizeKey(Key); the Writer fills it when empty, and
	// writes none when it is Key itself (readers normalize Key then).
	NormKey string `json:"norm_key,omitempty"`
	To      string `json:"to,omitempty"`
	// Cc and Bcc are the message's render.Message.Cc and Bcc: whom its
	// copies went to, as To names its To (empty when none, and in
	// journals of an older tidings).
	Cc  string `json:"cc,omitempty"`
	Bcc string `json:"bcc,omitempty"`
	// Envelope is the message's SMTP recipients (render.Message.Recipients:
	// To, Cc and Bcc) when they are more than the To's one address: whom a
	// bounce or complaint naming a Cc is about (tidings bounces). Empty
	// for a message to one address, and in journals of an older tidings.
	Envelope  []string `json:"envelope,omitempty"`
	MessageID string   `json:"message_id,omitempty"`
	// Hash identifies the message's contents, see Hash.
	Hash string `json:"hash,omitempty"`
	// Values fingerprint the row's values the message was made of, one
	// for each of the run's Facets (render.Message.ValuesSum and
	// ValueSums): what tells a row whose values changed since
	// (State.Revised).
	Values Values `json:"value_sums,omitzero"`
	// Try counts the body hand-overs of this message within the run,
	// starting at 1.
	Try int `json:"try,omitempty"`
	// Time is when the body is about to be handed over; the Writer fills
	// it with the current time when zero.
	Time time.Time `json:"time"`
}

// Result is written after the server's final reply for a message, or for a
// row that was decided without delivery (invalid, duplicate, suppressed,
// not-attempted).
type Result struct {
	Row int    `json:"row"`
	Key string `json:"key"`
	// NormKey is NormalizeKey(Key); the Writer fills it when empty, and
	// writes none when it is Key itself (readers normalize Key then).
	NormKey string `json:"norm_key,omitempty"`
	To      string `json:"to,omitempty"`
	// Cc and Bcc are the message's, as in Attempt.
	Cc  string `json:"cc,omitempty"`
	Bcc string `json:"bcc,omitempty"`
	// Status is the outcome: sent, failed (permanently), deferred
	// (temporarily, retried by the next run; "temporary" in the file),
	// unknown, not-attempted, or a decision made before delivery
	// (invalid, duplicate, suppressed).
	Status sendpool.Status `json:"-"`
	// Attempts is the number of body hand-overs in this run.
	Attempts     int    `json:"attempts"`
	Code         int    `json:"code,omitempty"`
	EnhancedCode string `json:"enhanced_code,omitempty"`
	// Detail is the server's reply text or the error, or the reason for a
	// decision ("duplicate of row 7").
	Detail     string    `json:"detail,omitempty"`
	MessageID  string    `json:"message_id,omitempty"`
	Server     string    `json:"server,omitempty"`
	Started    time.Time `json:"started_at,omitzero"`
	Finished   time.Time `json:"finished_at,omitzero"`
	DurationMS int64     `json:"duration_ms"`
	// WaitMS is how long the message waited for its receiving domain's
	// rate limiter.
	WaitMS int64  `json:"wait_ms,omitempty"`
	Hash   string `json:"hash,omitempty"`
	// Owed lists the envelope recipients still owed the message when the
	// server accepted it for others and refused these temporarily: a
	// resumed run sends to these only, so nobody gets a second copy.
	Owed []string `json:"owed,omitempty"`
	// Refused lists the envelope recipients the server refused for good
	// when it did not refuse them all: a resumed run sending to the
	// recipients a message still owes leaves these out.
	Refused []string `json:"refused,omitempty"`
	// ValuesSum is the sum of the values the message was made of
	// (render.Message.ValuesSum), on a deferred result: a try refused at
	// MAIL or RCPT writes no attempt line on a transport that records the
	// attempt with the body, and a message made anew for a sent key (send
	// --resend-changed) is known by it then, as by an attempt line's
	// value_sums, and stays owed.
	ValuesSum uint32 `json:"values_sum,omitempty"`
	// Again marks a deferred result of a try the run that wrote it goes
	// on with (a retry due, a refusal to relay held until it knows
	// whether the server relays): not the run's last word on the
	// message. A reader beside that send says the row waits for it
	// (Entry.RunHolds).
	Again bool `json:"again,omitempty"`
}

// Values are what the journal keeps of the values a message was made of
// (render.Message.ValuesSum and ValueSums): Sum tells a row whose values
// changed since, Each names which of its facets. The journal writes them
// as one string, their bytes (little-endian, Sum's 4 then 2 for each) in
// unpadded base64url (RFC 4648 5): 40 bytes a line for 7 facets.
type Values struct {
	Sum  uint32
	Each []uint16
}

// IsZero reports whether v holds nothing (omitzero leaves it out).
func (v Values) IsZero() bool { return v.Sum == 0 }

// MarshalText implements encoding.TextMarshaler.
func (v Values) MarshalText() ([]byte, error) { return v.appendText(nil), nil }

// appendText appends v's text form to b.
func (v Values) appendText(b []byte) []byte {
	var raw [4 + 2*32]byte
	bs := binary.LittleEndian.AppendUint32(raw[:0], v.Sum)
	for _, s := range v.Each {
		bs = binary.LittleEndian.AppendUint16(bs, s)
	}
	return base64.RawURLEncoding.AppendEncode(b, bs)
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (v *Values) UnmarshalText(b []byte) error {
	*v = Values{}
	bs, err := base64.RawURLEncoding.AppendDecode(nil, b)
	if err != nil || len(bs) < 4 || len(bs)%2 != 0 {
		return fmt.Errorf("journal: value_sums: %q is not base64url of a 4-byte sum and 2 bytes a facet", b)
	}
	v.Sum = binary.LittleEndian.Uint32(bs)
	for i := 4; i < len(bs); i += 2 {
		v.Each = append(v.Each, binary.LittleEndian.Uint16(bs[i:]))
	}
	return nil
}

// NormalizeKey is the form in which recipient keys are compared:
// campaign.NormalizeKey, which the spool's SameKey shares.
func NormalizeKey(s string) string { return campaign.NormalizeKey(s) }

// Hash returns a short fingerprint of a message's data: the first 16 hex
// digits of its SHA-256. It tells which version of a message a recipient got
// when templates change between runs.
func Hash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// NewAttempt returns the attempt record for m's try'th body hand-over at t
// (with m.Digest as its Hash when set, else Hash of its data).
func NewAttempt(m *render.Message, try int, t time.Time) Attempt {
	hash := m.Digest
	if hash == "" {
		hash = Hash(m.Data)
	}
	return Attempt{
		Row:       m.Row,
		Key:       m.Key,
		NormKey:   NormalizeKey(m.Key),
		To:        m.To,
		Cc:        m.Cc,
		Bcc:       m.Bcc,
		Envelope:  envelope(m),
		MessageID: m.MessageID,
		Hash:      hash,
		Values:    Values{Sum: m.ValuesSum, Each: m.ValueSums},
		Try:       try,
		Time:      t,
	}
}

// envelope is Attempt.Envelope of m: its recipients, unless they are one
// address its To names (the usual message, which then costs the journal
// nothing more).
func envelope(m *render.Message) []string {
	if len(m.Recipients) == 0 || len(m.Recipients) == 1 && containsFold(m.To, m.Recipients[0]) {
		return nil
	}
	return m.Recipients
}

// containsFold reports whether s holds sub, ASCII case aside, without
// allocating (the attempt line is the journal's hot path).
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
