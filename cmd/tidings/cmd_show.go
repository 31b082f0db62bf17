package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/spool"
)

// showOptions are the flags of `tidings show`.
type showOptions struct {
	// row picks the recipient by sheet row instead of key.
	row int
	// out is the file to write the message to; "" for stdout.
	out string
}

func newShowCommand(g *globalOptions) *cobra.Command {
	var opts showOptions
	cmd := &cobra.Command{
		Use:   "show CAMPAIGN.yaml [KEY]",
		Short: "Print a recipient's message as it was sent, byte for byte",
		Long: `show prints the message of one recipient, picked by key (as the sheet has it)
or with --row N, exactly as it went to the server: from the spool every send
writes (its preflight renders each message once and keeps it, compressed, in
the state folder). A recipient not sent yet gets the message the next send
will send. --out FILE writes it to FILE (an .eml a mail program opens) instead
of standard output; what it is (row, status, when spooled) goes to standard
error. Exit code: 0 printed, 1 no such recipient or no message spooled for
it yet, 2 campaign unusable.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 2 && opts.row == 0 || len(args) == 1 && opts.row > 0 {
				return nil
			}
			return fmt.Errorf("usage: %s (a KEY or --row N)", cmd.UseLine())
		},
		ValidArgsFunction: completeCampaign,
		RunE: func(cmd *cobra.Command, args []string) error {
			key := ""
			if len(args) == 2 {
				key = args[1]
			}
			return runShow(cmd.Context(), opts, g, args[0], key)
		},
	}
	cmd.Flags().IntVar(&opts.row, "row", 0, "the recipient of sheet row N (the header is row 1)")
	cmd.Flags().StringVarP(&opts.out, "out", "o", "", "write the message to FILE instead of standard output")
	_ = cmd.MarkFlagFilename("out", "eml")
	return cmd
}

// errNotFound says show found no message; exit code 1.
var errNotFound = errors.New("no message")

// runShow prints the message of the recipient key (or of sheet row
// opts.row).
func runShow(ctx context.Context, opts showOptions, g *globalOptions, path, key string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	state, err := journal.Load(ctx, c.StateDir) // read-only, beside a running send
	if err != nil {
		return &unusableError{err}
	}
	defer state.Close()
	finder, err := spool.OpenStore(c.StateDir).NewFinder()
	if err != nil {
		return &unusableError{err}
	}
	defer finder.Close()
	// The generation made from the campaign as it is, found once: it
	// hashes the campaign's inputs.
	current := sync.OnceValues(func() (*spool.Generation, error) { return plan.Spooled(ctx, path, version) })
	row, dupOf := opts.row, ""
	if row > 0 {
		if key, dupOf, err = keyOfRow(ctx, finder, current, c, row); err != nil {
			return err
		}
	}
	hash, status := "", "not sent yet"
	e, err := state.Entry(key)
	if err != nil {
		return &unusableError{err}
	}
	switch {
	case e != nil && e.LastAttempt != nil:
		row, hash, status = e.Row, e.Hash, e.Status.String()
	case e != nil:
		// A decision, no delivery: suppressed stands; an invalid row's
		// problem is gone once it has a message.
		row = e.Row
		if e.Status == sendpool.StatusSuppressed {
			status = "suppressed, not sent"
		}
	}
	m, gen, ok, err := finder.Find(ctx, row, key, hash)
	if err != nil {
		return &unusableError{err}
	}
	if !ok {
		return notSpooled(ctx, current, c, key, hash)
	}
	if !g.quiet {
		where := fmt.Sprintf("row %d", m.Row)
		switch {
		case dupOf != "":
			where = fmt.Sprintf("row %d is a %s and gets no message of its own; row %d", opts.row, dupOf, m.Row)
		case opts.row > 0 && opts.row != m.Row: // the sheet changed since
			where = fmt.Sprintf("row %d (row %d when spooled)", opts.row, m.Row)
		}
		fmt.Fprintf(g.stderr, "%s, %s: %s; spooled %s (generation %d), %s\n", where, m.Key, status,
			gen.Created().Local().Format(time.RFC3339), gen.Number(), byteSize(int64(len(m.Data))))
	}
	return writeMessage(g, opts.out, m.Data)
}

// keyOfRow is the key of sheet row row, and dupOf the row's "duplicate of
// row N" when it is one: as the generation made from the campaign as it is
// judged the row (plan.Spooled), where a row with a problem has no message;
// without one, as the newest generation that spooled the row as a message.
func keyOfRow(ctx context.Context, finder *spool.Finder, spooled func() (*spool.Generation, error), c *campaign.Campaign, row int) (key, dupOf string, err error) {
	gens := finder.Generations()
	current, _ := spooled() // none: the sheet changed since
	if current != nil {
		gens = []*spool.Generation{current}
	}
	for _, gen := range gens {
		rd, err := gen.Open()
		if err != nil {
			return "", "", &unusableError{err}
		}
		r, ok, err := rd.FindRow(ctx, func(r spool.Row) bool { return r.Row == row })
		rd.Close()
		switch {
		case err != nil:
			return "", "", &unusableError{err}
		case ok && r.Kind == spool.KindInvalid && current != nil:
			return "", "", fmt.Errorf("%w: row %d has a problem, and none is made until it is fixed: %s", errNotFound, row, r.Detail)
		case ok && r.Kind == spool.KindDuplicate:
			return r.Key, r.Detail, nil
		case ok && r.Kind == spool.KindMessage:
			return r.Key, "", nil
		}
	}
	return "", "", fmt.Errorf("%w: no message is spooled for row %d of %s (not a row of the sheet, a row with a problem, or not spooled yet: send spools every row before it sends)",
		errNotFound, row, displayPath(c.Recipients.Path))
}

// notSpooled says why key has no message: its row has a problem (as the
// generation made from the campaign as it is found: plan.Spooled), not in
// the sheet, or not spooled yet, or (hash set) the message that went out
// is gone.
func notSpooled(ctx context.Context, spooled func() (*spool.Generation, error), c *campaign.Campaign, key, hash string) error {
	if hash != "" {
		return fmt.Errorf("%w: the message handed over for %s (digest %s) is not in the spool any more", errNotFound, key, hash)
	}
	if gen, _ := spooled(); gen != nil { // none: the sheet says the rest
		r, ok, err := invalidRowOf(ctx, gen, key)
		if err != nil {
			return &unusableError{err}
		}
		if ok {
			return fmt.Errorf("%w: %s (row %d) has no message: the row has a problem, and none is made until it is fixed: %s", errNotFound, key, r.Row, r.Detail)
		}
	}
	row, err := sheetRowOf(ctx, c, key)
	if err != nil {
		return &unusableError{err}
	}
	if row == 0 {
		return fmt.Errorf("%w: %q is not a key in column %q of %s", errNotFound, key, c.Recipients.Key, displayPath(c.Recipients.Path))
	}
	return fmt.Errorf("%w: %s (row %d) has no message spooled yet: send spools every row before it sends (preview shows what it would be)", errNotFound, key, row)
}

// invalidRowOf finds the row record of gen with key that has a problem.
func invalidRowOf(ctx context.Context, gen *spool.Generation, key string) (spool.Row, bool, error) {
	rd, err := gen.Open()
	if err != nil {
		return spool.Row{}, false, err
	}
	defer rd.Close()
	return rd.FindRow(ctx, func(r spool.Row) bool { return r.Kind == spool.KindInvalid && spool.SameKey(r.Key, key) })
}

// sheetRowOf finds key in the sheet's key column; 0 when it is not there.
func sheetRowOf(ctx context.Context, c *campaign.Campaign, key string) (int, error) {
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		return 0, err
	}
	defer sheet.Close()
	for {
		r, err := sheet.Next(ctx)
		var re *campaign.RowError
		switch {
		case errors.Is(err, io.EOF):
			return 0, nil
		case errors.As(err, &re):
			continue
		case err != nil:
			return 0, err
		}
		if spool.SameKey(r.Values[c.Recipients.Key], key) {
			return r.Number, nil
		}
	}
}

// writeMessage writes data to out (a new or replaced private file), or to
// stdout when out is "".
func writeMessage(g *globalOptions, out string, data []byte) error {
	if out == "" {
		_, err := g.stdout.Write(data)
		return err
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return &unusableError{err}
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "wrote %s\n", displayPath(out))
	}
	return nil
}
