package render

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

var fixedNow = time.Date(2026, 11, 3, 9, 30, 0, 0, time.FixedZone("", 8*3600))

// fixedBoundary is a deterministic Options.Boundary for golden files.
func fixedBoundary(key string, n int) string {
	h := sha256.Sum256([]byte(key))
	return fmt.Sprintf("=_%d_%x", n, h[:6])
}

// env is a campaign written into a temporary folder, compiled and ready.
type env struct {
	dir string
	c   *campaign.Campaign
	set *templates.Set
	r   *Renderer
}

// setup writes the campaign file and other files, loads, compiles and
// makes a Renderer with a fixed clock and boundary.
func setup(tb testing.TB, yaml string, files map[string]string, columns []string) *env {
	tb.Helper()
	e, err := trySetup(tb, yaml, files, columns)
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func trySetup(tb testing.TB, yaml string, files map[string]string, columns []string) (*env, error) {
	tb.Helper()
	dir := tb.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	p := filepath.Join(dir, "campaign.yaml")
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		tb.Fatal(err)
	}
	c, err := campaign.Load(p)
	if err != nil {
		return nil, err
	}
	set, err := templates.Compile(c, columns)
	if err != nil {
		return nil, err
	}
	r, err := New(c, set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary})
	if err != nil {
		return nil, err
	}
	return &env{dir: dir, c: c, set: set, r: r}, nil
}

func row(n int, kv ...string) campaign.Row {
	r := campaign.Row{Number: n, Values: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Values[kv[i]] = kv[i+1]
	}
	return r
}

// checkLines asserts CRLF line ends only, no line over 998 octets and, in
// the header section, none over 78 unless allowLong.
func checkLines(t *testing.T, data []byte, allowLong bool) {
	t.Helper()
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		t.Errorf("message does not end in CRLF")
	}
	inHeader := true
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("line %d holds a bare CR or LF: %q", i+1, line)
		}
		if len(line) > 998 {
			t.Errorf("line %d is %d octets", i+1, len(line))
		}
		if len(line) == 0 {
			inHeader = false
		}
		if inHeader && !allowLong && len(line) > 78 {
			t.Errorf("header line %d is %d characters: %q", i+1, len(line), line)
		}
	}
}

// leaf is one non-multipart MIME entity, decoded.
type leaf struct {
	ctype, disp, filename, cid, name string
	cte                              string // Content-Transfer-Encoding, as written
	body                             []byte
}

type getter interface{ Get(string) string }

// walk reads a MIME entity with mime/multipart and returns its leaves and a
// description of its structure like "multipart/alternative(text/plain,text/html)".
func walk(t *testing.T, h getter, r io.Reader) ([]leaf, string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		var leaves []leaf
		var kids []string
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", mt, err)
			}
			l, d := walk(t, p.Header, p)
			leaves = append(leaves, l...)
			kids = append(kids, d)
		}
		return leaves, mt + "(" + strings.Join(kids, ",") + ")"
	}
	var body io.Reader = r
	switch cte := strings.ToLower(h.Get("Content-Transfer-Encoding")); cte {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		body = quotedprintable.NewReader(r)
	case "7bit", "":
	default:
		t.Fatalf("unexpected Content-Transfer-Encoding %q", cte)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		t.Fatalf("%s body: %v", mt, err)
	}
	l := leaf{ctype: mt, body: data, cid: h.Get("Content-ID"), cte: h.Get("Content-Transfer-Encoding")}
	if d := h.Get("Content-Disposition"); d != "" {
		disp, dp, err := mime.ParseMediaType(d)
		if err != nil {
			t.Fatalf("Content-Disposition %q: %v", d, err)
		}
		l.disp, l.filename = disp, dp["filename"]
	}
	if n := params["name"]; n != "" {
		dec, err := new(mime.WordDecoder).DecodeHeader(n)
		if err != nil {
			t.Fatalf("name parameter %q: %v", n, err)
		}
		l.name = dec
	}
	return []leaf{l}, mt
}

// crlf is s with LF line ends made CRLF, as the message carries text.
func crlf(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "\r\n")
}

// asciiAddresses parses a rendered list the way render should have read it
// and converts domains to A-labels.
func asciiAddresses(t *testing.T, v string) []*mail.Address {
	t.Helper()
	if strings.TrimSpace(v) == "" {
		return nil
	}
	list, err := mail.ParseAddressList(v)
	if err != nil {
		t.Fatalf("test input %q: %v", v, err)
	}
	for _, a := range list {
		at := strings.LastIndexByte(a.Address, '@')
		d, err := idna.Lookup.ToASCII(a.Address[at+1:])
		if err != nil {
			t.Fatal(err)
		}
		a.Address = a.Address[:at+1] + d
	}
	return list
}

func sameAddresses(t *testing.T, header string, got, want []*mail.Address) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d addresses %v, want %d %v", header, len(got), got, len(want), want)
		return
	}
	for i := range got {
		if got[i].Name != want[i].Name || got[i].Address != want[i].Address {
			t.Errorf("%s[%d] = %q <%s>, want %q <%s>", header, i, got[i].Name, got[i].Address, want[i].Name, want[i].Address)
		}
	}
}

// verify parses m back with net/mail and mime/multipart and compares every
// header and part with what the templates render for r (executed
// separately through templates.Set.Execute) and the files on disk.
func verify(t *testing.T, e *env, r campaign.Row, m *Message, wantImages []string) string {
	t.Helper()
	return verifyWith(t, e, r, m, wantImages, nil)
}

// verifyWith is verify with the address headers expected written out, by
// header name ("To": `"Dr. Who (Gallifrey)" <w@x.example>`), where the
// rendered template value is not what net/mail reads the way render does
// (a display name render quotes to keep it as written).
func verifyWith(t *testing.T, e *env, r campaign.Row, m *Message, wantImages []string, addrs map[string]string) string {
	t.Helper()
	f, err := e.set.Execute(r)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Release()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	h := msg.Header
	if _, ok := h["Bcc"]; ok {
		t.Errorf("Bcc header written")
	}
	if got := h.Get("Date"); got != fixedNow.Format(time.RFC1123Z) {
		t.Errorf("Date %q", got)
	}
	if d, err := h.Date(); err != nil || !d.Equal(fixedNow) {
		t.Errorf("Date parses as %v, %v", d, err)
	}
	if got := h.Get("MIME-Version"); got != "1.0" {
		t.Errorf("MIME-Version %q", got)
	}
	if got := h.Get("Message-Id"); got != "<"+m.MessageID+">" {
		t.Errorf("Message-ID %q, want <%s>", got, m.MessageID)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || subj != strings.TrimSpace(f.Subject) || m.Subject != subj {
		t.Errorf("Subject decodes to %q, %v; want %q (Message.Subject %q)", subj, err, f.Subject, m.Subject)
	}
	for _, x := range []struct{ header, value string }{
		{"From", f.From}, {"Reply-To", f.ReplyTo}, {"To", f.To}, {"Cc", f.Cc},
	} {
		if v, ok := addrs[x.header]; ok {
			x.value = v
		}
		want := asciiAddresses(t, x.value)
		got, err := h.AddressList(x.header)
		if err != nil && err != mail.ErrHeaderNotPresent {
			t.Errorf("%s: %v", x.header, err)
		}
		sameAddresses(t, x.header, got, want)
	}
	var wantRcpt []string
	seen := map[string]bool{}
	for _, h := range []struct{ header, value string }{{"To", f.To}, {"Cc", f.Cc}, {"Bcc", f.Bcc}} {
		v := h.value
		if w, ok := addrs[h.header]; ok {
			v = w
		}
		for _, a := range asciiAddresses(t, v) {
			if !seen[a.Address] {
				seen[a.Address] = true
				wantRcpt = append(wantRcpt, a.Address)
			}
		}
	}
	if fmt.Sprint(m.Recipients) != fmt.Sprint(wantRcpt) {
		t.Errorf("Recipients %q, want %q", m.Recipients, wantRcpt)
	}
	for i, hd := range e.set.Headers {
		got, _ := new(mime.WordDecoder).DecodeHeader(h.Get(hd.Name))
		if got != strings.TrimSpace(f.Headers[i]) {
			t.Errorf("%s = %q, want %q", hd.Name, got, f.Headers[i])
		}
	}

	leaves, shape := walk(t, h, msg.Body)
	var texts, htmls, atts, imgs []leaf
	for _, l := range leaves {
		switch {
		case l.cid != "":
			imgs = append(imgs, l)
		case l.disp == "attachment":
			atts = append(atts, l)
		case l.ctype == "text/plain":
			texts = append(texts, l)
		case l.ctype == "text/html":
			htmls = append(htmls, l)
		default:
			t.Errorf("unexpected part %s", l.ctype)
		}
	}
	if f.Text != nil {
		if len(texts) != 1 || string(texts[0].body) != crlf(string(f.Text)) {
			t.Errorf("text part %q, want %q", texts, crlf(string(f.Text)))
		}
	}
	if f.HTML != nil {
		// The template's output, with cid:NAME references to inline
		// images made into their Content-IDs (NAME@campaign-name).
		want := string(f.HTML)
		for _, name := range wantImages {
			want = strings.ReplaceAll(want, "cid:"+name+`"`, "cid:"+name+"@"+e.c.Name+`"`)
		}
		if len(htmls) != 1 || string(htmls[0].body) != crlf(want) {
			t.Errorf("html part %q, want %q", htmls, crlf(want))
		}
	}
	var wantAtt []string
	for _, p := range f.Attachments {
		if p != "" {
			wantAtt = append(wantAtt, p)
		}
	}
	if len(atts) != len(wantAtt) || len(m.Attachments) != len(wantAtt) {
		t.Fatalf("%d attachment parts, %d in Message, want %d", len(atts), len(m.Attachments), len(wantAtt))
	}
	for i, p := range wantAtt {
		want, err := os.ReadFile(filepath.Join(e.c.AttachmentRoot(), p))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		if a := atts[i]; a.filename != name || a.name != name || !bytes.Equal(a.body, want) {
			t.Errorf("attachment %d: filename %q name %q (%d bytes), want %q (%d bytes)", i, a.filename, a.name, len(a.body), name, len(want))
		}
		if m.Attachments[i].Name != name || m.Attachments[i].Size != int64(len(want)) {
			t.Errorf("Message.Attachments[%d] = %+v", i, m.Attachments[i])
		}
	}
	if len(imgs) != len(wantImages) {
		t.Fatalf("%d inline images, want %d", len(imgs), len(wantImages))
	}
	// Inline images are files beside the HTML template, or beside the
	// Markdown template (the test puts a layout's beside it too).
	imgDir, imgSrc := filepath.Dir(e.c.HTML), f.HTML
	if e.c.Markdown != "" {
		imgDir, imgSrc = filepath.Dir(e.c.Markdown), f.Markdown
		if e.set.Layout != nil {
			imgSrc = append(bytes.Clone(imgSrc), e.set.Layout.Source()...)
		}
	}
	for i, name := range wantImages {
		want, err := os.ReadFile(filepath.Join(imgDir, name))
		if err != nil {
			t.Fatal(err)
		}
		cid := "<" + name + "@" + e.c.Name + ">"
		if l := imgs[i]; l.cid != cid || l.disp != "inline" || !bytes.Equal(l.body, want) {
			t.Errorf("image %d: cid %q disp %q, want %s inline", i, l.cid, l.disp, cid)
		}
		if !bytes.Contains(imgSrc, []byte("cid:"+name)) {
			t.Errorf("html does not reference cid:%s", name)
		}
	}
	return shape
}
