package sendpool

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"net/mail"
	"os"
	"strings"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/tidings/tidings/campaign"
)

// DefaultDKIMHeaders are the header fields signed when the campaign names
// none: those RFC 6376 5.4.1 recommends that tidings writes, and the RFC 8058
// one-click headers, which receivers only honour when signed.
var DefaultDKIMHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"MIME-Version", "Content-Type", "List-Id",
	"List-Unsubscribe", "List-Unsubscribe-Post",
}

// Signer signs rendered messages with DKIM (RFC 6376, relaxed/relaxed,
// rsa-sha256 or ed25519-sha256 per RFC 8463). The key is loaded once by
// NewSigner; Sign is safe for concurrent use, so the pool's workers sign in
// parallel.
type Signer struct {
	domain   string
	selector string
	key      crypto.Signer
	headers  []string
}

// NewSigner loads the campaign's DKIM key and checks the settings: the key
// parses (RSA of 2048 bits or more, or Ed25519), the header list includes
// From (and both List-Unsubscribe headers when one-click unsubscribe is on),
// and the signing domain aligns with a From that does not vary by row. It
// returns nil, nil when the campaign has no dkim section.
func NewSigner(c *campaign.Campaign) (*Signer, error) {
	d := c.DKIM
	if d.Domain == "" && d.Selector == "" && d.KeyFile == "" {
		return nil, nil
	}
	if d.Domain == "" || d.Selector == "" || d.KeyFile == "" {
		return nil, errors.New("sendpool: dkim: domain, selector and key_file are all required")
	}
	key, err := loadDKIMKey(d.KeyFile)
	if err != nil {
		return nil, err
	}
	headers := d.Headers
	if len(headers) == 0 {
		headers = DefaultDKIMHeaders
	}
	has := map[string]bool{}
	for _, h := range headers {
		has[strings.ToLower(strings.TrimSpace(h))] = true
	}
	if !has["from"] {
		return nil, errors.New("sendpool: dkim.headers must include From (RFC 6376 5.4)")
	}
	if c.Unsubscribe.OneClick && (!has["list-unsubscribe"] || !has["list-unsubscribe-post"]) {
		return nil, errors.New("sendpool: dkim.headers must include List-Unsubscribe and List-Unsubscribe-Post: one-click unsubscribe (RFC 8058 4) is only honoured when the signature covers both")
	}
	s := &Signer{domain: strings.ToLower(d.Domain), selector: d.Selector, key: key, headers: headers}
	if !strings.Contains(c.From, "{{") {
		if err := s.checkAligned(c.From); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func loadDKIMKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sendpool: dkim.key_file: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("sendpool: dkim.key_file %s: no PEM block found", path)
	}
	var key any
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("sendpool: dkim.key_file %s: PEM block %q is not a private key", path, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("sendpool: dkim.key_file %s: %w", path, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < 2048 {
			return nil, fmt.Errorf("sendpool: dkim.key_file %s: RSA key of %d bits; receivers require 2048 or more", path, k.N.BitLen())
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("sendpool: dkim.key_file %s: unsupported key type %T (use RSA or Ed25519)", path, key)
	}
}

// checkAligned reports an error unless every From mailbox's domain is the
// signing domain or a subdomain of it (DMARC relaxed alignment, RFC 7489 3.1.1).
func (s *Signer) checkAligned(from string) error {
	list, err := mail.ParseAddressList(from)
	if err != nil {
		return fmt.Errorf("sendpool: dkim: from %q: %w", from, err)
	}
	for _, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		dom := strings.ToLower(a.Address[at+1:])
		if dom != s.domain && !strings.HasSuffix(dom, "."+s.domain) {
			return fmt.Errorf("sendpool: dkim.domain %q does not align with the From domain %q: receivers applying DMARC will not count the signature", s.domain, dom)
		}
	}
	return nil
}

// Sign returns data with a DKIM-Signature header field prepended. data is not
// modified.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(data) + 512)
	opts := &dkim.SignOptions{
		Domain:                 s.domain,
		Selector:               s.selector,
		Signer:                 s.key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             s.headers,
	}
	if err := dkim.Sign(&out, bytes.NewReader(data), opts); err != nil {
		return nil, fmt.Errorf("sendpool: dkim: %w", err)
	}
	return out.Bytes(), nil
}

// TXTRecord is the DNS TXT record value to publish at
// <selector>._domainkey.<domain> for this signer's key.
func (s *Signer) TXTRecord() (string, error) {
	switch pub := s.key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", err
		}
		return "v=DKIM1; k=rsa; p=" + b64(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + b64(pub), nil
	default:
		return "", fmt.Errorf("sendpool: dkim: unsupported key %T", pub)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
