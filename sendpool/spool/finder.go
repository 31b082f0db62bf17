package spool

import (
	"cmp"
	"context"
	"errors"

	"github.com/tidings/tidings/campaign"
)

// Finder looks up spooled messages across a campaign's generations,
// newest first: the record of what went out, and of what will. It is used
// by one goroutine at a time; the caller closes it.
type Finder struct {
	gens    []*Generation
	readers map[int]*Reader
}

// NewFinder returns a Finder over the complete generations in the store.
func (s *Store) NewFinder() (*Finder, error) {
	gens, err := s.Generations()
	if err != nil {
		return nil, err
	}
	return &Finder{gens: gens, readers: map[int]*Reader{}}, nil
}

// Generations are the generations the Finder looks in, newest first.
func (f *Finder) Generations() []*Generation { return f.gens }

// Close closes the generations opened.
func (f *Finder) Close() error {
	for _, r := range f.readers {
		r.Close()
	}
	f.readers = nil
	return nil
}

func (f *Finder) reader(g *Generation) (*Reader, error) {
	if r := f.readers[g.Number()]; r != nil {
		return r, nil
	}
	r, err := g.Open()
	if err != nil {
		return nil, err
	}
	f.readers[g.Number()] = r
	return r, nil
}

// Find returns the message spooled for the recipient key: in the newest
// generation that has one, or, when hash is set, the one whose digest is
// hash (the message the journal says was handed over). row is where the
// key was (its sheet row when the message went out, or now): looked at
// first, as a message there costs one frame; when the sheet changed since,
// every row of each generation is searched. Keys compare as the journal
// compares them (space around them and case aside). ok is false when no
// generation has it. With hash, a generation that is damaged where it is
// looked at (ErrCorrupt) is passed over for the others (the same bytes
// may be in one), and its error is returned only when none has them.
func (f *Finder) Find(ctx context.Context, row int, key, hash string) (m Message, g *Generation, ok bool, err error) {
	if hash == "" { // the newest generation that has one, so each in turn
		for _, g := range f.gens {
			if m, ok, err = f.FindIn(ctx, g, row, key); ok || err != nil {
				return m, g, ok, err
			}
		}
		return Message{}, nil, false, nil
	}
	// With hash one message is sought: the rows where it may be first,
	// in every generation, as they cost a frame each.
	var damaged error
	for _, look := range []func(*Generation) (Message, bool, error){
		func(g *Generation) (Message, bool, error) { return f.findAt(g, row, key, hash) },
		func(g *Generation) (Message, bool, error) { return f.search(ctx, g, key, hash) },
	} {
		for _, g := range f.gens {
			m, ok, err = look(g)
			switch {
			case ok:
				return m, g, true, nil
			case errors.Is(err, ErrCorrupt):
				damaged = cmp.Or(damaged, err)
			case err != nil:
				return m, g, false, err
			}
		}
	}
	return Message{}, nil, false, damaged
}

// FindIn returns the message spooled for the recipient key in g (which
// need not be one of the Finder's: a generation found otherwise), looked
// for at row first, as Find does.
func (f *Finder) FindIn(ctx context.Context, g *Generation, row int, key string) (m Message, ok bool, err error) {
	if m, ok, err = f.findAt(g, row, key, ""); ok || err != nil {
		return m, ok, err
	}
	return f.search(ctx, g, key, "")
}

// findAt looks at row of g.
func (f *Finder) findAt(g *Generation, row int, key, hash string) (Message, bool, error) {
	if row <= 0 {
		return Message{}, false, nil
	}
	r, err := f.reader(g)
	if err != nil {
		return Message{}, false, err
	}
	m, ok, err := r.Message(row)
	if err != nil || !ok || !SameKey(m.Key, key) || hash != "" && m.Hash != hash {
		return Message{}, false, err
	}
	return m, true, nil
}

// search looks through every row of g for key.
func (f *Finder) search(ctx context.Context, g *Generation, key, hash string) (Message, bool, error) {
	r, err := f.reader(g)
	if err != nil {
		return Message{}, false, err
	}
	found, ok, err := r.FindRow(ctx, func(row Row) bool { return row.Kind == KindMessage && SameKey(row.Key, key) })
	if err != nil || !ok {
		return Message{}, false, err
	}
	return f.findAt(g, found.Row, key, hash)
}

// SameKey reports whether two recipient keys name the same recipient, as
// the journal compares them (campaign.NormalizeKey: space around them,
// Unicode forms and case aside).
func SameKey(a, b string) bool {
	return a == b || campaign.NormalizeKey(a) == campaign.NormalizeKey(b)
}
