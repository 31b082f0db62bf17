package dkim_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// dualKeys writes an Ed25519 key (from a fixed seed) and the test
// binary's RSA-2048 key into a temporary folder and returns their paths.
func dualKeys(t testing.TB) (rsaFile, edFile string) {
	t.Helper()
	rk, err := dkimRSAKey()
	if err != nil {
		t.Fatal(err)
	}
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	return writeKey(t, rk, true), writeKey(t, ed25519.NewKeyFromSeed(seed), false)
}

// dualYAML is dkimYAML with a dkim: list of an Ed25519 key (listed first)
// and an RSA key, read from the campaign file as a user writes it.
func dualYAML(rsaFile, edFile string) string {
	return dkimYAML + fmt.Sprintf(`dkim:
  - domain: acme.example
    selector: ed
    key_file: %s
  - domain: acme.example
    selector: rsa
    key_file: %s
`, edFile, rsaFile)
}

// TestDKIMDual: with an Ed25519 and an RSA key, every message carries two
// signatures, the RSA one on top whatever the campaign's order, and both
// verify; a change to the message breaks both.
func TestDKIMDual(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	c := dkimCampaign(t, dualYAML(rsaFile, edFile))
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	recs := s.Records()
	if len(recs) != 2 || recs[0].Name != "rsa._domainkey.acme.example" || recs[0].Algorithm != "rsa-sha256" ||
		recs[1].Name != "ed._domainkey.acme.example" || recs[1].Algorithm != "ed25519-sha256" {
		t.Fatalf("records %+v, want the RSA one, then the Ed25519 one", recs)
	}
	for _, m := range renderAll(t, c, render.Options{}) {
		signed, err := s.Sign(m.Data)
		if err != nil {
			t.Fatalf("row %d: %v", m.Row, err)
		}
		if !bytes.HasSuffix(signed, m.Data) {
			t.Fatalf("row %d: the message changed under the signatures", m.Row)
		}
		if got := signatureAlgorithms(signed); !slices.Equal(got, []string{"rsa-sha256", "ed25519-sha256"}) {
			t.Fatalf("row %d: signatures top down %v, want rsa-sha256 then ed25519-sha256", m.Row, got)
		}
		keys, err := verifyDKIM(t, s, signed)
		if err != nil {
			t.Fatalf("row %d: %v\n%s", m.Row, err, signed)
		}
		if !slices.Contains(keys, "List-Unsubscribe-Post") {
			t.Errorf("row %d: h= %v lacks List-Unsubscribe-Post", m.Row, keys)
		}
		tampered := bytes.Replace(signed, []byte("\r\nSubject: "), []byte("\r\nSubject: Re: "), 1)
		vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(tampered), &msgdkim.VerifyOptions{LookupTXT: lookupIn(recs)})
		if err != nil || len(vs) != 2 || vs[0].Err == nil || vs[1].Err == nil {
			t.Errorf("row %d: a changed Subject: %v, %+v; want both signatures to fail", m.Row, err, vs)
		}
	}
}

// TestDKIMDualFirstIsRSA: a verifier that checks only the first
// signature (go-msgauth with MaxVerifications 1) checks the RSA one, and
// one that knows no Ed25519 still passes the message.
func TestDKIMDualFirstIsRSA(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	c := dkimCampaign(t, dualYAML(rsaFile, edFile))
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	var looked []string
	lookup := lookupIn(s.Records())
	vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(signed), &msgdkim.VerifyOptions{
		MaxVerifications: 1,
		LookupTXT: func(name string) ([]string, error) {
			looked = append(looked, name)
			return lookup(name)
		},
	})
	if !errors.Is(err, msgdkim.ErrTooManySignatures) || len(vs) != 1 || vs[0].Err != nil {
		t.Fatalf("first signature only: %v, %+v", err, vs)
	}
	if !slices.Equal(looked, []string{"rsa._domainkey.acme.example"}) {
		t.Errorf("the first signature looked up %v, want the RSA key", looked)
	}
}

// lookupIn answers TXT lookups from recs.
func lookupIn(recs []dkim.Record) func(string) ([]string, error) {
	return func(name string) ([]string, error) {
		for _, r := range recs {
			if r.Name == name {
				return []string{r.Value}, nil
			}
		}
		return nil, fmt.Errorf("no TXT record at %s", name)
	}
}

// TestDKIMDualGolden signs the golden message of TestDKIMGolden with the
// Ed25519 key and an RSA key and compares it with
// testdata/golden/dkim_dual.eml (t= and b= masked; the signatures are
// verified instead).
func TestDKIMDualGolden(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	yaml := strings.Replace(dualYAML(rsaFile, edFile), "\nlist_id:", "\n  mailto: \"mailto:unsubscribe@acme.example?subject=unsubscribe%20{{.email}}\"\nlist_id:", 1)
	c := dkimCampaign(t, yaml)
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 3, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	msgs := renderAll(t, c, render.Options{
		Now:      func() time.Time { return now },
		Boundary: func(key string, n int) string { return fmt.Sprintf("b%d-%s", n, key) },
	})
	signed, err := s.Sign(msgs[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "dkim_dual.eml", maskSignatures(t, signed))
}

// TestDKIMDualRefuses: every entry of a dkim: list gets every check, and
// a problem names its entry and where it is in the campaign file.
func TestDKIMDualRefuses(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	smallFile := writeKey(t, small, true)
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"second entry not aligned", "  - domain: acme.example\n    selector: rsa", "  - domain: other.example\n    selector: rsa",
			`dkim: dkim[1].domain "other.example" does not align with the From domain "acme.example"`},
		{"second entry without List-Unsubscribe-Post under one-click", "    selector: rsa\n", "    selector: rsa\n    headers: [From, Subject, List-Unsubscribe]\n",
			"dkim: dkim[1].headers must include List-Unsubscribe and List-Unsubscribe-Post"},
		{"second entry without From", "    selector: rsa\n", "    selector: rsa\n    headers: [Subject, List-Unsubscribe, List-Unsubscribe-Post]\n",
			"dkim: dkim[1].headers must include From"},
		{"a weak RSA key", rsaFile, smallFile, "dkim: dkim[1].key_file " + smallFile + ": RSA key of 1024 bits"},
		{"first entry without a selector", "    selector: ed\n", "", "dkim: dkim[0]: domain, selector and key_file are all required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yaml := dualYAML(rsaFile, edFile)
			if !strings.Contains(yaml, tc.old) {
				t.Fatalf("%q is not in the campaign", tc.old)
			}
			c := dkimCampaign(t, strings.Replace(yaml, tc.old, tc.new, 1))
			s, err := dkim.NewSigner(c)
			if err == nil {
				t.Fatalf("NewSigner accepted it (%+v)", s)
			}
			ee, ok := errors.AsType[*dkim.EntryError](err)
			if !ok || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("error %v (%T), want an EntryError starting %q", err, err, tc.want)
			}
			entry := 1
			if strings.Contains(tc.want, "dkim[0]") {
				entry = 0
			}
			if ee.Line != c.DKIM[entry].Line || ee.Column != 5 || ee.Line != 12+3*entry {
				t.Errorf("at %d:%d, want dkim[%d]'s %d:%d", ee.Line, ee.Column, entry, c.DKIM[entry].Line, c.DKIM[entry].Column)
			}
		})
	}
}

// TestDKIMDualTemplatedFrom: with a From made from the row, a row must
// align with every key's domain; the error names the key it does not.
func TestDKIMDualTemplatedFrom(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	yaml := strings.Replace(dualYAML(rsaFile, edFile), `from: "Acme News <news@acme.example>"`, `from: "{{.from}}"`, 1)
	yaml = strings.Replace(yaml, "  - domain: acme.example\n    selector: rsa", "  - domain: mail.acme.example\n    selector: rsa", 1)
	c := dkimCampaign(t, yaml)
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	msgs := renderAll(t, c, render.Options{})
	signed, err := s.Sign(msgs[0].Data)
	if err != nil {
		t.Fatalf("aligned row: %v", err)
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatal(err)
	}
	if err := s.VetFrom(msgs[1].Data); err == nil || !strings.Contains(err.Error(), `"other.example"`) {
		t.Errorf("unaligned row: VetFrom %v, want a does-not-align error", err)
	}
	if _, err := s.Sign(msgs[1].Data); err == nil {
		t.Error("unaligned row: signed")
	}
}
