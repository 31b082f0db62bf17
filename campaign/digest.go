package campaign

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"slices"
)

// MessagesDigest is the hex SHA-256 of what in c, as loaded, shapes its
// messages: c with the settings cleared that say only how, when and
// where they go (smtp: the server, its login, security and timeouts;
// send: rate, concurrency, caps, retries; mailbox: where bounces come
// back and copies go), and where and how the file is written (File, Dir,
// Warnings, the dkim entries' names and positions, whether the file
// writes recipients.key or leaves it the default). Every other field
// counts, unexported ones and any added later included: a field that
// shapes no message yet is not cleared here costs a spool rendered again,
// never a message sent other than it was made. A path inside the
// campaign's folder counts relative to it, so a folder moved whole keeps
// its digest; comments, layout and quoting do not count, nor defaults
// written out, but for recipients.dates: month-first, which lets go the
// dashed dates an unset one refuses (Recipients.DatesUnsaid counts). So
// smtp:, send: and mailbox: must never hold anything a message is made
// of.
func (c *Campaign) MessagesDigest() string {
	m := *c
	m.SMTP, m.Send, m.Mailbox = SMTP{}, Send{}, Mailbox{}
	m.File, m.Dir, m.Warnings = "", "", nil
	m.Recipients.KeyDefault = false
	m.DKIM = slices.Clone(c.DKIM)
	for i := range m.DKIM {
		m.DKIM[i].Name, m.DKIM[i].Line, m.DKIM[i].Column = "", 0, 0
	}
	h := sha256.New()
	newDigester(h, c.Dir).value(reflect.ValueOf(m))
	return hex.EncodeToString(h.Sum(nil))
}
