package render

import (
	"bytes"
	"fmt"
)

// keyWords are in the first line of every private key in PEM form
// ("-----BEGIN PRIVATE KEY-----", "… RSA PRIVATE KEY-----", "… EC …",
// "… OPENSSH …", "… ENCRYPTED …") and of OpenPGP's armor ("-----BEGIN
// PGP PRIVATE KEY BLOCK-----").
var keyWords = []byte(" PRIVATE KEY")

// privateKeyPEM reports whether data holds a private key in PEM form (or
// OpenPGP's armor): a line "-----BEGIN … PRIVATE KEY…-----" of its own,
// alone in the file or after a certificate. Row data may not attach one
// wherever it lies: another campaign's DKIM key beside this campaign,
// which this campaign's own files (its dkim: keys) do not name, would let
// the recipient sign mail as that domain. A text that merely quotes such
// a line inside another passes.
func privateKeyPEM(data []byte) bool {
	for rest := data; ; {
		i := bytes.Index(rest, keyWords)
		if i < 0 {
			return false
		}
		start := bytes.LastIndexByte(rest[:i], '\n') + 1
		end := len(rest)
		if j := bytes.IndexByte(rest[i:], '\n'); j >= 0 {
			end = i + j
		}
		line := bytes.TrimSuffix(rest[start:end], []byte("\r"))
		if bytes.HasPrefix(line, []byte("-----BEGIN ")) && bytes.HasSuffix(line, []byte("-----")) {
			return true
		}
		rest = rest[i+len(keyWords):]
	}
}

// privateKeyError refuses a private key that row data led to. It is an
// ErrAttachmentPath (refused for what the path leads to) in its own
// words.
type privateKeyError struct {
	p    string // the path as row data made it
	form string // privateKeyForm's
}

func (e *privateKeyError) Error() string {
	if e.form == "PKCS#12" {
		return fmt.Sprintf("%q is a PKCS#12 key store (.p12, .pfx: a private key and its certificate under a password), which row data may not attach: whoever gets it and guesses the password can sign or decrypt as its owner", e.p)
	}
	return fmt.Sprintf("%q is a private key (%s), which row data may not attach: whoever gets it can sign or decrypt as its owner", e.p, e.form)
}

func (e *privateKeyError) Unwrap() error { return ErrAttachmentPath }
