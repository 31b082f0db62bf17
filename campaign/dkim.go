package campaign

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"golang.org/x/net/idna"
)

// DKIM is one DKIM signing key of the campaign (RFC 6376): the signing
// domain (d=), the selector (s=), where the private key is (a file, or an
// environment variable holding it) and the header fields to sign (empty:
// package render/dkim's default list). Package render/dkim checks the
// values.
type DKIM struct {
	Domain   string `yaml:"domain"`
	Selector string `yaml:"selector"`
	KeyFile  string `yaml:"key_file"`
	// KeyEnv names the environment variable holding the private key (its
	// PEM text), as a CI job's secret store hands it over; the key is
	// then never a file. At most one of KeyFile and KeyEnv is set
	// (DKIMKeys.cleanKeyEnv).
	KeyEnv  string   `yaml:"key_env"`
	Headers []string `yaml:"headers"`

	// Name is how messages call the entry: "dkim" when the section is one
	// mapping, "dkim[1]" for the second of a list. Line and Column are
	// where the entry starts in the campaign file; 0 when unknown (an
	// entry not read from a file).
	Name   string `yaml:"-"`
	Line   int    `yaml:"-"`
	Column int    `yaml:"-"`
}

func (d DKIM) empty() bool {
	return d.Domain == "" && d.Selector == "" && d.KeyFile == "" && d.KeyEnv == "" && len(d.Headers) == 0
}

// DKIMKeys is the campaign file's dkim: section, in file order: either one
// mapping (domain, selector, key_file, headers) or a list of such mappings,
// one per signature, e.g. an RSA and an Ed25519 key (RFC 8463: receivers
// that do not know Ed25519 yet still verify the RSA signature). Empty when
// the campaign does not sign: no section, an empty one, or one mapping
// with nothing set.
type DKIMKeys []DKIM

// errDKIMShape is the decoding error of a dkim: section that is neither a
// mapping nor a list.
var errDKIMShape = errors.New("a mapping (domain, selector, key_file or key_env, headers) or a list of such mappings")

// UnmarshalYAML decodes one mapping or a list of mappings. It decodes
// through the campaign file's own decoder, so strictness (unknown keys)
// and the line and column of errors are kept.
func (k *DKIMKeys) UnmarshalYAML(decode func(any) error) error {
	var shape any
	if err := decode(&shape); err != nil {
		return err
	}
	switch shape.(type) {
	case nil:
		*k = nil
	case []any:
		var list []DKIM
		if err := decode(&list); err != nil {
			return err
		}
		for i := range list {
			list[i].Name = fmt.Sprintf("dkim[%d]", i)
		}
		*k = list
	case map[string]any:
		var one DKIM
		if err := decode(&one); err != nil {
			return err
		}
		*k = nil
		if !one.empty() {
			one.Name = "dkim"
			*k = DKIMKeys{one}
		}
	default:
		return &settingError{path: "dkim", err: errDKIMShape}
	}
	return nil
}

// locate finds where each entry starts in data (the campaign file), then
// refuses two entries with the same domain and selector: they would share
// one key record and sign twice with it.
func (k DKIMKeys) locate(file string, data []byte) error {
	for i := range k {
		k[i].Line, k[i].Column = entryPosition(data, k[i].Name)
	}
	seen := map[string]string{}
	for _, d := range k {
		if d.Selector == "" || d.Domain == "" {
			continue // render/dkim asks for both
		}
		id := strings.ToLower(strings.TrimSpace(d.Selector) + "._domainkey." + dkimDomain(d.Domain))
		if first, dup := seen[id]; dup {
			return &FileError{File: file, Line: d.Line, Column: d.Column,
				Err: fmt.Errorf("%s: the same domain and selector as %s (%s): give each key its own selector", d.Name, first, id)}
		}
		seen[id] = d.Name
	}
	return nil
}

// cleanKeyEnv reads each entry's key_env as the name of an environment
// variable (cleanEnvName: "$DKIM_KEY" is read as DKIM_KEY, with a note),
// and refuses an entry that names both a key file and a variable. The
// notes are warnings for c.Warnings; an error is a *FileError at the
// setting.
func (k DKIMKeys) cleanKeyEnv(file string, data []byte) (notes []string, err error) {
	for i := range k {
		d := &k[i]
		setting := d.Name + ".key_env"
		var note string
		given := d.KeyEnv
		d.KeyEnv, note, err = cleanEnvName(setting, given, false)
		if err != nil {
			err = keyEnvNameError(setting, given)
		} else if d.KeyEnv != "" && d.KeyFile != "" {
			err = fmt.Errorf("%s: both key_file and key_env are set: give one, key_file for a key in a file, key_env for the environment variable holding it", d.Name)
		}
		if err != nil {
			line, col := position(data, setting)
			return nil, &FileError{File: file, Line: line, Column: col, Err: err}
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	return notes, nil
}

// keyEnvError is the error for a key_env that is not the name of an
// environment variable: the value is never part of it, since it may be
// the key itself, pasted where the name goes.
type keyEnvError struct{ setting string }

func (e *keyEnvError) Error() string {
	return e.setting + " must name an environment variable (letters, digits, _), e.g. key_env: DKIM_KEY, and the key's PEM text go in that variable; the value given is not shown, since it may be the key itself"
}

// keyFileNameRE matches a key_env value that is a file's name or path
// written where the variable's name goes (dkim.key, keys/dkim-rsa.pem):
// no space, and a dot, which neither a PEM key's base64 nor its
// "-----BEGIN" line has in that alphabet.
var keyFileNameRE = regexp.MustCompile(`^[A-Za-z0-9_~/\\:-]*\.[A-Za-z0-9_.~/\\:-]*$`)

// keyEnvNameError is the error for v, the value of setting (a key_env),
// that names no environment variable: a file's name, which it names
// with the key_file to write in its place, or else a keyEnvError, which
// shows nothing of v.
func keyEnvNameError(setting, v string) error {
	v = strings.TrimSpace(v)
	if len(v) > 255 || strings.Contains(v, "-----") || !keyFileNameRE.MatchString(v) {
		return &keyEnvError{setting: setting}
	}
	return fmt.Errorf("%s: %q is a file's name, and key_env names the environment variable holding the key: for a key in a file, write key_file: %s in its place", setting, v, v)
}

// entryPosition is the line and column of the first key of the mapping at
// path in data (where "domain:" usually is), or 0, 0.
func entryPosition(data []byte, path string) (line, col int) {
	m, ok := nodeAt(data, path).(*ast.MappingNode)
	if !ok || len(m.Values) == 0 {
		return position(data, path)
	}
	if tk := m.Values[0].Key.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position.Line, tk.Position.Column
	}
	return 0, 0
}

// dkimDomain is domain as DNS compares it: IDNA A-labels, lowercase, no
// final dot (the name itself when it is no domain name; render/dkim
// refuses it).
func dkimDomain(domain string) string {
	d := strings.TrimSuffix(strings.TrimSpace(domain), ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		d = a
	}
	return strings.ToLower(d)
}
