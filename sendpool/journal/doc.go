// Package journal is the crash-safe record of a campaign's sends: which
// recipients a `send` run tried, and what the server finally said. It lets a
// later run resume without sending anyone a second copy and without skipping
// anyone, and it lets `report` rebuild the result report at any time, also
// while a send is running in another process.
//
// A [Recorder] is what the sender pool writes through: it implements
// sendpool's Journal interface over a [Writer]. (This package imports
// sendpool for that and for its Status, never the other way round: the
// pool knows the journal only as that interface.) [Deduper] is the one
// duplicate-key rule of check, preview, send and report.
//
// # File format
//
// The journal is <state>/journal.jsonl: JSON Lines (one JSON object per line,
// UTF-8, '\n' terminated, RFC 8259 JSON), append-only. Every line has a "type"
// member naming its record:
//
//	{"type":"run","v":1,"pid":4711,"started":"2026-11-25T21:00:00Z","version":"tidings 0.1.0","flags":{"resend_unknown":"true"}}
//	{"type":"attempt","row":2,"key":"Ann@Example.org","norm_key":"ann@example.org","to":"Ann <ann@example.org>","message_id":"…@acme.example","hash":"9f86d081884c7d65","value_sums":"3q2-7wEAAAA","try":1,"time":"2026-11-25T21:00:01.5Z"}
//	{"type":"result","status":"sent","row":2,"key":"Ann@Example.org","norm_key":"ann@example.org","attempts":1,"code":250,"enhanced_code":"2.0.0","detail":"OK queued","message_id":"…","server":"smtp.example.org:465","started_at":"…","finished_at":"…","duration_ms":312,"hash":"9f86d081884c7d65"}
//
// A line leaves out "norm_key" when it is the "key" itself (a key in lower
// case without space around it); readers normalize the key then. An
// attempt of a message to more than its To's one address (a Cc, a Bcc)
// lists its SMTP recipients in "envelope" ("envelope":["ann@example.org",
// "boss@example.org"]): whom tidings bounces matches a report about a Cc
// to. A feedback record names the suppression list its address went to
// ("listed").
//
// A "run" line opens every send run; the attempt and result lines after it
// belong to that run (only one run appends at a time, see [AcquireLock]). An
// "attempt" line is written and fsync'ed before a message's body is handed to
// the server; a "result" line after the server's final reply. An attempt with
// no later result for the same recipient means the outcome is unknown: the
// message may or may not have been delivered. Unknown members are ignored
// when reading, so later versions may add fields. A send run's line counts
// the messages it sets out to send ("to_send"): one that recorded fewer
// results, and no interrupt or stop, was killed between two messages
// ([State.EndedShort]). A result's "status" is
// one of sendpool's status names, except that a message left for the next
// run (sendpool.StatusDeferred) is written "temporary", as it always was.
//
// A send that refuses to start, as rows have problems, writes a run
// line alone, with its words ("refused", "refused_next"; a later part of
// a send in parts also "refused_part" and "parts_sent": [State.RefusedPart]), no key column
// and "flags":{"command":"send"}, with the flags it ran with recorded
// as a delivering run's are ("yes" and "rate" in "flags",
// "resend_changed" and "revised_to_send", …): how the last send ended
// ([State.Refused]), which an older tidings, ignoring the fields, reads
// as a run that delivers nothing. A refusal in the words and with the
// flags of the one the journal ends on already is not written again.
//
// Three more record types come from other commands, each in a run of its
// own: "feedback" (tidings bounces: a bounce, complaint or unsubscribe
// request about a sent recipient, known by its id so none is recorded
// twice; see [Feedback]), "test" (send --test: a test message, which counts
// towards the daily cap and is no delivery; see [TestSend]) and "copy" (a
// copy of a delivered message put into the mailbox's Sent folder, written
// before and after it is made; see [Copy]).
//
// # Durability
//
// [Writer.Attempt] and [Writer.Result] return only after their line has been
// written and fsync'ed (fsync(2)). Concurrent callers share fsyncs: one
// writer goroutine takes every queued line, writes them with one write(2),
// fsyncs once and then releases all callers of that batch (group commit), so
// the journal's throughput grows with the number of concurrent senders. Once
// a batch is large (many senders waiting), the next fsync starts no sooner
// than a millisecond after it, so that batches stay large and the disk's
// flushes do not crowd out the rest of the work; a lone sender is never
// held (see syncInterval). [Writer.ResultQueued] queues a decision without
// waiting and [Writer.Sync] waits for all queued before it: a send's
// preflight writes its decisions (invalid, duplicate, suppressed rows) so,
// with one fsync, before delivery starts; a crash before that Sync loses
// only decisions the next run makes again.
//
// # Crashes
//
// A crash can leave a torn last line (a prefix of a record without its
// newline, or garbage). [Load] tolerates it and reports it as a warning; a
// complete record that only lacks its newline is kept. A corrupt line in the
// middle is skipped with a warning naming its line number; the lines after it
// are read. A new run that finds the file not ending in '\n' writes one
// first, so its records start on a fresh line. A corrupt line in another
// encoding, or one that records of its own run follow, is no crash's: the
// file was changed after it was written, and [State.Damaged] lists such
// lines for send to refuse (see damage.go).
//
// # What a message was made of
//
// A send run's line names the values its messages are made of, "facets"
// (the columns the templates read besides the key column, and "" for the
// files a row's attachment templates name), and each attempt's
// "value_sums" holds a 32-bit hash of them all and a 16-bit hash of each,
// in that order (see [Values]). A later run compares them with the row's
// values now ([State.Revised]):
// a row whose message went out and whose values changed since is listed,
// with the columns that changed, and sent again only when asked (send
// --resend-changed; its run line says "resend_changed"). That new message
// becomes the key's once the server takes it (see anew in state.go): its
// outcome, values and reports are the key's from then on. Refused or
// cut off, it leaves the key on the message that went, whose row is
// still told as changed. Deferred, it leaves the key there too, but is
// still owed ([State.DeferredAnew], [Entry.Deferred]): a plain send sends
// it again while the row's values are those it was made of. What the messages before the latest left
// stays: their attempt lines ([State.Earlier]); reports about them are
// written with "earlier", and every hard report of a key is kept
// ([State.Reports]).
//
// # Partial deliveries
//
// A result with "owed" says the server took the message for some of its
// envelope recipients and deferred those listed: the key counts as sent,
// and a resumed run sends to the owed recipients alone (those its row
// still names). The results of those sends update what is owed: sent
// clears it; a permanent refusal holds it back unless failed ones are
// retried; an attempt without a result, or a lost reply, makes it unknown
// (sent again only when unknown ones are). Nobody who has the message is
// sent it again.
//
// A temporary result with "again":true is one the run that wrote it goes
// on with (a retry due, a refusal to relay held until the run knows
// whether the server relays for it), not its last word on the message:
// a reader beside that send says the row waits for it
// ([Entry.RunHolds]); for everything else it reads as any temporary
// result. A not-attempted result its run writes after a temporary one
// (the run stopped before it knew whether the server relays for it) ends
// that run's try, as one cut off before its body went: the row is not
// attempted, with the stop's words, as send reported it.
//
// # Keys
//
// Recipients are identified by their normalized key, [NormalizeKey]: the
// sheet's key with surrounding space trimmed, lower-cased (mailbox providers
// ignore case in practice, although RFC 5321 2.4 allows case-sensitive local
// parts).
package journal
