package main

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// imageOnlyLimit is where SpamAssassin's HTML_IMAGE_ONLY_* rules end: they
// score an HTML part with an image whose length (its decoded characters,
// markup included: HTMLEval's html_image_only) is 3,200 or less, in steps
// of 400 (HTML_IMAGE_ONLY_16 is 1,200 to 1,600).
const imageOnlyLimit = 3200

// TestNewsletterExampleNotImageOnly: every message of the shipped
// newsletter example, as preview writes it, has an HTML part longer than
// the HTML_IMAGE_ONLY_* rules look at, and SpamAssassin (-L, local tests)
// scores the shortest of them with none of those rules.
func TestNewsletterExampleNotImageOnly(t *testing.T) {
	t.Parallel()
	dir := copyExample(t, "newsletter")
	prev := filepath.Join(t.TempDir(), "prev")
	if out, errOut, code := runCLI(t, "preview", "--out", prev, filepath.Join(dir, "campaign.yaml")); code != exitOK {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	emls, err := filepath.Glob(filepath.Join(prev, "*.eml"))
	if err != nil || len(emls) == 0 {
		t.Fatalf("no messages in %s: %v", prev, err)
	}
	shortest, least := "", -1
	for _, eml := range emls {
		n := htmlLength(t, eml)
		if n <= imageOnlyLimit {
			t.Errorf("%s: an HTML part of %d characters with an image: SpamAssassin scores HTML_IMAGE_ONLY_%02d", filepath.Base(eml), n, (n+399)/400*4)
		}
		if least < 0 || n < least {
			shortest, least = eml, n
		}
	}
	sa := findSpamAssassin(t)
	in, err := os.Open(shortest)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	cmd := exec.CommandContext(t.Context(), sa, "-L", "-t")
	cmd.Stdin = in
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("spamassassin: %v\n%s", err, out)
	}
	_, report, ok := bytes.Cut(out, []byte("Content analysis details:"))
	if !ok {
		t.Fatalf("spamassassin printed no report:\n%s", out)
	}
	if rules := regexp.MustCompile(`(?m)^\s*-?[0-9.]+ (HTML_IMAGE_ONLY_\w+)`).FindAll(report, -1); len(rules) > 0 {
		t.Errorf("SpamAssassin scores %s with %s:\n%s", filepath.Base(shortest), rules, report)
	}
}

// htmlLength is the length of the decoded text/html part of the message
// in file.
func htmlLength(t *testing.T, file string) int {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	n, err := htmlPartLength(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return n
}

// htmlPartLength walks a MIME entity (its type, transfer encoding and
// body) and returns the decoded length of its first text/html part, -1
// when it has none.
func htmlPartLength(ctype, cte string, body io.Reader) (int, error) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		return -1, err
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextRawPart()
			if err == io.EOF {
				return -1, nil
			}
			if err != nil {
				return -1, err
			}
			n, err := htmlPartLength(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if n >= 0 || err != nil {
				return n, err
			}
		}
	}
	if mt != "text/html" {
		return -1, nil
	}
	switch strings.ToLower(cte) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	return len([]rune(string(b))), err
}

// findSpamAssassin returns the spamassassin program; when it is missing
// the test fails under CI=true and is skipped, loudly, otherwise.
func findSpamAssassin(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("spamassassin")
	if err == nil {
		return p
	}
	msg := "spamassassin not found: install it with apt-get install spamassassin"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING the SpamAssassin score of the newsletter example: " + msg)
	return ""
}
