package dkim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// addedFields are header fields an attacker adds to a signed message,
// each with where: "top" above the DKIM-Signature fields, "bottom" just
// above the body. A signature that oversigns them fails after any.
var addedFields = []struct{ name, where, field string }{
	{"Subject above", "top", "Subject: You have won\r\n"},
	{"From above", "top", "From: Bank <alerts@bank.example>\r\n"},
	{"Subject below", "bottom", "Subject: You have won\r\n"},
	{"Reply-To added", "top", "Reply-To: thief@evil.example\r\n"},
	{"Cc added", "top", "Cc: other@evil.example\r\n"},
	{"List-Unsubscribe above", "top", "List-Unsubscribe: <https://evil.example/u>\r\n"},
}

// addField returns signed with field added where ("top" or "bottom").
func addField(signed []byte, where, field string) []byte {
	if where == "top" {
		return append([]byte(field), signed...)
	}
	head, body, _ := bytes.Cut(signed, []byte("\r\n\r\n"))
	return []byte(string(head) + "\r\n" + strings.TrimSuffix(field, "\r\n") + "\r\n\r\n" + string(body))
}

// hTagRE finds the h= tag of the first DKIM-Signature (folded lines
// joined first).
var hTagRE = regexp.MustCompile(`[;\s]h=([^;]*);`)

// signedOnce signs the first message of the dual-key campaign and returns
// the signer and the message.
func signedOnce(t *testing.T) (*dkim.Signer, []byte) {
	t.Helper()
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
	return s, signed
}

// TestDKIMOversigned: by default h= names each field a message carries at
// most once one more time than the message has it (RFC 6376 5.4.2, 8.15),
// the signatures verify, and a field added above or below the signed one
// (a second Subject, From, Reply-To …) fails go-msgauth's verifier.
func TestDKIMOversigned(t *testing.T) {
	s, signed := signedOnce(t)
	head, _, _ := bytes.Cut(signed, []byte("\r\n\r\n"))
	m := hTagRE.FindSubmatch(bytes.ReplaceAll(head, []byte("\r\n "), nil))
	if m == nil {
		t.Fatalf("no h= in\n%s", head)
	}
	h := strings.Split(string(m[1]), ":")
	count := map[string]int{}
	for _, name := range h {
		count[name]++
	}
	for name, want := range map[string]int{
		"From": 2, "Subject": 2, "Date": 2, "To": 2, "Message-ID": 2, "MIME-Version": 2, "Content-Type": 2,
		"List-Id": 2, "List-Unsubscribe": 2, "List-Unsubscribe-Post": 2,
		"Reply-To": 1, "Cc": 1, "Sender": 1, // the message has none
	} {
		if count[name] != want {
			t.Errorf("h= names %s %d times, want %d: %v", name, count[name], want, h)
		}
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatalf("%v\n%s", err, signed)
	}
	for _, a := range addedFields {
		if _, err := verifyDKIM(t, s, addField(signed, a.where, a.field)); err == nil {
			t.Errorf("%s: still verifies", a.name)
		}
	}
}

// TestDKIMOversignedVerifiers: dkimpy and Mail::DKIM pass the oversigned
// signatures and fail them once a second Subject or From is added.
func TestDKIMOversignedVerifiers(t *testing.T) {
	s, signed := signedOnce(t)
	port := strconv.Itoa(serveKeys(t, s.Records()))
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Run("dkimpy", func(t *testing.T) {
		py := findWith(t, "dkimpy (Debian python3-dkim, python3-dnspython)",
			[]string{"python3", "/usr/bin/python3"}, "-c", "import dkim, dkim.util, dns.resolver")
		script := filepath.Join("testdata", "dkimpy_verify.py")
		out := runVerifier(t, py, script, port, write("signed.eml", signed))
		for _, want := range []string{"signature 0 a=rsa-sha256 s=rsa d=acme.example: pass\n", "signature 1 a=ed25519-sha256 s=ed d=acme.example: pass\n"} {
			if !strings.Contains(out, want) {
				t.Fatalf("as signed, dkimpy said:\n%swant %q", out, want)
			}
		}
		for i, a := range addedFields {
			out := runVerifier(t, py, script, port, write(strconv.Itoa(i)+".eml", addField(signed, a.where, a.field)))
			if strings.Contains(out, ": pass") || !strings.Contains(out, "signature 0") {
				t.Errorf("%s: dkimpy said:\n%swant every signature failed", a.name, out)
			}
		}
	})
	t.Run("Mail::DKIM", func(t *testing.T) {
		perl := findWith(t, "Mail::DKIM (Debian libmail-dkim-perl)",
			[]string{"perl", "/usr/bin/perl"}, "-MMail::DKIM::Verifier", "-MNet::DNS::Resolver", "-e", "1")
		script := filepath.Join("testdata", "maildkim_verify.pl")
		out := runVerifier(t, perl, script, port, write("signed.eml", signed))
		if !strings.Contains(out, "Mail::DKIM: result: pass\n") {
			t.Fatalf("as signed, Mail::DKIM said:\n%swant result: pass", out)
		}
		for i, a := range addedFields {
			out := runVerifier(t, perl, script, port, write(strconv.Itoa(i)+".eml", addField(signed, a.where, a.field)))
			if strings.Contains(out, ": pass") || !strings.Contains(out, "signature 0") {
				t.Errorf("%s: Mail::DKIM said:\n%swant no signature passed", a.name, out)
			}
		}
	})
}
