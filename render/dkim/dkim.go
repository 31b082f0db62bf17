package dkim

import (
	"bufio"
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"github.com/tidings/tidings/campaign"
)

// Signer signs rendered messages with DKIM (RFC 6376, relaxed/relaxed,
// rsa-sha256 or ed25519-sha256 per RFC 8463) using
// github.com/emersion/go-msgauth/dkim, with every key of the campaign's
// dkim: section: one DKIM-Signature per key. The keys are loaded once by
// NewSigner; Sign is safe for concurrent use, so the pool's workers sign in
// parallel.
//
// RSA signatures come first: the topmost DKIM-Signature fields of a signed
// message are the RSA ones, then the Ed25519 ones, each kind in the order
// the campaign lists it. RFC 6376 6.1 leaves the order in which verifiers
// try signatures to them, and some try only the first or a few; an RSA
// signature on top is the one every verifier knows (Debian's Mail::DKIM,
// which SpamAssassin uses, reports ed25519-sha256 as an unsupported
// algorithm). The signatures do not cover each other (h= never names
// DKIM-Signature), so their order changes no signature.
type Signer struct {
	keys []*key // RSA first
	// unset are the entries NewSignerOfSet left out, their key not set:
	// their name and domain alone, which VetFrom aligns a From with as
	// send's Signer does. A Signer with any signs nothing.
	unset []*key
	// checkFrom is set when From is a template: alignment is checked on
	// every message instead of once.
	checkFrom bool
}

// EntryError is NewSigner's error about one entry of the dkim: section.
// Err names the entry ("dkim: dkim[1].selector …"); Line and Column are
// where the entry starts in the campaign file, 0 when unknown.
type EntryError struct {
	Line, Column int
	Err          error
}

func (e *EntryError) Error() string { return e.Err.Error() }

func (e *EntryError) Unwrap() error { return e.Err }

// NewSigner loads the keys of the campaign's dkim: section and checks each
// entry: domain and selector are DNS names, the key parses (RSA of 2048
// bits or more, or Ed25519; PKCS #1 or PKCS #8 PEM), the header list names
// valid fields and includes From (and both List-Unsubscribe headers when
// one-click unsubscribe is on), and the signing domain aligns with the
// From domain (DMARC relaxed alignment: equal, or a parent of it). A From
// that varies by row is checked on each message by Sign. An entry's
// problem is an *EntryError. It returns nil, nil when the campaign has no
// dkim section.
func NewSigner(c *campaign.Campaign) (*Signer, error) {
	s, _, err := newSigner(c, false)
	return s, err
}

// NewSignerOfSet is NewSigner for a command that signs nothing and reads
// what was sent (plan.OpenToRead): an entry whose key_env variable is
// empty or not set (and no systemd credential holds its key) is left out
// and named in unset, "dkim[1]", the other entries loaded and checked as
// NewSigner does. Its Signer judges a From as send's does (VetFrom): a
// From must align with the domain of the entries left out too. Its
// Records, EnvKeys and Warnings are those of the keys it has, and Sign
// refuses (ErrKeysLeftOut), as it lacks the keys left out.
func NewSignerOfSet(c *campaign.Campaign) (s *Signer, unset []string, err error) {
	return newSigner(c, true)
}

// ErrKeysLeftOut is Sign's error for a Signer NewSignerOfSet made that
// left out an entry: a message signed without its key is not the
// campaign's.
var ErrKeysLeftOut = errors.New("dkim: the signer was made without a key the campaign signs with (its key_env not set), and signs nothing")

// newSigner is NewSigner, or NewSignerOfSet when ofSet.
func newSigner(c *campaign.Campaign, ofSet bool) (*Signer, []string, error) {
	if len(c.DKIM) == 0 {
		return nil, nil, nil
	}
	s := &Signer{checkFrom: strings.Contains(c.From, "{{")}
	from, fixed := c.From, !s.checkFrom // the From checked once, here
	if !fixed {
		from, fixed = fixedAddress(c.From)
	}
	var unset []string
	for i, d := range c.DKIM {
		name := entryName(c.DKIM, i)
		k, err := newKey(c, d, name)
		left := ofSet && errors.Is(err, ErrKeyEnvUnset)
		if left {
			k, err = unsetKey(d, name)
			unset = append(unset, name)
		}
		if err == nil && fixed {
			err = k.checkAligned(from)
		}
		if err != nil {
			return nil, nil, &EntryError{Line: d.Line, Column: d.Column, Err: err}
		}
		if left {
			s.unset = append(s.unset, k)
		} else {
			s.keys = append(s.keys, k)
		}
	}
	slices.SortStableFunc(s.keys, func(a, b *key) int { return rsaRank(a) - rsaRank(b) })
	return s, unset, nil
}

// unsetKey is the entry d (named name), whose key is not set, as a key
// of its name and domain alone, which a From is aligned with.
func unsetKey(d campaign.DKIM, name string) (*key, error) {
	domain, err := entryDomain(d, name)
	if err != nil {
		return nil, err
	}
	return &key{name: name, domain: domain, env: d.KeyEnv}, nil
}

// Warnings are notes about the signer's keys that do not stop it: a key
// file other users of this machine may read (keyFileWarning), in the
// order of the campaign's dkim: section. Safe for concurrent use.
func (s *Signer) Warnings() []string {
	var out []string
	for _, k := range s.keys {
		if k.warning != "" {
			out = append(out, k.warning)
		}
	}
	return out
}

// entryName is how messages call entry i of keys: its Name from the
// campaign file; for entries made otherwise "dkim" alone, "dkim[i]" in a
// list.
func entryName(keys campaign.DKIMKeys, i int) string {
	switch {
	case keys[i].Name != "":
		return keys[i].Name
	case len(keys) == 1:
		return "dkim"
	default:
		return fmt.Sprintf("dkim[%d]", i)
	}
}

// rsaRank orders RSA keys before the others.
func rsaRank(k *key) int {
	if _, ok := k.signer.Public().(*rsa.PublicKey); ok {
		return 0
	}
	return 1
}

// fixedAddress returns the address of a From template that writes one
// mailbox whose address is no template ("{{.name}} <news@acme.example>"):
// its alignment is the campaign's to fix, once, not every row's. A From
// with more than one <…>, a template inside or after it, or none, is
// checked on each message only; so is one whose '<' is inside an action
// ({{.name}} {{"<"}}news@acme.example>: a "}}" after it), which writes
// what its text does not show.
func fixedAddress(from string) (string, bool) {
	i, j := strings.IndexByte(from, '<'), strings.LastIndexByte(from, '>')
	if i < 0 || j < i || strings.Count(from, "<") != 1 || strings.Count(from, ">") != 1 ||
		strings.TrimSpace(from[j+1:]) != "" || strings.Contains(from[i:], "{{") || strings.Contains(from[i:], "}}") {
		return "", false
	}
	addr := from[i+1 : j]
	return addr, strings.Contains(addr, "@")
}

// checkAligned reports an error unless every From mailbox's domain has the
// signing domain's organizational domain (DMARC relaxed alignment, RFC 7489
// 3.1.1 and 3.2: the public suffix plus one label, from
// golang.org/x/net/publicsuffix), comparing IDNA A-labels. So d=acme.example
// aligns with news.acme.example, and d=mail.acme.example with acme.example.
func (k *key) checkAligned(from string) error {
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
		if dom != k.domain && orgDomain(dom) != orgDomain(k.domain) {
			return fmt.Errorf("dkim: %s.domain %q does not align with the From domain %q: receivers applying DMARC will not count the signature", k.name, k.domain, dom)
		}
	}
	return nil
}

// VetFrom reports what Sign would refuse in the From of data (a complete
// message): when the campaign's From is a template, a From whose domain
// does not align with the signing domain of every key, those a
// NewSignerOfSet left out too. It is safe for
// concurrent use; check and the preflight call it to report the row before
// anything is sent.
func (s *Signer) VetFrom(data []byte) error {
	if !s.checkFrom {
		return nil
	}
	from, err := headerField(data, "From")
	if err != nil {
		return err
	}
	for _, keys := range [2][]*key{s.keys, s.unset} {
		for _, k := range keys {
			if err := k.checkAligned(from); err != nil {
				return err
			}
		}
	}
	return nil
}

// Sign returns data (a complete message, CRLF line endings) with one
// DKIM-Signature header field per key prepended, the RSA ones on top. data
// is not modified. When the campaign's From is a template, a message whose
// From does not align with every signing domain is refused.
func (s *Signer) Sign(data []byte) ([]byte, error) {
	if len(s.unset) > 0 {
		return nil, ErrKeysLeftOut
	}
	if err := s.VetFrom(data); err != nil {
		return nil, err
	}
	sigs := make([]string, len(s.keys))
	size := len(data)
	for i, k := range s.keys {
		sig, err := k.signature(data)
		if err != nil {
			return nil, err
		}
		sigs[i] = sig
		size += len(sig)
	}
	out := make([]byte, 0, size)
	for _, sig := range sigs {
		out = append(out, sig...)
	}
	return append(out, data...), nil
}

// Records are the public keys to publish in DNS, one per key, in the order
// Sign's signatures have.
func (s *Signer) Records() []Record {
	out := make([]Record, len(s.keys))
	for i, k := range s.keys {
		out[i] = k.record
	}
	return out
}

// EnvKeys maps "$NAME", for each key read from the environment variable
// NAME (key_env), to the hex SHA-256 of its public key record: what
// tells a spool made with another key, the way a key file's content does,
// from nothing secret (the record is what DNS publishes). Two entries
// reading one variable are one name. Nil when no key came from the
// environment, and for a nil Signer. Safe for concurrent use. EnvKeyOf
// tells such a name from a file's.
func (s *Signer) EnvKeys() map[string]string {
	if s == nil {
		return nil
	}
	var out map[string]string
	for _, k := range s.keys {
		if k.env == "" {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[EnvKeyName(k.env)] = recordSum(k)
	}
	return out
}

// EnvKeysSet is EnvKeys of the keys of c's dkim: section read from
// environment variables set now, each entry loaded alone: an entry whose
// variable is empty or not set, or whose key does not load, is left out
// (NewSigner says why). What reading what was sent compares a spool's
// keys with, where some variable may not be set (plan.OpenToRead). Nil
// when none is.
func EnvKeysSet(c *campaign.Campaign) map[string]string {
	var out map[string]string
	for i, d := range c.DKIM {
		if d.KeyEnv == "" {
			continue
		}
		k, err := newKey(c, d, entryName(c.DKIM, i))
		if err != nil {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[EnvKeyName(k.env)] = recordSum(k)
	}
	return out
}

// recordSum is the hex SHA-256 of k's public key record.
func recordSum(k *key) string {
	sum := sha256.Sum256([]byte(k.record.Value))
	return hex.EncodeToString(sum[:])
}

// envKeyPrefix is what EnvKeys' name of a key read from an environment
// variable puts before the variable's name, and what EnvKeyOf looks for.
const envKeyPrefix = "$"

// EnvKeyName is EnvKeys' name of the key read from the environment
// variable env: "$" and env.
func EnvKeyName(env string) string { return envKeyPrefix + env }

// EnvKeyOf reports whether name, a path relative to the folder dir as
// plan.Changed lists the campaign's files, is instead EnvKeys' name of a
// key read from an environment variable, and returns the variable: name
// is "$" and the variable's name, and no file in dir has that name (a
// template called "$body.txt" is a file).
func EnvKeyOf(dir, name string) (env string, ok bool) {
	env, ok = strings.CutPrefix(name, envKeyPrefix)
	if !ok || !campaign.IsEnvName(env) {
		return "", false
	}
	if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
		return "", false
	}
	return env, true
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

// orgDomain is a domain's organizational domain (RFC 7489 3.2); the domain
// itself when the public suffix list cannot tell.
func orgDomain(d string) string {
	org, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return d
	}
	return org
}
