package journal

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// utf8BOM is the byte order mark an editor may put before the first line;
// Load and Scan read past it.
var utf8BOM = []byte("\xef\xbb\xbf")

// lineDamage is what a corrupt line looks like it came from.
type lineDamage int

const (
	// damageUnclear: a torn write (a run killed mid-write, or its disk
	// full), or a line edited later; its place tells (see damage).
	damageUnclear lineDamage = iota
	// damageCrash: NULs, which the Writer never writes, in runs: what a
	// power loss leaves where the filesystem lost a block.
	damageCrash
	// damageEncoding: the file was saved in another encoding: bytes that
	// are not UTF-8 (but for an incomplete last character, which a torn
	// write can leave), or UTF-16's NULs between other bytes. No crash
	// leaves that anywhere.
	damageEncoding
)

// damageOf classifies the corrupt line b.
func damageOf(b []byte) lineDamage {
	b = bytes.TrimRight(b, "\r\n")
	if looksUTF16(b) || !validButLast(b) {
		return damageEncoding
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return damageCrash
	}
	return damageUnclear
}

// looksUTF16 reports whether b starts with a UTF-16 byte order mark or has
// a NUL between two other bytes, as UTF-16 text of ASCII does.
func looksUTF16(b []byte) bool {
	if bytes.HasPrefix(b, []byte{0xff, 0xfe}) || bytes.HasPrefix(b, []byte{0xfe, 0xff}) {
		return true
	}
	for i := 1; i+1 < len(b); i++ {
		if b[i] == 0 && b[i-1] != 0 && b[i+1] != 0 {
			return true
		}
	}
	return false
}

// validButLast reports whether b is UTF-8 but perhaps for an incomplete
// last character (a torn write is a prefix of a line the Writer wrote,
// which is UTF-8).
func validButLast(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for k := 1; k < utf8.UTFMax && k <= len(b); k++ {
		if utf8.Valid(b[:len(b)-k]) && !utf8.FullRune(b[len(b)-k:]) {
			return true
		}
	}
	return false
}

// damage tells lines damaged after they were written from what a crash
// leaves. A crash leaves its garbage (a torn write; NULs after a power
// loss) at the end of its run's records: every process that writes the
// journal starts with a run record (journal.Open), so the next record
// after a crash's garbage is a run record, or there is none. A line
// changed later (the file saved in another encoding, edited by hand) may
// have any record of its own run after it; one in another encoding is
// damage wherever it is.
type damage struct {
	open    []error // unclear corrupt lines since the last record
	found   []error // corrupt lines no crash leaves
	corrupt int     // corrupt lines in all
	records int
}

// corruptLine notes the corrupt line whose warning is fe.
func (d *damage) corruptLine(fe error, kind lineDamage) {
	d.corrupt++
	switch kind {
	case damageEncoding:
		d.found = append(d.found, fe)
	case damageUnclear:
		d.open = append(d.open, fe)
	}
}

// record notes a record of type typ, read. The unclear corrupt lines
// before a run record are a torn write (its run killed, or its disk
// full), and their warnings say so (ErrTornLine); before any other
// record, they were changed later.
func (d *damage) record(typ string) {
	d.records++
	if typ != "run" {
		d.found = append(d.found, d.open...)
	} else {
		for _, w := range d.open {
			if fe, ok := w.(*campaign.FileError); ok {
				fe.Err = fmt.Errorf("journal: %w: a line cut off as it was written, before the next run began: %s; ignored, and nothing is sent twice for it", ErrTornLine, tornCause)
			}
		}
	}
	d.open = d.open[:0]
}

// Damaged returns the corrupt lines (ErrCorruptLine warnings) that no
// crash leaves: lines in another encoding, lines with records of their own
// run after them, or every one when the journal has more than one line and
// tidings can read none of them. Those lines may have recorded deliveries,
// so a send that went on could send someone a second copy.
func (s *State) Damaged() []error {
	d := &s.damage
	if d.records == 0 && d.corrupt > 1 {
		return slices.Concat(d.found, d.open)
	}
	return d.found
}
