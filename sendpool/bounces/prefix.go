package bounces

import "github.com/tidings/tidings/sendpool/mailbox"

// maxHoles is how many messages a maildrop prefix may leave out (see
// prefix): more, and it ends before the next.
const maxHoles = 1000

// prefix is how Memory holds a POP3 maildrop of more messages than it
// keeps unique-ids for (maxUIDLs): a maildrop keeps its messages in the
// order they came, new mail after them, so "every message listed up to
// the one with unique-id upto was read, but for the holes" names any
// number of them in one line. (Kept one by one, the first maxUIDLs of
// the maildrop were kept and those read after them forgotten: every run
// read those again, and no run got further.) stays says the messages of
// the prefix were all left in the mailbox as no report to move, so that a
// run that moves or deletes skips them too. A prefix whose last message
// is no longer listed (another client deleted it), or listed with another
// size (its unique-id given again, against RFC 1939), is read again.
type prefix struct {
	upto  string // "" for none
	size  int64  // upto's size
	stays bool
	holes map[string]bool
}

// reach is the index in entries of the prefix's last message, -1 when it
// is not listed (or there is no prefix).
func (p prefix) reach(entries []mailbox.Entry) int {
	if p.upto == "" {
		return -1
	}
	for i, e := range entries {
		if e.ID == p.upto && e.Size == p.size {
			return i
		}
	}
	return -1
}

// covers reports whether the prefix, reaching entries[reach], has message
// i of entries for a run that moves or not (moving).
func (p prefix) covers(entries []mailbox.Entry, reach, i int, moving bool) bool {
	return i <= reach && !p.holes[entries[i].ID] && (!moving || p.stays)
}

// notePrefix sets m's prefix anew from listed, what the maildrop listed:
// the longest run of listed from its first message in which at most
// maxHoles were not read, up to the last that was; in a run that moves or
// deletes the reports (moving), up to the last left in the maildrop,
// when one was. The messages read are those of readNow (this run's) and
// those read before (m knows them, or its prefix covers them, under the
// same size).
func (m *Memory) notePrefix(listed []mailbox.Entry, readNow map[string]bool, moving bool) {
	reach := m.prefix.reach(listed)
	next := prefix{holes: map[string]bool{}, stays: true}
	var pending []string // the holes since the last message read
	var left prefix      // next, up to the last message left
	for i, e := range listed {
		before := m.known[e.ID] || m.prefix.covers(listed, reach, i, false)
		if !readNow[e.ID] && (!before || m.givenAgain(e)) {
			if len(next.holes)+len(pending) == maxHoles {
				break
			}
			pending = append(pending, e.ID)
			continue
		}
		for _, h := range pending {
			next.holes[h] = true
		}
		pending = pending[:0]
		stay := m.stay[e.ID] || m.prefix.covers(listed, reach, i, true)
		next.upto, next.size, next.stays = e.ID, e.Size, next.stays && stay
		if stay {
			left = next // sharing holes: those past its last are not in it
		}
	}
	if moving && left.upto != "" {
		next = left
	}
	m.prefix = next
}

// dropRedundantPrefix forgets m's prefix when m keeps by unique-id every
// message of listed it covers (a maildrop of fewer messages read than
// maxUIDLs): a maildrop that does not keep the order mail came in
// (mailpit's POP3 lists the newest first) puts new mail before the
// prefix's last message, which the prefix would take for read, and no
// run would read it. Only a maildrop of more needs the prefix.
func (m *Memory) dropRedundantPrefix(listed []mailbox.Entry) {
	reach := m.prefix.reach(listed)
	for i := 0; i <= reach; i++ {
		id := listed[i].ID
		if m.prefix.covers(listed, reach, i, false) && !m.known[id] ||
			m.prefix.covers(listed, reach, i, true) && !m.stay[id] {
			return
		}
	}
	m.prefix = prefix{}
}
