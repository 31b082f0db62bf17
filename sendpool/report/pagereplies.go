package report

import (
	"cmp"
	"slices"

	"github.com/tidings/tidings/sendpool"
)

// Limits of the page's reply table.
const (
	// pageMaxReplyKinds bounds the distinct replies counted; later kinds
	// are counted together.
	pageMaxReplyKinds = 1000
	// pageShownReplies are listed; the rest are summed up in one line.
	pageShownReplies = 100
	// pageExampleRunes caps an example reply text.
	pageExampleRunes = 300
)

// Reply classes as the page names them, besides sendpool's for refusals.
const (
	classAccepted  = "accepted"
	classNoReply   = "no reply"
	classLostReply = "reply lost"
)

// replyKey is a kind of reply: its code, enhanced code and what it means.
type replyKey struct {
	code  int
	ec    string
	class string
}

type replyStat struct {
	// replies counts the journal's replies of this kind (every try);
	// final counts the recipients whose report line ends with it.
	replies, final int
	example        string
}

// replyTable counts replies by kind, each with the first text seen.
type replyTable struct {
	kinds map[replyKey]*replyStat
	// more counts the replies and final lines of kinds beyond
	// pageMaxReplyKinds.
	moreReplies, moreFinal int
}

func newReplyTable() *replyTable { return &replyTable{kinds: map[replyKey]*replyStat{}} }

// classOf names what a reply (or its absence) meant.
func classOf(st sendpool.Status, code int, ec, detail string) string {
	switch {
	case st == sendpool.StatusUnknown:
		return classLostReply
	case code == 0:
		return classNoReply
	case code < 400:
		return classAccepted
	}
	e, _ := sendpool.ParseEnhancedCode(ec)
	return sendpool.ClassifyReply(code, e, detail).String()
}

// add counts one reply; final says it is a report line's.
func (t *replyTable) add(k replyKey, detail string, final bool) {
	s := t.kinds[k]
	if s == nil {
		if len(t.kinds) >= pageMaxReplyKinds {
			if final {
				t.moreFinal++
			} else {
				t.moreReplies++
			}
			return
		}
		s = &replyStat{example: truncate(sendpool.OneLine(sendpool.ReplyText(detail)), pageExampleRunes)}
		t.kinds[k] = s
	}
	if final {
		s.final++
	} else {
		s.replies++
	}
}

// pageReply is one line of the page's reply table.
type pageReply struct {
	Code    int    `json:"code"`
	EC      string `json:"ec,omitempty"`
	Class   string `json:"class"`
	Replies int    `json:"replies"`
	Final   int    `json:"final"`
	Example string `json:"example,omitempty"`
}

// pageReplies are the kinds most seen (replies, then final lines), at most
// pageShownReplies, and the counts of the rest.
func (t *replyTable) page() (shown []pageReply, moreKinds, moreReplies, moreFinal int) {
	all := make([]pageReply, 0, len(t.kinds))
	for k, s := range t.kinds {
		all = append(all, pageReply{Code: k.code, EC: k.ec, Class: k.class, Replies: s.replies, Final: s.final, Example: s.example})
	}
	slices.SortFunc(all, func(a, b pageReply) int {
		return cmp.Or(cmp.Compare(b.Replies+b.Final, a.Replies+a.Final), cmp.Compare(a.Code, b.Code),
			cmp.Compare(a.EC, b.EC), cmp.Compare(a.Class, b.Class))
	})
	moreReplies, moreFinal = t.moreReplies, t.moreFinal
	if len(all) > pageShownReplies {
		for _, r := range all[pageShownReplies:] {
			moreReplies += r.Replies
			moreFinal += r.Final
		}
		moreKinds = len(all) - pageShownReplies
		all = all[:pageShownReplies]
	}
	return all, moreKinds, moreReplies, moreFinal
}
