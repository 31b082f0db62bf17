package report

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// Summary counts a report's rows by status.
type Summary struct {
	Total int `json:"total"`
	Sent  int `json:"sent"`
	// Sending counts the messages a send running beside the reader has
	// in hand (sendpool.StatusSending): 0 but in a report made then.
	Sending  int `json:"sending"`
	Deferred int `json:"deferred"`
	// RunHolds counts the deferred rows the send running beside the
	// reader has not finished with (detail journal.RunHoldsNote): in
	// Deferred too, and in Problems, but their line says they wait for
	// that send, not for another.
	RunHolds int `json:"-"`
	// Running says that a send runs beside the reader (a report made
	// then): the lines of rows not sent that it may reach say so, not
	// the command that sends them, which the campaign's lock refuses.
	Running      bool `json:"-"`
	Failed       int  `json:"failed"`
	Unknown      int  `json:"unknown"`
	Bounced      int  `json:"bounced"`
	SoftBounce   int  `json:"soft_bounce"`
	Complained   int  `json:"complained"`
	Invalid      int  `json:"invalid"`
	NotAttempted int  `json:"not_attempted"`
	Duplicate    int  `json:"duplicate"`
	Suppressed   int  `json:"suppressed"`
	// GoneUnknown counts the unknown recipients no longer in the sheet
	// (Row.Gone): in Unknown too, but not against OK, nor in Problems: no
	// send tries them again.
	GoneUnknown int `json:"gone_unknown"`
	// LeftOutUnknown counts the unknown recipients whose rows
	// recipients.only_blank or only_filled leave out now (Row.LeftOut):
	// in Unknown too, but not against OK, nor in Problems: no send tries
	// them again.
	LeftOutUnknown int `json:"left_out_unknown"`
	// FailedSuppressed and UnknownSuppressed count the failed and the
	// unknown recipients whose To the suppression list names now
	// (Row.NowSuppressed): in Failed and Unknown too, but not against OK,
	// nor in Problems: no send tries them again.
	FailedSuppressed  int `json:"failed_suppressed"`
	UnknownSuppressed int `json:"unknown_suppressed"`
	// Owing counts the messages delivered to some recipients that a
	// later send delivers to the others (Row.Owing): in Sent too (or in
	// the status reports that came back gave them), and against OK.
	Owing int `json:"owing"`
	// StartedAt and FinishedAt span the rows' attempts ("" when none).
	StartedAt  string `json:"started_at,omitempty"`
	FinishedAt string `json:"finished_at,omitempty"`
	// Problems are the first rows (by row number) that were not sent nor
	// skipped on purpose, for the text rendering.
	Problems []Row `json:"-"`
	// MoreProblems counts the problem rows not in Problems.
	MoreProblems int `json:"-"`
	// Interrupted counts the not-attempted rows an interrupted run left
	// (detail sendpool.InterruptedUnsent): in NotAttempted too, but not
	// in Problems: the text gives them one line, not one each.
	Interrupted int `json:"-"`
	// Again is the command that sends the Interrupted rows, as the text
	// names it ("tidings send campaign.yaml"); "the next send" when empty.
	// AgainVerb is its command and flags, for the lines that say it after
	// "run" ("send --yes": "run send --yes again to try them again");
	// "send" when empty. AgainUnknown is the command that sends the
	// rest and the unknown rows again (Again with --resend-unknown: Again
	// itself when it has it); Again and " --resend-unknown" when empty.
	Again        string `json:"-"`
	AgainVerb    string `json:"-"`
	AgainUnknown string `json:"-"`
	// Limited counts the not-attempted rows a run held back past its
	// --limit (detail sendpool.LimitUnsent, LimitDetail's): in
	// NotAttempted too, but not in Problems: one line, as Interrupted.
	Limited int `json:"-"`
	// LimitDetail is the first Limited row's detail ("not tried in this
	// run: --limit 50"); rows with another go to Problems.
	LimitDetail string `json:"-"`
	// NotReached counts the not-attempted rows no send has reached
	// (detail sendpool.NotReached): in NotAttempted too, but not in
	// Problems: one line, as Interrupted.
	NotReached int `json:"-"`
	// Refused counts the not-attempted rows the last send, refused to
	// start as rows have problems, would have sent (detail
	// sendpool.RefusedUnsent): in NotAttempted too, but not in Problems:
	// one line, sendpool.RefusedLine, not the next send's: it refuses
	// them too until the rows are fixed.
	Refused int `json:"-"`
	// RefusedDetail is the first Refused row's detail: RefusedUnsent's,
	// or with the stop before the refusal that still holds
	// (sendpool.RefusedAfter, sendpool.RefusedStop).
	RefusedDetail string `json:"-"`
	// Capped counts the not-attempted rows a run held back past
	// send.daily_cap (detail sendpool.CapUnsent; or NotReached's, moved
	// here by CapHolds): in NotAttempted too, but not in Problems: one
	// line, as Interrupted.
	Capped int `json:"-"`
	// CapAfter says when the cap lets the rows the next send sends go,
	// in the Capped line's words, which it puts in brackets ("after
	// 00:42 UTC tomorrow", "3 after 16:54 UTC tomorrow, 197 after 17:52
	// UTC"); "" when not known. With CapLeft, when it lets those past
	// CapLeft go.
	CapAfter string `json:"-"`
	// CapLeft is how many messages send.daily_cap lets go now, when it
	// lets some (CapRoom); 0 when it lets all or none (CapHolds) or is not
	// known. When fewer than the rows the next send sends (CapShort),
	// the lines of the rows not sent say how many it sends now.
	CapLeft int `json:"-"`
	// Stopped counts the not-attempted rows a stopped run left (detail
	// sendpool.IsStopUnsent, StopDetail's): in NotAttempted too, but not
	// in Problems: one line, as Interrupted.
	Stopped int `json:"-"`
	// StopDetail is the first Stopped row's detail ("run stopped: server
	// unreachable: …") without what its tries added (sendpool.StopCause:
	// the row whose refusal stopped the run is one of them); rows with
	// another go to Problems.
	StopDetail string `json:"-"`
	// RelayFailed counts the failed rows the server refused to relay to
	// (sendpool.IsRelayRefusal of their reply; not those on the
	// suppression list now): in Failed too. Only a change of the
	// settings or on the server lets them through, which RelaySome and
	// RelayFix say (smtpclient.RelaySome and RelayRest's words, which
	// the caller fills in).
	RelayFailed int    `json:"-"`
	RelaySome   string `json:"-"`
	RelayFix    string `json:"-"`
	// NoSuchAddress counts the other failed rows (not refused to relay,
	// not on the suppression list now) whose reply says the address does
	// not exist (NoSuchAddress): in Failed too. A retry fails them again;
	// they are to be taken out of the list or corrected.
	NoSuchAddress int `json:"-"`
	// AgainAlso counts the rows of other statuses that Again sends too,
	// sharing CapLeft with those of the lines of rows not sent: the
	// failed when it has --retry-failed, the unknown when it has
	// --resend-unknown (0 when it has neither).
	AgainAlso int `json:"-"`
	// AgainRevised counts the rows Again sends again as changed since
	// their message went (send --resend-changed) that daily_cap held
	// back: in AgainAlso too, and named beside the rows it held back
	// ("sends them and the 2 changed rows to send again once the cap
	// allows").
	AgainRevised int `json:"-"`
}

// CapHolds counts the rows no send has reached (NotReached) as held
// back by send.daily_cap, which lets none go before after ("" when not
// known; CapAfter): report's summary, rebuilt from the journal, where
// the rows a capped run held back read NotReached, then gives them the
// line send's gives them.
func (s *Summary) CapHolds(after string) {
	s.Capped += s.NotReached
	s.NotReached = 0
	s.CapAfter = after
}

// Held gives n of the rows a stopped run left (Stopped; Interrupted when
// it was interrupted), which report, rebuilt from the journal, gives that
// run's stop, the line of the rows the run held back from the start
// (detail sendpool.CapUnsent or sendpool.LimitUnsent's;
// journal.State.Held), as send's summary gave them: the run never set out
// to send them, and no stop is why they are not sent.
func (s *Summary) Held(n int, detail string, interrupted bool) {
	from := &s.Stopped
	if interrupted {
		from = &s.Interrupted
	}
	n = min(n, *from)
	switch {
	case n <= 0:
		return
	case detail == sendpool.CapUnsent:
		s.Capped += n
	case sendpool.IsLimitUnsent(detail) && (s.Limited == 0 || detail == s.LimitDetail):
		s.Limited += n
		s.LimitDetail = detail
	default:
		return
	}
	*from -= n
}

// CapRoom says send.daily_cap lets left messages go now (more than 0)
// and the next once those have gone after after ("" when not known;
// CapAfter): the lines of the rows not sent then say that the next send
// sends left of them now and the rest after, when left is fewer than the
// rows it sends.
func (s *Summary) CapRoom(left int, after string) {
	s.CapLeft = max(left, 0)
	s.CapAfter = after
}

// maxProblems is how many problem rows the text summary lists.
const maxProblems = 10

// Summarize counts rows (in the order given) by status.
func Summarize(rows []Row) Summary {
	var s Summary
	for _, r := range rows {
		s.add(r)
	}
	return s
}

// add counts r, the next row.
func (s *Summary) add(r Row) {
	s.Total++
	if n := s.counter(r.Status); n != nil {
		*n++
	}
	if r.Owing {
		s.Owing++
	}
	if r.Status == sendpool.StatusDeferred && strings.HasPrefix(r.Detail, journal.RunHoldsNote) {
		s.RunHolds++
	}
	if r.Status == sendpool.StatusFailed && !r.NowSuppressed {
		switch {
		case sendpool.IsRelayRefusal(int(r.Code), r.Detail):
			s.RelayFailed++
		case NoSuchAddress(r.EnhancedCode):
			s.NoSuchAddress++
		}
	}
	switch {
	case r.Status.Done() && !r.Owing:
	case r.Gone && r.Status == sendpool.StatusUnknown:
		s.GoneUnknown++
	case r.LeftOut && r.Status == sendpool.StatusUnknown:
		s.LeftOutUnknown++
	case r.NowSuppressed && r.Status == sendpool.StatusFailed:
		s.FailedSuppressed++
	case r.NowSuppressed && r.Status == sendpool.StatusUnknown:
		s.UnknownSuppressed++
	case r.Status == sendpool.StatusNotAttempted && sendpool.IsInterruptedUnsent(r.Detail):
		s.Interrupted++
	case r.Status == sendpool.StatusNotAttempted && sendpool.IsLimitUnsent(r.Detail) && (s.Limited == 0 || r.Detail == s.LimitDetail):
		s.Limited++
		s.LimitDetail = r.Detail
	case r.Status == sendpool.StatusNotAttempted && r.Detail == sendpool.NotReached:
		s.NotReached++
	case r.Status == sendpool.StatusNotAttempted && sendpool.IsRefusedUnsent(r.Detail) && (s.Refused == 0 || r.Detail == s.RefusedDetail):
		s.Refused++
		s.RefusedDetail = r.Detail
	case r.Status == sendpool.StatusNotAttempted && r.Detail == sendpool.CapUnsent:
		s.Capped++
	case r.Status == sendpool.StatusNotAttempted && sendpool.IsStopUnsent(r.Detail) && (s.Stopped == 0 || sendpool.StopCause(r.Detail) == s.StopDetail):
		s.Stopped++
		s.StopDetail = sendpool.StopCause(r.Detail)
	default:
		if len(s.Problems) < maxProblems {
			s.Problems = append(s.Problems, r)
		} else {
			s.MoreProblems++
		}
	}
	if r.StartedAt != "" && (s.StartedAt == "" || r.StartedAt < s.StartedAt) {
		s.StartedAt = r.StartedAt
	}
	if r.FinishedAt > s.FinishedAt {
		s.FinishedAt = r.FinishedAt
	}
}

// suppressedSince says how many failed and unknown recipients the
// suppression list names now: "2 of the failed and 1 of the unknown are".
func suppressedSince(failed, unknown int) string {
	var parts []string
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of the failed", failed))
	}
	if unknown > 0 {
		parts = append(parts, fmt.Sprintf("%d of the unknown", unknown))
	}
	verb := " are"
	if failed+unknown == 1 {
		verb = " is"
	}
	return strings.Join(parts, " and ") + verb
}

// Count returns the number of rows with status st.
func (s *Summary) Count(st sendpool.Status) int {
	if n := s.counter(st); n != nil {
		return *n
	}
	return 0
}

// counter is the field that counts st; nil for none.
func (s *Summary) counter(st sendpool.Status) *int {
	switch st {
	case sendpool.StatusSent:
		return &s.Sent
	case sendpool.StatusSending:
		return &s.Sending
	case sendpool.StatusDeferred:
		return &s.Deferred
	case sendpool.StatusFailed:
		return &s.Failed
	case sendpool.StatusUnknown:
		return &s.Unknown
	case sendpool.StatusBounced:
		return &s.Bounced
	case sendpool.StatusSoftBounce:
		return &s.SoftBounce
	case sendpool.StatusComplained:
		return &s.Complained
	case sendpool.StatusInvalid:
		return &s.Invalid
	case sendpool.StatusNotAttempted:
		return &s.NotAttempted
	case sendpool.StatusDuplicate:
		return &s.Duplicate
	case sendpool.StatusSuppressed:
		return &s.Suppressed
	}
	return nil
}

// OK reports whether every row that should be sent was sent, to all its
// recipients (duplicates and suppressed rows are skipped on purpose and do
// not count against it, nor do recipients no longer in the sheet or left
// out now by recipients.only_blank or only_filled, nor failed or unknown
// ones the suppression list names now).
func (s *Summary) OK() bool {
	return s.Sending+s.Deferred+s.Failed-s.FailedSuppressed+s.UnknownToSend()+s.Invalid+s.NotAttempted+s.Owing == 0
}

// UnknownToSend counts the unknown recipients a send with
// --resend-unknown sends again: Unknown but those no longer in the sheet
// (GoneUnknown), left out now (LeftOutUnknown) or on the suppression list
// now (UnknownSuppressed), which no send tries again.
func (s *Summary) UnknownToSend() int {
	return s.Unknown - s.GoneUnknown - s.LeftOutUnknown - s.UnknownSuppressed
}

// Counts is the summary's first line: the recipients, then how many of
// them have each status ("12 recipients: 11 sent, 1 failed").
func (s *Summary) Counts() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d sent", Plural(s.Total, "recipient"), s.Sent)
	for _, st := range sendpool.Statuses()[1:] {
		if n := s.Count(st); n > 0 {
			fmt.Fprintf(&b, ", %d %s", n, st)
		}
	}
	return b.String()
}

// WriteText renders the summary for a terminal: counts per status, the
// complaint rate once a row complained (ComplaintLine), what deferred
// and unknown mean, and the first rows not sent under a heading
// of their own.
func (s *Summary) WriteText(w io.Writer) error {
	var b bytes.Buffer
	b.WriteString(s.Counts())
	b.WriteString("\n")
	if line := s.ComplaintLine(); line != "" {
		b.WriteString(line + "\n")
	}
	if s.Sending > 0 {
		fmt.Fprintf(&b, "%d sending: the send running now has handed them to the server and waits for its reply; run report again when it ends.\n", s.Sending)
	}
	if s.RunHolds > 0 {
		fmt.Fprintf(&b, "%d deferred, waiting for the send running now: it has not finished with them (a retry, or a refusal to relay it holds until it knows whether the server relays for it); run report again when it ends.\n", s.RunHolds)
	}
	if n := s.Deferred - s.RunHolds; n > 0 {
		fmt.Fprintf(&b, "%d deferred: the server refused them for now; run %s again%s to try them again.\n", n, cmp.Or(s.AgainVerb, "send"), s.deferredWhen())
	}
	if s.Unknown > 0 {
		fmt.Fprintf(&b, "%d unknown: the message went, or was about to, and no reply came: it may or may not have arrived (a lost connection, a server that sent none within 4 × smtp.timeout, a crash, a second Ctrl-C, or a journal that could not record the reply, as on a full disk: the detail says which); they are not re-sent automatically (send --resend-unknown does).\n", s.Unknown)
	}
	if s.GoneUnknown > 0 {
		fmt.Fprintf(&b, "%d of the unknown no longer in the sheet: no send tries them again; the report lists them.\n", s.GoneUnknown)
	}
	if s.LeftOutUnknown > 0 {
		fmt.Fprintf(&b, "%d of the unknown in the sheet, but left out now by recipients.only_blank or only_filled: no send tries them again; the report lists them.\n", s.LeftOutUnknown)
	}
	if n := s.FailedSuppressed + s.UnknownSuppressed; n > 0 {
		fmt.Fprintf(&b, "%s on the suppression list now: no send tries them again; the report lists them.\n", suppressedSince(s.FailedSuppressed, s.UnknownSuppressed))
	}
	if s.RelayFailed > 0 && s.RelaySome != "" {
		fmt.Fprintf(&b, "%d failed as the server refused to relay to %s and took others: %s; then send --retry-failed sends %s.\n",
			s.RelayFailed, them(s.RelayFailed), s.RelaySome, them(s.RelayFailed))
	}
	if s.Owing > 0 {
		fmt.Fprintf(&b, "%s to some recipients only: the server deferred the others; run %s again to deliver to those only.\n", Plural(s.Owing, "message")+" went", cmp.Or(s.AgainVerb, "send"))
	}
	writeNotSent(&b, s.Interrupted, "the run was interrupted", s.then(s.Interrupted, s.sends(s.Interrupted, false)))
	writeNotSent(&b, s.Limited, s.LimitDetail, s.then(s.Limited, s.sends(s.Limited, false)))
	writeNotSent(&b, s.Capped, "daily_cap reached", cmp.Or(s.Again, "the next send")+" sends "+s.sends(s.Capped, true))
	writeNotSent(&b, s.NotReached, "not tried yet: no send has reached "+them(s.NotReached), s.then(s.NotReached, s.sends(s.NotReached, false)))
	writeNotSent(&b, s.Stopped, clipWidth(s.StopDetail, 100), s.then(s.Stopped, s.stopSends()))
	if s.Refused > 0 {
		fmt.Fprintf(&b, "%s.\n", sendpool.RefusedLine(s.Refused, s.RefusedDetail, s.Again))
	}
	if len(s.Problems) > 0 {
		// A heading of their own: not all are deferred or unknown.
		b.WriteString(s.problemsHeading() + ":\n")
		rows := make([][]string, 0, len(s.Problems))
		for _, r := range s.Problems {
			rows = append(rows, listCells(r))
		}
		writeColumns(&b, rows, 2)
		if s.MoreProblems > 0 {
			fmt.Fprintf(&b, "  … and %d more (see the report)\n", s.MoreProblems)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// ProblemsHeading heads a list or a count of the messages not sent (a
// summary's Problems, send's last line), naming as well those that went
// to some recipients only (owing) and those of unknown outcome (unknown:
// they may have arrived, so "not sent" alone would misname them): the
// one source of these words, which the summary and send's last line
// share.
func ProblemsHeading(owing, unknown bool) string {
	switch {
	case owing && unknown:
		return "not sent, not to every recipient, or unknown"
	case owing:
		return "not sent, or not to every recipient"
	case unknown:
		return "not sent, or unknown"
	}
	return "not sent"
}

// problemsHeading is the heading of the list of rows not sent
// (Problems).
func (s *Summary) problemsHeading() string {
	return ProblemsHeading(s.Owing > 0, s.Unknown > 0)
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// writeNotSent writes to b the one line of n rows not sent, why, and
// what sends them (then); nothing when n is 0.
func writeNotSent(b *bytes.Buffer, n int, why, then string) {
	if n > 0 {
		fmt.Fprintf(b, "%d not sent (%s): %s.\n", n, why, then)
	}
}

// then says what sends n rows not sent that no daily_cap holds back: the
// command Again ("the next send" when empty) and what it sends of them
// when (sends); while a send runs beside the reader (Running), that the
// send may still reach them, not a command the campaign's lock refuses.
func (s *Summary) then(n int, sends string) string {
	if s.Running {
		return "the send running now may still reach " + them(n) + "; run report again when it ends"
	}
	return cmp.Or(s.Again, "the next send") + " sends " + sends
}

// NextSends is how many rows the next send (Again) sends: those of the
// lines of rows not sent, the deferred, the owed and AgainAlso.
func (s *Summary) NextSends() int {
	return s.Interrupted + s.Limited + s.Capped + s.NotReached + s.Stopped + s.Deferred + s.Owing + s.AgainAlso
}

// CapShort says whether send.daily_cap lets some messages go now
// (CapLeft), but fewer than the next send sends: it sends CapLeft now,
// the rest once the cap allows.
func (s *Summary) CapShort() bool {
	return s.CapLeft > 0 && s.CapLeft < s.NextSends()
}

// sends says what the next send sends of n rows not sent, and when:
// "them" (now), or, for rows daily_cap held back (capped), "them once the
// cap allows (after 00:42)"; when the cap lets fewer go now (CapLeft)
// than the rows the next send sends (CapShort: those of every such line,
// the deferred, the owed and AgainAlso), "2 of them now, the rest once daily_cap allows
// (after 00:42)", "up to 2" when the rows of other lines share those 2
// ("it now, or once …" for one row).
func (s *Summary) sends(n int, capped bool) string {
	switch short := s.CapShort(); {
	case short && n == s.NextSends():
		return fmt.Sprintf("%d of them now, the rest%s", s.CapLeft, capAllows("daily_cap", s.CapAfter))
	case short && n == 1:
		return "it now, or" + capAllows("daily_cap", s.CapAfter)
	case short:
		return fmt.Sprintf("up to %d of them now, the rest%s", min(s.CapLeft, n), capAllows("daily_cap", s.CapAfter))
	case capped && s.CapLeft == 0:
		return them(n) + s.revisedToo() + capAllows("the cap", s.CapAfter)
	}
	return them(n)
}

// revisedToo names the changed rows the next send sends again beside
// the rows daily_cap held back (AgainRevised): " and the 2 changed rows
// to send again"; "" when none.
func (s *Summary) revisedToo() string {
	if s.AgainRevised <= 0 {
		return ""
	}
	return " and the " + Plural(s.AgainRevised, "changed row") + " to send again"
}

// deferredWhen says when the next send can try the deferred rows again,
// after a stop that needs time or a change (sendpool.StopWhen, as
// stopSends says it of the rows the stop left): " once the server's
// quota resets (often a day)"; "" otherwise.
func (s *Summary) deferredWhen() string {
	if when := sendpool.StopWhen(s.StopDetail); s.Stopped > 0 && when != "" {
		return " once " + when
	}
	return ""
}

// stopSends says what sends the rows a stop left and when: once what
// must change has (sendpool.StopFix), or once the time a stop needs has
// passed ("them once the server's quota resets (often a day)":
// sendpool.StopWhen); else as sends says. The summary's line and
// report.json's ending say the same.
func (s *Summary) stopSends() string {
	if when := sendpool.StopWhen(s.StopDetail); when != "" {
		return them(s.Stopped) + " once " + when
	}
	return s.sends(s.Stopped, false)
}

// capAllows says when a send sends the rows daily_cap holds back: once
// the cap (named so) allows, and when, in after's words (CapAfter; ""
// when not known).
func capAllows(name, after string) string {
	if after == "" {
		return " once " + name + " allows"
	}
	return " once " + name + " allows (" + after + ")"
}

// them is the pronoun of n rows: "it" for one, "them" for more.
func them(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// Plural writes n and noun, with an s (es after s, x, ch, sh) unless n is
// 1: "1 recipient", "2 recipients", "3 addresses".
func Plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	for _, end := range []string{"s", "x", "ch", "sh"} {
		if strings.HasSuffix(noun, end) {
			return strconv.Itoa(n) + " " + noun + "es"
		}
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// who names r's recipient for a person: the key, and the To beside it when
// the key is not an address (key: customer_id) or is not the To's.
func (r Row) who() string {
	if r.To == "" || strings.Contains(r.Key, "@") && strings.Contains(strings.ToLower(r.To), strings.ToLower(strings.TrimSpace(r.Key))) {
		return r.Key
	}
	return strings.TrimSpace(r.Key + " (" + r.To + ")")
}

// NoSuchAddress reports whether ec, a refusal's enhanced status code,
// says the address does not exist (RFC 3463): 5.1.1 (no such mailbox,
// "User unknown"), 5.1.2 (no such domain) or 5.1.10 (a domain that takes
// no mail, its MX null).
func NoSuchAddress(ec sendpool.EnhancedCode) bool {
	return ec[0] == 5 && ec[1] == 1 && (ec[2] == 1 || ec[2] == 2 || ec[2] == 10)
}
