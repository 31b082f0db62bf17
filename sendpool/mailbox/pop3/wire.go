package pop3

import (
	"fmt"
	"strings"

	"github.com/tidings/tidings/sendpool/redact"
)

// cmd sends the command verb with its arguments and reads the status
// reply: the text after +OK, or an *Error for -ERR.
func (c *Client) cmd(verb string, args ...any) (string, error) {
	line := verb
	for _, a := range args {
		line += " " + fmt.Sprint(a)
	}
	if err := c.send(verb, line, line); err != nil {
		return "", err
	}
	reply, err := c.readReply(verb)
	if err != nil {
		return "", err
	}
	return checkStatus(verb, reply)
}

// send writes one command line; show is the line as the transcript shows
// it (with secrets replaced). Lines holding CR or LF are refused, so an
// argument cannot smuggle in a second command.
func (c *Client) send(verb, line, show string) error {
	if strings.ContainsAny(line, "\r\n") {
		return fmt.Errorf("pop3: %s: argument contains a line break", verb)
	}
	c.log.client(show)
	if err := c.w.PrintfLine("%s", line); err != nil {
		return fmt.Errorf("pop3: %s: sending: %w", verb, err)
	}
	return nil
}

// readReply reads one reply line, with the password (from Login on, in
// the forms it was sent in: secrets) replaced wherever a server would
// echo it.
func (c *Client) readReply(verb string) (string, error) {
	line, err := readLine(c.r)
	if err != nil {
		return "", fmt.Errorf("pop3: %s: reading the reply: %w", verb, err)
	}
	line = redact.String(line, c.secrets)
	c.log.server(line)
	return line, nil
}

// checkStatus returns the text of a +OK line, an *Error for -ERR and a
// protocol error for anything else.
func checkStatus(verb, line string) (string, error) {
	ok, text, err := parseStatus(line)
	switch {
	case err != nil:
		return "", fmt.Errorf("pop3: %s: %w", verb, err)
	case !ok:
		return "", newError(verb, text)
	}
	return text, nil
}

// listing reads the lines of a multi-line reply after its +OK.
func (c *Client) listing(verb string) ([]string, error) {
	lines, err := readLines(c.r)
	if err != nil {
		return nil, fmt.Errorf("pop3: %s: reading the listing: %w", verb, err)
	}
	for _, l := range lines {
		c.log.server(l)
	}
	c.log.server(".")
	return lines, nil
}
