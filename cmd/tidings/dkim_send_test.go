package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/emersion/go-msgauth/dkim"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendSignsWithDKIM sends a campaign with a dkim section in two runs,
// the second from the spool the first wrote, and verifies every message the
// server received with go-msgauth, against a TXT record built from the
// public key.
func TestSendSignsWithDKIM(t *testing.T) {
	t.Parallel()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, `unsubscribe: {url: "https://example.com/u?e={{.email | urlquery}}", one_click: true}
list_id: "Example list <list.example.com>"
dkim: {domain: example.com, selector: s1, key_file: dkim.key}
`)
	keyFile := filepath.Join(filepath.Dir(camp), "dkim.key")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true, limit: 5}, g, camp); exitCode(err) != exitSomeFailed {
		t.Fatalf("send --limit 5: %v\n%s%s", err, out.String(), errOut.String())
	}
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil || !strings.Contains(out.String(), "(made by an earlier run and used again") {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	// The record check --dns-records prints is the one to publish.
	checkOut, _, _ := runCLI(t, "check", "--dns-records", camp)
	txt := "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	if want := "s1._domainkey.example.com. IN TXT \"" + txt + "\"\n"; !strings.Contains(checkOut, want) {
		t.Errorf("check --dns-records printed:\n%s\nwant the line %q", checkOut, want)
	}
	lookup := func(domain string) ([]string, error) {
		if domain != "s1._domainkey.example.com" {
			return nil, fmt.Errorf("no TXT record for %s", domain)
		}
		return []string{txt}, nil
	}
	msgs := srv.Messages()
	if len(msgs) != 12 {
		t.Fatalf("server received %d messages, want 12", len(msgs))
	}
	for _, m := range msgs {
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(m.Data), &dkim.VerifyOptions{LookupTXT: lookup})
		if err != nil || len(vs) != 1 {
			t.Fatalf("%v: verify: %v (%d signatures)", m.To, err, len(vs))
		}
		if vs[0].Err != nil || vs[0].Domain != "example.com" {
			t.Errorf("%v: signature %+v", m.To, vs[0])
		}
		signed := map[string]bool{}
		for _, h := range vs[0].HeaderKeys {
			signed[h] = true
		}
		for _, h := range []string{"From", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post"} {
			if !signed[h] {
				t.Errorf("%v: %s is not covered by the signature (h=%v)", m.To, h, vs[0].HeaderKeys)
			}
		}
	}
}

// TestMisalignedFromIsRowProblem: with DKIM and a From made from the row,
// a row whose From domain does not align with the signing domain is found
// by check and the send preflight, naming the row, and nothing is sent.
func TestMisalignedFromIsRowProblem(t *testing.T) {
	t.Parallel()
	keyPEM := ed25519PEM(t)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "dkim: {domain: example.com, selector: s1, key_file: dkim.key}\n")
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   strings.Replace(string(b), `from: "Sender <sender@example.com>"`, `from: "{{.from}}"`, 1),
		"r.csv":    "email,name,from\nann@example.com,Ann,news@example.com\nbob@example.com,Bob,news@evil.example\n",
		"dkim.key": keyPEM,
	})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitSomeFailed || !strings.Contains(out+errOut, `row 3, column "from"`) || !strings.Contains(out+errOut, "does not align") {
			t.Errorf("%v: code %d, want %d naming row 3 and its column\n%s%s", args, code, exitSomeFailed, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the server received %d messages", n)
	}
	// A From whose address is written in the template, beside a column
	// that only gives its name, is no fault of that column (rev-user12:
	// every row read `column "name"`, which holds nothing to fix), nor of
	// any row: it is the campaign's, told once at its dkim entry as a
	// From without a template is (it was one problem a row).
	b, err = os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), `from: "{{.from}}"`, `from: "{{.name}} <news@evil.example>"`, 1)})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitUnusable || !strings.Contains(out+errOut, `c.yaml:9:8: dkim: dkim.domain "example.com" does not align with the From domain "evil.example"`) ||
		strings.Contains(out+errOut, "row 2") || strings.Contains(out+errOut, `column "name"`) {
		t.Errorf("check, a fixed From address: code %d, want %d at the dkim entry\n%s%s", code, exitUnusable, out, errOut)
	}
}

// TestZoneStrings: a TXT value longer than 255 bytes (an RSA key) is
// split into strings of at most 255 bytes that join back to it.
func TestZoneStrings(t *testing.T) {
	t.Parallel()
	v := "v=DKIM1; k=rsa; p=" + strings.Repeat("A", 392)
	got := zoneStrings(v)
	parts := strings.Split(strings.Trim(got, "( )"), `" "`)
	joined := strings.Trim(strings.Join(parts, ""), `"`)
	if joined != v || len(parts) != 2 || !strings.HasPrefix(got, `( "`) {
		t.Errorf("zoneStrings = %s", got)
	}
	for _, p := range parts {
		if len(strings.Trim(p, `"`)) > 255 {
			t.Errorf("a string of %d bytes", len(p))
		}
	}
}
