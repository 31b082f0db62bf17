package dkim

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/user"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	msgdkim "github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/campaign/credential"
)

// minRSABits is the smallest RSA key accepted: RFC 8301 3.2 requires 1024,
// and the large receivers (Gmail, Yahoo, Microsoft) ask bulk senders for 2048.
const minRSABits = 2048

// ErrKeyEnvUnset is wrapped by NewSigner's error about an entry whose
// key_env names an environment variable that is empty or not set.
var ErrKeyEnvUnset = errors.New("empty or not set")

// selectorRE is an RFC 6376 3.1 selector: dot-separated sub-domains
// (letters, digits, hyphens; not starting or ending with a hyphen).
var selectorRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// key is one signing key of a Signer, checked and loaded: it makes one
// DKIM-Signature per message.
type key struct {
	name     string // the campaign entry: "dkim", "dkim[1]"
	domain   string // IDNA A-labels, lowercase
	selector string
	signer   crypto.Signer
	// headers is the dkim entry's own headers: list, signed as it names
	// it; nil when it names none: then h= names always, oversigned for
	// each message (headerKeys).
	headers []string
	always  []string
	record  Record
	// warning is keyFileWarning's, "" for a key file only its owner
	// reads.
	warning string
	// env is the environment variable the key was read from (key_env),
	// "" for a key file.
	env string
}

// newKey checks one dkim: entry (named name in messages) against c and
// loads its key. Alignment with a From that does not vary by row is
// checked by NewSigner.
func newKey(c *campaign.Campaign, d campaign.DKIM, name string) (*key, error) {
	domain, err := entryDomain(d, name)
	if err != nil {
		return nil, err
	}
	signer, err := loadEntryKey(d, name)
	if err != nil {
		return nil, err
	}
	var warning string
	if d.KeyFile != "" {
		warning = keyFileWarning(d.KeyFile, name, domain, os.Geteuid())
	}
	headers, err := signedHeaders(d.Headers, c.Unsubscribe.OneClick, name)
	if err != nil {
		return nil, err
	}
	k := &key{name: name, domain: domain, selector: d.Selector, signer: signer, headers: headers, warning: warning, env: d.KeyEnv}
	if err := k.checkHeaders(c); err != nil {
		return nil, err
	}
	if k.record, err = k.publicRecord(); err != nil {
		return nil, err
	}
	return k, nil
}

// entryDomain checks that d (named name in messages) names a domain, a
// selector and a key, and returns its domain in IDNA A-labels, lowercase.
func entryDomain(d campaign.DKIM, name string) (string, error) {
	if d.Domain == "" || d.Selector == "" || d.KeyFile == "" && d.KeyEnv == "" {
		return "", fmt.Errorf("dkim: %s: domain, selector and key_file are all required (or key_env in place of key_file, for a key held in an environment variable)", name)
	}
	domain, err := idna.Lookup.ToASCII(strings.TrimSuffix(strings.TrimSpace(d.Domain), "."))
	if err != nil || !strings.Contains(domain, ".") {
		return "", fmt.Errorf("dkim: %s.domain %q: not a domain name", name, d.Domain)
	}
	if !selectorRE.MatchString(d.Selector) {
		return "", fmt.Errorf("dkim: %s.selector %q: want letters, digits, hyphens and dots (RFC 6376 3.1)", name, d.Selector)
	}
	return strings.ToLower(domain), nil
}

// checkHeaders sets k.always when the entry names no headers, and
// refuses a header list whose h= tag would be too long a line: the
// entry's own as it names it, or the default at its longest, every field
// tidings may write named twice.
func (k *key) checkHeaders(c *campaign.Campaign) error {
	if k.headers != nil {
		return checkHLine(k.headers, k.name+".headers", "name fewer fields")
	}
	k.always = defaultFields(c)
	longest := oversigned(k.always, append(slices.Clone(k.always), "Content-Transfer-Encoding", "X-Tidings-Test-For"))
	return checkHLine(longest, k.name, "the campaign's headers: are too many to sign them all: give "+k.name+" a headers: list of the fields to sign")
}

// signedHeaders is the header list an entry names, checked: valid field
// names, not DKIM-Signature, From included and, with one-click
// unsubscribe, both List-Unsubscribe fields. It is nil when the entry
// names none (the default, which key.headerKeys makes for each message).
func signedHeaders(names []string, oneClick bool, entry string) ([]string, error) {
	if len(names) == 0 {
		return nil, nil
	}
	headers := make([]string, len(names))
	has := map[string]bool{}
	for i, h := range names {
		h = strings.TrimSpace(h)
		if !validFieldName(h) {
			return nil, fmt.Errorf("dkim: %s.headers: %q is not a header field name", entry, names[i])
		}
		if strings.EqualFold(h, "DKIM-Signature") {
			return nil, fmt.Errorf("dkim: %s.headers: DKIM-Signature cannot sign itself (RFC 6376 3.5)", entry)
		}
		headers[i] = h
		has[strings.ToLower(h)] = true
	}
	if !has["from"] {
		return nil, fmt.Errorf("dkim: %s.headers must include From (RFC 6376 5.4)", entry)
	}
	if oneClick && (!has["list-unsubscribe"] || !has["list-unsubscribe-post"]) {
		return nil, fmt.Errorf("dkim: %s.headers must include List-Unsubscribe and List-Unsubscribe-Post: one-click unsubscribe (RFC 8058 4) is only honoured when the signature covers both", entry)
	}
	return headers, nil
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

// keyFileWarning says that the key file at path (the key_file of entry,
// signing for domain) may be read or written by users of this machine
// other than its owner, as ssh refuses a private key and OpenDKIM warns
// of one ("key data is not secure"): whoever reads it can sign mail as
// domain. "" when only its owner can, when it cannot be looked at, and on
// Windows, whose file modes say nothing of that. euid is the user
// tidings runs as: a key another user owns is to be given to it, unless
// it is root (a check run with sudo on a service's key), whose chown
// would leave the service unable to read its key.
func keyFileWarning(path, entry, domain string, euid int) string {
	fi, err := os.Stat(path)
	if err != nil || runtime.GOOS == "windows" || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	mend := "make it its owner's alone: chmod 600 " + path
	if euid != 0 && othersFile(fi, euid) {
		mend = "it is another user's, so chmod 600 alone would leave tidings unable to read it: give it to the user tidings runs as, alone: chown " + runningUser() + " " + path + " && chmod 600 " + path
	}
	return fmt.Sprintf("dkim: %s.key_file %s can be read or written by other users of this machine (mode %04o): whoever reads it can sign mail as %s; %s", entry, path, fi.Mode().Perm(), domain, mend)
}

// runningUser is the login name of the user running tidings, or its
// user id where the system does not know it.
func runningUser() string {
	u, err := user.Current()
	if err != nil || u.Username == "" {
		return strconv.Itoa(os.Geteuid())
	}
	return u.Username
}

// loadEntryKey loads the private key of d (named entry in messages): from
// its key file, or from the environment variable its key_env names, or,
// that variable not set, from the systemd credential of that name
// (credentialKey).
func loadEntryKey(d campaign.DKIM, entry string) (crypto.Signer, error) {
	if d.KeyEnv == "" {
		data, err := os.ReadFile(d.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("dkim: %s.key_file: %w", entry, err)
		}
		return parseKey(data, fmt.Sprintf("dkim: %s.key_file %s", entry, d.KeyFile), fileKeyWords)
	}
	if strings.TrimSpace(os.Getenv(d.KeyEnv)) == "" {
		return credentialKey(d.KeyEnv, entry)
	}
	data, err := envKey(d.KeyEnv, entry)
	if err != nil {
		return nil, err
	}
	return parseKey(data, fmt.Sprintf("dkim: %s.key_env %s", entry, d.KeyEnv), keyWords{
		missing:   "the variable holds no PEM private key: put the key file's whole text in it, from -----BEGIN to -----END (export " + d.KeyEnv + "=\"$(cat dkim.key)\"), or that text in base64",
		encrypted: "the key is encrypted: put it in the variable unencrypted (export " + d.KeyEnv + "=\"$(openssl pkey -in key.pem)\" asks for the passphrase once)",
	})
}

// credentialKey loads the key of entry, whose key_env names the variable
// name, not set, from the systemd credential of that name, as
// LoadCredential=DKIM_KEY:/etc/tidings/dkim.key hands it to a service
// (credential.Read: the same checks as the SMTP password's, but for the
// one line: a PEM key is several; the file always named by its path).
// With no such credential the error wraps ErrKeyEnvUnset, names both
// places looked in (credential.Missing) and says how to give the key.
func credentialKey(name, entry string) (crypto.Signer, error) {
	setting := entry + ".key_env"
	cred, err := credential.Read(name, setting, true) // no key is a variable's name: the name is shown
	switch {
	case err != nil:
		return nil, fmt.Errorf("dkim: %w", err)
	case cred == nil:
		return nil, fmt.Errorf("dkim: %s: the environment variable %s is %w%s: set it to the key's PEM text in the shell or job that runs tidings (export %s=\"$(cat dkim.key)\"; a CI job: from its secret store), or, under systemd, load the key file as a credential of that name (LoadCredential=%s:FILE in the unit)", setting, name, ErrKeyEnvUnset, credential.Missing(name, true), name, name)
	}
	return parseKey(keyText(string(cred.Data)), fmt.Sprintf("dkim: %s %s: %s", setting, name, cred.Named), credentialKeyWords(name))
}

// credentialKeyWords are parseKey's words for a key read from the
// credential name. A file systemd-creds encrypted and loaded with
// LoadCredential= is handed over as it is, no PEM; LoadCredentialEncrypted=
// hands over the key decrypted. A key encrypted with a passphrase cannot
// be read without one, which tidings is never given.
func credentialKeyWords(name string) keyWords {
	return keyWords{
		missing:   "no PEM block found: load the key file itself, from -----BEGIN to -----END (LoadCredential=" + name + ":FILE); a file systemd-creds encrypt wrote is loaded with LoadCredentialEncrypted=" + name + ":FILE, which hands the key over decrypted",
		encrypted: "the key is protected by a passphrase, which tidings is never given: write it without one (openssl pkey -in key.pem -out FILE), and, to keep it encrypted on the disk, encrypt that file with systemd-creds encrypt and load it with LoadCredentialEncrypted=" + name + ":FILE",
	}
}

// keyWords is what parseKey says of a key's text that holds no PEM block
// (missing) or an encrypted key (encrypted), where the key came from.
type keyWords struct{ missing, encrypted string }

// fileKeyWords are parseKey's words for a key_file.
var fileKeyWords = keyWords{
	missing:   "no PEM block found",
	encrypted: "the key is encrypted; store it unencrypted with permissions 0600 (e.g. openssl pkey -in key.pem -out dkim.key)",
}

// envKey is the PEM text of a key held in the environment variable name
// (the key_env of entry), set, as keyText reads it. A value that is the
// path of a file (as a CI variable of type File hands it over) is an
// error: the key is never read from a file by key_env. Nothing of the
// value is ever part of an error.
func envKey(name, entry string) ([]byte, error) {
	v := strings.TrimSpace(os.Getenv(name))
	data := keyText(v)
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if fi, err := os.Stat(v); err == nil && fi.Mode().IsRegular() {
			return nil, fmt.Errorf("dkim: %s.key_env %s: the variable holds the path of a file, not the key (a CI variable of type File is handed over so): make it a plain variable holding the key's PEM text", entry, name)
		}
	}
	return data, nil
}

// keyText is the PEM text of a key given as text v (a variable's value,
// a credential's content). A CI secret store may hand over a multi-line
// value with its line breaks written as \n (two characters; \r\n too),
// or the PEM text in base64 (to keep it on one line): both are read as
// the PEM they stand for; any other text is taken as it is.
func keyText(v string) []byte {
	v = strings.TrimSpace(v)
	if !strings.Contains(v, "\n") && strings.Contains(v, `\n`) {
		v = strings.NewReplacer(`\r\n`, "\n", `\n`, "\n").Replace(v)
	}
	if strings.Contains(v, "-----BEGIN") {
		return []byte(v)
	}
	if b, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(v), "")); err == nil && bytes.Contains(b, []byte("-----BEGIN")) {
		return b
	}
	return []byte(v)
}

// ecKeyWords is parseKey's words for an EC (ECDSA) key, PKCS #8 or SEC 1.
const ecKeyWords = "an EC key; DKIM signs with RSA (2048 bits or more) or Ed25519 (RFC 8463)"

// parseKey reads the private key in data (where names it in errors, and
// words say what is wrong with a text that holds no PEM block or an
// encrypted key): PKCS #1 or PKCS #8 PEM, unencrypted, RSA of minRSABits
// or more or Ed25519.
func parseKey(data []byte, where string, words keyWords) (crypto.Signer, error) {
	var err error
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%s: %s", where, words.missing)
	}
	var key any
	encrypted := block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") // PKCS #8, or legacy PEM encryption
	switch {
	case encrypted:
		return nil, fmt.Errorf("%s: %s", where, words.encrypted)
	case block.Type == "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case block.Type == "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case block.Type == "EC PRIVATE KEY":
		return nil, fmt.Errorf("%s: %s", where, ecKeyWords)
	case block.Type == "OPENSSH PRIVATE KEY":
		return nil, fmt.Errorf("%s: an OpenSSH key; convert it to PKCS #8 PEM (ssh-keygen -p -m PKCS8 -f FILE)", where)
	default:
		return nil, fmt.Errorf("%s: PEM block %q is not a private key", where, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	switch k := key.(type) {
	case *rsa.PrivateKey:
		if k.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("%s: RSA key of %d bits; receivers require %d or more", where, k.N.BitLen(), minRSABits)
		}
		return k, nil
	case ed25519.PrivateKey:
		return k, nil
	case *ecdsa.PrivateKey:
		return nil, fmt.Errorf("%s: %s", where, ecKeyWords)
	default:
		return nil, fmt.Errorf("%s: a key of another kind than RSA or Ed25519, which DKIM signs with (RFC 8463)", where)
	}
}

// Record is a public key to publish in DNS for a Signer's key (RFC 6376
// 3.6.1): a TXT record of Value at Name.
type Record struct {
	// Name is <selector>._domainkey.<domain>.
	Name string
	// Value is "v=DKIM1; k=rsa; p=…" or "v=DKIM1; k=ed25519; p=…". An RSA
	// value is longer than 255 bytes: DNS tools split it into several
	// strings of one record, which receivers join.
	Value string
	// Algorithm is the a= of the signatures it verifies: rsa-sha256 or
	// ed25519-sha256.
	Algorithm string
}

func (k *key) publicRecord() (Record, error) {
	r := Record{Name: k.selector + "._domainkey." + k.domain}
	switch pub := k.signer.Public().(type) {
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			return Record{}, fmt.Errorf("dkim: %s: %w", k.name, err)
		}
		r.Value, r.Algorithm = "v=DKIM1; k=rsa; p="+b64(der), "rsa-sha256"
	case ed25519.PublicKey:
		r.Value, r.Algorithm = "v=DKIM1; k=ed25519; p="+b64(pub), "ed25519-sha256"
	default:
		return Record{}, fmt.Errorf("dkim: %s: unsupported key %T", k.name, pub)
	}
	return r, nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// headerKeys is the h= list of data's signature under this key: the
// entry's own list as it names it; else the default: every field tidings
// writes (see oversigned), each named one more time than data carries it.
func (k *key) headerKeys(data []byte) []string {
	if k.headers != nil {
		return k.headers
	}
	return oversigned(k.always, fieldNames(data))
}

// signature is the DKIM-Signature header field (name, value and final
// CRLF) of data under this key.
func (k *key) signature(data []byte) (string, error) {
	s, err := msgdkim.NewSigner(&msgdkim.SignOptions{
		Domain:                 k.domain,
		Selector:               k.selector,
		Signer:                 k.signer,
		Hash:                   crypto.SHA256,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
		BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
		HeaderKeys:             k.headerKeys(data),
	})
	if err == nil {
		if _, err = s.Write(data); err != nil {
			s.Close()
		} else {
			err = s.Close()
		}
	}
	if err != nil {
		return "", fmt.Errorf("dkim: signing with %s: %w", k.name, err)
	}
	return s.Signature(), nil
}
