package templates

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// Gmail's feedback loop reads a Feedback-ID header as a:b:c:SenderId: up
// to three identifiers of the sender's choosing (campaign, customer,
// kind) and, last, a sender ID of 5 to 15 characters, the same across
// the mail stream. Postmaster Tools counts the last four fields, from the
// right, each on its own, and shows one only when enough messages and
// spam reports share it; an empty sender ID gets no data, another empty
// field is left out. Nothing of it changes delivery, so what Postmaster
// Tools would not count is warned of, never refused
// (https://support.google.com/mail/answer/6254652).

// Feedback-ID's sender ID, as long as Gmail asks.
const (
	feedbackSenderMin = 5
	feedbackSenderMax = 15
)

// checkFeedbackID warns, at its line, of a Feedback-ID header of s whose
// value Postmaster Tools would count under no campaign (feedbackIDWords,
// for a value that is the same for every row, or for the sender ID its
// text ends with) or apart for every message: one that reads the key
// column or a column To reads, each recipient's own; and of one Gmail
// counts not at all, not being signed (feedbackIDUnsigned).
func (cp *compiler) checkFeedbackID(s *Set) {
	for _, h := range s.Headers {
		if !strings.EqualFold(h.Name, "Feedback-ID") {
			continue
		}
		t := h.Value
		var words string
		if t.Const() {
			var b bytes.Buffer
			if t.Execute(&b, campaign.Row{Values: map[string]string{}}) == nil {
				words = feedbackIDWords(b.String(), true)
			}
		} else if c := cp.ownColumn(s, t); c != "" {
			words = fmt.Sprintf("it reads column %q, each recipient's own, so every message has an identifier of its own, which Postmaster Tools never shows (it shows one only when many messages and spam reports share it); "+
				"write identifiers of the campaign or of a segment of it (dec2026:newsletter:acmenews)", c)
		} else if _, sender, ok := strings.Cut(afterLastAction(t.source), ":"); ok {
			words = feedbackIDWords(":"+sender, false)
		}
		for _, w := range []string{words, feedbackIDUnsigned(cp.c)} {
			if w != "" {
				cp.warns = append(cp.warns, (&campaign.FileError{File: t.file, Line: t.line,
					Err: fmt.Errorf("templates: %s: %s", t.name, w)}).Error())
			}
		}
	}
}

// feedbackIDWords says what Postmaster Tools would not count of v, a
// Feedback-ID's value (whole: all of it; else its text from a colon to
// the end): an empty sender ID, one not 5 to 15 characters long, more
// than four fields; "" when it would count it all.
func feedbackIDWords(v string, whole bool) string {
	fields := strings.Split(strings.TrimSpace(v), ":")
	sender := strings.TrimSpace(fields[len(fields)-1])
	const form = "Gmail's Postmaster Tools reads a Feedback-ID as up to three identifiers and a sender ID of 5 to 15 characters, separated by colons (dec2026:newsletter:acmenews)"
	switch n := utf8.RuneCountInString(sender); {
	case n == 0:
		return fmt.Sprintf("%q ends without a sender ID, so Postmaster Tools counts nothing under it: %s", v, form)
	case n < feedbackSenderMin || n > feedbackSenderMax:
		return fmt.Sprintf("the sender ID %q has %d characters: %s", sender, n, form)
	case whole && len(fields) > 4:
		return fmt.Sprintf("%q has %d fields, and Postmaster Tools counts the last four only (%s): %s", v, len(fields), strings.Join(fields[len(fields)-4:], ":"), form)
	}
	return ""
}

// ownColumn is the first column t reads that is each recipient's own:
// the key column, or one To reads; "" when it reads none.
func (cp *compiler) ownColumn(s *Set, t *Template) string {
	own := []string{cp.c.Recipients.Key}
	if s.To != nil {
		own = append(own, s.To.Columns()...)
	}
	for _, c := range t.Columns() {
		if slices.Contains(own, c) {
			return c
		}
	}
	return ""
}

// afterLastAction is the text of src after its last action; all of src
// when it has none.
func afterLastAction(src string) string {
	end := 0
	for _, j := range actionSpans(src) {
		end = j + 2
	}
	return src[end:]
}

// feedbackIDUnsigned says why Gmail would not count a Feedback-ID of c's
// messages at all: it does only on mail DKIM-signed with the header among
// those signed, by a domain of the sender's verified in Postmaster Tools;
// "" when c's every dkim: entry signs it (its headers: names it, or
// names none and so takes the campaign's headers: too).
func feedbackIDUnsigned(c *campaign.Campaign) string {
	if len(c.DKIM) == 0 {
		return "Gmail counts a Feedback-ID only on mail DKIM-signed by a domain of yours verified in Postmaster Tools, the header among those signed, and the campaign has no dkim: section; add one"
	}
	for _, k := range c.DKIM {
		if len(k.Headers) > 0 && !slices.ContainsFunc(k.Headers, func(h string) bool { return strings.EqualFold(h, "Feedback-ID") }) {
			return fmt.Sprintf("Gmail counts a Feedback-ID only when the DKIM signature covers it, and %s.headers does not name it; add Feedback-ID to it", k.Name)
		}
	}
	return ""
}
