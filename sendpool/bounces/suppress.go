package bounces

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// Suppression is an address Process adds to the campaign's suppression
// list, and why.
type Suppression struct {
	Address string
	Kind    journal.FeedbackKind
	// Status is the bounce's enhanced status code ("" for a complaint or
	// an unsubscribe request).
	Status string
}

// Line is the suppression list line for s: the address, then a comment
// naming the kind, the status, the campaign and the date.
func (s Suppression) Line(campaignName string, now time.Time) string {
	why := string(s.Kind)
	if s.Status != "" {
		why += " " + s.Status
	}
	name := sendpool.OneLine(strings.ReplaceAll(campaignName, "#", ""))
	return fmt.Sprintf("%s  # %s, tidings bounces, campaign %s, %s", strings.ToLower(s.Address), why, name, now.Format(time.DateOnly))
}

// suppressions collects the addresses a run suppresses, once each, and
// none the list already has.
type suppressions struct {
	existing *campaign.Suppression
	seen     map[string]bool
	list     []Suppression
	// refused are addresses that would not read back as a list entry (a
	// report can name anything); they are reported, not written.
	refused []string
}

func newSuppressions(existing *campaign.Suppression) *suppressions {
	return &suppressions{existing: existing, seen: map[string]bool{}}
}

func (s *suppressions) add(m Match) {
	a := strings.ToLower(strings.TrimSpace(m.Suppress))
	if a == "" {
		return
	}
	// One line an address, in whichever form reports name it (Unicode or
	// ASCII domain): its comment names the weightiest kind.
	form := campaign.SuppressionForm(a)
	if s.seen[form] {
		for i := range s.list {
			if campaign.SuppressionForm(s.list[i].Address) == form && m.Kind.Outweighs(s.list[i].Kind) {
				s.list[i].Kind, s.list[i].Status = m.Kind, m.Status
			}
		}
		return
	}
	s.seen[form] = true
	if _, ok := s.existing.Match(a); ok {
		return
	}
	if campaign.CheckSuppressionEntry(a) != nil {
		s.refused = append(s.refused, a)
		return
	}
	s.list = append(s.list, Suppression{Address: a, Kind: m.Kind, Status: m.Status})
}

// listed reports whether addr is on the list once the run's additions
// are written: added by this run, or there before, and not refused.
func (s *suppressions) listed(addr string) bool {
	a := strings.ToLower(strings.TrimSpace(addr))
	return a != "" && s.seen[campaign.SuppressionForm(a)] && !slices.ContainsFunc(s.refused, func(r string) bool {
		return campaign.SuppressionForm(r) == campaign.SuppressionForm(a)
	})
}

// AppendSuppressions appends a line per entry of list (see
// Suppression.Line) to the suppression list at path, creating it when
// missing (readable by its owner only, listMode), and syncs it. It holds
// the list's lock while it appends (lockList): campaigns may share a list,
// and another bounces run appends only after it. It starts on a new line
// when the file does not end with one. When the lines cannot all be
// written (a full disk), it cuts off those it wrote (cutBack), so the list
// is left as it was, and its error says whether it could. With list empty
// it only creates a list that is missing, empty: the campaign names it,
// and send refuses a list that does not exist, so a daily cron job that
// ran bounces before any report came in would find its next send stopped.
//
// An editor saves the list by writing a new file and renaming it over
// the list, which takes no lock: lines appended to the file it replaced
// meanwhile were in no list. So it appends to the file at path once it
// holds its lock, and looks again once its lines are written: a list
// replaced meanwhile is opened again by its path and the lines it lacks
// appended to it (appendOnce), up to listTries times, then an error
// wrapping ErrListReplaced says what to do. An editor that read the list before the run and saves
// it after still drops the run's lines: nothing tells that from a hand
// edit (README: close the list before tidings bounces runs).
func AppendSuppressions(path string, list []Suppression, campaignName string, now time.Time) error {
	if len(list) == 0 {
		return createEmpty(path)
	}
	for range listTries {
		placed, err := appendOnce(path, list, campaignName, now)
		if err != nil || placed {
			return err
		}
	}
	return fmt.Errorf("bounces: suppression list %s: %w each of the %d times this run added %s to it, which may be in none now: close the list in the editor", path, ErrListReplaced, listTries, addresses(len(list)))
}

// ErrListReplaced is what AppendSuppressions's error wraps when another
// file took the list's place each time it appended: nothing of the run
// is recorded, and a run again adds what the list lacks.
var ErrListReplaced = errors.New("another file took its place (an editor saving it)")

// addresses is "1 address" or "n addresses".
func addresses(n int) string {
	if n == 1 {
		return "1 address"
	}
	return fmt.Sprintf("%d addresses", n)
}

// listTries is how many times AppendSuppressions appends to a list that
// another file replaces as it does.
const listTries = 3

// appendOnce appends the lines of list that the file at path, locked,
// does not list yet (a list saved by an editor after an earlier try may
// hold them) and syncs it, as AppendSuppressions says; placed is false
// when another file took path's place before the lines were in (while
// it waited for the lock, or wrote): they are in no list.
func appendOnce(path string, list []Suppression, campaignName string, now time.Time) (placed bool, err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, listMode)
	if err != nil {
		return false, fmt.Errorf("bounces: suppression list: %w", err)
	}
	defer f.Close()
	if err := lockList(f); err != nil {
		return false, fmt.Errorf("bounces: suppression list %s: locking it: %w", path, err)
	}
	if !stillAt(f, path) {
		return false, nil
	}
	var add []byte
	listed := listedIn(f, list)
	for _, s := range list {
		if !listed[campaign.SuppressionForm(strings.ToLower(s.Address))] {
			add = append(append(add, s.Line(campaignName, now)...), '\n')
		}
	}
	if len(add) > 0 && !endsWithNewline(f) {
		add = append([]byte{'\n'}, add...)
	}
	size := fileSize(f)
	n, err := f.Write(add)
	if err == nil {
		err = f.Sync()
	}
	if err != nil {
		return false, fmt.Errorf("bounces: suppression list %s: %w; %s", path, err, cutBack(f, size, n))
	}
	if !stillAt(f, path) {
		return false, nil
	}
	return true, f.Close()
}

// stillAt reports whether f is the file at path, not one another file
// has taken the place of since f was opened (or none).
func stillAt(f *os.File, path string) bool {
	opened, err := f.Stat()
	if err != nil {
		return false
	}
	now, err := os.Stat(path)
	return err == nil && os.SameFile(opened, now)
}

// listedIn is those of list's addresses the suppression list f holds as
// entries, each as campaign.SuppressionForm writes it, read as
// campaign.LoadSuppression reads them (a byte-order mark before the first
// dropped, a comment after # left out); a line that is no entry is
// skipped (LoadSuppression says so where it matters). It reads
// f from its start, the list as it is now, and compares a line in full
// (entryForm) only when it could name one of them (mayName): a list of
// 100,000 lines is read under its lock for each append.
func listedIn(f *os.File, list []Suppression) map[string]bool {
	wanted := map[string]bool{}
	locals := map[string]bool{}
	for _, s := range list {
		form := campaign.SuppressionForm(strings.ToLower(s.Address))
		wanted[form] = true
		if i := strings.LastIndexByte(form, '@'); i >= 0 {
			locals[form[:i]] = true
		}
	}
	listed := map[string]bool{}
	sc := bufio.NewScanner(io.NewSectionReader(f, 0, max(fileSize(f), 0)))
	sc.Buffer(make([]byte, 64<<10), 1<<20) // read in 64 KiB, not 4
	var lower []byte
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if !mayName(line, locals, &lower) {
			continue
		}
		if form, ok := entryForm(string(line)); ok && wanted[form] {
			listed[form] = true
		}
	}
	return listed
}

// entryForm is the entry the list line names, as campaign.SuppressionForm
// writes it; ok is false for a line that names none (blank, a comment).
func entryForm(line string) (form string, ok bool) {
	entry, _, _ := strings.Cut(line, "#")
	if entry = strings.ToLower(strings.TrimSpace(entry)); entry == "" {
		return "", false
	}
	return campaign.SuppressionForm(entry), true
}

// mayName reports whether line could be an entry whose form (entryForm)
// has one of locals as its local part, without making a string of it: a
// line of ASCII (nearly all) can when it has an "@" and its local part,
// lower-cased into *lower, is one of locals; any other line may (one
// with other bytes, whose lower case is Unicode's, or no "@"), and is
// compared in full.
func mayName(line []byte, locals map[string]bool, lower *[]byte) bool {
	entry, _, _ := bytes.Cut(line, []byte("#"))
	for _, c := range entry {
		if c >= utf8.RuneSelf {
			return true
		}
	}
	entry = bytes.TrimSpace(entry)
	at := bytes.LastIndexByte(entry, '@')
	if at < 0 {
		return len(entry) > 0
	}
	*lower = append((*lower)[:0], entry[:at]...)
	for i, c := range *lower {
		if 'A' <= c && c <= 'Z' {
			(*lower)[i] = c + 'a' - 'A'
		}
	}
	return locals[string(*lower)]
}

// cutBack cuts off the n bytes a failed append wrote at the end of the
// list f, size bytes long before it, and syncs the list: a full disk
// takes part of the lines, and a line cut short reads as another address
// or stops every send. Cutting needs no room. It cuts nothing when the
// list is no longer size+n bytes long (a line added by hand meanwhile,
// which cutting would take too). It returns what became of the list, in
// the user's words.
func cutBack(f *os.File, size int64, n int) string {
	if n == 0 {
		return "nothing was added to it"
	}
	if size >= 0 && fileSize(f) == size+int64(n) && f.Truncate(size) == nil && f.Sync() == nil {
		return "what was added to it was cut off again, so the list is as it was"
	}
	return "its last line may be cut short: look at the end of " + f.Name() + " and delete that line if it is"
}

// fileSize is f's size, -1 when unknown.
func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return -1
	}
	return st.Size()
}

// listMode is the mode of a suppression list bounces creates: its
// owner's only, as the state folder's files are, since it names everyone
// who bounced, complained or asked to unsubscribe.
const listMode = 0o600

// createEmpty creates the suppression list at path, empty, when it does
// not exist; a list that exists is left as it is, and so is no path.
func createEmpty(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, listMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("bounces: suppression list: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("bounces: suppression list %s: %w", path, err)
	}
	return f.Close()
}

// endsWithNewline reports whether f is empty or ends with "\n".
func endsWithNewline(f *os.File) bool {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return true
	}
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, st.Size()-1); err != nil && err != io.EOF {
		return true
	}
	return b[0] == '\n'
}
