package pop3

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// Capabilities is a server's CAPA reply (RFC 2449): each capability name,
// in upper case, with its parameters ("SASL": ["PLAIN", "LOGIN"]).
type Capabilities map[string][]string

// Has reports the capability name (any case).
func (c Capabilities) Has(name string) bool {
	_, ok := c[strings.ToUpper(name)]
	return ok
}

// HasParam reports the capability name with param among its parameters
// (any case), as HasParam("SASL", "PLAIN").
func (c Capabilities) HasParam(name, param string) bool {
	return slices.ContainsFunc(c[strings.ToUpper(name)], func(p string) bool {
		return strings.EqualFold(p, param)
	})
}

// Capabilities returns what the server says it supports now (they may
// change after STLS and after login). A server without CAPA gives an
// *Error. The map is the caller's.
func (c *Client) Capabilities(ctx context.Context) (Capabilities, error) {
	var caps Capabilities
	err := c.do(ctx, "CAPA", func() error {
		var err error
		caps, err = c.capa()
		return err
	})
	return maps.Clone(caps), err
}

// capa returns the capabilities, asking the server when they are not known.
func (c *Client) capa() (Capabilities, error) {
	if c.caps != nil {
		return c.caps, nil
	}
	if _, err := c.cmd("CAPA"); err != nil {
		return nil, err
	}
	lines, err := c.listing("CAPA")
	if err != nil {
		return nil, err
	}
	caps := Capabilities{}
	for _, l := range lines {
		if f := strings.Fields(l); len(f) > 0 {
			caps[strings.ToUpper(f[0])] = f[1:]
		}
	}
	c.caps = caps
	return caps, nil
}
