package dkim_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// signedFile signs the first message of the campaign yaml (see
// dkimCampaign) and writes it to a file; it returns the signer and the
// file.
func signedFile(t *testing.T, yaml string) (*dkim.Signer, string) {
	t.Helper()
	c := dkimCampaign(t, yaml)
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(renderAll(t, c, render.Options{})[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "signed.eml")
	if err := os.WriteFile(path, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, path
}

// TestDKIMDualDkimpy: dkimpy (Debian python3-dkim) passes both signatures
// of a dual-signed message, looking the keys up over DNS.
func TestDKIMDualDkimpy(t *testing.T) {
	py := findWith(t, "dkimpy (Debian python3-dkim, python3-dnspython)",
		[]string{"python3", "/usr/bin/python3"}, "-c", "import dkim, dkim.util, dns.resolver")
	rsaFile, edFile := dualKeys(t)
	s, msg := signedFile(t, dualYAML(rsaFile, edFile))
	port := serveKeys(t, s.Records())
	out := runVerifier(t, py, filepath.Join("testdata", "dkimpy_verify.py"), strconv.Itoa(port), msg)
	for _, want := range []string{
		"dkimpy: signature 0 a=rsa-sha256 s=rsa d=acme.example: pass",
		"dkimpy: signature 1 a=ed25519-sha256 s=ed d=acme.example: pass",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("dkimpy said:\n%swant a line %q", out, want)
		}
	}
	t.Logf("dkimpy said:\n%s", out)
}

// TestDKIMDualMailDKIM: Mail::DKIM (Debian libmail-dkim-perl, the verifier
// of SpamAssassin's DKIM plugin) passes the RSA signature of a
// dual-signed message, so the message passes, though it knows no
// ed25519-sha256: the reason to sign with both.
func TestDKIMDualMailDKIM(t *testing.T) {
	perl := findWith(t, "Mail::DKIM (Debian libmail-dkim-perl)",
		[]string{"perl", "/usr/bin/perl"}, "-MMail::DKIM::Verifier", "-MNet::DNS::Resolver", "-e", "1")
	rsaFile, edFile := dualKeys(t)
	s, msg := signedFile(t, dualYAML(rsaFile, edFile))
	port := serveKeys(t, s.Records())
	out := runVerifier(t, perl, filepath.Join("testdata", "maildkim_verify.pl"), strconv.Itoa(port), msg)
	for _, want := range []string{
		"Mail::DKIM: signature 0 a=rsa-sha256 s=rsa d=acme.example: pass",
		"Mail::DKIM: result: pass",
	} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("Mail::DKIM said:\n%swant a line %q", out, want)
		}
	}
	// The Ed25519 signature is pass where Mail::DKIM knows the algorithm,
	// invalid (unsupported algorithm) where it does not, never fail.
	ed := "Mail::DKIM: signature 1 a=ed25519-sha256 s=ed d=acme.example: "
	if !strings.Contains(out, ed+"pass\n") && !strings.Contains(out, ed+"invalid (unsupported algorithm ed25519-sha256)\n") {
		t.Errorf("Mail::DKIM said:\n%swant the Ed25519 signature passed or unsupported", out)
	}
	t.Logf("Mail::DKIM said:\n%s", out)

	// Signed with the Ed25519 key alone, the message does not pass where
	// Mail::DKIM knows no Ed25519 (SpamAssassin's DKIM_INVALID): the issue
	// dual signing solves.
	if strings.Contains(out, ed+"invalid") {
		s, msg := signedFile(t, dkimYAML+"dkim: {domain: acme.example, selector: ed, key_file: "+edFile+"}\n")
		out := runVerifier(t, perl, filepath.Join("testdata", "maildkim_verify.pl"), strconv.Itoa(serveKeys(t, s.Records())), msg)
		if !strings.Contains(out, "Mail::DKIM: result: invalid") {
			t.Errorf("Ed25519 alone: Mail::DKIM said:\n%swant result: invalid", out)
		}
		t.Logf("Ed25519 alone: Mail::DKIM said:\n%s", out)
	}
}

// runVerifier runs prog with args and returns what it printed; it fails
// the test when prog fails.
func runVerifier(t *testing.T, prog string, args ...string) string {
	t.Helper()
	out, err := exec.CommandContext(t.Context(), prog, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", prog, args, err, out)
	}
	return string(out)
}

// findWith returns the first of candidates (names on PATH or paths) for
// which running it with check succeeds: an interpreter with the verifier
// what names installed. When none has it the test fails under CI=true and
// is skipped, loudly, otherwise.
func findWith(t *testing.T, what string, candidates []string, check ...string) string {
	t.Helper()
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		if exec.CommandContext(t.Context(), p, check...).Run() == nil {
			return p
		}
	}
	msg := what + " not found (tried " + strings.Join(candidates, ", ") + "): install it with apt-get install libmail-dkim-perl python3-dkim"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING the check with an independent DKIM verifier: " + msg)
	return ""
}

// TestDKIMBase64Body: a Chinese body goes as base64 (shorter than
// quoted-printable there) and its dual-signed message passes go-msgauth,
// dkimpy and Mail::DKIM, whose body hashes read the base64 lines as sent.
func TestDKIMBase64Body(t *testing.T) {
	rsaFile, edFile := dualKeys(t)
	c := dkimCampaign(t, dualYAML(rsaFile, edFile))
	body := "{{.name}}同学，您好：\n\n您本学期《高等数学》的期末成绩为 92 分。如有疑问，请直接回复本邮件。\n\n教务处\n"
	if err := os.WriteFile(c.Text, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	m := renderAll(t, c, render.Options{})[0]
	if !strings.Contains(string(m.Data), "\r\nContent-Transfer-Encoding: base64\r\n\r\n") {
		t.Fatalf("the body is not base64:\n%s", m.Data)
	}
	signed, err := s.Sign(m.Data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifyDKIM(t, s, signed); err != nil {
		t.Fatalf("go-msgauth: %v\n%s", err, signed)
	}
	path := filepath.Join(t.TempDir(), "signed.eml")
	if err := os.WriteFile(path, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(serveKeys(t, s.Records()))
	t.Run("dkimpy", func(t *testing.T) {
		py := findWith(t, "dkimpy (Debian python3-dkim, python3-dnspython)",
			[]string{"python3", "/usr/bin/python3"}, "-c", "import dkim, dkim.util, dns.resolver")
		out := runVerifier(t, py, filepath.Join("testdata", "dkimpy_verify.py"), port, path)
		for _, want := range []string{"signature 0 a=rsa-sha256 s=rsa d=acme.example: pass\n", "signature 1 a=ed25519-sha256 s=ed d=acme.example: pass\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("dkimpy said:\n%swant %q", out, want)
			}
		}
	})
	t.Run("Mail::DKIM", func(t *testing.T) {
		perl := findWith(t, "Mail::DKIM (Debian libmail-dkim-perl)",
			[]string{"perl", "/usr/bin/perl"}, "-MMail::DKIM::Verifier", "-MNet::DNS::Resolver", "-e", "1")
		if out := runVerifier(t, perl, filepath.Join("testdata", "maildkim_verify.pl"), port, path); !strings.Contains(out, "Mail::DKIM: result: pass\n") {
			t.Errorf("Mail::DKIM said:\n%swant result: pass", out)
		}
	})
}
