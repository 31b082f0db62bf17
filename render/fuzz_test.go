package render

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/; `go test` runs them.
// Fuzz longer with, for example:
//
//	go test ./render/ -run '^$' -fuzz FuzzHeaderEncoding -fuzztime 1m

// checkSection asserts that data's header section is CRLF-terminated lines
// of at most 998 octets with no bare CR or LF, and returns the names of its
// header fields in order.
func checkSection(t *testing.T, data []byte) []string {
	t.Helper()
	end := bytes.Index(data, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("no end of header section in %q", data)
	}
	var names []string
	for _, line := range strings.Split(string(data[:end]), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("bare CR or LF in %q", line)
		}
		if len(line) > 998 {
			t.Fatalf("line of %d octets", len(line))
		}
		if line == "" {
			t.Fatalf("empty line inside the header section")
		}
		if line[0] == ' ' || line[0] == '\t' {
			continue
		}
		name, _, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("line %q is neither a field nor a continuation", line)
		}
		names = append(names, name)
	}
	return names
}

// FuzzHeaderEncoding: any value without control characters is written as
// one header field that parses back (net/mail, mime.WordDecoder) to the
// value, with no bare CR/LF and no line over 998 octets.
func FuzzHeaderEncoding(f *testing.F) {
	for _, s := range []string{"Hello", "Café", "你好，世界", strings.Repeat("a ", 300), "=?utf-8?q?x?=", strings.Repeat("x", 2000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		if hasBad(value) {
			t.Skip("refused before encoding")
		}
		v := strings.TrimSpace(value)
		var b bytes.Buffer
		if err := writeText(&b, "Subject", v); err != nil {
			t.Fatalf("writeText(%q): %v", v, err)
		}
		b.WriteString("\r\n")
		if names := checkSection(t, b.Bytes()); len(names) != 1 || names[0] != "Subject" {
			t.Fatalf("fields %q from %q", names, v)
		}
		msg, err := mail.ReadMessage(&b)
		if err != nil {
			t.Fatalf("net/mail: %v", err)
		}
		got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		if err != nil {
			t.Fatalf("decode %q: %v", msg.Header.Get("Subject"), err)
		}
		if got != v {
			t.Fatalf("round trip:\n got %q\nwant %q", got, v)
		}
	})
}

const fuzzAddressYAML = `name: fuzz
from: "Acme <news@acme.example>"
to: "{{address .n1 .e1}}, {{address .n2 .e2}}"
subject: "x"
text: body.txt
recipients: {path: people.csv, key: e1}
`

// FuzzAddressList: the address function and list parsing. Any names and
// emails give either a row error or a To header holding exactly those two
// mailboxes.
func FuzzAddressList(f *testing.F) {
	f.Add("Ann Lee", "ann@example.com", "Doe, John", "john@example.org")
	f.Add(`"Q" (x)`, "q@example.com", "张三", "zs@例子.中国")
	e := setup(f, fuzzAddressYAML, bodyFile, []string{"n1", "e1", "n2", "e2"})
	if _, err := e.r.Render(row(2, "n1", "Ann Lee", "e1", "ann@example.com", "n2", "", "e2", "b@example.com")); err != nil {
		f.Fatalf("a plain row fails, so every input would be a row problem: %v", err)
	}
	f.Fuzz(func(t *testing.T, n1, e1, n2, e2 string) {
		m, err := e.r.Render(row(2, "n1", n1, "e1", e1, "n2", n2, "e2", e2))
		if err != nil {
			var re *campaign.RowError
			if !errors.As(err, &re) || m == nil || m.Data != nil {
				t.Fatalf("error %v is not a row problem", err)
			}
			return
		}
		checkSection(t, m.Data)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := msg.Header.AddressList("To")
		if err != nil {
			t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
		}
		if len(got) != 2 {
			t.Fatalf("To %q holds %d addresses", msg.Header.Get("To"), len(got))
		}
		for i, want := range [][2]string{{n1, e1}, {n2, e2}} {
			email := strings.TrimSpace(want[1])
			if a, err := mail.ParseAddress("<" + email + ">"); err == nil {
				email = a.Address // a quoted local part, unquoted
			}
			at := strings.LastIndexByte(email, '@')
			d, err := idna.Lookup.ToASCII(email[at+1:])
			if err != nil {
				t.Fatalf("rendered %q whose domain idna refuses", email)
			}
			if got[i].Name != strings.TrimSpace(want[0]) || got[i].Address != email[:at+1]+d {
				t.Fatalf("To[%d] = %q <%s>, want %q <%s>", i, got[i].Name, got[i].Address, strings.TrimSpace(want[0]), email)
			}
		}
	})
}

const fuzzRowYAML = `name: fuzz
from: "{{.a}} <news@acme.example>"
reply_to: "{{.c}}"
to: "{{.b}}"
cc: "{{address .a .c}}"
bcc: "{{.c}}"
subject: "{{.a}} {{.b}}"
text: body.txt
html: body.html
headers:
  X-A: "{{.a}}"
  X-C: "[{{.c}}]"
unsubscribe:
  url: "https://acme.example/u?{{.b}}"
  mailto: "{{.c}}"
recipients: {path: people.csv, key: b}
`

// FuzzRowToHeaders: any row values give either a row error or a message
// whose header section holds exactly the fields tidings writes, each once,
// so no value can add a header line.
func FuzzRowToHeaders(f *testing.F) {
	f.Add("Ann", "ann@example.com", "c@example.org")
	f.Add("x\r\nBcc: evil@example.com", "b@example.com", "c@example.com")
	e := setup(f, fuzzRowYAML, map[string]string{"body.txt": "{{.a}}\n", "body.html": "<p>{{.b}}</p>\n"}, []string{"a", "b", "c"})
	f.Fuzz(func(t *testing.T, a, b, c string) {
		m, err := e.r.Render(row(2, "a", a, "b", b, "c", c))
		if err != nil {
			var re *campaign.RowError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a row problem", err)
			}
			return
		}
		names := checkSection(t, m.Data)
		allowed := []string{"Date", "From", "Reply-To", "To", "Cc", "Subject", "Message-ID", "List-Unsubscribe", "X-A", "X-C", "MIME-Version", "Content-Type"}
		seen := map[string]bool{}
		for _, n := range names {
			if seen[n] {
				t.Fatalf("field %q twice in %q", n, names)
			}
			seen[n] = true
		}
		for _, n := range names {
			ok := false
			for _, a := range allowed {
				ok = ok || a == n
			}
			if !ok {
				t.Fatalf("unexpected field %q in %q", n, names)
			}
		}
		for _, need := range []string{"Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type"} {
			if !seen[need] {
				t.Fatalf("field %s missing from %q", need, names)
			}
		}
	})
}

// FuzzDisplayName: a name from the sheet in "{{.n}} <{{.e}}>" is the
// display name the recipient sees, exactly, or the row is a problem; never
// a changed name. A name with a separator (',' ';'), an angle bracket, an
// encoded-word, or one that is a single quoted-string (RFC 5322 syntax) is
// outside that promise; a name without quotes, parentheses or '[' is never
// refused.
func FuzzDisplayName(f *testing.F) {
	for _, s := range []string{`Anne "Nan" Lee`, "Dr. Who (Gallifrey)", `张"小三"丰`, `DOMAIN\jdoe`, `Back\`, `"a" "b"`, "Ann  Lee", `Who)`, `Ann [Sales]`, `x"`, `a\"b"`, `((a)`, "Mr. X.", "O'Neil", `"`} {
		f.Add(s)
	}
	e := setup(f, strings.Replace(fuzzAddressYAML, `to: "{{address .n1 .e1}}, {{address .n2 .e2}}"`, `to: "{{.n1}} <{{.e1}}>"`, 1), bodyFile, []string{"n1", "e1", "n2", "e2"})
	if _, err := e.r.Render(row(2, "n1", "Ann", "e1", "ann@example.com")); err != nil {
		f.Fatalf("a plain row fails: %v", err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		n := strings.TrimSpace(name)
		if hasBad(name) || n == "" || strings.ContainsAny(n, ",;<>") || strings.Contains(n, "=?") || isQuotedString(n) {
			t.Skip("outside the promise")
		}
		m, err := e.r.Render(row(2, "n1", name, "e1", "ann@example.com", "n2", "", "e2", ""))
		if err != nil {
			var re *campaign.RowError
			if !errors.As(err, &re) || re.Column != "n1" {
				t.Fatalf("error %v is not a row problem in column n1", err)
			}
			if !strings.ContainsAny(n, `"([`) {
				t.Fatalf("name %q refused: %v", n, err)
			}
			return
		}
		checkSection(t, m.Data)
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		got, err := msg.Header.AddressList("To")
		if err != nil || len(got) != 1 || got[0].Name != n || got[0].Address != "ann@example.com" {
			t.Fatalf("To %q reads as %v, %v; want %q <ann@example.com>", msg.Header.Get("To"), got, err, n)
		}
	})
}
