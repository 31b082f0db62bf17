package plan

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/templates"
)

// Inputs are a campaign made ready to render: the campaign file loaded,
// its sheet open, its templates compiled against the sheet's columns, the
// renderer, the DKIM signer and the suppression list. The caller closes
// it; it is not safe for concurrent use (the sheet is read in order).
type Inputs struct {
	Campaign *campaign.Campaign
	Sheet    campaign.Sheet
	Set      *templates.Set
	Renderer *render.Renderer
	// Signer is nil when the campaign does not sign; Suppress nil when it
	// has no suppression list.
	Signer   *dkim.Signer
	Suppress *campaign.Suppression
}

// Close closes the sheet.
func (in *Inputs) Close() error { return in.Sheet.Close() }

// Open loads the campaign file at path and everything it names. The DKIM
// key and the suppression list are read here, once, so check finds a bad
// key or a missing list before send would. Every error it returns makes the
// campaign unusable.
func Open(ctx context.Context, path string) (*Inputs, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return nil, err
	}
	signer, err := dkim.NewSigner(c)
	if err != nil {
		fe := &campaign.FileError{File: c.File, Err: err}
		if ee, ok := errors.AsType[*dkim.EntryError](err); ok {
			fe.Line, fe.Column = ee.Line, ee.Column
		}
		return nil, fe
	}
	if _, err := sendpool.ParseDomainLimits(c.Send.Domains); err != nil {
		return nil, &campaign.FileError{File: c.File, Err: fmt.Errorf("send.domains: %w", err)}
	}
	in := &Inputs{Campaign: c, Signer: signer}
	if c.Suppress != "" {
		if in.Suppress, err = campaign.LoadSuppression(c.Suppress); err != nil {
			return nil, err
		}
	}
	if in.Sheet, err = campaign.OpenSheet(ctx, c.Recipients); err != nil {
		return nil, err
	}
	if err := in.compile(); err != nil {
		in.Sheet.Close()
		return nil, err
	}
	return in, nil
}

// compile compiles the templates against the sheet's columns and makes the
// renderer, which checks a From that does not align with the DKIM domain
// as the row's problem, before anything is sent.
func (in *Inputs) compile() error {
	set, err := templates.CompileSheet(in.Campaign, in.Sheet)
	if err != nil {
		return err
	}
	var opts render.Options
	if in.Signer != nil {
		opts.VetFrom = in.Signer.VetFrom
	}
	r, err := render.New(in.Campaign, set, opts)
	if err != nil {
		return err
	}
	in.Set, in.Renderer = set, r
	return nil
}

// Workers is how many goroutines render (and sign) in parallel.
func Workers() int { return runtime.GOMAXPROCS(0) }
