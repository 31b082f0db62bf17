// Package render turns a campaign's recipient rows into complete Internet
// messages, one per recipient, ready for delivery. It never speaks SMTP.
//
// Messages follow RFC 5322 (Internet Message Format) and MIME (RFC 2045,
// 2046, 2047, 2183, 2231, 2387, 2392):
//
//   - Headers in a fixed order: Date (from Options.Now), From, Sender (only
//     when From lists several mailboxes, RFC 5322 3.6.2), Reply-To, To, Cc,
//     Subject, Message-ID, List-Id (RFC 2919), List-Unsubscribe (RFC 2369)
//     and List-Unsubscribe-Post (RFC 8058), the campaign's extra headers in
//     file order, MIME-Version, then the body's Content-* headers. Bcc is
//     never written; its addresses are only in Message.Recipients.
//   - Address lists are joined with ", ". Display names and unstructured
//     values that are not ASCII are RFC 2047 encoded-words (UTF-8, Q or B,
//     whichever is shorter; only phrase-safe characters in display names),
//     at most 75 characters each. Lines are folded at 78 characters where
//     possible and never exceed 998.
//   - Message-ID is unique and deterministic for (campaign name, recipient
//     key): the campaign name and a hash of the key at the From domain.
//   - Bodies: text/plain, text/html, or multipart/alternative with both;
//     multipart/related when the HTML shows inline images; multipart/mixed
//     when there are attachments (in campaign order). Text is 7bit when it
//     is ASCII in short lines, else quoted-printable, or base64 when that
//     is shorter (text in CJK, Cyrillic, Greek, Arabic: RFC 2045 6.7, 6.8),
//     each part chosen on its own; files are base64 in 76-character lines.
//     Attachment names use RFC 2231 (filename*=) when
//     not ASCII (or when they contain "=?"), in continuations that end
//     between whole characters when long, plus an RFC 2047 name parameter
//     for older clients. Encoded-words and RFC 2231 segments each decode
//     to whole UTF-8 characters on their own. Content types come from the file extension
//     (mime.TypeByExtension), else application/octet-stream, which is also
//     what a message/* file (.eml) gets (RFC 2046 5.2.1 forbids base64 for
//     message/rfc822); a text type says charset=utf-8 only when the file
//     is valid UTF-8.
//
// # Address lists
//
// A rendered from, sender, reply_to, to, cc or bcc value is a list of
// addresses separated by ',' or ';' (Outlook and Chinese mail clients
// write a@x.cn; b@x.cn), except inside a quoted-string, a comment, a domain
// literal or angle brackets; empty elements are skipped, so a trailing ';'
// is fine. The header is written with ", " between addresses. A list that
// leaves a quote, parenthesis or angle bracket open is a row problem. RFC
// 5322 group syntax ("Team: a@x.example, b@x.example;") is read with
// net/mail as before: its ';' ends the group, its members are the
// addresses, and the group's name is not written.
//
// A display name is what the value holds before <…>, exactly: from
// to: "{{.name}} <{{.email}}>", the sheet's Anne "Nan" Lee or Dr. Who
// (Gallifrey) is the name the recipient sees, not Anne Nan Lee or Dr. Who,
// which is how RFC 5322 reads quotes and comments there. When parsing would
// not give the text back, render quotes it as a whole. Text that is one
// quoted-string already ("Doe, John", as the address function writes it)
// is read as RFC 5322 syntax, and an RFC 2047 encoded-word without quotes
// or parentheses is decoded. A ',' or ';' in a name still separates
// addresses (the part before it is then not an address: a row problem
// naming the column); the template function address makes one address of
// any name.
//
// # Markdown bodies
//
// A campaign with a markdown body gets its HTML part from the Markdown
// (package render/markdown: CommonMark with tables and autolinks, raw HTML
// left out: the template's own is an error at its line, a raw value's a
// problem of its row; links only to http, https, mailto and tel) in the built-in
// layout, whose elements carry inline styles, or in the campaign's layout
// ({{.Body}}, {{.Subject}}), unstyled; and its text part from the same
// Markdown, unless the campaign has a text template, which then makes the
// text part. Values from the sheet are escaped for Markdown by package
// templates and for HTML by the converter. An inline image is written
// ![alt](cid:NAME) in the Markdown or <img src="cid:NAME"> in the layout,
// NAME a file beside the Markdown or the layout; the same NAME for two
// different files is an error.
//
// # Inline images
//
// An HTML body shows an inline image with src="cid:NAME", where NAME is a
// file name (letters, digits, '.', '_', '-', '@') of a file in the HTML
// template's own folder: <img src="cid:logo.png"> attaches logo.png beside
// body.html with Content-ID <logo.png@NAME> (NAME the campaign's name: a
// valid msg-id), and the src is rewritten to match. The images are found in the
// template text and read once, by New; a missing one makes the campaign
// unusable.
//
// An image of each row's own is written src="cid:{{.qr_file}}": a cid:
// reference holding a template action (templates.RowImageRefs, up to its
// closing quote: "cid:qr/{{.no}}.png" too) is a path template like an
// attachment's (templates.Set.Images), resolved for each row as an
// attachment from row data is (it stays in the attachment folder, the
// file is there and not too large) and, besides, the file must be a PNG,
// JPEG, GIF or WebP image by its bytes (ErrNotImage, in an
// *AttachmentError); a problem is the row's, naming its column. The HTML
// body's output holds a marker where it names one (RowImageMarker),
// rewritten to the image's Content-ID, NAME~N.SUM@campaign (N its number,
// '~' keeping it apart from the images beside the template, SUM the
// start of the file's SHA-256, two rows' files of one name apart), and the message
// carries each image the output shows, Content-Disposition inline with the
// file's name. The files are listed in Message.Images and count among the
// row's files (ValueSums), so the spool records them as it does
// attachments; a blank cell is no image, noted in Message.NoImage
// (templates.Set.EmptyImages) where the body shows it to the row.
//
// # Attachments
//
// Attachment paths are templates. A relative path resolves against
// attachments_dir when the campaign sets one, else against the campaign
// file's folder. A path that renders empty is skipped, which makes optional
// attachments possible: {{if .invoice}}invoices/{{.invoice}}.pdf{{end}}; a
// path that is a column alone ({{.file}}) left empty by a blank cell is
// noted in Message.NoFile (templates.Set.EmptyPaths). A
// constant path (no row data) is resolved once by New; a missing file then
// makes the campaign unusable. Files used by many rows are read and encoded
// once (a small LRU cache keyed by path, size and modification time).
//
// # Spreadsheet errors
//
// A row whose key column, or any column a template names, holds one of
// Excel's error values (#N/A, #DIV/0!, ...: see campaign.ExcelError) is
// refused with campaign.ErrExcelError naming that column: a formula failed
// in the spreadsheet, and the message would carry the error's text. Other
// columns are not looked at.
//
// # Every problem of a row
//
// A row's problems are told together: every cell with an error value, or
// else every part of the message at fault (an address, the subject, the
// unsubscribe link, an attachment, a body, a header; in each, every call
// of number, date, address or printf that fails: see templates), each
// naming its column once. One problem is a *campaign.RowError; more are a
// campaign.RowErrors, in which errors.As finds the first.
//
// # Security
//
// Header injection is impossible by construction: any CR, LF, tab or other
// control character (or invalid UTF-8) in a rendered value that reaches a
// header is refused for that row with campaign.ErrControlChar and the column
// it came from; tidings adds all folding itself. A cell that brings a
// header a recipient sees an invisible direction control that only
// disguises the text (an override anywhere; an embedding or isolate left
// open in an address field) is refused with ErrDirectionControl, and one
// that may (left open elsewhere, a zero-width space, a joiner between
// Latin letters, a direction mark without right-to-left text) is a
// warning: see controlsIn. Attachment paths made from
// row data stay inside the campaign's attachment folder (no "..", no
// absolute paths unless the campaign names an absolute attachments_dir, no
// symlinks out). Envelope addresses are parsed with net/mail and their
// domains converted with IDNA (UTS 46 Lookup); a non-ASCII local part sets
// Message.UTF8 (RFC 6531 SMTPUTF8).
//
// With a fixed Options.Now and Options.Boundary, output is byte-for-byte
// reproducible.
package render
