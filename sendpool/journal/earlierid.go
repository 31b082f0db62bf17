package journal

import (
	"runtime"

	"github.com/tidings/tidings/sendpool"
)

// UnknownMessageID returns the Message-ID of key's latest message when
// its delivery is unknown (it may have arrived: a resend is a copy), ""
// when it is not or the journal does not know key. It reads that attempt's
// line back, so only for such keys. Safe for concurrent use once the
// State is loaded.
func (s *State) UnknownMessageID(key string) (string, error) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok {
		return "", nil
	}
	k := s.keys.at(i)
	if k.deliveryStatus() != sendpool.StatusUnknown || k.attempt.ref() == 0 {
		return "", nil
	}
	a, err := s.attemptAt(k.attempt.ref())
	if err != nil || a == nil {
		return "", err
	}
	return a.MessageID, nil
}
