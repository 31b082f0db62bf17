package smtpclient

import "fmt"

// Login is what the sessions set up so far learned of whether a server
// offers a login (AUTH, after STARTTLS where the campaign asks for it).
type Login int

// What is known of a server's login.
const (
	// LoginUnknown: no session was set up (tidings report, which connects
	// to no server; a send that had nothing to send).
	LoginUnknown Login = iota
	// LoginOffered: the last session's EHLO offered AUTH.
	LoginOffered
	// LoginNotOffered: the last session's EHLO offered no AUTH.
	LoginNotOffered
)

// RelaySome says what a server that refuses to relay this client's mail
// to some domains and takes others means, and what lets it relay to the
// rest (RelayRest), in the words probe's note and send's summary share:
// "it relays for this client to some domains only, or hosts those it
// takes (then …: …)".
func RelaySome(username string, login Login) string {
	why, fix := RelayRest(username, login)
	return fmt.Sprintf("it relays for this client to some domains only, or hosts those it takes (then %s: %s)", why, fix)
}

// RelayRest says why a server that relays this client's mail to some
// domains refuses the rest (why) and what lets it relay to them (fix, an
// instruction to the user): for a campaign without smtp.username, a
// login or the server's trust; only its trust or its submission port
// when it offered no login; a login where it offers one, or else those,
// when that is not known (login); with a username, the account's right
// to relay, which only the server's administrator gives.
func RelayRest(username string, login Login) (why, fix string) {
	switch {
	case username == "" && login == LoginNotOffered:
		return "it relays the rest only for clients it trusts, and offers no login (AUTH) here", "have its administrator trust this machine's address, or use its submission port"
	case username == "" && login == LoginOffered:
		return "it wants a login for the rest, or to trust this machine", "set smtp.username, or have its administrator trust this machine's address"
	case username == "":
		return "it wants a login for the rest where it offers one, or to trust this machine", "set smtp.username if it offers a login (tidings probe tells), or have its administrator trust this machine's address, or use its submission port"
	}
	return fmt.Sprintf("it does not relay the rest for %q", username), "have its administrator allow that account to relay to them, or use one that may"
}

// RelaySome is the package's RelaySome for d's campaign and what its last
// session learned of the server's login (LoginUnknown before any).
func (d *Dialer) RelaySome() string { return RelaySome(d.cfg.Username, d.loginSeen()) }

// RelayRest is the package's RelayRest for d's campaign and what its last
// session learned of the server's login (LoginUnknown before any).
func (d *Dialer) RelayRest() (why, fix string) { return RelayRest(d.cfg.Username, d.loginSeen()) }

// loginSeen is what d's last session learned of the server's login.
func (d *Dialer) loginSeen() Login {
	switch {
	case !d.sawEHLO.Load():
		return LoginUnknown
	case d.noAuth.Load():
		return LoginNotOffered
	}
	return LoginOffered
}
