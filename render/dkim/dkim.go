package dkim

import (
	"bufio"
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
	"net/textproto"
	"os"
	"regexp"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/tidings/tidings/campaign"
)

// DefaultDKIMHeaders are the header fields signed when the campaign names
// none: those RFC 6376 5.4.1 recommends that tidings writes, and the RFC 8058
// one-click headers, which receivers only honour when signed. Fields a
// message lacks are still named in h=, so they cannot be added later
// (RFC 6376 5.4.2).
var DefaultDKIMHeaders = []string{
	"From", "Reply-To", "Subject", "Date", "To", "Cc", "Message-ID",
	"MIME-Version", "Content-Type", "List-Id",
	"List-Unsubscribe", "List-Unsubscribe-Post",
}

// minRSABits is the smallest RSA key accepted: RFC 8301 3.2 requires 1024,
// and the large receivers (Gmail, Yahoo, Microsoft) ask bulk senders for 2048.
const minRSABits = 2048

// selectorRE is an RFC 6376 3.1 selector: dot-separated sub-domains
// (letters, digits, hyphens; not starting or ending with a hyphen).
var selectorRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// Signer signs rendered messages with DKIM (RFC 6376, relaxed/relaxed,
// rsa-sha256 or ed25519-sha256 per RFC 8463) using
// github.com/emersion/go-msgauth/dkim. The key is loaded once by NewSigner;
// Sign is safe for concurrent use, so the pool's workers sign in parallel.
type Signer struct {
	domain   string // IDNA A-labels, lowercase
	selector string
	key      crypto.Signer
	headers  []string
	// checkFrom is set when From is a template: alignment is checked on
	// every message instead of once.
	checkFrom bool
}

// NewSigner loads the campaign's DKIM key and checks the settings: domain
// and selector are DNS names, the key parses (RSA of 2048 bits or more, or
// Ed25519; PKCS #1 or PKCS #8 PEM), the header list names valid fields and
// includes From (and both List-Unsubscribe headers when one-click
// unsubscribe is on), and the signing domain aligns with the From domain
// (DMARC relaxed alignment: equal, or a parent of it). A From that varies by
// row is checked on each message by Sign. It returns nil, nil when the
// campaign has no dkim section.
func NewSigner(c *campaign.Campaign) (*Signer, error) {
	d := c.DKIM
	if d.Domain == "" && d.Selector == "" && d.KeyFile == "" && len(d.Headers) == 0 {
		return nil, nil
	}
	if d.Domain == "" || d.Selector == "" || d.KeyFile == "" {
		return nil, errors.New("dkim: domain, selector and key_file are all required")
	}
	domain, err := idna.Lookup.ToASCII(strings.TrimSuffix(strings.TrimSpace(d.Domain), "."))
	if err != nil || !strings.Contains(domain, ".") {
		return nil, fmt.Errorf("dkim: dkim.domain %q: not a domain name", d.Domain)
	}
	if !selectorRE.MatchString(d.Selector) {
		return nil, fmt.Errorf("dkim: dkim.selector %q: want letters, digits, hyphens and dots (RFC 6376 3.1)", d.Selector)
	}
	key, err := loadDKIMKey(d.KeyFile)
	if err != nil {
		return nil, err
	}
	headers := DefaultDKIMHeaders
	if len(d.Headers) > 0 {
		headers = make([]string, len(d.Headers))
		for i, h := range d.Headers {
			h = strings.TrimSpace(h)
			if !validFieldName(h) {
				return nil, fmt.Errorf("dkim: dkim.headers: %q is not a header field name", d.Headers[i])
			}
			if strings.EqualFold(h, "DKIM-Signature") {
				return nil, errors.New("dkim: dkim.headers: DKIM-Signature cannot sign itself (RFC 6376 3.5)")
			}
			headers[i] = h
		}
	}
	has := map[string]bool{}
	for _, h := range headers {
		has[strings.ToLower(h)] = true
	}
	if !has["from"] {
		return nil, errors.New("dkim: dkim.headers must include From (RFC 6376 5.4)")
	}
	if c.Unsubscribe.OneClick && (!has["list-unsubscribe"] || !has["list-unsubscribe-post"]) {
		return nil, errors.New("dkim: dkim.headers must include List-Unsubscribe and List-Unsubscribe-Post: one-click unsubscribe (RFC 8058 4) is only honoured when the signature covers both")
	}
	s := &Signer{domain: strings.ToLower(domain), selector: d.Selector, key: key, headers: headers}
	if strings.Contains(c.From, "{{") {
		s.checkFrom = true
	} else if err := s.checkAligned(c.From); err != nil {
		return nil, err
	}
	return s, nil
}

// validFieldName reports whether s is an RFC 5322 2.2 field name: printable
// ASCII except colon.
func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' || s[i] == ':' {
			return false
		}
	}
	return true
}

func loadDKIMKey(path string) (crypto.Signer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("dkim: dkim.key_file: %w", err)
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("dkim: dkim.key_file %s: no PEM block found", path)
	}
	var key any
	encrypted := block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") // PKCS #8, or legacy PEM encryption
	switch {
	case encrypted:
		return nil, fmt.Errorf("dkim: dkim.key_file %s: the key is encrypted; store it unencrypted with permissions 0600 (e.g. openssl pkey -in key.pem -out dkim.key)", path)
	case block.Type == "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case block.Type == "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case block.Type == "EC PRIVATE KEY":
		return nil, fmt.Errorf("dkim: dkim.key_file %s: an EC key; DKIM signs with RSA (2048 bits or more) or Ed25519 (RFC 8463)", path)
	case block.Type == "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("dkim: dkim.key_file %s: an OpenSSH key; convert it to PKCS #8 PEM (ssh-keygen -p -m PKCS8 -f FILE)", path)
	default:
		return nil, fmt.Errorf("dkim: dkim.key_file %s: PEM block %q is not a private key", path, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("dkim: dkim.key_file %s: %w", path, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("dkim: dkim.key_file %s: RSA key of %d bits; receivers require %d or more", path, k.N.BitLen(), minRSABits)
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	default:
		return nil, fmt.Errorf("dkim: dkim.key_file %s: unsupported key type %T (use RSA or Ed25519)", path, key)
	}
}

// checkAligned reports an error unless every From mailbox's domain has the
// signing domain's organizational domain (DMARC relaxed alignment, RFC 7489
// 3.1.1 and 3.2: the public suffix plus one label, from
// golang.org/x/net/publicsuffix), comparing IDNA A-labels. So d=acme.example
// aligns with news.acme.example, and d=mail.acme.example with acme.example.
func (s *Signer) checkAligned(from string) error {
	list, err := mail.ParseAddressList(from)
	if err != nil {
		return fmt.Errorf("dkim: from %q: %w", from, err)
	}
	for _, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		dom := a.Address[at+1:]
		if ascii, err := idna.Lookup.ToASCII(dom); err == nil {
			dom = ascii
		}
		dom = strings.ToLower(dom)
		if dom != s.domain && orgDomain(dom) != orgDomain(s.domain) {
			return fmt.Errorf("dkim: dkim.domain %q does not align with the From domain %q: receivers applying DMARC will not count the signature", s.domain, dom)
		}
	}
	return nil
}

// VetFrom reports what Sign would refuse in the From of data (a complete
// message): when the campaign's From is a template, a From whose domain
// does not align with the signing domain. It is safe for concurrent use;
// check and the preflight call it to report the row before anything is
// sent.
func (s *Signer) VetFrom(data []byte) error {
	if !s.checkFrom {
		return nil
	}
	from, err := headerField(data, "From")
	if err != nil {
		return err
	}
	return s.checkAligned(from)
}

// Sign returns data (a complete message, CRLF line endings) with a
// DKIM-Signature header field prepended. data is not modified. When the
// campaign's From is a template, a message whose From does not align with
// the signing domain is refused.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	if err := s.VetFrom(data); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(len(data) + 1024)
	opts := &msgdkim.SignOptions{
		Domain:                 s.domain,
		Selector:               s.selector,
		Signer:                 s.key,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
		BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
		HeaderKeys:             s.headers,
	}
	if err := msgdkim.Sign(&out, bytes.NewReader(data), opts); err != nil {
		return nil, fmt.Errorf("dkim: %w", err)
	}
	return out.Bytes(), nil
}

// headerField returns the (unfolded) value of the message's first header
// field name.
func headerField(data []byte, name string) (string, error) {
	h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(data))).ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		return "", fmt.Errorf("dkim: reading the message header: %w", err)
	}
	v := h.Get(name)
	if v == "" {
		return "", fmt.Errorf("dkim: the message has no %s header", name)
	}
	return v, nil
}

// Domain is the signing domain (d=), in IDNA A-labels.
func (s *Signer) Domain() string { return s.domain }

// Selector is the selector (s=).
func (s *Signer) Selector() string { return s.selector }

// TXTName is where the public key is published:
// <selector>._domainkey.<domain>.
func (s *Signer) TXTName() string { return s.selector + "._domainkey." + s.domain }

// TXTRecord is the DNS TXT record value to publish at TXTName for this
// signer's key. An RSA record is longer than 255 bytes: DNS tools split it
// into several strings of one record, which receivers join.
func (s *Signer) TXTRecord() (string, error) {
	switch pub := s.key.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return "", fmt.Errorf("dkim: %w", err)
		}
		return "v=DKIM1; k=rsa; p=" + b64(der), nil
	case ed25519.PublicKey:
		return "v=DKIM1; k=ed25519; p=" + b64(pub), nil
	default:
		return "", fmt.Errorf("dkim: unsupported key %T", pub)
	}
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// orgDomain is a domain's organizational domain (RFC 7489 3.2); the domain
// itself when the public suffix list cannot tell.
func orgDomain(d string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return d
	}
	return org
}
