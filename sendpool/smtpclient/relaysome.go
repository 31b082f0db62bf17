package smtpclient

import "fmt"

// RelaySome says what a server that refuses to relay this client's mail
// to some domains and takes others means, and what lets it relay to the
// rest (RelayRest), in the words probe's note and send's summary share:
// "it relays for this client to some domains only, or hosts those it
// takes (then …: …)".
func RelaySome(username string, noAuth bool) string {
	why, fix := RelayRest(username, noAuth)
	return fmt.Sprintf("it relays for this client to some domains only, or hosts those it takes (then %s: %s)", why, fix)
}

// RelayRest says why a server that relays this client's mail to some
// domains refuses the rest (why) and what lets it relay to them (fix, an
// instruction to the user): for a campaign without smtp.username, a
// login or the server's trust, only its trust or its submission port
// when it offered no login (noAuth: known once a session was set up,
// false before); with one, the account's right to relay, which only the
// server's administrator gives.
func RelayRest(username string, noAuth bool) (why, fix string) {
	switch {
	case username == "" && noAuth:
		return "it relays the rest only for clients it trusts, and offers no login (AUTH) here", "have its administrator trust this machine's address, or use its submission port"
	case username == "":
		return "it wants a login for the rest, or to trust this machine", "set smtp.username, or have its administrator trust this machine's address"
	}
	return fmt.Sprintf("it does not relay the rest for %q", username), "have its administrator allow that account to relay to them, or use one that may"
}

// RelaySome is the package's RelaySome for d's campaign and what its last
// session learned of the server (no login offered).
func (d *Dialer) RelaySome() string { return RelaySome(d.cfg.Username, d.noAuth.Load()) }

// RelayRest is the package's RelayRest for d's campaign and what its last
// session learned of the server (no login offered).
func (d *Dialer) RelayRest() (why, fix string) { return RelayRest(d.cfg.Username, d.noAuth.Load()) }
