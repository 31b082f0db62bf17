package dkim_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// allFieldsYAML is the dual-key campaign with two From mailboxes, so a
// Sender, and extra headers: its text-only messages carry
// Content-Transfer-Encoding at the top.
func allFieldsYAML(t *testing.T) string {
	rsaFile, edFile := dualKeys(t)
	return strings.Replace(dualYAML(rsaFile, edFile), "from: \"Acme News <news@acme.example>\"\n", `from: "Acme News <news@acme.example>, Acme Desk <desk@acme.example>"
sender: "Acme Mailer <bulk@acme.example>"
headers: {Feedback-ID: "nov:{{.name}}:news:acme", X-Campaign: nov-2026}
`, 1)
}

// hTag is the h= list of the first DKIM-Signature of signed.
func hTag(t *testing.T, signed []byte) []string {
	t.Helper()
	head, _, _ := bytes.Cut(signed, []byte("\r\n\r\n"))
	m := hTagRE.FindSubmatch(bytes.ReplaceAll(head, []byte("\r\n "), nil))
	if m == nil {
		t.Fatalf("no h= in\n%s", head)
	}
	return strings.Split(string(m[1]), ":")
}

// countName is how many times h names name.
func countName(h []string, name string) int {
	n := 0
	for _, x := range h {
		if strings.EqualFold(x, name) {
			n++
		}
	}
	return n
}

// TestDKIMSignsEveryField: by default the signature covers every field
// tidings writes, Sender, a top-level Content-Transfer-Encoding and the
// campaign's headers: (Feedback-ID, which Google's feedback loop wants
// signed) included, each oversigned; a changed or added one fails. The
// signatures pass go-msgauth, dkimpy and Mail::DKIM.
func TestDKIMSignsEveryField(t *testing.T) {
	c := dkimCampaign(t, allFieldsYAML(t))
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	h := hTag(t, signed)
	head, _, _ := bytes.Cut(signed, []byte("\r\n\r\n"))
	for _, line := range strings.Split(string(head), "\r\n") {
		name, _, ok := strings.Cut(line, ":")
		if !ok || line[0] == ' ' || name == "DKIM-Signature" {
			continue
		}
		if n := countName(h, name); n != 2 {
			t.Errorf("h= names %s %d times, want 2 (the field and one more): %v", name, n, h)
		}
	}
	for _, name := range []string{"Sender", "Content-Transfer-Encoding", "Feedback-ID", "X-Campaign"} {
		if !slices.Contains(h, name) {
			t.Errorf("h= lacks %s: %v", name, h)
		}
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatalf("%v\n%s", err, signed)
	}
	for _, tamper := range [][2]string{
		{"\r\nFeedback-ID: nov:Ann:", "\r\nFeedback-ID: nov:Eve:"},
		{"\r\nX-Campaign: nov-2026", "\r\nX-Campaign: dec-2026"},
		{"\r\nSender: Acme Mailer <bulk@", "\r\nSender: Acme Mailer <evil@"},
		{"\r\nContent-Transfer-Encoding: 7bit", "\r\nContent-Transfer-Encoding: base64"},
		{"\r\nMIME-Version: 1.0", "\r\nFeedback-ID: x:y:z\r\nMIME-Version: 1.0"},
	} {
		if _, err := verifyDKIM(t, s, bytes.Replace(signed, []byte(tamper[0]), []byte(tamper[1]), 1)); err == nil {
			t.Errorf("%q made %q still verifies", tamper[0], tamper[1])
		}
	}
	port := strconv.Itoa(serveKeys(t, s.Records()))
	path := filepath.Join(t.TempDir(), "signed.eml")
	if err := os.WriteFile(path, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("dkimpy", func(t *testing.T) {
		py := findWith(t, "dkimpy (Debian python3-dkim, python3-dnspython)",
			[]string{"python3", "/usr/bin/python3"}, "-c", "import dkim, dkim.util, dns.resolver")
		out := runVerifier(t, py, filepath.Join("testdata", "dkimpy_verify.py"), port, path)
		if strings.Count(out, ": pass\n") != 2 {
			t.Errorf("dkimpy said:\n%swant both signatures passed", out)
		}
	})
	t.Run("Mail::DKIM", func(t *testing.T) {
		perl := findWith(t, "Mail::DKIM (Debian libmail-dkim-perl)",
			[]string{"perl", "/usr/bin/perl"}, "-MMail::DKIM::Verifier", "-MNet::DNS::Resolver", "-e", "1")
		out := runVerifier(t, perl, filepath.Join("testdata", "maildkim_verify.pl"), port, path)
		if !strings.Contains(out, "Mail::DKIM: result: pass\n") {
			t.Errorf("Mail::DKIM said:\n%swant result: pass", out)
		}
	})
}

// TestDKIMOwnHeaderList: a dkim entry's headers: list is signed as it
// names it, neither oversigned nor extended.
func TestDKIMOwnHeaderList(t *testing.T) {
	c := dkimCampaign(t, allFieldsYAML(t))
	own := []string{"From", "Subject", "Subject", "List-Unsubscribe", "List-Unsubscribe-Post"}
	for i := range c.DKIM {
		c.DKIM[i].Headers = own
	}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if h := hTag(t, signed); !slices.Equal(h, own) {
		t.Errorf("h= %v, want %v", h, own)
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatal(err)
	}
}
