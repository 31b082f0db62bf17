package campaign

import (
	"errors"
	"strings"
)

// unsubscribeWarnings are the notes about the unsubscribe: settings of c
// (decoded from data, the file at file) that do not stop the campaign,
// each naming the file, the line and the setting:
//   - one_click without a dkim: section: receivers ignore one-click
//     unsubscribe that no DKIM signature covers (RFC 8058 4), whatever the
//     number of recipients;
//   - a url without one_click: Gmail and Yahoo require one-click
//     unsubscribe (RFC 8058) from bulk senders;
//   - one_click with a url the same for every recipient (no template
//     action): a POST to it cannot tell who unsubscribes;
//   - one_click with a cc: or bcc:: every copy carries the To recipient's
//     link, so whoever clicks Unsubscribe in a copy unsubscribes the To;
//   - one_click with a to: that visibly writes several addresses
//     (ToIsList): the link is the message's, so whichever of them clicks
//     Unsubscribe unsubscribes them all (render tells the rows whose
//     values make a list).
//
// A one_click without a url is not warned of: render refuses it.
func (c *Campaign) unsubscribeWarnings(file string, data []byte) []string {
	u := c.Unsubscribe
	if u.URL == "" {
		return nil
	}
	var out []string
	note := func(setting, text string) {
		line, col := position(data, setting)
		out = append(out, (&FileError{File: file, Line: line, Column: col, Err: errors.New(text)}).Error())
	}
	if !u.OneClick {
		note("unsubscribe.url", "unsubscribe.url without one_click: Gmail and Yahoo require RFC 8058 one-click unsubscribe from bulk senders; add one_click: true "+
			"under unsubscribe: (and a dkim: key) once the url unsubscribes on a POST, with no login or confirmation page")
		return out
	}
	if len(c.DKIM) == 0 {
		note("unsubscribe.one_click", "unsubscribe.one_click without a dkim: section: receivers ignore one-click unsubscribe unless a DKIM signature "+
			"covers both List-Unsubscribe headers (RFC 8058 4); add a dkim: key")
	}
	if !strings.Contains(u.URL, "{{") {
		note("unsubscribe.url", "unsubscribe.url is the same for every recipient with one_click: a one-click POST to it cannot tell who unsubscribes; "+
			"put the recipient's key, or a token made for them, in it (https://…/u?id={{.id | urlquery}})")
	}
	if setting, label := copySettings(c); setting != "" {
		note(setting, label+" with unsubscribe.one_click: every copy carries the To recipient's one-click link, so a copy's reader who clicks "+
			"Unsubscribe unsubscribes the To recipient; give the copies rows of their own, or drop one_click")
	}
	if c.ToIsList() {
		note("to", "to writes several addresses with unsubscribe.one_click: the one-click link is the message's, so whichever of them clicks "+
			"Unsubscribe unsubscribes them all; give each address a row of its own (one address in to:), or drop one_click")
	}
	return out
}

// copySettings names the first setting of c that sends copies, "cc" or
// "bcc", and how a warning calls those set ("cc", "bcc", "cc and bcc");
// "", "" when neither is set.
func copySettings(c *Campaign) (setting, label string) {
	switch {
	case c.Cc != "" && c.Bcc != "":
		return "cc", "cc and bcc"
	case c.Cc != "":
		return "cc", "cc"
	case c.Bcc != "":
		return "bcc", "bcc"
	}
	return "", ""
}
