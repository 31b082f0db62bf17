// Package spool keeps the messages a campaign's preflight rendered, so that
// delivery sends them without rendering again and a person can look back
// at what each recipient was sent: a mail server's queue files, for a
// campaign.
//
// A spool is written once, in sheet order, by the preflight of a send (a
// generation), and read many times: sequentially by delivery, by row or
// key by `tidings show` and `preview`. It lives in the campaign's state
// folder, spool/, as five files per generation, and two marks:
//
//	g0001.rows    a record per sheet row: key, To, Message-ID, and whether the
//	              row has a message, or the problem that kept it from one
//	g0001.msgs    a record per message: envelope, headers a report needs,
//	              attachment digests, and the message bytes as sent
//	g0001.index   a fixed-size record per frame of either stream: the rows it
//	              holds and where it lies, for access by row
//	g0001.atts    a record per attachment file of each row (path, size,
//	              modification time, SHA-256), one zstd stream in sheet
//	              order: read as a stream, never whole, to tell whether the
//	              attachments still hold what the messages were made of
//	g0001.json    the manifest, written last: what the generation was made
//	              from (the inputs' digests, the attachment records' count
//	              and digest), when it was begun and completed, and the
//	              sizes of the other files, and a checksum of its own
//	              (ManifestChecksum); a few hundred bytes whatever the
//	              campaign's size
//	g0001.used    present once a message of it was handed to a server: it is
//	              part of the record of what went out, and is kept
//	g0001.damaged present once a frame, the index or the attachment
//	              records were found damaged (a changed byte): no send
//	              reuses it
//
// Records are grouped in frames, each compressed on its own with zstd
// (RFC 8878, github.com/klauspost/compress/zstd): the messages of one
// campaign share almost everything, so a frame of many messages compresses
// far better than each alone, and one frame is all a lookup decompresses.
// Every frame carries a CRC-32C of its compressed bytes, the manifest one
// of the index (whose records no frame's covers) and a SHA-256 of its own
// other members (a manifest edited into other valid JSON is damaged; one
// of an older tidings has none and is not checked), and the index must
// cover the files frame after frame, rows ascending, as many records as the
// manifest says (checked when a generation is opened). A generation
// without its manifest, or whose files do not have the sizes the manifest
// gives, was cut short (a crash, a full disk) and is never read: the next
// preflight makes a new one. A used one cannot have been cut short (its
// manifest was written before its mark), so one that does not read so was
// damaged since: it is listed with why (Generation.Unreadable), as the
// record of what went out that it was. A send about to reuse a generation
// checks every frame's CRC first (Reader.Verify), and a frame whose
// records do not fill it exactly, as its index record counts them, is
// damaged too.
//
// The spool holds what the inputs (the campaign file, its templates, the
// sheet, the attachments, the DKIM key) made, not what a run decided: which
// rows to send is decided again on every run from the journal and the
// suppression list.
package spool
