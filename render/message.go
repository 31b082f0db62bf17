package render

import "github.com/tidings/tidings/templates"

// Message is one recipient's rendered message, ready for delivery. Data is
// the complete RFC 5322 message with CRLF line endings. A Message is not
// modified after Render returns it and may be shared between goroutines.
type Message struct {
	// Row is the sheet's record number (header = 1); Key the recipient key
	// as it appears in the sheet.
	Row int
	Key string
	// Variant identifies the values of the row that make the message
	// besides the key (see Renderer.Variant); 0 when they are not known.
	// Rows with one key and different variants would make different
	// messages.
	Variant uint32
	// ValuesSum fingerprints the row's values and files (those of
	// Renderer.Facets) in one 32-bit hash, and ValueSums each of them in
	// 16 bits, in the Facets' order; 0 and nil when the values are not
	// known (a row the sheet could not read, or whose problem came before
	// its attachments were read). The journal records them with a
	// delivery: a later run tells a row whose values changed since its
	// message went out by ValuesSum, and names what changed by ValueSums
	// (a change a 16-bit hash misses, 1 in 65,536, is told but not named).
	ValuesSum uint32
	ValueSums []uint16
	// sums are the facets' 32-bit hashes while the message is made.
	sums []uint32

	// EnvelopeFrom is the SMTP MAIL FROM address (addr-spec, IDNA domain).
	EnvelopeFrom string
	// Recipients are the SMTP RCPT TO addresses: To, Cc and Bcc addr-specs
	// with IDNA domains, each once, in that order.
	Recipients []string

	// To is the To header as a person reads it (decoded), for reports.
	To string
	// Cc and Bcc are the Cc and Bcc addresses as To gives the To ("" for
	// none), for reports: the Bcc is in no header of Data.
	Cc, Bcc string
	// Subject is the decoded subject, for reports.
	Subject string
	// MessageID is the Message-ID without angle brackets.
	MessageID string
	// Attachments lists the attached files in campaign order.
	Attachments []Attachment
	// Images lists the row's own inline images (the HTML body's
	// <img src="cid:{{.qr_file}}">), in the order the body first names
	// them, each read and checked for the row: the files its message is
	// made from besides Attachments, which the spool records as it does
	// those. ContentType is the one the file's bytes tell.
	Images []Attachment
	// UTF8 is true when an address needs SMTPUTF8 (RFC 6531): a non-ASCII
	// local part.
	UTF8 bool

	// Warnings are notes about the message that do not stop it (a subject
	// over SubjectWarnLength characters). They never change an exit code.
	// Render and Notes set them, SharedUnsubscribe and Blank for a row
	// without a problem only, all from one function (notesOf), so that a
	// reused spool's rows are told what rendered ones are.
	Warnings []string
	// SharedUnsubscribe is the number of To addresses that share the
	// message's one-click unsubscribe link (unsubscribe.one_click) when
	// the row's values make To a list of several, else 0: any of them who
	// clicks Unsubscribe unsubscribes all. A note like Warnings, kept
	// apart so that the rows with it can be told of at once.
	SharedUnsubscribe int
	// Blank lists the columns the subject or a body prints as they are
	// that are blank in the row (templates.Set.PrintedBlank): the reader
	// sees "Dear ," or ", your receipt". A note like Warnings, kept apart
	// so that the rows with it are told of by column.
	Blank []string
	// Padded lists the columns the subject or a body prints as they are,
	// not trimmed, whose cell in the row has white space at its start or
	// end that the reader sees (templates.Set.PrintedPadded): "Hallo
	// Anna," of " Anna", each with the line its reader sees. A note
	// like Blank, told of by column.
	Padded []templates.PaddedCell
	// NoFile lists the columns whose blank cell empties an attachment's
	// path, the column alone outside an {{if}} of it
	// (templates.Set.EmptyPaths): the message goes without that file. A
	// note like Blank, told of by column.
	NoFile []string
	// NoImage lists the columns whose blank cell empties the path of an
	// inline image of the row's own that the HTML body shows
	// (templates.Set.EmptyImages): the message goes without it, a broken
	// image where the body shows it. A note like NoFile.
	NoImage []string
	// Unlinked, when not nil, says that a body of the message (or each)
	// has no link to the row's List-Unsubscribe target, which Gmail and
	// Yahoo ask bulk mail to show in the body too. Render sets it (from
	// the bodies, which Notes does not render: a reused spool's row
	// record keeps it, spool.Row.Unlinked); a note like Warnings, told of
	// at once for the rows with it.
	Unlinked *Unlinked
	// largest is the largest file of the message, which its ErrTooLarge
	// problem names.
	largest largestFile

	// Data is the whole message, headers and body, CRLF line endings.
	Data []byte
	// Digest, when set, identifies Data for the journal (see
	// Options.Digest), computed once; empty when nobody asked for it.
	Digest string
}

// Attachment describes one attached file.
type Attachment struct {
	Name string // file name as the recipient sees it
	// Path is the absolute path it was named by, symlinks not resolved:
	// a link pointed at another file since reads as that file's size,
	// time and content.
	Path        string
	Size        int64 // bytes before encoding
	ContentType string
	// SHA256 is the hex SHA-256 of the file's data: what tells that an
	// attachment is unchanged since a message was made with it.
	SHA256 string
	// ModTime is the file's modification time (Unix nanoseconds) as
	// looked at before its data was read; 0 when not known (an
	// attachment read back from the spool).
	ModTime int64
}

// ColumnSums are the 16-bit fingerprints of m's facets (Renderer.Facets)
// as ValueSums gives them, also for a row with a problem, whose
// ValueSums are nil: the files' place (the facet "") may be 0 then. What
// tells that a row with a problem now, at another row number, is the
// row whose message went out (journal.State.SameColumns). Nil when the
// row's values are not known.
func (m *Message) ColumnSums() []uint16 {
	if m.ValueSums != nil {
		return m.ValueSums
	}
	return fold16(m.sums)
}

// Unsent drops m's notes (Warnings, SharedUnsubscribe, Blank, Padded,
// NoFile, NoImage and Unlinked) for a row not sent now (sent before, a duplicate, suppressed): no reader
// sees the message as rendered, so a note on it asks nothing of anyone.
// What is told of the rows a run sends is the same whether their
// messages are rendered or read from a spool (Renderer.Notes for those
// only).
func (m *Message) Unsent() {
	m.Warnings, m.SharedUnsubscribe, m.Blank, m.Padded, m.NoFile, m.NoImage, m.Unlinked = nil, 0, nil, nil, nil, nil, nil
}
