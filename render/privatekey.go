package render

import (
	"bytes"

	"github.com/tidings/tidings/campaign"
)

// pemBegin starts the first line of every private key in PEM form
// ("-----BEGIN PRIVATE KEY-----", "… RSA PRIVATE KEY-----", "… EC …",
// "… OPENSSH …", "… ENCRYPTED …") and of OpenPGP's armor ("-----BEGIN
// PGP PRIVATE KEY BLOCK-----"), whose label holds keyLabel.
var (
	pemBegin = []byte("-----BEGIN ")
	pemDash  = []byte("-----")
	keyLabel = []byte("PRIVATE KEY")
)

// privateKeyPEM reports whether data holds a private key in PEM form (or
// OpenPGP's armor): a line "-----BEGIN … PRIVATE KEY…-----" of its own,
// alone in the file or after a certificate, also indented (a key pasted
// into a YAML file) or after a byte order mark, in UTF-8 or UTF-16 (as
// Windows PowerShell's > writes it); or such a header followed by an
// escaped line break, "\n", inside a string (a service account's JSON
// key file: "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE…"). Row
// data may not attach one wherever it lies: another campaign's DKIM key
// beside this campaign, which this campaign's own files (its dkim: keys)
// do not name, would let the recipient sign mail as that domain. A text
// that merely quotes such a line inside another passes.
func privateKeyPEM(data []byte) bool {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		if text, _, err := campaign.UTF8Text(data); err == nil {
			data = text
		}
	}
	for rest := data; ; {
		i := bytes.Index(rest, pemBegin)
		if i < 0 {
			return false
		}
		if pemKeyHeader(rest, i) {
			return true
		}
		rest = rest[i+len(pemBegin):]
	}
}

// pemKeyHeader reports whether the "-----BEGIN " at data[i:] starts the
// header of a private key (see privateKeyPEM): its label holds keyLabel,
// and the header stands alone on its line, but for spaces, tabs and a
// byte order mark, or is followed by an escaped line break and the key's
// base64 (keyBase64).
func pemKeyHeader(data []byte, i int) bool {
	line := data[i+len(pemBegin):]
	if j := bytes.IndexByte(line, '\n'); j >= 0 {
		line = line[:j]
	}
	j := bytes.Index(line, pemDash)
	if j < 0 || !bytes.Contains(line[:j], keyLabel) {
		return false
	}
	after := line[j+len(pemDash):]
	if bytes.HasPrefix(after, []byte(`\n`)) || bytes.HasPrefix(after, []byte(`\r\n`)) {
		return keyBase64(after)
	}
	before := data[bytes.LastIndexByte(data[:i], '\n')+1 : i]
	return blankPEM(before) && blankPEM(after)
}

// keyBase64 reports whether the start of s, what follows an escaped
// header, holds a run of at least 32 base64 characters: a key's first
// line (64 of them). A placeholder ("\nXXXX\n", "\n<key bytes>\n") or
// source code building a header ("-----BEGIN RSA PRIVATE KEY-----\n";)
// has none, and is no key.
func keyBase64(s []byte) bool {
	run := 0
	for _, b := range s[:min(len(s), 256)] {
		switch {
		case 'A' <= b && b <= 'Z', 'a' <= b && b <= 'z', '0' <= b && b <= '9', b == '+', b == '/', b == '=':
			if run++; run >= 32 {
				return true
			}
		default:
			run = 0
		}
	}
	return false
}

// blankPEM reports whether b holds nothing but spaces, tabs, a carriage
// return and byte order marks.
func blankPEM(b []byte) bool {
	return len(bytes.Trim(b, " \t\r\ufeff")) == 0
}

// privateKeyRefusal refuses the private key of the form privateKeyForm
// gives that the path p made from row data led to (a refusal).
func privateKeyRefusal(p, form string) error {
	switch form {
	case "PKCS#12":
		return refused("%q is a PKCS#12 key store (.p12, .pfx: a private key and its certificate under a password), which row data may not attach: whoever gets it and guesses the password can sign or decrypt as its owner", p)
	case "Java key store":
		return refused("%q is a Java key store (.jks, .jceks, .keystore: private keys and certificates under a password), which row data may not attach: whoever gets it and guesses the password can sign or decrypt as its owner", p)
	}
	return refused("%q is a private key (%s), which row data may not attach: whoever gets it can sign or decrypt as its owner", p, form)
}
