package render

import "github.com/tidings/tidings/templates"

// addrWordsError is an address that net/mail refused, told in words a
// user understands rather than RFC 5322's grammar ("no angle-addr",
// "missing word in phrase"); net/mail's error stays in the chain.
type addrWordsError struct {
	words string
	err   error
}

func (e *addrWordsError) Error() string { return e.words }
func (e *addrWordsError) Unwrap() error { return e.err }

// inWords returns err, net/mail's refusal of the address token (one
// address, trimmed), as an *addrWordsError saying what is wrong with
// token (templates.AddressWords, which the address function says too).
func inWords(token string, err error) error {
	return &addrWordsError{words: templates.AddressWords(token, err), err: err}
}
