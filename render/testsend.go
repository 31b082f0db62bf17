package render

import (
	"errors"
	"fmt"
	"strings"
)

// TestSend makes a Renderer write test messages (`tidings send --test`):
// each goes to the test addresses only, in the envelope and the To header
// (no Cc, no Bcc); the row's To and Cc are shown in an X-Tidings-Test-For
// header; the subject starts with "[TEST] "; and the Message-ID is the
// test's own, so a bounce of a test message never names a row's message.
// It has no List-Unsubscribe (a click on it, in a client that offers one,
// would unsubscribe the row's recipient); everything else (From, bodies,
// attachments, DKIM) is what the row's real message has.
type TestSend struct {
	// To are the test addresses: an address list, ',' or ';' between
	// addresses.
	To string
	// Run tells this test's Message-IDs from the real ones and from other
	// tests' (a timestamp serves).
	Run string
}

// TestSubjectPrefix starts every test message's subject.
const TestSubjectPrefix = "[TEST] "

// testSend is a parsed TestSend.
type testSend struct {
	to  []mailbox
	run string
	// repeats are the addresses given again, left out of to
	// (dropRepeats), for TestAddressWarnings.
	repeats []repeat
}

// ErrTestAddress marks test addresses that cannot be used.
var ErrTestAddress = errors.New("test addresses")

func parseTestSend(t *TestSend) (*testSend, error) {
	to, aerr := parseList(t.To)
	if aerr != nil {
		return nil, fmt.Errorf("render: %w: %q is not an address (%v)", ErrTestAddress, aerr.token, aerr.err)
	}
	if len(to) == 0 {
		return nil, fmt.Errorf("render: %w: none given", ErrTestAddress)
	}
	lists, reps := dropRepeats([3][]mailbox{to})
	return &testSend{to: lists[0], run: t.Run, repeats: reps}, nil
}

// CheckTestAddresses returns the error New would give for to as
// TestSend.To (nil when it is a usable address list).
func CheckTestAddresses(to string) error {
	_, err := parseTestSend(&TestSend{To: to})
	return err
}

// TestAddressWarnings are the warnings for the test addresses to (as
// TestSend.To) given twice (mailboxKey: one test message goes to each
// mailbox) and whose domain has no dot ("me@example", the ".de" left out),
// as a row's own addresses get them (dotlessWarnings): the test send
// reaches a server that may take it, and says it went. None when to is
// no usable address list (CheckTestAddresses).
func TestAddressWarnings(to string) []string {
	t, err := parseTestSend(&TestSend{To: to})
	if err != nil {
		return nil
	}
	out := make([]string, 0, len(t.repeats))
	for _, p := range t.repeats {
		out = append(out, testRepeatWarning(p))
	}
	return append(out, dotlessWarnings(recipients(t.to))...)
}

// testRepeatWarning tells of p, a test address given again: "me@x.de is
// given twice", or, spelt otherwise, why the two are one mailbox
// (oneMailbox).
func testRepeatWarning(p repeat) string {
	spec, first := p.m.spec(), p.first.spec()
	if why := oneMailbox(spec, first); why != "" {
		return fmt.Sprintf("%s and %s are %s: it gets one test message", first, spec, strings.TrimPrefix(why, ", "))
	}
	return fmt.Sprintf("%s is given twice: it gets one test message", spec)
}

// apply turns the row's envelope, subject and Message-ID into the test
// message's, filling m's report fields; it returns the X-Tidings-Test-For
// value.
func (t *testSend) apply(env *envelope, subject *string, m *Message, name, domain string) string {
	var forWhom []string
	if len(env.to) > 0 {
		forWhom = append(forWhom, "To: "+displayList(env.to))
	}
	if len(env.cc) > 0 {
		forWhom = append(forWhom, "Cc: "+displayList(env.cc))
	}
	if len(env.bcc) > 0 {
		forWhom = append(forWhom, "Bcc: "+displayList(env.bcc))
	}
	env.to, env.cc, env.bcc = t.to, nil, nil
	m.To, m.Cc, m.Bcc = displayList(env.to), "", ""
	m.Recipients = recipients(env.to)
	m.UTF8 = anyUTF8(env.from, env.sender, env.replyTo, env.to)
	*subject = TestSubjectPrefix + *subject
	m.Subject = *subject
	m.MessageID = messageID(name, "", "test\x00"+t.run+"\x00"+m.Key, "", domain)
	return strings.Join(forWhom, "; ")
}
