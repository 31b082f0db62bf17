package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/templates"
)

// prepared is a campaign made ready to render: loaded, its sheet opened and
// its templates compiled against the sheet's columns. The caller closes it.
type prepared struct {
	c        *campaign.Campaign
	sheet    campaign.Sheet
	set      *templates.Set
	renderer *render.Renderer
	// signer is nil when the campaign does not sign; supp nil when it has
	// no suppression list.
	signer *sendpool.Signer
	supp   *campaign.Suppression
}

func (p *prepared) Close() error { return p.sheet.Close() }

// prepare loads the campaign file at path and everything it names. Every
// error it returns makes the campaign unusable (exit code 2).
func prepare(ctx context.Context, path string) (*prepared, error) {
	c, err := campaign.Load(path)
	if err != nil {
		return nil, &unusableError{err}
	}
	// The DKIM key and the suppression list are read once, here, so check
	// finds a bad key or a missing list before send would.
	signer, err := sendpool.NewSigner(c)
	if err != nil {
		return nil, &unusableError{&campaign.FileError{File: c.File, Err: err}}
	}
	if _, err := sendpool.ParseDomainLimits(c.Send.Domains); err != nil {
		return nil, &unusableError{&campaign.FileError{File: c.File, Err: fmt.Errorf("send.domains: %w", err)}}
	}
	var supp *campaign.Suppression
	if c.Suppress != "" {
		if supp, err = campaign.LoadSuppression(c.Suppress); err != nil {
			return nil, &unusableError{err}
		}
	}
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return nil, &unusableError{err}
	}
	set, err := templates.Compile(c, sheet.Columns())
	if err != nil {
		sheet.Close()
		return nil, &unusableError{err}
	}
	var opts render.Options
	if signer != nil {
		opts.VetFrom = signer.VetFrom // a misaligned From is the row's problem before anything is sent
	}
	r, err := render.New(c, set, opts)
	if err != nil {
		sheet.Close()
		return nil, &unusableError{err}
	}
	return &prepared{c: c, sheet: sheet, set: set, renderer: r, signer: signer, supp: supp}, nil
}

// renderWorkers is how many goroutines render in parallel.
func renderWorkers() int { return runtime.GOMAXPROCS(0) }

// displayPath shortens an absolute path to one relative to the working
// folder when that is shorter, for messages a person reads.
func displayPath(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && len(rel) < len(p) {
		return rel
	}
	return p
}

// problemText formats a row problem for a person: file, row, column, reason.
func problemText(err error) string {
	var re *campaign.RowError
	if errors.As(err, &re) {
		cp := *re
		cp.File = displayPath(re.File)
		return cp.Error()
	}
	return err.Error()
}

// printWarnings prints the sheet's and renderer's warnings.
func printWarnings(w io.Writer, warnings []string) {
	for _, s := range warnings {
		fmt.Fprintln(w, "warning:", s)
	}
}

// messageWarnings prints the warnings of rendered messages (a subject over
// render.SubjectWarnLength characters …) as they come, each with its file
// and row, up to limit of them; a constant template can give every row the
// same warning, and a million identical lines help nobody. Done prints how
// many were not shown. It is not safe for concurrent use (render.Each
// calls back from one goroutine).
type messageWarnings struct {
	w     io.Writer
	file  string // the sheet, as displayPath shows it
	limit int
	n     int
}

// maxMessageWarnings is how many message warnings a run prints.
const maxMessageWarnings = 20

func newMessageWarnings(w io.Writer, sheet string) *messageWarnings {
	return &messageWarnings{w: w, file: displayPath(sheet), limit: maxMessageWarnings}
}

// Add prints m's warnings.
func (mw *messageWarnings) Add(m *render.Message) {
	for _, s := range m.Warnings {
		mw.n++
		if mw.n <= mw.limit {
			fmt.Fprintf(mw.w, "warning: %s: row %d: %s\n", mw.file, m.Row, s)
		}
	}
}

// Done says how many warnings were not shown.
func (mw *messageWarnings) Done() {
	if mw.n > mw.limit {
		fmt.Fprintf(mw.w, "(%d more warnings about messages not shown)\n", mw.n-mw.limit)
	}
}
