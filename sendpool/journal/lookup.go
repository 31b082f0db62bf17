package journal

// Lookup finds recipients by strings other than their keys, which the
// caller derives from each Entry (a Message-ID, an address): what
// `tidings bounces` matches reports by. It keeps a keyID and a slot
// number a string, about 40 bytes, and reads the Entry back when one is
// found. Made, it is safe for concurrent use while its State is open.
type Lookup struct {
	state *State
	slots map[keyID]int32
	// shared are the strings more than one entry names (FindOne).
	shared map[keyID]bool
}

// NewLookups reads every entry back once (in All's order) and makes a
// Lookup for each of names (several in one pass over the journal): one
// indexes each entry by the strings its names function returns for it
// (maybe none); a string two entries name finds the later one (Find), or
// none (FindOne).
func (s *State) NewLookups(names ...func(*Entry) []string) ([]*Lookup, error) {
	out := make([]*Lookup, len(names))
	for j := range out {
		out[j] = &Lookup{state: s, slots: map[keyID]int32{}, shared: map[keyID]bool{}}
	}
	err := s.each(nil, func(i int32, e *Entry) error {
		for j, fn := range names {
			for _, name := range fn(e) {
				id := s.ids.of(name)
				if was, ok := out[j].slots[id]; ok && was != i {
					out[j].shared[id] = true
				}
				out[j].slots[id] = i
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Find returns the entry a string names (as names gave it), nil when
// none; an error is the journal's, read back.
func (l *Lookup) Find(name string) (*Entry, error) {
	i, ok := l.slots[l.state.ids.of(name)]
	if !ok {
		return nil, nil
	}
	return l.state.entryAt(i)
}

// FindOne is Find for a string only one entry names: nil when none or
// several do (a Cc on many rows' messages tells no row).
func (l *Lookup) FindOne(name string) (*Entry, error) {
	if l.shared[l.state.ids.of(name)] {
		return nil, nil
	}
	return l.Find(name)
}

// Shared reports whether more than one entry names name.
func (l *Lookup) Shared(name string) bool { return l.shared[l.state.ids.of(name)] }
