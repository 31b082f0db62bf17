package render

import (
	"bytes"
	"fmt"
)

// pemKeyEnd ends the first line of a PEM private key of every kind
// ("-----BEGIN PRIVATE KEY-----", "… RSA PRIVATE KEY-----", "… EC …",
// "… OPENSSH …", "… ENCRYPTED …").
var pemKeyEnd = []byte(" PRIVATE KEY-----")

// privateKeyPEM reports whether data holds a private key in PEM form: a
// line "-----BEGIN … PRIVATE KEY-----" of its own, alone in the file or
// after a certificate. Row data may not attach one wherever it lies:
// another campaign's DKIM key beside this campaign, which this
// campaign's own files (its dkim: keys) do not name, would let the
// recipient sign mail as that domain. A text that merely quotes such a
// line inside another passes.
func privateKeyPEM(data []byte) bool {
	for rest := data; ; {
		i := bytes.Index(rest, pemKeyEnd)
		if i < 0 {
			return false
		}
		start := bytes.LastIndexByte(rest[:i], '\n') + 1
		end := i + len(pemKeyEnd)
		line := rest[start:end]
		if bytes.HasPrefix(line, []byte("-----BEGIN ")) && (end == len(rest) || rest[end] == '\n' || rest[end] == '\r') {
			return true
		}
		rest = rest[end:]
	}
}

// privateKeyError refuses a private key that row data led to. It is an
// ErrAttachmentPath (refused for what the path leads to) in its own
// words.
type privateKeyError struct {
	p string // the path as row data made it
}

func (e *privateKeyError) Error() string {
	return fmt.Sprintf("%q is a private key (PEM), which row data may not attach: whoever gets it can sign or decrypt as its owner", e.p)
}

func (e *privateKeyError) Unwrap() error { return ErrAttachmentPath }
