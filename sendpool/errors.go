package sendpool

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
)

// Interrupted is why an interrupted run (Ctrl-C: Run's context ended)
// stopped, in the words of its stop and of the results it leaves.
const Interrupted = "run interrupted"

// InterruptedUnsent is the detail of a message an interrupted run never
// tried, whether the pool had taken it up or not: the same words in
// send's report and in report's, rebuilt from the journal. A failed row
// an interrupted send --retry-failed had yet to retry has it too, and a
// plain send leaves that one failed: the words say so.
const InterruptedUnsent = Interrupted + ": the next send sends it (one that failed before: send --retry-failed)"

// interruptedUnsentBefore is InterruptedUnsent as journals written
// before it named --retry-failed have it.
const interruptedUnsentBefore = Interrupted + ": the next send sends it"

// IsInterruptedUnsent reports whether detail is InterruptedUnsent's, in
// its words of now or of before.
func IsInterruptedUnsent(detail string) bool {
	return detail == InterruptedUnsent || detail == interruptedUnsentBefore
}

// NotReached is the detail of a row no send has tried a message of,
// in a report rebuilt from the journal.
const NotReached = "not tried yet: no send has reached this row"

// RefusedFix is what to do after a send refused to start, as rows have
// problems: its last line's advice, and RefusedUnsent's.
const RefusedFix = "fix them, or send the rest with --skip-invalid"

// RefusedPartFix is what to do after a send in parts refused to start a
// part after its first, as rows have problems now, again being the
// command that sends the rest ("tidings send --yes c.yaml"): its last
// line's advice and report's summary's (RefusedLine). RefusedAfter's,
// in each row's detail, where no command is named, is that of again "":
// "fix them and send the rest, or send it with --skip-invalid".
func RefusedPartFix(again string) string {
	if again == "" {
		return refusedPartFix
	}
	return "fix them and run " + again + " for the rest, or send the rest with --skip-invalid"
}

// refusedPartFix is RefusedPartFix's words without a command.
const refusedPartFix = "fix them and send the rest, or send it with --skip-invalid"

// refusedStart starts the detail of every row a send that refused to
// start would have sent (IsRefusedUnsent).
const refusedStart = "not tried: send refused to start"

// refusedWhy starts RefusedUnsent's detail.
const refusedWhy = refusedStart + ", as rows have problems"

// RefusedUnsent is the detail of the rows a send that refused to start,
// as rows have problems, would have sent: the same words in that send's
// report and in report's, rebuilt from the journal while that refusal is
// the last send (journal.State.Refused).
const RefusedUnsent = refusedWhy + " (" + RefusedFix + ")"

// RefusedLine is the one line of a summary of n rows whose detail is
// RefusedUnsent's, or another refusal's (IsRefusedUnsent: RefusedAfter's):
// "3 not tried: send refused to start, as rows have problems; fix them,
// or send the rest with --skip-invalid"; a part's refusal with the
// command again that sends the rest (RefusedPartFix).
func RefusedLine(n int, detail, again string) string {
	head, rest, _ := strings.Cut(detail, " (")
	fix, _, _ := strings.Cut(rest, ")")
	if fix == refusedPartFix {
		fix = RefusedPartFix(again)
	}
	return fmt.Sprintf("%d %s; %s", n, head, cmp.Or(fix, RefusedFix))
}

// refusedAfterStop joins a stop that still holds to the detail of the
// rows a send refused to start would have sent (RefusedAfter).
const refusedAfterStop = "; before it, "

// RefusedAfter is the detail of the rows a send that refused to start,
// as rows have problems, would have sent: RefusedUnsent; for a send in
// parts that refused to start its part (2 and up), the part and what
// its parts before sent ("not tried: send refused to start its part 2,
// as rows have problems, after its part 1 sent 5 (fix them and send the
// rest, …)"); and when the latest run that tried messages
// stopped for a cause that must change or pass first (stop, StopCause's
// words, StopWhen not ""), that stop ("…; before it, run stopped: the
// server's sending quota is used up: …"): fixed, the rows go only once
// the stop's cause has, a send before then stopping again.
func RefusedAfter(part, sent int, stop string) string {
	detail := RefusedUnsent
	if part > 1 {
		before := "its part 1"
		if part > 2 {
			before = fmt.Sprintf("its parts 1 to %d", part-1)
		}
		detail = fmt.Sprintf("%s its part %d, as rows have problems, after %s sent %d (%s)", refusedStart, part, before, sent, refusedPartFix)
	}
	if StopWhen(stop) != "" {
		detail += refusedAfterStop + stop
	}
	return detail
}

// IsRefusedUnsent reports whether detail is RefusedUnsent's, or
// RefusedAfter's.
func IsRefusedUnsent(detail string) bool {
	return strings.HasPrefix(detail, refusedStart)
}

// RefusedStop is the stop a refusal's detail (RefusedAfter's) names as
// still holding, StopCause's words; "" for none.
func RefusedStop(detail string) string {
	if !IsRefusedUnsent(detail) {
		return ""
	}
	_, stop, _ := strings.Cut(detail, refusedAfterStop)
	return stop
}

// limitUnsent starts LimitUnsent's detail.
const limitUnsent = "not tried in this run: --limit "

// LimitUnsent is the detail of the rows a run held back past --limit n:
// the same words in send's report and in report's.
func LimitUnsent(n int) string { return fmt.Sprintf("%s%d", limitUnsent, n) }

// IsLimitUnsent reports whether detail is LimitUnsent's.
func IsLimitUnsent(detail string) bool { return strings.HasPrefix(detail, limitUnsent) }

// stopUnsent starts StopUnsent's detail.
const stopUnsent = "run stopped: "

// StopUnsent is the detail of the rows a run stopped for why left
// unsent ("run stopped: server unreachable: …"), as the pool gives it.
func StopUnsent(why string) string { return stopUnsent + why }

// IsStopUnsent reports whether detail is StopUnsent's.
func IsStopUnsent(detail string) bool { return strings.HasPrefix(detail, stopUnsent) }

// beforeNextTry follows StopUnsent's words in the detail of a row the
// stopped run had tried, and would have tried again.
const beforeNextTry = " before the next try"

// StopCause is a StopUnsent detail without what a row's own tries add to
// it (" before the next try", "; last try: …"): the stop's words, the same
// for the row whose refusal stopped the run and the rows it never reached.
func StopCause(detail string) string {
	cause, _, _ := strings.Cut(detail, beforeNextTry)
	return cause
}

// CapUnsent is the detail of the rows a run held back because
// send.daily_cap let no more go in its 24 hours, in send's report;
// report's, rebuilt from the journal, reads NotReached for them, and its
// summary gives them CapUnsent's line while the cap lets none go.
const CapUnsent = "not tried in this run: daily_cap reached"

// Sentinel errors. Errors returned by this package and by its transports
// wrap them so callers can test with errors.Is. Their texts carry no
// package prefix: they are the words a run's stop reason or a report's
// detail is made of, and the error types below add the prefix once.
var (
	// ErrAuth marks a run stopped because the server refused the login
	// (an *AuthError).
	ErrAuth = errors.New("authentication failed")
	// ErrTLS marks a run stopped by a TLS problem: a certificate that does
	// not verify, a failed handshake, STARTTLS required but not offered
	// (a *TLSError).
	ErrTLS = errors.New("TLS failed")
	// ErrInsecureAuth is the refusal to send credentials over an
	// unencrypted connection to a host that is not loopback.
	ErrInsecureAuth = errors.New("refusing to send the password over an unencrypted connection to a host that is not loopback (use security: tls or starttls)")
	// ErrUnreachable marks a run stopped because the server could not be
	// connected to: a setting to fix (a host that does not resolve, a
	// port nobody answers on), or several failures in a row.
	ErrUnreachable = errors.New("server unreachable")
	// ErrServerLacks marks a run stopped at a connection whose server does
	// not offer what messages of the run need (SMTPUTF8), before that
	// connection carried anything.
	ErrServerLacks = errors.New("the server lacks what this run needs")
	// ErrQuota marks a run stopped because the server says the sender's
	// quota for a day or a month, or its credits, are used up
	// (ClassQuota): every further message would meet the same refusal.
	ErrQuota = errors.New("the server's sending quota is used up")
	// ErrBounceRate marks a run the send guard stopped (plan's, under
	// send.max_bounce_rate): too many of the campaign's recipients were
	// refused for good, and the list is to be cleaned before the rest go.
	ErrBounceRate = errors.New("too many recipients refused")
	// ErrNoPipelining is the refusal to run with smtp.transport: pipelined
	// against a server that does not offer PIPELINING.
	ErrNoPipelining = errors.New("smtp.transport is pipelined but the server does not offer PIPELINING (RFC 2920); use transport: auto or plain")
	// ErrJournal marks a run stopped because the journal failed; nothing
	// is sent without its attempt record.
	ErrJournal = errors.New("journal failed")
	// ErrInterrupted is returned by Run when its context was cancelled
	// (Ctrl-C): dispatching stopped and in-flight messages finished.
	ErrInterrupted = errors.New("sendpool: interrupted")
	// ErrAborted is returned by Run after Abort: in-flight messages were cut
	// off.
	ErrAborted = errors.New("sendpool: aborted")

	// ErrTooBig: the message is larger than the server's SIZE.
	ErrTooBig = errors.New("message larger than the server accepts (SIZE)")
	// ErrNeedsSMTPUTF8: the message needs SMTPUTF8 and the server does not
	// offer it.
	ErrNeedsSMTPUTF8 = errors.New("needs SMTPUTF8, which the server does not offer")
	// ErrNoRecipients: the server refused every envelope recipient.
	ErrNoRecipients = errors.New("server refused every recipient")
	// ErrReplyLost: the message body was sent but the final reply never
	// came; the outcome is unknown.
	ErrReplyLost = errors.New("connection lost after the message body was sent, before the server's reply: delivery unknown")
	// ErrReplyTimedOut: the message body was sent and the server, the
	// connection still open, sent no reply within the wait smtp.timeout
	// sets, after which the client closed it; the outcome is unknown, as
	// with ErrReplyLost, which it is a kind of (errors.Is(ErrReplyTimedOut,
	// ErrReplyLost) holds).
	ErrReplyTimedOut error = replyTimedOut{}
	// ErrAbortedAfterBody: the run was aborted (Abort: a second Ctrl-C)
	// after the message body was sent and before the server's reply; the
	// outcome is unknown, as with ErrReplyLost, but the cut was the
	// user's, not the network's.
	ErrAbortedAfterBody = errors.New("the run was aborted (a second Ctrl-C or SIGTERM) after the message body was sent, before the server's reply: delivery unknown")
)

// replyTimedOut is ErrReplyTimedOut.
type replyTimedOut struct{}

func (replyTimedOut) Error() string {
	return "no reply from the server within the wait smtp.timeout sets, after the message body was sent: delivery unknown (a server this slow to answer wants a larger smtp.timeout)"
}

// Is makes a timed-out reply a lost one (ErrReplyLost).
func (replyTimedOut) Is(target error) bool { return target == ErrReplyLost }

// prefix starts the message of every error type of this package.
const prefix = "sendpool: "

// Reason returns the words of err for a person: a report's detail, the
// reason a run stopped. For the error types of this package that is their
// message without the package prefix (their Reason method); for any other
// error, its message.
func Reason(err error) string {
	if r, ok := err.(interface{ Reason() string }); ok {
		return r.Reason()
	}
	return err.Error()
}

// SMTPError is a reply from the server that refused a command.
type SMTPError struct {
	// Command is the verb that was refused: "CONNECT" (the greeting),
	// "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA" or "." (the final
	// reply to the message body).
	Command      string
	Code         int
	EnhancedCode EnhancedCode
	Message      string
}

func (e *SMTPError) Error() string { return prefix + e.Reason() }

// Reason is the refusal without the package prefix: "RCPT: 550 5.1.1
// text"; the final reply to the body is "message: 451 4.7.1 text", a
// refusing greeting "greeting: 432 4.3.2 text".
func (e *SMTPError) Reason() string {
	switch e.Command {
	case "":
		return e.Reply()
	case ".":
		return "message: " + e.Reply()
	case "CONNECT":
		return "greeting: " + e.Reply()
	}
	return e.Command + ": " + e.Reply()
}

// Temporary reports whether the reply is a transient (4xx) one.
func (e *SMTPError) Temporary() bool { return e.Code >= 400 && e.Code < 500 }

// Reply is the reply as the report shows it: "550 5.1.1 text".
func (e *SMTPError) Reply() string {
	s := fmt.Sprintf("%d", e.Code)
	if ec := e.EnhancedCode.String(); ec != "" {
		s += " " + ec
	}
	if e.Message != "" {
		s += " " + OneLine(e.Message)
	}
	return s
}

// Stage is how far a transaction got.
type Stage int

// The stages of a transaction, in order.
const (
	// StagePrepare: local checks before anything is sent (SIZE, SMTPUTF8).
	StagePrepare Stage = iota
	// StageMail: MAIL FROM.
	StageMail
	// StageRcpt: RCPT TO.
	StageRcpt
	// StageData: the DATA command, up to its 354 reply.
	StageData
	// StageBody: writing the message body; the server cannot have accepted
	// the message yet.
	StageBody
	// StageReply: the end-of-data mark was sent and the final reply is
	// awaited; a connection lost here leaves the outcome unknown.
	StageReply
)

func (s Stage) String() string {
	switch s {
	case StagePrepare:
		return "prepare"
	case StageMail:
		return "MAIL"
	case StageRcpt:
		return "RCPT"
	case StageData:
		return "DATA"
	case StageBody:
		return "body"
	case StageReply:
		return "final reply"
	default:
		return fmt.Sprintf("Stage(%d)", int(s))
	}
}

// TxError is why a transaction did not complete. Err is an *SMTPError for a
// server reply, a sentinel (ErrTooBig, ErrNeedsSMTPUTF8, ErrNoRecipients,
// ErrReplyLost), an error wrapping ErrJournal, or a network error.
type TxError struct {
	Stage Stage
	Err   error
}

func (e *TxError) Error() string { return prefix + e.Reason() }

// Reason is the failure without the package prefix: a server's refusal as
// SMTPError.Reason gives it, a journal failure as it is, anything else
// after the stage it happened in.
func (e *TxError) Reason() string {
	var se *SMTPError
	if errors.As(e.Err, &se) || errors.Is(e.Err, ErrJournal) {
		return Reason(e.Err)
	}
	return e.Stage.String() + ": " + Reason(e.Err)
}

func (e *TxError) Unwrap() error { return e.Err }

// Ambiguous reports whether the message may have been delivered although no
// reply says so: the body was sent and the final reply was lost.
// So is a panic of the transport once the body was due (afterBody).
func (e *TxError) Ambiguous() bool {
	return errors.Is(e.Err, ErrReplyLost) || e.Stage >= StageBody && errors.Is(e.Err, errTransportPanic)
}

// AuthError stops a run: the server refused the login (or to relay mail
// for this client, which logging in answers), or the login could
// not be attempted safely. errors.Is(err, ErrAuth) is true for it.
type AuthError struct {
	Host     string
	Username string
	// Reply is the server's refusal, nil when the problem is local.
	Reply *SMTPError
	// Err is the underlying problem (ErrInsecureAuth, a missing mechanism).
	Err error
	// Hint says what usually fixes it, "" when nothing specific is known.
	Hint string
}

func (e *AuthError) Error() string { return prefix + e.Reason() }

// The words AuthError.Reason and TLSError start their kinds with (the
// first two after the server's address), which StopFix reads back from
// a stop's detail (settingsStop).
const (
	noLoginWords = "refused to take mail without a login"
	relayWords   = "refused to relay mail for "
	loginWords   = "login to "
	tlsWords     = "TLS with "
)

// Reason is the refusal without the package prefix.
func (e *AuthError) Reason() string {
	var b strings.Builder
	switch {
	case e.Username == "":
		fmt.Fprintf(&b, "%s %s", e.Host, noLoginWords)
	case e.Reply != nil && IsRelayRefusal(e.Reply.Code, e.Reply.Message):
		fmt.Fprintf(&b, "%s %s%q", e.Host, relayWords, e.Username)
	default:
		fmt.Fprintf(&b, "%s%s as %q failed", loginWords, e.Host, e.Username)
	}
	if e.Reply != nil {
		fmt.Fprintf(&b, ": server replied %s", e.Reply.Reply())
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %s", Reason(e.Err))
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrAuth) true.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

// Unwrap returns the local cause or the server reply.
func (e *AuthError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	if e.Reply != nil {
		return e.Reply
	}
	return nil
}

// TLSError stops a run: the connection could not be secured as configured.
// errors.Is(err, ErrTLS) is true for it.
type TLSError struct {
	Host string
	// Why says what went wrong in words.
	Why string
	Err error
	// Hint says what else may fix it, after the cause; "" for nothing.
	Hint string
}

func (e *TLSError) Error() string { return prefix + e.Reason() }

// Reason is the failure without the package prefix.
func (e *TLSError) Reason() string {
	s := fmt.Sprintf("%s%s: %s", tlsWords, e.Host, e.Why)
	if e.Err != nil {
		s += ": " + Reason(e.Err)
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

// Is makes errors.Is(err, ErrTLS) true.
func (e *TLSError) Is(target error) bool { return target == ErrTLS }

func (e *TLSError) Unwrap() error { return e.Err }

// DialKind says what kind of setting a DialError points at.
type DialKind int

// The kinds of dial failure the pool treats as settings to fix.
const (
	// DialFailed: connecting failed in a way that may pass (a resolver
	// timeout, a reset); the pool dials again.
	DialFailed DialKind = iota
	// DialNotFound: the host name does not exist (NXDOMAIN).
	DialNotFound
	// DialNoAnswer: nothing accepts connections at the address, or
	// nothing answers there (refused, timed out). On the run's first
	// connection that is a wrong host, port or security setting.
	DialNoAnswer
	// DialUnsupported: the server does not offer what the settings
	// require (ErrNoPipelining).
	DialUnsupported
)

// NoAnswer says what a dial of kind DialNoAnswer met, so that the pool
// chooses its words for an outage without reading a DialError's Hint.
type NoAnswer int

// What a dial of kind DialNoAnswer met.
const (
	// NoAnswerOther: something that is not a mail server answered (a
	// web server, TLS from the first byte, words that are no SMTP
	// greeting), or nothing is known.
	NoAnswerOther NoAnswer = iota
	// NoAnswerRefused: nothing accepts connections at the address.
	NoAnswerRefused
	// NoAnswerTimeout: nothing answered the connect or the setup in time.
	NoAnswerTimeout
	// NoAnswerClosed: the server closed the connection without a
	// greeting (ClosedNoGreeting).
	NoAnswerClosed
	// NoAnswerSilent: the server took the connection and said nothing
	// until the setup's time ran out (SilentNoGreeting).
	NoAnswerSilent
)

// DialError is a failure to open a session with the server before any
// reply could refuse it. Hint says in words what is likely wrong and which
// setting to look at ("" when nothing specific is known); the pool stops a
// run with it when Kind says a setting is at fault. NoAnswer says what a
// dial of kind DialNoAnswer met.
type DialError struct {
	Addr     string
	Kind     DialKind
	NoAnswer NoAnswer
	Hint     string
	Err      error
}

func (e *DialError) Error() string { return prefix + e.Reason() }

// Reason is the failure without the package prefix: the hint when there
// is one, else "connect ADDR: " and the cause.
func (e *DialError) Reason() string {
	if e.Hint != "" {
		return e.Hint
	}
	return "connect " + e.Addr + ": " + Reason(e.Err)
}

func (e *DialError) Unwrap() error { return e.Err }

// StopError is the error a run stopped for: Kind is the sentinel it is
// about (ErrUnreachable, ErrServerLacks, ErrJournal, …), Detail says more,
// Err is the cause. errors.Is(err, Kind) is true for it.
type StopError struct {
	Kind   error
	Detail string
	Err    error
}

func (e *StopError) Error() string { return prefix + e.Reason() }

// Reason is the stop without the package prefix: "server unreachable: …".
func (e *StopError) Reason() string {
	s := e.Kind.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Err != nil {
		s += ": " + Reason(e.Err)
	}
	return s
}

// Is makes errors.Is(err, e.Kind) true.
func (e *StopError) Is(target error) bool { return target == e.Kind }

func (e *StopError) Unwrap() error { return e.Err }

// UnrecordedError is the journal's failure (Err) to record the result
// of row Row's message, which the server may have taken: the journal
// holds its attempt without a result, which reads back unknown. Rows are
// every row of the run whose result could not be recorded so (Row among
// them), in order: their Results say unknown too. A run stopped by it
// returns it inside a *StopError of ErrJournal, also when another error
// stopped the run first (see poolRun.err).
type UnrecordedError struct {
	Row  int
	Rows []int
	Err  error
}

// RowList names e's Rows: "row 7", "rows 2, 5 and 9", "rows 2, 5, 9, 12,
// 15 and 3 more".
func (e *UnrecordedError) RowList() string { return rowList(e.Rows) }

func (e *UnrecordedError) Error() string { return e.Err.Error() }

func (e *UnrecordedError) Unwrap() error { return e.Err }

// OneLine joins the lines of a multi-line reply text with spaces and
// collapses runs of white space, for reports and messages.
func OneLine(s string) string {
	if isOneLine(s) {
		return s // most replies: no copy (a message's result takes three)
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

// isOneLine reports whether OneLine would give s back as it is: ASCII
// words split by single spaces, with no other white space.
func isOneLine(s string) bool {
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case b >= 0x80, b >= '\t' && b <= '\r':
			return false
		case b == ' ' && (i == 0 || i == len(s)-1 || s[i-1] == ' '):
			return false
		}
	}
	return true
}
