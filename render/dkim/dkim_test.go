package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"flag"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	msgdkim "github.com/emersion/go-msgauth/dkim"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
	"github.com/tidings/tidings/templates"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// dkimRSAKey is one 2048-bit key for the whole test binary (generating
// one takes a while).
var dkimRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// writeKey writes key as PKCS #8 PEM (or PKCS #1 for RSA when pkcs1) into
// a temporary folder and returns the file's path.
func writeKey(t testing.TB, key crypto.Signer, pkcs1 bool) string {
	t.Helper()
	var block *pem.Block
	if k, ok := key.(*rsa.PrivateKey); ok && pkcs1 {
		block = &pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}
	} else {
		der, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		block = &pem.Block{Type: "PRIVATE KEY", Bytes: der}
	}
	path := filepath.Join(t.TempDir(), "dkim.key")
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// dkimKeys are the key kinds every round-trip test covers.
func dkimKeys(t testing.TB) map[string]func() string {
	t.Helper()
	return map[string]func() string{
		"rsa2048-pkcs1": func() string {
			k, err := dkimRSAKey()
			if err != nil {
				t.Fatal(err)
			}
			return writeKey(t, k, true)
		},
		"rsa2048-pkcs8": func() string {
			k, err := dkimRSAKey()
			if err != nil {
				t.Fatal(err)
			}
			return writeKey(t, k, false)
		},
		"ed25519": func() string {
			_, k, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			return writeKey(t, k, false)
		},
	}
}

// renderAll renders every row of c's sheet; a row problem fails the test.
func renderAll(t testing.TB, c *campaign.Campaign, opts render.Options) []*render.Message {
	t.Helper()
	ctx := context.Background()
	sheet, err := campaign.OpenSheet(ctx, c.Recipients)
	if err != nil {
		t.Fatal(err)
	}
	defer sheet.Close()
	set, err := templates.Compile(c, sheet.Columns())
	if err != nil {
		t.Fatal(err)
	}
	r, err := render.New(c, set, opts)
	if err != nil {
		t.Fatal(err)
	}
	var msgs []*render.Message
	err = r.Each(ctx, sheet, 2, func(m *render.Message, err error) error {
		if err != nil {
			return err
		}
		msgs = append(msgs, m)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) == 0 {
		t.Fatal("the sheet has no rows")
	}
	return msgs
}

// verifyDKIM checks every DKIM signature of data with go-msgauth's
// verifier, answering the key lookups from s.Records: there must be one
// signature per record, in the records' order, each passing after one
// lookup of its record. It returns the header fields the first signature
// covers.
func verifyDKIM(t testing.TB, s *dkim.Signer, data []byte) ([]string, error) {
	t.Helper()
	records := s.Records()
	txt := map[string]string{}
	for _, r := range records {
		txt[r.Name] = r.Value
	}
	var mu sync.Mutex
	lookups := map[string]int{}
	vs, err := msgdkim.VerifyWithOptions(bytes.NewReader(data), &msgdkim.VerifyOptions{
		LookupTXT: func(name string) ([]string, error) {
			mu.Lock()
			defer mu.Unlock()
			lookups[name]++
			v, ok := txt[name]
			if !ok {
				return nil, fmt.Errorf("no TXT record at %s", name)
			}
			return []string{v}, nil
		},
	})
	if err != nil {
		return nil, err
	}
	if len(vs) != len(records) {
		return nil, fmt.Errorf("%d signatures, want %d", len(vs), len(records))
	}
	algos := signatureAlgorithms(data)
	for i, v := range vs {
		if v.Err != nil {
			return nil, fmt.Errorf("signature %d (%s): %w", i, records[i].Name, v.Err)
		}
		if !strings.HasSuffix(records[i].Name, "._domainkey."+v.Domain) || algos[i] != records[i].Algorithm || lookups[records[i].Name] != 1 {
			return nil, fmt.Errorf("signature %d: a=%s d=%s after %d lookups, want %+v", i, algos[i], v.Domain, lookups[records[i].Name], records[i])
		}
	}
	return vs[0].HeaderKeys, nil
}

// sigAlgorithmRE finds the a= tag of each DKIM-Signature field (go-msgauth
// writes it first).
var sigAlgorithmRE = regexp.MustCompile(`(?m)^DKIM-Signature: a=([a-z0-9-]+);`)

// signatureAlgorithms lists the a= of data's DKIM-Signature fields, top
// down.
func signatureAlgorithms(data []byte) []string {
	head, _, _ := bytes.Cut(data, []byte("\r\n\r\n"))
	var out []string
	for _, m := range sigAlgorithmRE.FindAllSubmatch(head, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// fromDomain is the domain of c's (constant) From.
func fromDomain(t testing.TB, c *campaign.Campaign) string {
	t.Helper()
	a, err := mail.ParseAddress(c.From)
	if err != nil {
		t.Fatalf("from %q: %v", c.From, err)
	}
	return a.Address[strings.LastIndexByte(a.Address, '@')+1:]
}

// TestDKIMRoundTripExamples signs every message of every example campaign
// with RSA and Ed25519 keys, as is and with one-click unsubscribe and
// List-Id added, and verifies every signature with go-msgauth's verifier.
func TestDKIMRoundTripExamples(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", "campaign.yaml"))
	if err != nil || len(examples) < 3 {
		t.Fatalf("examples: %v %v", examples, err)
	}
	for _, path := range examples {
		name := filepath.Base(filepath.Dir(path))
		for keyName, keyFile := range dkimKeys(t) {
			for _, unsub := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/unsubscribe=%v", name, keyName, unsub), func(t *testing.T) {
					c, err := campaign.Load(path)
					if err != nil {
						t.Fatal(err)
					}
					dom := fromDomain(t, c)
					c.DKIM = campaign.DKIMKeys{{Domain: dom, Selector: "s2026", KeyFile: keyFile()}}
					if unsub {
						c.Unsubscribe = campaign.Unsubscribe{
							URL:      "https://" + dom + "/unsub?u={{." + c.Recipients.Key + " | urlquery}}",
							Mailto:   "unsubscribe@" + dom,
							OneClick: true,
						}
						c.ListID = "Example list <list." + dom + ">"
					}
					s, err := dkim.NewSigner(c)
					if err != nil {
						t.Fatal(err)
					}
					msgs := renderAll(t, c, render.Options{})
					for _, m := range msgs {
						signed, err := s.Sign(m.Data)
						if err != nil {
							t.Fatalf("row %d: %v", m.Row, err)
						}
						if !bytes.HasPrefix(signed, []byte("DKIM-Signature: ")) || !bytes.HasSuffix(signed, m.Data) {
							t.Fatalf("row %d: the signature is not simply prepended", m.Row)
						}
						keys, err := verifyDKIM(t, s, signed)
						if err != nil {
							t.Fatalf("row %d: %v\n%s", m.Row, err, signed)
						}
						for _, h := range []string{"From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"} {
							if !slices.Contains(keys, h) {
								t.Errorf("row %d: h= %v lacks %s", m.Row, keys, h)
							}
						}
						if unsub {
							for _, h := range []string{"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id"} {
								if !bytes.Contains(m.Data, []byte("\r\n"+h+": ")) {
									t.Errorf("row %d: the message has no %s header", m.Row, h)
								}
							}
						}
						// A changed header or body no longer verifies.
						tampered := bytes.Replace(signed, []byte("\r\nSubject: "), []byte("\r\nSubject: Re: "), 1)
						if _, err := verifyDKIM(t, s, tampered); err == nil {
							t.Fatalf("row %d: a changed Subject still verifies", m.Row)
						}
						tampered = append(bytes.Clone(signed[:len(signed)-2]), []byte("!\r\n")...)
						if _, err := verifyDKIM(t, s, tampered); err == nil {
							t.Fatalf("row %d: a changed body still verifies", m.Row)
						}
						if unsub {
							tampered = bytes.Replace(signed, []byte("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click"), nil, 1)
							if _, err := verifyDKIM(t, s, tampered); err == nil {
								t.Fatalf("row %d: removing List-Unsubscribe-Post still verifies", m.Row)
							}
						}
					}
				})
			}
		}
	}
}

// dkimCampaign loads yaml as a campaign in a temporary folder with a body
// and a two-row sheet (email, name, from).
func dkimCampaign(t testing.TB, yaml string) *campaign.Campaign {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"campaign.yaml": yaml,
		"body.txt":      "Hello {{.name}}.\n",
		"people.csv":    "email,name,from\nann@example.com,Ann,news@acme.example\nbob@example.org,Bob,news@other.example\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	c, err := campaign.Load(filepath.Join(dir, "campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

const dkimYAML = `name: dkim
from: "Acme News <news@acme.example>"
to: "{{.email}}"
subject: "Hi {{.name}}"
text: body.txt
recipients: {path: people.csv}
unsubscribe:
  url: "https://acme.example/u?e={{.email | urlquery}}"
  one_click: true
list_id: "Acme <news.acme.example>"
`

func TestNewSignerRefuses(t *testing.T) {
	edPath := dkimKeys(t)["ed25519"]()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	writeRaw := func(content string) string {
		p := filepath.Join(t.TempDir(), "key.pem")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name   string
		change func(c *campaign.Campaign)
		want   string
	}{
		{"key does not parse", func(c *campaign.Campaign) {
			c.DKIM[0].KeyFile = writeRaw("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
		}, "dkim.key_file"},
		{"no PEM", func(c *campaign.Campaign) { c.DKIM[0].KeyFile = writeRaw("just text\n") }, "no PEM block"},
		{"a public key", func(c *campaign.Campaign) {
			der, _ := x509.MarshalPKIXPublicKey(&small.PublicKey)
			c.DKIM[0].KeyFile = writeRaw(string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})))
		}, "not a private key"},
		{"encrypted key", func(c *campaign.Campaign) {
			c.DKIM[0].KeyFile = writeRaw("-----BEGIN ENCRYPTED PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED PRIVATE KEY-----\n")
		}, "encrypted"},
		{"legacy encrypted PKCS #1 key", func(c *campaign.Campaign) {
			c.DKIM[0].KeyFile = writeRaw("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nbm90IGEga2V5\n-----END RSA PRIVATE KEY-----\n")
		}, "the key is encrypted"},
		{"missing key file", func(c *campaign.Campaign) { c.DKIM[0].KeyFile = filepath.Join(t.TempDir(), "none.pem") }, "no such file"},
		{"RSA under 2048 bits", func(c *campaign.Campaign) { c.DKIM[0].KeyFile = writeKey(t, small, true) }, "RSA key of 1024 bits"},
		{"ECDSA key", func(c *campaign.Campaign) { c.DKIM[0].KeyFile = writeKey(t, ec, false) }, "an EC key; DKIM signs with RSA"},
		{"domain not aligned with From", func(c *campaign.Campaign) { c.DKIM[0].Domain = "other.example" }, "does not align"},
		{"a sibling organization", func(c *campaign.Campaign) { c.DKIM[0].Domain = "acme-mail.example" }, "does not align"},
		{"one of several From mailboxes not aligned", func(c *campaign.Campaign) {
			c.From = "Acme <news@acme.example>, Other <x@other.example>"
		}, "does not align"},
		{"a From template with its address written in", func(c *campaign.Campaign) {
			c.From = `"{{.name}}, Acme" <news@other.example>`
		}, `with the From domain "other.example"`},
		{"one_click without List-Unsubscribe-Post signed", func(c *campaign.Campaign) {
			c.DKIM[0].Headers = []string{"From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe"}
		}, "List-Unsubscribe-Post"},
		{"one_click without List-Unsubscribe signed", func(c *campaign.Campaign) {
			c.DKIM[0].Headers = []string{"From", "Subject", "List-Unsubscribe-Post"}
		}, "List-Unsubscribe"},
		{"From not signed", func(c *campaign.Campaign) {
			c.Unsubscribe.OneClick = false
			c.DKIM[0].Headers = []string{"To", "Subject"}
		}, "must include From"},
		{"bad header name", func(c *campaign.Campaign) {
			c.DKIM[0].Headers = append(dkim.DefaultDKIMHeaders(), "Sub ject")
		}, "not a header field name"},
		{"DKIM-Signature in the list", func(c *campaign.Campaign) {
			c.DKIM[0].Headers = append(dkim.DefaultDKIMHeaders(), "DKIM-Signature")
		}, "cannot sign itself"},
		{"h= over 998 characters by default", func(c *campaign.Campaign) {
			for i := range 20 {
				c.Headers = append(c.Headers, campaign.Header{Name: fmt.Sprintf("X-Acme-Campaign-Tracking-%02d", i), Value: "x"})
			}
		}, "give dkim a headers: list"},
		{"h= over 998 characters as named", func(c *campaign.Campaign) {
			c.DKIM[0].Headers = append(dkim.DefaultDKIMHeaders(), slices.Repeat([]string{"X-Acme-Campaign-Tracking"}, 40)...)
		}, "dkim.headers: the signature's h= tag would be a line of"},
		{"selector missing", func(c *campaign.Campaign) { c.DKIM[0].Selector = "" }, "all required"},
		{"selector that would inject a tag", func(c *campaign.Campaign) { c.DKIM[0].Selector = "s1; d=evil.example" }, "dkim.selector"},
		{"domain that is not a name", func(c *campaign.Campaign) { c.DKIM[0].Domain = "acme.example; x=1" }, "dkim.domain"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := dkimCampaign(t, dkimYAML)
			c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: edPath}}
			tc.change(c)
			s, err := dkim.NewSigner(c)
			if err == nil {
				t.Fatalf("NewSigner accepted it (%+v)", s)
			}
			if !strings.HasPrefix(err.Error(), "dkim: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want one starting with dkim: and naming %q", err, tc.want)
			}
		})
	}

	t.Run("accepted variants", func(t *testing.T) {
		for _, change := range []func(c *campaign.Campaign){
			func(c *campaign.Campaign) {},
			func(c *campaign.Campaign) { c.From = "Acme <news@mail.acme.example>" }, // subdomain From: relaxed alignment
			func(c *campaign.Campaign) { c.DKIM[0].Domain = "mail.acme.example" },   // signing a subdomain: same organizational domain
			func(c *campaign.Campaign) { c.DKIM[0].Domain = "ACME.example." },
			func(c *campaign.Campaign) { c.DKIM[0].Selector = "s2026.eu-1" },
			// Templates whose address a row makes or picks: each message's.
			func(c *campaign.Campaign) { c.From = "{{.name}} <{{.box}}@other.example>" },
			func(c *campaign.Campaign) {
				c.From = "{{if .vip}}VIP <vip@other.example>{{else}}Acme <news@acme.example>{{end}}"
			},
			func(c *campaign.Campaign) { c.From = "Acme <news@other.example>{{.more}}" },
			// A '<' that an action writes: its text is no address to check.
			func(c *campaign.Campaign) { c.From = `{{.name}} {{"<"}}news@acme.example>` },
			func(c *campaign.Campaign) { c.From = `{{printf "%s <" .name}}news@acme.example>` },
		} {
			c := dkimCampaign(t, dkimYAML)
			c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: edPath}}
			change(c)
			s, err := dkim.NewSigner(c)
			if err != nil || s == nil {
				t.Errorf("NewSigner(%+v): %v", c.DKIM, err)
			}
		}
		c := dkimCampaign(t, dkimYAML)
		if s, err := dkim.NewSigner(c); s != nil || err != nil {
			t.Errorf("no dkim section: %v, %v; want nil, nil", s, err)
		}
	})
}

// TestDKIMTemplatedFrom: with a From that varies by row alignment is
// checked on each message: the aligned row is signed, the other refused.
func TestDKIMTemplatedFrom(t *testing.T) {
	c := dkimCampaign(t, strings.Replace(dkimYAML, `from: "Acme News <news@acme.example>"`, `from: "{{.from}}"`, 1))
	c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: dkimKeys(t)["ed25519"]()}}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	msgs := renderAll(t, c, render.Options{})
	if len(msgs) != 2 {
		t.Fatalf("%d messages", len(msgs))
	}
	signed, err := s.Sign(msgs[0].Data)
	if err != nil {
		t.Fatalf("aligned row: %v", err)
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Sign(msgs[1].Data); err == nil || !strings.Contains(err.Error(), `"other.example"`) {
		t.Errorf("unaligned row: %v, want a does-not-align error", err)
	}
}

// TestDKIMSignConcurrent signs from many goroutines at once with one
// Signer per key type and one with an RSA and an Ed25519 key (run with
// -race) and verifies every result.
func TestDKIMSignConcurrent(t *testing.T) {
	cases := map[string]func() campaign.DKIMKeys{}
	for keyName, keyFile := range dkimKeys(t) {
		cases[keyName] = func() campaign.DKIMKeys {
			return campaign.DKIMKeys{{Domain: "acme.example", Selector: "sel", KeyFile: keyFile()}}
		}
	}
	cases["rsa2048+ed25519"] = func() campaign.DKIMKeys {
		rsaFile, edFile := dualKeys(t)
		return campaign.DKIMKeys{{Domain: "acme.example", Selector: "ed", KeyFile: edFile}, {Domain: "acme.example", Selector: "rsa", KeyFile: rsaFile}}
	}
	for name, keys := range cases {
		t.Run(name, func(t *testing.T) {
			c := dkimCampaign(t, dkimYAML)
			c.DKIM = keys()
			s, err := dkim.NewSigner(c)
			if err != nil {
				t.Fatal(err)
			}
			const workers, each = 8, 12
			var wg sync.WaitGroup
			errs := make(chan error, workers*each)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < each; i++ {
						m := dkimMessage(w*100+i+2, fmt.Sprintf("u%d-%d@example.com", w, i))
						m.Data = bytes.Replace(m.Data, []byte("sender@example.org"), []byte("news@acme.example"), 1)
						signed, err := s.Sign(m.Data)
						if err == nil {
							_, err = verifyDKIM(t, s, signed)
						}
						if err != nil {
							errs <- fmt.Errorf("worker %d message %d: %w", w, i, err)
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
		})
	}
}

// dkimVolatile matches the parts of a DKIM-Signature that change with the
// signing time: t= (go-msgauth takes it from the system clock) and b=,
// which signs it.
var dkimVolatile = []*regexp.Regexp{
	regexp.MustCompile(`([ ;]t=)[0-9]+;`),
	regexp.MustCompile(`(?s)(\r\n b=)[A-Za-z0-9+/=\r\n ]+?(\r\n[^ \t])`),
}

// TestDKIMGolden renders a message with one-click unsubscribe and List-Id
// on a fixed clock, signs it with a fixed Ed25519 key and compares it with
// testdata/golden/dkim_ed25519.eml (the t= and b= values masked; the
// signature itself is verified instead).
func TestDKIMGolden(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(i)
	}
	c := dkimCampaign(t, strings.Replace(dkimYAML, "\nlist_id:", "\n  mailto: \"mailto:unsubscribe@acme.example?subject=unsubscribe%20{{.email}}\"\nlist_id:", 1))
	c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: writeKey(t, ed25519.NewKeyFromSeed(seed), false)}}
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
	// The key follows from the seed, so its record is fixed too.
	want := []dkim.Record{{Name: "s2026._domainkey.acme.example", Value: "v=DKIM1; k=ed25519; p=A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=", Algorithm: "ed25519-sha256"}}
	if got := s.Records(); !slices.Equal(got, want) {
		t.Errorf("records %+v, want %+v", got, want)
	}
	checkGolden(t, "dkim_ed25519.eml", maskSignatures(t, signed))
}

// maskSignatures replaces the t= and b= values of signed's DKIM-Signature
// fields with <time> and <signature>.
func maskSignatures(t testing.TB, signed []byte) []byte {
	t.Helper()
	got := dkimVolatile[0].ReplaceAll(signed, []byte("${1}<time>;"))
	got = dkimVolatile[1].ReplaceAll(got, []byte("${1}<signature>${2}"))
	if bytes.Equal(got, signed) || bytes.Count(got, []byte(" b=<signature>")) != bytes.Count(signed, []byte("DKIM-Signature: ")) {
		t.Fatalf("the signatures were not masked:\n%s", got)
	}
	return got
}

// checkGolden compares got with testdata/golden/name (rewriting it first
// under -update).
func checkGolden(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("signed message differs from %s (run go test -run %s -update after checking):\n%s", path, t.Name(), got)
	}
}

func TestDKIMTXTRecord(t *testing.T) {
	for keyName, keyFile := range dkimKeys(t) {
		c := dkimCampaign(t, dkimYAML)
		c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s1", KeyFile: keyFile()}}
		s, err := dkim.NewSigner(c)
		if err != nil {
			t.Fatal(err)
		}
		want, algo := "v=DKIM1; k=rsa; p=", "rsa-sha256"
		if keyName == "ed25519" {
			want, algo = "v=DKIM1; k=ed25519; p=", "ed25519-sha256"
		}
		rs := s.Records()
		if len(rs) != 1 || !strings.HasPrefix(rs[0].Value, want) || rs[0].Name != "s1._domainkey.acme.example" || rs[0].Algorithm != algo {
			t.Errorf("%s: records %+v", keyName, rs)
		}
	}
}

// BenchmarkDKIMSign signs a rendered example message (the newsletter: text
// and HTML, about 4 KB) with each key type, and with an RSA and an Ed25519
// key together.
func BenchmarkDKIMSign(b *testing.B) {
	cases := map[string]func(dom string) campaign.DKIMKeys{}
	for keyName, keyFile := range dkimKeys(b) {
		cases[keyName] = func(dom string) campaign.DKIMKeys {
			return campaign.DKIMKeys{{Domain: dom, Selector: "s1", KeyFile: keyFile()}}
		}
	}
	cases["rsa2048+ed25519"] = func(dom string) campaign.DKIMKeys {
		rsaFile, edFile := dualKeys(b)
		return campaign.DKIMKeys{{Domain: dom, Selector: "rsa", KeyFile: rsaFile}, {Domain: dom, Selector: "ed", KeyFile: edFile}}
	}
	for name, keys := range cases {
		b.Run(name, func(b *testing.B) {
			c, err := campaign.Load(filepath.Join("..", "..", "examples", "newsletter", "campaign.yaml"))
			if err != nil {
				b.Fatal(err)
			}
			c.DKIM = keys(fromDomain(b, c))
			s, err := dkim.NewSigner(c)
			if err != nil {
				b.Fatal(err)
			}
			m := renderAll(b, c, render.Options{})[0]
			b.SetBytes(int64(len(m.Data)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.Sign(m.Data); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// dkimMessage builds a small message for sheet row row to rcpt.
func dkimMessage(row int, rcpt string) *render.Message {
	data := fmt.Sprintf("From: Sender <sender@example.org>\r\nTo: %s\r\nSubject: row %d\r\nMessage-ID: <row%d@example.org>\r\n\r\nHello, row %d.\r\n", rcpt, row, row, row)
	return &render.Message{Row: row, Key: rcpt, EnvelopeFrom: "sender@example.org", Recipients: []string{rcpt}, To: rcpt, Data: []byte(data)}
}

// countFold counts the elements of list equal to s under case folding.
func countFold(list []string, s string) int {
	n := 0
	for _, v := range list {
		if strings.EqualFold(v, s) {
			n++
		}
	}
	return n
}

// TestDKIMSignsCampaignHeaders: with the default header list, the fields
// the campaign's headers: section and sender: add are signed too, as
// RFC 6376 5.4.1 asks of In-Reply-To, References and the List-* fields,
// and Gmail of Feedback-ID (its feedback loop counts a Feedback-ID only
// under a signature that covers it): a changed value fails.
func TestDKIMSignsCampaignHeaders(t *testing.T) {
	yaml := strings.Replace(dkimYAML, "from: \"Acme News <news@acme.example>\"\n",
		"from: \"Acme News <news@acme.example>, Desk <desk@acme.example>\"\nsender: \"news@acme.example\"\n", 1) +
		"headers:\n  Feedback-ID: \"nov:news:acme1\"\n  List-Help: \"<https://acme.example/help>\"\n  X-Campaign: nov-2026\n"
	c := dkimCampaign(t, yaml)
	c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: dkimKeys(t)["ed25519"]()}}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := verifyDKIM(t, s, signed)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ field, changed string }{
		{"Sender: news@acme.example", "Sender: desk@acme.example"},
		{"Feedback-ID: nov:news:acme1", "Feedback-ID: nov:news:other"},
		{"List-Help: <https://acme.example/help>", "List-Help: <https://evil.example/help>"},
		{"X-Campaign: nov-2026", "X-Campaign: dec-2026"},
	} {
		name, _, _ := strings.Cut(f.field, ":")
		if n := countFold(keys, name); n != 2 {
			t.Errorf("h= names %s %d times, want 2: %v", name, n, keys)
		}
		if !bytes.Contains(signed, []byte("\r\n"+f.field+"\r\n")) {
			t.Fatalf("the message has no %q:\n%s", f.field, signed)
		}
		tampered := bytes.Replace(signed, []byte("\r\n"+f.field+"\r\n"), []byte("\r\n"+f.changed+"\r\n"), 1)
		if _, err := verifyDKIM(t, s, tampered); err == nil {
			t.Errorf("the message with %q changed to %q still verifies", f.field, f.changed)
		}
	}
}
