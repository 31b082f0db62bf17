package sendpool

import "strings"

// seeStop points at the stop's reason, which says what to change: send
// prints it as its error, a report's summary line names it. A line that
// gives the reason itself leaves it out (StopStands).
const seeStop = " (see why the run stopped)"

// StopStands says, of stop (StopCause's words), why the run stopped, the
// words without "run stopped: ", and when its rows go (StopWhen, without
// seeStop: the line gives the reason itself), for a line under a send
// refused after it (a refusal's note, report's ending); "" and "" when
// the stop does not hold the rows (a stop that passes as the run ends).
func StopStands(stop string) (why, when string) {
	when = StopWhen(stop)
	if when == "" {
		return "", ""
	}
	return strings.TrimPrefix(stop, stopUnsent), strings.TrimSuffix(when, seeStop)
}

// StopFix says what must change before a send sends the rows a run that
// stopped for cause (StopCause's words, from send's report or from the
// journal) left, in words that follow "sends them once": the settings for
// a refused login or relay, a TLS failure, a host name that does not
// resolve, a transport the server lacks or a port where no mail server
// speaks; the server's answer or the settings when nothing answered the
// run's first connection; the rows or
// the server when it lacks SMTPUTF8; the list when too many of its
// addresses were refused (ErrBounceRate: it would stop the next send
// again, and every address sent to a bad list does the sender's name
// harm). It is "" for a stop that passes as
// it is (a server that stopped answering or refuses service, a used-up
// quota, a failed journal) and for any other detail.
func StopFix(cause string) string {
	switch StopKind(cause) {
	case StopSettings:
		return "the settings are fixed" + seeStop
	case StopUnreachable:
		return "the server answers or the settings are fixed" + seeStop
	case StopServerLacks:
		return "those rows or the server are changed" + seeStop
	case StopBounceRate:
		return "the list is cleaned of the addresses refused" + seeStop
	}
	return ""
}

// The words, after the server's address, of a first connection whose
// server took it and sent no greeting (smtpclient's hint when no second
// look tells what answers there): it closed the connection at once, or
// said nothing until the setup's time ran out. StopKind tells either
// stop StopUnreachable.
const (
	ClosedNoGreeting = "closed the connection without an SMTP greeting"
	SilentNoGreeting = "accepted the connection but sent no SMTP greeting"
)

// The kinds of stop StopKind tells: stable words (report.json's
// "ending"."cause").
const (
	StopSettings    = "settings"     // a refused login or relay, TLS, a host name, transport or port to fix
	StopUnreachable = "unreachable"  // nothing answered the run's first connection
	StopServer      = "server"       // a server that stopped answering or refused service
	StopServerLacks = "server_lacks" // SMTPUTF8 for some rows
	StopQuota       = "quota"        // the server's sending quota used up (ErrQuota)
	StopBounceRate  = "bounce_rate"  // too many recipients refused (ErrBounceRate)
	StopJournal     = "journal"      // the journal failed
	StopOther       = "other"        // any other stop
)

// StopKind is which kind of stop cause (StopCause's words) is, one of
// the Stop… constants; "" when cause is no stop's. StopFix says what
// must change before a send sends the rows it left, by its kind.
func StopKind(cause string) string {
	why, ok := strings.CutPrefix(cause, stopUnsent)
	if !ok {
		return ""
	}
	unreachable, dial := strings.CutPrefix(why, ErrUnreachable.Error()+": ")
	switch {
	case settingsStop(why), dial && dialSettings(unreachable):
		return StopSettings
	case dial && (strings.HasPrefix(unreachable, "nothing accepts connections at ") || strings.HasPrefix(unreachable, "no answer from ") ||
		strings.HasPrefix(afterAddr(unreachable), SilentNoGreeting) || strings.HasPrefix(afterAddr(unreachable), ClosedNoGreeting)):
		return StopUnreachable
	case strings.HasPrefix(why, ErrServerLacks.Error()):
		return StopServerLacks
	case strings.HasPrefix(why, ErrBounceRate.Error()):
		return StopBounceRate
	case strings.HasPrefix(why, ErrQuota.Error()):
		return StopQuota
	case strings.HasPrefix(why, ErrUnreachable.Error()):
		return StopServer
	case strings.HasPrefix(why, "the journal failed"):
		return StopJournal
	}
	return StopOther
}

// StopWhen says when a send sends the rows a run that stopped for cause
// (StopCause's words) left, in words that follow "sends them once":
// StopFix's, or, for a used-up sending quota (ErrQuota), once it resets,
// which needs nothing changed but time. It is "" for any other stop, which
// passes as it is.
func StopWhen(cause string) string {
	if fix := StopFix(cause); fix != "" {
		return fix
	}
	if StopKind(cause) == StopQuota {
		return "the server's quota resets (often a day)"
	}
	return ""
}

// IsBounceRateStop reports whether cause (StopCause's words) is a stop
// of the bounce-rate guard (ErrBounceRate): the failed rows it counted
// are addresses to take out of the list, not to try again.
func IsBounceRateStop(cause string) bool {
	return StopKind(cause) == StopBounceRate
}

// settingsStop reports whether why, a stop's reason, is an AuthError's or
// a TLSError's: a login or a connection the settings must change. Their
// words are read where AuthError.Reason puts them, at the start or after
// the server's address (which has no space), never in the server's reply
// that follows.
func settingsStop(why string) bool {
	rest := afterAddr(why)
	return strings.HasPrefix(why, loginWords) || strings.HasPrefix(why, tlsWords) ||
		strings.HasPrefix(rest, noLoginWords) || strings.HasPrefix(rest, relayWords)
}

// dialSettings reports whether unreachable, a stop's reason after "server
// unreachable: ", is a dial failure only the settings fix: a host name
// that does not resolve, a transport the server lacks, a port where no
// mail server speaks (one answering in another protocol, or in TLS from
// the first byte: smtpclient's notSMTP).
func dialSettings(unreachable string) bool {
	rest := afterAddr(unreachable)
	return strings.HasPrefix(unreachable, "the host name ") && strings.Contains(unreachable, " does not resolve (check smtp.host)") ||
		strings.HasPrefix(unreachable, ErrNoPipelining.Error()) ||
		strings.HasPrefix(rest, "answered ") || strings.HasPrefix(rest, "sent no SMTP greeting and ")
}

// afterAddr is s after its first word, the server's address in the
// words of a stop that start with it ("127.0.0.1:25 refused to …").
func afterAddr(s string) string {
	_, rest, _ := strings.Cut(s, " ")
	return rest
}
