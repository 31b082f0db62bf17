package main

import (
	"context"
	"errors"
	"strings"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// probeRows and probeDomains bound what probe asks the server about: the
// first recipient of each domain among the sheet's first probeRows rows
// that render, probeDomains domains at most (a relay that relays to some
// domains only shows with two; each RCPT is a question, never a message).
const (
	probeRows    = 20
	probeDomains = 3
)

// errEnough ends probeEnvelope's reading of the rows.
var errEnough = errors.New("enough rows")

// probeEnvelope is what probe asks the server about (smtpclient.Probe):
// the envelope sender and recipients of the campaign's first rows, one a
// domain. When it has none, why says why ("" when it has some).
func probeEnvelope(ctx context.Context, path string) (env smtpclient.ProbeEnvelope, why string) {
	in, err := plan.Open(ctx, path)
	if err != nil {
		return env, "the campaign's messages cannot be made: " + err.Error()
	}
	defer in.Close()
	seen, rows := map[string]bool{}, 0
	err = in.Renderer.Each(ctx, in.Sheet, 1, func(m *render.Message, err error) error {
		if rows++; rows > probeRows {
			return errEnough
		}
		if err != nil {
			return nil // a row problem: check tells it
		}
		for _, a := range m.Recipients {
			if d := strings.ToLower(a[strings.LastIndexByte(a, '@')+1:]); !seen[d] && len(seen) < probeDomains {
				seen[d], env.From, env.To = true, m.EnvelopeFrom, append(env.To, a)
			}
		}
		if len(seen) == probeDomains {
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return smtpclient.ProbeEnvelope{}, "the sheet cannot be read: " + err.Error()
	}
	if len(env.To) == 0 {
		return env, "no row of the sheet's first ones makes a message (check tells why)"
	}
	return env, ""
}
