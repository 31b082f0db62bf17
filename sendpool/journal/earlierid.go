package journal

import (
	"runtime"

	"github.com/tidings/tidings/sendpool"
)

// EarlierMessageID returns the Message-ID and the To of key's latest
// message when the same message may go again to someone: its delivery is
// unknown (it may have arrived: --resend-unknown sends a copy), or it was
// sent and still owes recipients (a deferred Cc gets the message the To
// got). "" otherwise, or when the journal does not know key. It reads
// that attempt's line back, so only for such keys. Safe for concurrent
// use once the State is loaded.
func (s *State) EarlierMessageID(key string) (id, to string, err error) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok {
		return "", "", nil
	}
	k := s.keys.at(i)
	st := k.deliveryStatus()
	again := st == sendpool.StatusUnknown || st == sendpool.StatusSent && len(s.moreOf(k).owed()) > 0
	if !again || k.attempt.ref() == 0 {
		return "", "", nil
	}
	a, err := s.attemptAt(k.attempt.ref())
	if err != nil || a == nil {
		return "", "", err
	}
	return a.MessageID, a.To, nil
}
