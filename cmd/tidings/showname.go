package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/spool"
)

// runShowEarlier is show --name EARLIER: the message the campaign file at
// path handed over for key (or for row opts.row, as the sheet numbered it
// in the newest generation spooled under that name) while it was named
// opts.name, from that name's state folder, byte for byte. The sheet is
// not read: it may have changed since, or be gone. A key that name's
// journal and spool do not hold is said so, and nothing else is listed.
func runShowEarlier(ctx context.Context, opts showOptions, g *globalOptions, path, key string) error {
	c, err := campaign.Load(path)
	if err != nil {
		return &unusableError{err}
	}
	if err := renameToEarlier(c, opts.name); err != nil {
		return err
	}
	if opts.out != "" {
		if err := safeOut(opts.out, c.StateDir); err != nil {
			return &unusableError{err}
		}
	}
	state, finder, closeRecord, err := openSentRecord(ctx, c.StateDir)
	if err != nil {
		return err
	}
	defer closeRecord()
	dupOf := ""
	if opts.row > 0 {
		if key, dupOf, err = earlierKeyOfRow(ctx, finder, opts.row, opts.name); err != nil {
			return err
		}
	}
	e, err := state.Entry(key)
	if err != nil {
		return &unusableError{err}
	}
	row, hash, status := journalSays(e, opts.row)
	if hash == "" {
		return notSentUnder(ctx, finder, e, key, status, opts.name)
	}
	m, gen, ok, err := finder.Find(ctx, row, key, hash)
	switch {
	case err != nil:
		return &unusableError{err}
	case !ok:
		return goneMessage(key, hash, e.LastAttempt.Time, finder.Generations())
	}
	if !g.quiet {
		fmt.Fprintf(g.stderr, "%s, %s: %s; spooled %s (generation %d of %s), %s\n", earlierWhere(m.Row, opts.row, dupOf, opts.name),
			keyWords(m.Key), status, report.Time(gen.Created()), gen.Number(), displayPath(c.StateDir), byteSize(int64(len(m.Data))))
	}
	return writeMessage(g, c.StateDir, opts.out, m.Data)
}

// renameToEarlier gives c the earlier name of its file (--name name) and
// that name's state folder, which must hold a journal: when it does not,
// the error names the state folders beside c's that are c's file under
// another name (earlierRun), which --name takes.
func renameToEarlier(c *campaign.Campaign, name string) error {
	own := c.Name
	if err := c.Rename(name); err != nil {
		return &unusableError{fmt.Errorf("--name: %w", err)}
	}
	if _, err := os.Stat(filepath.Join(c.StateDir, journal.FileName)); err == nil {
		return nil
	}
	var names []string
	for _, f := range earlierFolders(c, own) {
		names = append(names, f.name)
	}
	which := "no state folder beside it holds this file's sends under another name"
	switch {
	case len(names) == 1:
		which = "this file was sent under the name " + names[0]
	case len(names) > 1:
		which = "this file was sent under the names " + strings.Join(names, ", ")
	}
	return &unusableError{fmt.Errorf("--name %s: no journal in %s: nothing was sent under that name (%s)", name, displayPath(c.StateDir), which)}
}

// earlierKeyOfRow is the key of row, as the newest generation spooled
// under the name that has a record of it numbered the sheet, and dupOf
// its "duplicate of row N" when it was one; a row with a problem then,
// or in no generation, is errNotFound.
func earlierKeyOfRow(ctx context.Context, finder *spool.Finder, row int, name string) (key, dupOf string, err error) {
	for _, gen := range finder.Generations() {
		r, ok, err := spooledRow(ctx, gen, row)
		switch {
		case err != nil:
			return "", "", &unusableError{err}
		case !ok:
			continue
		case r.Kind == spool.KindInvalid:
			return "", "", fmt.Errorf("%w: row %d had a problem under the name %s, and no message: %s", errNotFound, row, name, report.ProblemLine(r.Detail))
		case r.Kind == spool.KindDuplicate:
			return r.Key, r.Detail, nil
		}
		return r.Key, "", nil
	}
	return "", "", fmt.Errorf("%w: no row %d was spooled under the name %s", errNotFound, row, name)
}

// notSentUnder is show --name's error for key, for which no message was
// handed over under the name (e, its journal entry, nil for none, and
// status, journalSays's words): not a key of that name's journal nor of
// its spool, or one that got no message.
func notSentUnder(ctx context.Context, finder *spool.Finder, e *journal.Entry, key, status, name string) error {
	if e != nil {
		return fmt.Errorf("%w: no message went out for %s (row %d) under the name %s: %s", errNotFound, keyWords(key), e.Row, name, status)
	}
	for _, gen := range finder.Generations() {
		rd, err := gen.Open()
		if err != nil {
			return &unusableError{err}
		}
		r, ok, err := rd.FindRow(ctx, func(r spool.Row) bool { return spool.SameKey(r.Key, key) })
		rd.Close()
		switch {
		case err != nil:
			return &unusableError{err}
		case ok:
			return fmt.Errorf("%w: no message went out for %s (row %d) under the name %s: it was spooled, not sent", errNotFound, keyWords(key), r.Row, name)
		}
	}
	return fmt.Errorf("%w: %q is not a key of the campaign as it was sent under the name %s", errNotFound, key, name)
}

// earlierWhere says which row the message show --name prints is: its row
// as the sheet numbered it when sent (row), the row asked for (asked, 0
// for a key), a duplicate of it (dupOf, "" when not), under the name.
func earlierWhere(row, asked int, dupOf, name string) string {
	switch {
	case dupOf != "":
		return fmt.Sprintf("under the name %s, row %d was a %s and got no message of its own; row %d", name, asked, dupOf, row)
	case asked > 0 && asked != row:
		return fmt.Sprintf("under the name %s, row %d (row %d when sent)", name, asked, row)
	}
	return fmt.Sprintf("under the name %s, row %d when sent", name, row)
}
