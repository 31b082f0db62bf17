package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/mail"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// yamlWith is a small text-only campaign; fields overrides or adds
// top-level keys (written verbatim).
func yamlWith(fields map[string]string) string {
	base := map[string]string{
		"name":       "t",
		"from":       `"Acme <news@acme.example>"`,
		"to":         `"{{.email}}"`,
		"subject":    `"Hello"`,
		"text":       "body.txt",
		"recipients": "{path: people.csv}",
	}
	for k, v := range fields {
		base[k] = v
	}
	var b strings.Builder
	for _, k := range []string{"name", "from", "sender", "reply_to", "to", "cc", "bcc", "subject", "text", "html", "attachments", "attachments_dir", "headers", "unsubscribe", "list_id", "max_message_size", "recipients", "suppress", "state_dir", "dkim"} {
		if v, ok := base[k]; ok {
			b.WriteString(k + ": " + v + "\n")
		}
	}
	return b.String()
}

var bodyFile = map[string]string{"body.txt": "Hi\n"}

// TestFullWidthSeparatorHint: a list separated by a full-width ； or ，
// or the enumeration comma 、, or a full-width space, or an address
// with a full-width ＠ (typed on a Chinese keyboard), is a row problem
// that says so.
func TestFullWidthSeparatorHint(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.to}}"`}), bodyFile, []string{"email", "to"})
	for v, want := range map[string]string{
		"a@x.example；b@x.example": "not a full-width ； or ，",
		"a@x.example，b@x.example": "not a full-width ； or ，",
		"a@x.example、b@x.example": "2 @ signs, where an address has one (addresses are separated by an ASCII , or ;, not a full-width ； or ， or the enumeration comma 、)",
		"a＠x.example":             "(an address has an ASCII @, not a full-width ＠)",
		// Two parents' addresses parted by a full-width space (rev-user21;
		// an ASCII one is TestAddressInWords').
		"a@x.example\u3000b@x.example":                    "2 @ signs, where an address has one (addresses are separated by an ASCII , or ;, not a full-width space)",
		"c@x.example, a@x.example\u3000\u3000b@x.example": "not a full-width space)",
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "to", v))
		if re := rowErr(t, err); re.Column != "to" || !errors.Is(err, ErrAddress) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v", v, err)
		}
	}
}

func rowErr(t *testing.T, err error) *campaign.RowError {
	t.Helper()
	var re *campaign.RowError
	if !errors.As(err, &re) {
		t.Fatalf("got %v, want a *campaign.RowError", err)
	}
	return re
}

func TestFromSenderRule(t *testing.T) {
	const (
		one   = "Ann <ann@acme.example>"
		two   = "Ann <ann@acme.example>, Bob <bob@acme.example>"
		other = "Desk <desk@acme.example>"
	)
	tests := []struct {
		name, from, sender string
		ok, header         bool
		envelope           string
	}{
		{"one from, no sender", one, "", true, false, "ann@acme.example"},
		{"one from, same sender", one, "ANN@acme.example", true, false, "ann@acme.example"},
		{"one from, other sender", one, other, false, false, ""},
		// ſ (long s) folds to s in Unicode case folding, but ſam@ is another
		// internationalized mailbox than sam@ (mailboxKey): not the same sender.
		{"one from, sender in a compatibility form", "\u017fam@acme.example", "sam@acme.example", false, false, ""},
		{"two from, one sender", two, other, true, true, "desk@acme.example"},
		{"two from, no sender", two, "", false, false, ""},
		{"two from, two senders", two, two, false, false, ""},
	}
	// Two From addresses and no sender (a volunteer's "from:
	// team@example.com, other@example.com", rev-user9): the error says
	// what to write, where it named the RFC's rule and counts only.
	y := yamlWith(map[string]string{"from": `"` + two + `"`, "sender": `""`})
	if _, err := trySetup(t, y, bodyFile, []string{"email"}); err == nil || !strings.Contains(err.Error(), `from has 2 addresses: a message from several needs sender: naming the one that sends it, sender: "ann@acme.example"; or keep one address in from:`) {
		t.Errorf("two from, no sender: %v", err)
	}
	for _, tt := range tests {
		t.Run("constant/"+tt.name, func(t *testing.T) {
			y := yamlWith(map[string]string{"from": `"` + tt.from + `"`, "sender": `"` + tt.sender + `"`})
			e, err := trySetup(t, y, bodyFile, []string{"email"})
			if !tt.ok {
				var fe *campaign.FileError
				if !errors.As(err, &fe) || !errors.Is(err, ErrSender) {
					t.Fatalf("New: %v, want a FileError wrapping ErrSender", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkSender(t, e, row(2, "email", "x@example.com"), tt.header, tt.envelope)
		})
		t.Run("per row/"+tt.name, func(t *testing.T) {
			y := yamlWith(map[string]string{"from": `"{{.from}}"`, "sender": `"{{.sender}}"`})
			e := setup(t, y, bodyFile, []string{"email", "from", "sender"})
			r := row(9, "email", "x@example.com", "from", tt.from, "sender", tt.sender)
			if !tt.ok {
				_, err := e.r.Render(r)
				re := rowErr(t, err)
				if !errors.Is(err, ErrSender) || re.Row != 9 || re.Column != "sender" {
					t.Fatalf("got %v (column %q), want ErrSender on row 9 column sender", err, re.Column)
				}
				return
			}
			checkSender(t, e, r, tt.header, tt.envelope)
		})
	}
}

func checkSender(t *testing.T, e *env, r campaign.Row, header bool, envelope string) {
	t.Helper()
	m, err := e.r.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Sender") != ""; got != header {
		t.Errorf("Sender header present = %v, want %v", got, header)
	}
	if m.EnvelopeFrom != envelope {
		t.Errorf("EnvelopeFrom = %q, want %q", m.EnvelopeFrom, envelope)
	}
}

func TestAddressLists(t *testing.T) {
	type addr struct{ name, address string }
	tests := []struct {
		value string
		want  []addr
		utf8  bool
	}{
		{`"Doe, John" <john@x.example>`, []addr{{"Doe, John", "john@x.example"}}, false},
		{`john@x.example, jane@y.example`, []addr{{"", "john@x.example"}, {"", "jane@y.example"}}, false},
		{`"Ann (A) \"Q\"" <ann@x.example>`, []addr{{`Ann (A) "Q"`, "ann@x.example"}}, false},
		{`Ann (work) <ann@x.example>`, []addr{{"Ann (work)", "ann@x.example"}}, false},
		// A name is what the value holds, quotes, parentheses and all.
		{`Anne "Nan" Lee <a@x.example>`, []addr{{`Anne "Nan" Lee`, "a@x.example"}}, false},
		{`Dr. Who (Gallifrey) <w@x.example>`, []addr{{"Dr. Who (Gallifrey)", "w@x.example"}}, false},
		{`Dr. Who (Gallifrey, Earth) <w@x.example>, b@x.example`, []addr{{"Dr. Who (Gallifrey, Earth)", "w@x.example"}, {"", "b@x.example"}}, false},
		{`张"小三"丰 <zs@x.example>; Jörg "Jo" Müller (München) <jm@x.example>`, []addr{{`张"小三"丰`, "zs@x.example"}, {`Jörg "Jo" Müller (München)`, "jm@x.example"}}, false},
		{`DOMAIN\jdoe <jd@x.example>`, []addr{{`DOMAIN\jdoe`, "jd@x.example"}}, false},
		{`Back\ <b@x.example>`, []addr{{`Back\`, "b@x.example"}}, false},
		{`"Lee" Ann <a@x.example>`, []addr{{`"Lee" Ann`, "a@x.example"}}, false},
		{`Ann  Lee <a@x.example>`, []addr{{"Ann  Lee", "a@x.example"}}, false},
		{`ann@x.example <a@x.example>`, []addr{{"ann@x.example", "a@x.example"}}, false},
		{`(Gallifrey) <w@x.example>`, []addr{{"(Gallifrey)", "w@x.example"}}, false},
		{`"Ann \"A\"" <a@x.example>`, []addr{{`Ann "A"`, "a@x.example"}}, false}, // one quoted-string: syntax
		{`Ann <a@x.example> (work)`, []addr{{"Ann", "a@x.example"}}, false},      // a comment after the address
		{`A <b> C <a@x.example>`, nil, false},                                    // '<' in a name: not a name
		{`Ann <a@x.example`, nil, false},                                         // '<' never closed
		{`张三 <zs@x.example>, "李四, 经理" <ls@x.example>`, []addr{{"张三", "zs@x.example"}, {"李四, 经理", "ls@x.example"}}, false},
		{`=?utf-8?q?Caf=C3=A9?= <c@x.example>`, []addr{{"Café", "c@x.example"}}, false},
		{`"Jörg Müller, Dr." <j@x.example>`, []addr{{"Jörg Müller, Dr.", "j@x.example"}}, false},
		{`user@Bücher.Example`, []addr{{"", "user@xn--bcher-kva.example"}}, false},
		{`Müller <müller@x.example>`, []addr{{"Müller", "müller@x.example"}}, true},
		{`"a very long display name that certainly does not fit on one header line at all, really" <long@x.example>, next@x.example`,
			[]addr{{"a very long display name that certainly does not fit on one header line at all, really", "long@x.example"}, {"", "next@x.example"}}, false},
		{`Zhōngwén Míngzì Hěn Cháng De Yī Gè Rén Míng, Zhēn De Hěn Cháng <zw@x.example>`,
			nil, false}, // comma outside quotes: two elements, the first has no address
		// ';' separates addresses as ',' does (Outlook, Chinese clients).
		{`a@x.example; b@x.example`, []addr{{"", "a@x.example"}, {"", "b@x.example"}}, false},
		{`a@x.example;b@x.example;`, []addr{{"", "a@x.example"}, {"", "b@x.example"}}, false},
		{`张三 <zs@x.example>; "李四; 经理" <ls@x.example>, c@x.example`, []addr{{"张三", "zs@x.example"}, {"李四; 经理", "ls@x.example"}, {"", "c@x.example"}}, false},
		{`"a;b"@x.example; <c;d@x.example>`, nil, false}, // ';' inside <> is not a separator, nor valid there
		{`"a;b"@x.example; c@x.example`, []addr{{"", `a;b@x.example`}, {"", "c@x.example"}}, false},
		{`Lee; Ann <a@x.example>`, nil, false}, // "Lee" is not an address
		// Group syntax: its ';' ends the group; the members are the addresses.
		{`Team: a@x.example, b@x.example;`, []addr{{"", "a@x.example"}, {"", "b@x.example"}}, false},
		{`Team: a@x.example, b@x.example;, c@x.example`, []addr{{"", "a@x.example"}, {"", "b@x.example"}, {"", "c@x.example"}}, false},
		{`Team: a@x.example, b@x.example`, nil, false}, // not closed with ';'
		{`Anne "Nan Lee <a@x.example>`, nil, false},    // a quote never closed
		// Invisible characters pasted with an address make it another one.
		{"\u200bb@x.example", nil, false},
		{"Bob <b\u00ad@x.example>", nil, false},
		{"b@x.exam\u200dple", nil, false},
		{"Bob\u200d <b@x.example>", []addr{{"Bob\u200d", "b@x.example"}}, false}, // in a name it is the name's
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			e := setup(t, yamlWith(map[string]string{"to": `"{{.to}}"`}), bodyFile, []string{"email", "to"})
			m, err := e.r.Render(row(2, "email", "k@example.com", "to", tt.value))
			if tt.want == nil {
				if re := rowErr(t, err); re.Column != "to" || !errors.Is(err, ErrAddress) {
					t.Errorf("got %v, want ErrAddress in column to", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, m.Data, false)
			msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			if raw := msg.Header.Get("To"); len(tt.want) > 1 && !strings.Contains(raw, ", ") || strings.Contains(raw, "example;") || strings.Contains(raw, ">;") {
				t.Errorf("To %q is not joined with \", \"", raw)
			}
			got, err := msg.Header.AddressList("To")
			if err != nil {
				t.Fatalf("To %q: %v", msg.Header.Get("To"), err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("To = %v, want %v", got, tt.want)
			}
			for i, w := range tt.want {
				if got[i].Name != w.name || got[i].Address != w.address {
					t.Errorf("To[%d] = %q <%s>, want %q <%s>", i, got[i].Name, got[i].Address, w.name, w.address)
				}
			}
			if m.UTF8 != tt.utf8 {
				t.Errorf("UTF8 = %v, want %v", m.UTF8, tt.utf8)
			}
		})
	}
}

func TestHeaderEncoding(t *testing.T) {
	tests := []struct {
		value string
		raw   string // expected Subject header line(s) without CRLF, "" to skip
	}{
		{"Hello world", "Subject: Hello world"},
		{"Café au lait", "Subject: =?utf-8?q?Caf=C3=A9_au_lait?="},
		{"你好世界", "Subject: =?utf-8?b?5L2g5aW95LiW55WM?="},
		{"Spaces  kept   inside", "Subject: Spaces  kept   inside"},
		{"literal =?utf-8?q?x?= is not decoded", ""},
		{strings.Repeat("word ", 60) + "end", ""},
		{strings.Repeat("长", 120), ""},
		{strings.Repeat("x", 1200), ""},
		{"🎉 Party time, ünïcödé — “quotes” and emoji 👍🏽", ""},
		{"mixed 中文 and English words that go on for a while to make folding happen here", ""},
	}
	for _, tt := range tests {
		t.Run(tt.value[:min(len(tt.value), 20)], func(t *testing.T) {
			e := setup(t, yamlWith(map[string]string{"subject": `"{{.s}}"`, "headers": `{X-Note: "{{.s}}"}`}), bodyFile, []string{"email", "s"})
			m, err := e.r.Render(row(2, "email", "k@example.com", "s", tt.value))
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, m.Data, false)
			if tt.raw != "" && !bytes.Contains(m.Data, []byte("\r\n"+tt.raw+"\r\n")) {
				t.Errorf("no line %q in\n%s", tt.raw, m.Data)
			}
			msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range []string{"Subject", "X-Note"} {
				got, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get(h))
				if err != nil || got != tt.value {
					t.Errorf("%s decodes to %q, %v; want %q", h, got, err, tt.value)
				}
			}
		})
	}
}

func TestInvalidAddress(t *testing.T) {
	tests := []struct {
		name, field, tmpl string
		values            []string
		column            string
	}{
		{"bad email in name <email>", "to", `"{{.name}} <{{.email}}>"`, []string{"name", "Bob", "email", "bob@@example.com"}, "email"},
		{"empty email in name <email>", "to", `"{{.name}} <{{.email}}>"`, []string{"name", "Bob", "email", ""}, "email"},
		{"name that breaks the list", "to", `"{{.name}} <{{.email}}>"`, []string{"name", "Doe, John", "email", "j@example.com"}, "name"},
		{"address function, bad email", "to", `"{{address .name .email}}"`, []string{"name", "Bob", "email", "nope"}, "email"},
		{"address function, injected list", "to", `"{{address .name .email}}"`, []string{"name", "Bob", "email", "a@x.example>, <evil@y.example"}, "email"},
		{"bad domain", "cc", `"{{.cc}}"`, []string{"cc", "a@-bad-.example", "email", "k@example.com"}, "cc"},
		{"semicolon after a name", "to", `"{{.name}} <{{.email}}>"`, []string{"name", "Lee; Ann", "email", "a@example.com"}, "name"},
		{"unclosed quote in a name", "to", `"{{.email}}, {{.name}} <{{.email}}>"`, []string{"name", `Anne "Nan Lee`, "email", "a@example.com"}, "name"},
		{"unclosed parenthesis in a name", "to", `"{{.name}} <{{.email}}>"`, []string{"name", `Dr. Who (Gallifrey`, "email", "a@example.com"}, "name"},
		{"reply-to", "reply_to", `"{{.rt}}"`, []string{"rt", "not an address", "email", "k@example.com"}, "rt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := setup(t, yamlWith(map[string]string{tt.field: tt.tmpl}), bodyFile, []string{"email", "name", "cc", "rt"})
			r := row(17, tt.values...)
			m, err := e.r.Render(r)
			re := rowErr(t, err)
			if re.Row != 17 || re.Column != tt.column {
				t.Errorf("row %d column %q, want 17 %q: %v", re.Row, re.Column, tt.column, err)
			}
			if m == nil || m.Row != 17 || m.Data != nil {
				t.Errorf("partial message %+v", m)
			}
			if !strings.Contains(err.Error(), "row 17") || !strings.Contains(err.Error(), tt.column) {
				t.Errorf("message %q lacks row and column", err)
			}
			if strings.Contains(tt.name, "bad email in") && !strings.Contains(err.Error(), `"Bob <bob@@example.com>": 2 @ signs, where an address has one`) {
				t.Errorf("message %q does not say the address has two @", err)
			}
		})
	}
}

// TestHostileValues puts line breaks and other control characters into
// every templated header field; each must be refused for its row, naming
// the column, and nothing may come out as a header. A tab in the subject
// goes as a space (TestSubjectTab).
func TestHostileValues(t *testing.T) {
	fields := []struct {
		name string
		set  map[string]string
	}{
		{"from", map[string]string{"from": `"{{.v}} <a@acme.example>"`}},
		{"sender", map[string]string{"from": `"a@acme.example, b@acme.example"`, "sender": `"{{.v}} <s@acme.example>"`}},
		{"reply_to", map[string]string{"reply_to": `"{{.v}} <r@acme.example>"`}},
		{"to", map[string]string{"to": `"{{.v}} <{{.email}}>"`}},
		{"cc", map[string]string{"cc": `"{{.v}}"`}},
		{"bcc", map[string]string{"bcc": `"x{{.v}}@acme.example"`}},
		{"subject", map[string]string{"subject": `"Hi {{.v}}"`}},
		{"header", map[string]string{"headers": `{X-Tag: "{{.v}}"}`}},
		{"attachment", map[string]string{"attachments": `["{{.v}}.pdf"]`}},
		{"unsubscribe url", map[string]string{"unsubscribe": `{url: "https://acme.example/u?{{.v}}"}`}},
		{"unsubscribe mailto", map[string]string{"unsubscribe": `{mailto: "u{{.v}}@acme.example"}`}},
	}
	values := []string{
		"x\r\nBcc: evil@attacker.example",
		"x\nBcc: evil@attacker.example",
		"x\rBcc: evil@attacker.example",
		"x\r\n\r\n<html>body</html>",
		"tab\there",
		"nul\x00",
		"del\x7f",
		"nel\u0085Bcc: evil@attacker.example",
		"ls\u2028Bcc: evil@attacker.example",
		"bad utf8 \xff\xfe",
	}
	for _, f := range fields {
		e := setup(t, yamlWith(f.set), map[string]string{"body.txt": "Hi\n"}, []string{"email", "v"})
		for _, v := range values {
			if f.name == "subject" && strings.HasPrefix(v, "tab") {
				continue
			}
			t.Run(f.name+"/"+strings.Fields(v)[0], func(t *testing.T) {
				m, err := e.r.Render(row(4, "email", "k@example.com", "v", v))
				re := rowErr(t, err)
				if !errors.Is(err, campaign.ErrControlChar) || re.Column != "v" || re.Row != 4 {
					t.Errorf("got %v (column %q), want ErrControlChar in column v", err, re.Column)
				}
				if m != nil && m.Data != nil {
					t.Errorf("message data returned with the error")
				}
			})
		}
	}
}

// TestControlCharShown: the problem of a value holding a control
// character shows that character, also past the 60 characters a value
// is cut to (rev-user8: a tab at the end of a long subject cell was
// refused with the value cut before it, so nothing showed what to take
// out).
func TestControlCharShown(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"headers": `{X-Tag: "{{.v}}"}`}), bodyFile, []string{"email", "v"})
	for v, want := range map[string]string{
		strings.Repeat("Order 12345 shipped ", 4) + "today\tfrom Osaka": `"…pped Order 12345 shipped today\tfrom Osaka"`,
		"a\tb": `"a\tb"`,
		strings.Repeat("x", 50) + "\n" + strings.Repeat("y", 50): `"…xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\nyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy…"`,
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "v", v))
		if !errors.Is(err, campaign.ErrControlChar) || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want it to show %s", v, err, want)
		}
	}
}

// TestEncodedWordInjection: an encoded-word that decodes to a line break
// must not become one.
func TestEncodedWordInjection(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.v}} <{{.email}}>"`}), bodyFile, []string{"email", "v"})
	// Decodes to "x\r\nBcc: evil": refused as a control character.
	_, err := e.r.Render(row(2, "email", "k@example.com", "v", "=?utf-8?q?x=0D=0ABcc=3A_evil?="))
	if re := rowErr(t, err); !errors.Is(err, campaign.ErrControlChar) || re.Column != "v" {
		t.Errorf("got %v, want ErrControlChar for column v", err)
	}
	// Not an encoded-word net/mail reads: the name is the text as it
	// is, never decoded, so no header can come of it.
	v := "=?utf-8?q?x=0D=0ABcc:_evil@attacker.example?="
	m, err := e.r.Render(row(3, "email", "k@example.com", "v", v))
	if err != nil {
		t.Fatal(err)
	}
	if names := checkSection(t, m.Data); strings.Contains(strings.Join(names, " "), "Bcc") {
		t.Errorf("header fields %q", names)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != v {
		t.Errorf("To %q reads as %v, %v; want the name %q", msg.Header.Get("To"), to, err, v)
	}
}

func TestAttachmentPaths(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "camp")
	files := map[string]string{
		"outside.txt":         "secret",
		"camp/body.txt":       "Hi\n",
		"camp/files/ok.pdf":   "%PDF ok",
		"camp/files/sub/.k":   "",
		"camp/files/b.pdf":    "%PDF b",
		"elsewhere/other.pdf": "%PDF elsewhere",
	}
	for name, body := range files {
		p := filepath.Join(base, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(base, "outside.txt"), filepath.Join(dir, "files", "link-out.pdf")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	if err := os.Symlink("ok.pdf", filepath.Join(dir, "files", "link-in.pdf")); err != nil {
		t.Fatal(err)
	}
	load := func(extra map[string]string) *Renderer {
		fields := map[string]string{"attachments": `["{{.file}}"]`}
		for k, v := range extra {
			fields[k] = v
		}
		return loadRenderer(t, dir, yamlWith(fields), "email", "file")
	}
	r := load(nil)
	tests := []struct {
		file    string
		wantErr error
		name    string
	}{
		{"files/ok.pdf", nil, "ok.pdf"},
		{"files/sub/../b.pdf", ErrAttachmentPath, ""}, // inside, but a ".." from the sheet is refused
		{"files/link-in.pdf", nil, "link-in.pdf"},
		{"../outside.txt", ErrAttachmentPath, ""},
		{"files/../../outside.txt", ErrAttachmentPath, ""},
		{filepath.Join(base, "outside.txt"), ErrAttachmentPath, ""},
		{"files/link-out.pdf", ErrAttachmentPath, ""},
		{"files/missing.pdf", fs.ErrNotExist, ""},
		{"files/nosuch/dir/x.pdf", fs.ErrNotExist, ""}, // named whole, not by its first missing folder
		{"files/sub", ErrAttachment, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			m, err := r.Render(row(3, "email", "k@example.com", "file", tt.file))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(m.Attachments) != 1 || m.Attachments[0].Name != tt.name {
					t.Errorf("attachments %+v, want %s", m.Attachments, tt.name)
				}
				return
			}
			re := rowErr(t, err)
			if !errors.Is(err, tt.wantErr) || re.Column != "file" || re.Row != 3 {
				t.Errorf("got %v (column %q), want %v in column file", err, re.Column, tt.wantErr)
			}
			if tt.wantErr == fs.ErrNotExist && !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.file)) {
				t.Errorf("got %v, want it to name %s", err, tt.file)
			}
		})
	}

	// A Windows path from the sheet: the hint says to write / (the file
	// is there under that path).
	if _, err := r.Render(row(3, "email", "k@example.com", "file", `files\ok.pdf`)); !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), `(a \ separates no folders here: write / between folders, as in "files/ok.pdf")`) {
		t.Errorf("a backslash path: %v", err)
	}
	// A space a cell added around a '/' is named, and the
	// path without it found; the path is not trimmed (a name may have
	// one), and a space inside a name is no hint.
	for p, want := range map[string]string{
		"files/ ok.pdf":        `(the path has a space after '/'; the sheet's cell may hold one; "files/ok.pdf", without it, is there)`,
		"files\u00a0/ok.pdf":   `(the path has a space before '/'; the sheet's cell may hold one; "files/ok.pdf", without it, is there)`,
		"files/ missing.pdf":   `(the path has a space after '/'; the sheet's cell may hold one)`,
		"files/my missing.pdf": "",
	} {
		_, err := r.Render(row(3, "email", "k@example.com", "file", p))
		if !errors.Is(err, fs.ErrNotExist) || want != "" && !strings.HasSuffix(err.Error(), want) || want == "" && strings.Contains(err.Error(), "has a space") {
			t.Errorf("%q: %v, want %q", p, err, want)
		}
	}
	// One with a .. gets no path to write, which would be refused in
	// turn.
	if _, err := r.Render(row(3, "email", "k@example.com", "file", `files\..\files\ok.pdf`)); !errors.Is(err, fs.ErrNotExist) ||
		!strings.Contains(err.Error(), `a .. leads nowhere`) || strings.Contains(err.Error(), "as in") {
		t.Errorf("a backslash path that climbs: %v", err)
	}
	// One with a drive letter (or a network share) names a file on the
	// Windows computer: the problem says to copy it into the campaign
	// folder, and quotes the path as the sheet has it, with single
	// backslashes.
	for p, want := range map[string]string{
		`C:\Users\anna\Desktop\inv 7.pdf`: `"C:\Users\anna\Desktop\inv 7.pdf": no such file`,
		`c:/files/ok.pdf`:                 `"c:/files/ok.pdf": no such file`,
		`\\server\share\inv 7.pdf`:        `"\\server\share\inv 7.pdf": no such file`,
	} {
		_, err := r.Render(row(3, "email", "k@example.com", "file", p))
		base := path.Base(strings.ReplaceAll(p, `\`, "/"))
		hint := fmt.Sprintf(`(a Windows path names a file on the computer the sheet was written on: copy %s into the campaign folder and write its path from there, with / between folders, as in %q)`, base, base)
		if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), hint) {
			t.Errorf("%s: %v\nwant %s … %s", p, err, want, hint)
		}
	}

	// A ".." from the sheet does not reach another folder of the
	// campaign's (another customer's invoices); one the template writes
	// is the author's.
	r = load(map[string]string{"attachments": `["files/sub/{{.file}}"]`})
	if _, err := r.Render(row(4, "email", "k@example.com", "file", "../ok.pdf")); !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" || !strings.Contains(err.Error(), `climbs a folder`) {
		t.Errorf("files/sub/ with ../ok.pdf from the sheet: got %v, want ErrAttachmentPath in column file", err)
	}
	r = load(map[string]string{"attachments": `["files/sub/../{{.file}}"]`})
	if m, err := r.Render(row(4, "email", "k@example.com", "file", "ok.pdf")); err != nil || len(m.Attachments) != 1 {
		t.Errorf("a .. the template writes: %v", err)
	}
	if _, err := r.Render(row(4, "email", "k@example.com", "file", "../files/ok.pdf")); !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" {
		t.Errorf("a .. from the sheet beside one the template writes: got %v, want ErrAttachmentPath in column file", err)
	}
	if _, err := r.Render(row(4, "email", "k@example.com", "file", "Q1..Q2.pdf")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("two dots inside a file name beside a .. the template writes: got %v, want only the file missing", err)
	}

	// An absolute attachments_dir admits absolute paths inside it only.
	r = load(map[string]string{"attachments_dir": filepath.Join(base, "elsewhere")})
	if _, err := r.Render(row(2, "email", "k@example.com", "file", filepath.Join(base, "elsewhere", "other.pdf"))); err != nil {
		t.Errorf("absolute path inside attachments_dir: %v", err)
	}
	if _, err := r.Render(row(2, "email", "k@example.com", "file", "other.pdf")); err != nil {
		t.Errorf("relative path inside attachments_dir: %v", err)
	}
	if _, err := r.Render(row(2, "email", "k@example.com", "file", filepath.Join(base, "outside.txt"))); !errors.Is(err, ErrAttachmentPath) {
		t.Errorf("absolute path outside attachments_dir: %v", err)
	}
}

// TestAttachmentOwnFiles: a path from row data that stays inside the
// campaign folder still may not attach what the campaign keeps for itself
// (its file, the sheet, the suppression list, a DKIM key, the state
// folders), a hidden file or a file in a preview's folder (other
// recipients' messages), by whatever path it gets there, saying what the
// file is (not that the path leaves the folder, which it does not);
// constant paths are the author's and may.
func TestAttachmentOwnFiles(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"body.txt":                   "Hi\n",
		"people.csv":                 "email,file\n",
		"keys/rsa.key":               "-----BEGIN PRIVATE KEY-----",
		"suppress.txt":               "x@example.com\n",
		".env":                       "TIDINGS_SMTP_PASSWORD=x",
		"files/.git/config":          "[core]",
		"files/ok.pdf":               "%PDF ok",
		"files/.tidy.pdf":            "%PDF",
		".tidings/other/report.csv":  "row,key",
		"state/journal.jsonl":        "{}",
		"notes/state-of-things.pdf":  "%PDF notes",
		"files/statement.pdf":        "%PDF statement",
		"files/people.csv.pdf":       "%PDF",
		"files/keys/rsa.key.pdf":     "%PDF",
		"files/suppress.txt.archive": "x",
		// preview --out previews, inside the campaign folder
		"previews/.tidings-preview":             "tidings preview: the message files below are a preview's\n",
		"previews/000002-alice@example.com.eml": "To: alice@example.com",
		"previews/gallery/msg/000002-a.js":      "x",
		"files/forwarded.eml":                   "To: someone",
		"previews/index.html":                   "<title>tidings preview</title>",
		"previews/brochure.pdf":                 "%PDF brochure",
		"previews/photos/000001-x.eml":          "To: x",
	}
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("../keys/rsa.key", filepath.Join(dir, "files", "key.pdf")); err != nil {
		t.Skip("symlinks not available:", err)
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`, "suppress": "suppress.txt", "state_dir": "state",
		"dkim": "{domain: acme.example, selector: s1, key_file: keys/rsa.key}"}), "email", "file")
	refused := map[string]string{
		"campaign.yaml":                         "the campaign file",
		"people.csv":                            "the recipient sheet",
		"./suppress.txt":                        "the suppression list",
		"keys/rsa.key":                          "a DKIM private key",
		"files/../keys/rsa.key":                 `climbs a folder with ".."`,
		"files/key.pdf":                         "a DKIM private key",
		"state/journal.jsonl":                   "in the campaign's state folder",
		".tidings/other/report.csv":             "in the campaigns' state folder",
		".env":                                  `the hidden ".env"`,
		"files/.git/config":                     `the hidden ".git"`,
		"files/.tidy.pdf":                       `the hidden ".tidy.pdf"`,
		"files/.git/../../campaign.yaml":        `climbs a folder with ".."`,
		"previews/000002-alice@example.com.eml": "is a file tidings preview wrote in " + dir + string(filepath.Separator) + "previews (another recipient's message): not attachable",
		"previews/gallery/msg/000002-a.js":      "is a file tidings preview wrote",
		"previews/index.html":                   "is a file tidings preview wrote",
	}
	for file, words := range refused {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || rowErr(t, err).Column != "file" || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want ErrAttachmentPath in column file saying %q", file, err, words)
		}
		if err != nil && !strings.Contains(words, "climbs") && strings.Contains(err.Error(), "leaves the attachment folder") {
			t.Errorf("%s: got %v, which the path does not (it stays in the campaign folder)", file, err)
		}
	}
	for _, file := range []string{"files/ok.pdf", "previews/brochure.pdf", "previews/photos/000001-x.eml", "notes/state-of-things.pdf", "files/statement.pdf", "files/people.csv.pdf", "files/keys/rsa.key.pdf", "files/suppress.txt.archive", "files/forwarded.eml"} {
		if m, err := r.Render(row(2, "email", "k@example.com", "file", file)); err != nil || len(m.Attachments) != 1 {
			t.Errorf("%s: got %v, want it attached", file, err)
		}
	}
	// The author may attach a file of the campaign's by a constant path.
	if _, err := trySetup(t, yamlWith(map[string]string{"attachments": `["suppress.txt"]`, "suppress": "suppress.txt"}),
		map[string]string{"body.txt": "Hi\n", "suppress.txt": "x@example.com\n"}, []string{"email"}); err != nil {
		t.Errorf("a constant path to the suppression list: %v", err)
	}
}

// loadRenderer writes y as dir's campaign.yaml and makes its Renderer for
// a sheet of columns, with the fixed clock and boundaries.
func loadRenderer(t *testing.T, dir, y string, columns ...string) *Renderer {
	t.Helper()
	p := filepath.Join(dir, "campaign.yaml")
	if err := os.WriteFile(p, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := campaign.Load(p)
	if err != nil {
		t.Fatal(err)
	}
	set, err := templates.Compile(c, columns)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(c, set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestConstantAttachmentMissing(t *testing.T) {
	_, err := trySetup(t, yamlWith(map[string]string{"attachments": `["terms.pdf"]`}), bodyFile, []string{"email"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want a FileError for the missing constant attachment", err)
	}
}

func TestInlineImageMissing(t *testing.T) {
	_, err := trySetup(t, yamlWith(map[string]string{"text": "", "html": "body.html"}),
		map[string]string{"body.html": "<p>hi</p>\n<img src=\"cid:nope.png\">\n"}, []string{"email"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(err.Error(), "nope.png") {
		t.Errorf("got %v, want a FileError at body.html:2 naming nope.png", err)
	}
}

// TestInlineImageNameWithSpace: a file name with a space or an accent in
// cid: reads as its first part; the error names the whole reference and
// says to rename the file, not that the first part is missing. A name
// beginning as a path does ("cid:../img/logo.png", "cid:_logo.png") read
// as none, and was no image without a word.
func TestInlineImageNameWithSpace(t *testing.T) {
	for src, want := range map[string]string{
		`<img src="cid:logo asso.png">`:   `cid:logo asso.png: a cid: name holds only letters, digits and '.', '-', '_', '@', so this reads as cid:logo; rename the file (logo-asso.png)`,
		`<img src='cid:logo-été.png'>`:    `cid:logo-été.png: a cid: name holds only letters, digits and '.', '-', '_', '@', so this reads as cid:logo-; rename the file (logo--t-.png)`,
		`<img src="cid:标志.png">`:          `cid:标志.png: a cid: name holds only letters, digits and '.', '-', '_', '@', beginning with a letter or digit, so this inlines no image and every reader would show it broken; rename the file (image.png)`,
		`<img src="cid:été.png">`:         `cid:été.png: a cid: name holds only letters, digits and '.', '-', '_', '@', beginning with a letter or digit, so this inlines no image and every reader would show it broken; rename the file (-t-.png)`,
		`<img src="cid:%E6%A0%87.png">`:   `cid:%E6%A0%87.png: a cid: name`,
		`<img src="cid:../img/logo.png">`: `cid:../img/logo.png: a cid: image is a file in the folder beside the HTML template, its name beginning with a letter or digit, so this inlines no image and every reader would show it broken; put the file there and write cid:logo.png`,
		`<td background='cid:/logo.png'>`: `write cid:logo.png`,
		`<img src="cid:_logo.png">`:       `write cid:logo.png`,
	} {
		_, err := trySetup(t, yamlWith(map[string]string{"text": "", "html": "body.html"}),
			map[string]string{"body.html": "<p>hi</p>\n" + src + "\n", "logo asso.png": "png", "logo-été.png": "png", "标志.png": "png", "été.png": "png"}, []string{"email"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want a FileError at body.html:2 with %q", src, err, want)
		}
	}
	// A path beginning so that holds an action is an image of the row's
	// own, whose path templates reads.
	ticketCampaign(t, "<p>Hi</p><img src=\"cid:./qr/{{.qr_file}}\">\n", nil)
}

func TestMessageSize(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`, "max_message_size": "1KB"}),
		map[string]string{"body.txt": "Hi\n", "big.bin": strings.Repeat("x", 2000), "small.bin": "x", "encoded.bin": strings.Repeat("x", 900), "justover.bin": strings.Repeat("x", 1025)}, []string{"email", "file"})
	// The sizes as a person reads them, the limit as the setting writes
	// it, and what to do (rev-user8: a 30 MB grade sheet was "31457280
	// bytes, over max_message_size (26214400)", and no more).
	const advice = "over max_message_size (1 KB): make the file smaller or send a link to it instead; raise max_message_size only if"
	_, err := e.r.Render(row(2, "email", "k@example.com", "file", "big.bin"))
	if re := rowErr(t, err); !errors.Is(err, ErrTooLarge) || re.Column != "file" || !strings.Contains(err.Error(), `"big.bin" is 2.0 KB, `+advice) {
		t.Errorf("got %v, want ErrTooLarge for column file, with the sizes and %q", err, advice)
	}
	// Under the limit as a file, over it once encoded: the sizes are named.
	_, err = e.r.Render(row(2, "email", "k@example.com", "file", "encoded.bin"))
	if re := rowErr(t, err); !errors.Is(err, ErrTooLarge) || re.Column != "file" || !strings.Contains(err.Error(), "1.2 KB encoded with encoded.bin (900 bytes as a file; base64 makes it a third larger), "+advice) {
		t.Errorf("got %v, want ErrTooLarge naming the encoded size and %q", err, advice)
	}
	if _, err := e.r.Render(row(3, "email", "k@example.com", "file", "small.bin")); err != nil {
		t.Errorf("small attachment: %v", err)
	}
	// Just over: not "1.0 KB, over max_message_size (1 KB)" (rev-eng9).
	_, err = e.r.Render(row(4, "email", "k@example.com", "file", "justover.bin"))
	if !strings.Contains(fmt.Sprint(err), `"justover.bin" is 1.1 KB, `+advice) {
		t.Errorf("got %v, want the size rounded up past the limit", err)
	}
}

// TestMessageSizeWhole: a message whose attachments fit max_message_size
// but not with the rest of the message was "message too large: 2304
// bytes, over max_message_size (2048)", the bytes rev-user8 took out of
// the attachments' problem (rev-eng9); it reads as that one does, and
// names its largest file and that file's column (rev-user18).
func TestMessageSizeWhole(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`, "max_message_size": "2KB"}),
		map[string]string{"body.txt": "Hi\n", "a.bin": strings.Repeat("x", 1450)}, []string{"email", "file"})
	_, err := e.r.Render(row(2, "email", "k@example.com", "file", "a.bin"))
	const want = ` KB with the attachment "a.bin" (1.4 KB as a file; base64 makes it a third larger), over max_message_size (2 KB): make its attachments (or inline images) smaller or send links to them instead; raise max_message_size only if`
	if re := rowErr(t, err); !errors.Is(err, ErrTooLarge) || re.Column != "file" || !regexp.MustCompile(`message too large: the message is 2\.\d`+regexp.QuoteMeta(want)).MatchString(err.Error()) {
		t.Errorf("got %v, want the message's size, its largest file, column file and %q", err, want)
	}
}

// TestOverWords: a size over a limit reads over it, rounded up where the
// nearest tenth would read as the limit; else as sizeWords writes it.
func TestOverWords(t *testing.T) {
	const mb = 1 << 20
	for _, tc := range []struct {
		n, max int64
		want   string
	}{
		{25*mb + 20<<10, 25 * mb, "25.1 MB"},
		{25*mb + 60<<10, 25 * mb, "25.1 MB"},
		{25*mb + 300<<10, 25 * mb, "25.3 MB"},
		{26 * mb, 25 * mb, "26 MB"},
		{1025, 1024, "1.1 KB"},
		{1000, 900, "1000 bytes"},
	} {
		if got := overWords(tc.n, tc.max); got != tc.want {
			t.Errorf("overWords(%d, %d) = %q, want %q", tc.n, tc.max, got, tc.want)
		}
	}
}

func TestSubjectWarning(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"subject": `"{{.s}}"`}), bodyFile, []string{"email", "s"})
	m, err := e.r.Render(row(2, "email", "k@example.com", "s", strings.Repeat("长", SubjectWarnLength)))
	if err != nil || len(m.Warnings) != 0 {
		t.Errorf("%d characters: %v, warnings %q", SubjectWarnLength, err, m.Warnings)
	}
	m, err = e.r.Render(row(2, "email", "k@example.com", "s", strings.Repeat("长", SubjectWarnLength+1)))
	if err != nil || len(m.Warnings) != 1 || !strings.Contains(m.Warnings[0], "subject") {
		t.Errorf("%d characters: %v, warnings %q", SubjectWarnLength+1, err, m.Warnings)
	}
}

func TestMessageID(t *testing.T) {
	e := setup(t, yamlWith(nil), bodyFile, []string{"email"})
	a, _ := e.r.Render(row(2, "email", "a@example.com"))
	a2, _ := e.r.Render(row(9, "email", "a@example.com"))
	b, _ := e.r.Render(row(3, "email", "b@example.com"))
	if a.MessageID != a2.MessageID || a.MessageID == b.MessageID {
		t.Errorf("ids %q %q %q: want equal for one key, different for another", a.MessageID, a2.MessageID, b.MessageID)
	}
	if !strings.HasSuffix(a.MessageID, "@acme.example") || strings.Contains(a.MessageID, "a@example") {
		t.Errorf("id %q: want the From domain and no readable key", a.MessageID)
	}
	other := setup(t, yamlWith(map[string]string{"name": "other"}), bodyFile, []string{"email"})
	o, _ := other.r.Render(row(2, "email", "a@example.com"))
	if o.MessageID == a.MessageID {
		t.Errorf("two campaigns share id %q", o.MessageID)
	}
	if _, err := mail.ParseAddress(a.MessageID); err != nil {
		t.Errorf("id %q is not an addr-spec shape: %v", a.MessageID, err)
	}
}

func TestEnvelopeIDNAAndUTF8(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"bcc": `"{{.bcc}}"`}), bodyFile, []string{"email", "bcc"})
	m, err := e.r.Render(row(2, "email", "用户@例子.中国", "bcc", "Audit <AUDIT@Bücher.example>, 用户@例子.中国"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"用户@xn--fsqu00a.xn--fiqs8s", "AUDIT@xn--bcher-kva.example"}
	if strings.Join(m.Recipients, " ") != strings.Join(want, " ") {
		t.Errorf("Recipients %q, want %q", m.Recipients, want)
	}
	if !m.UTF8 {
		t.Error("UTF8 not set for a non-ASCII local part")
	}
	if bytes.Contains(m.Data, []byte("Bcc")) || bytes.Contains(m.Data, []byte("AUDIT")) {
		t.Errorf("Bcc leaked into the message:\n%s", m.Data)
	}
	if m.Key != "用户@例子.中国" {
		t.Errorf("Key %q", m.Key)
	}
}

func TestNoRecipientAndEmptyKey(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.to}}"`}), bodyFile, []string{"email", "to"})
	_, err := e.r.Render(row(2, "email", "k@example.com", "to", ""))
	if re := rowErr(t, err); !errors.Is(err, ErrNoRecipient) || re.Column != "to" {
		t.Errorf("got %v, want ErrNoRecipient for column to", err)
	}
	_, err = e.r.Render(row(3, "email", " ", "to", "a@example.com"))
	if re := rowErr(t, err); !errors.Is(err, campaign.ErrEmptyKey) || re.Column != "email" {
		t.Errorf("got %v, want ErrEmptyKey for column email", err)
	}
	// A to: that writes an address under a condition only, none of its
	// columns blank: the problem names the columns it read (rev-user8: a
	// Mailchimp export's status column read "no recipient: to, cc and
	// bcc are all empty" and nothing of why).
	e = setup(t, yamlWith(map[string]string{"to": `'{{if eq .Status "subscribed"}}{{.email}}{{end}}'`}), bodyFile, []string{"email", "Status"})
	_, err = e.r.Render(row(4, "email", "k@example.com", "Status", "unsubscribed"))
	if !errors.Is(err, ErrNoRecipient) || !strings.Contains(err.Error(), `the to: template made no address of this row's "Status", "email"`) {
		t.Errorf("got %v, want ErrNoRecipient naming the columns to: read", err)
	}
	// A blank name beside the address the condition left out is not the
	// address to fill in (rev-eng9: "column First: fill in the
	// address"); a blank address the condition lets through is.
	e = setup(t, yamlWith(map[string]string{"to": `'{{if eq .Status "subscribed"}}{{address .First .email}}{{end}}'`}), bodyFile, []string{"email", "First", "Status"})
	_, err = e.r.Render(row(5, "email", "k@example.com", "First", "", "Status", "unsubscribed"))
	if re := rowErr(t, err); !errors.Is(err, ErrNoRecipient) || re.Column != "" || !strings.Contains(err.Error(), "the to: template made no address") {
		t.Errorf("got %v, want ErrNoRecipient naming no column, the columns to: read", err)
	}
}

// TestEmptyToWithCopies: a To made from the row that comes out empty
// while Cc or Bcc does not is a problem of the row naming the empty
// column (the message would reach the copies alone: an invoice to the
// manager only), also when address or a display name makes the To; a
// row whose To has an address goes with its Cc.
func TestEmptyToWithCopies(t *testing.T) {
	for _, tc := range []struct{ to, want string }{
		{`"{{.mail}}"`, "to is empty, so the message would go to its Cc and Bcc alone"},
		{`"{{address .name .mail}}"`, `address: the email is empty`},
		{`"{{.name}} <{{.mail}}>"`, `the address between < and > is empty`},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tc.to, "cc": `"{{.manager}}"`, "bcc": `"{{.archive}}"`, "recipients": "{path: people.csv, key: id}"}), bodyFile, []string{"id", "mail", "name", "manager", "archive"})
		_, err := e.r.Render(row(4, "id", "1003", "mail", " ", "name", "Zheng", "manager", "boss@example.cn", "archive", "arch@example.cn"))
		if re := rowErr(t, err); re.Column != "mail" || re.Row != 4 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("to %s: got %v, want %q naming column mail", tc.to, err, tc.want)
		}
		if _, err := e.r.Render(row(5, "id", "1004", "mail", "li@example.cn", "name", "Li", "manager", "boss@example.cn", "archive", "")); err != nil {
			t.Errorf("to %s with an address: %v", tc.to, err)
		}
	}
}

// TestExcelErrorValues: an Excel error value (a formula that failed in the
// spreadsheet) in a column the campaign reads refuses the row, naming that
// column; the same value in a column no template names, or as part of a
// longer text, does not.
func TestExcelErrorValues(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"to":          `"{{address .name .email}}"`,
		"subject":     `"Hello {{.name}}"`,
		"attachments": `["{{if .file}}files/{{.file}}{{end}}"]`,
	}), map[string]string{"body.txt": "You owe {{.amount}}\n", "files/a.pdf": "%PDF"}, []string{"email", "name", "amount", "file", "note"})
	good := func(kv ...string) campaign.Row {
		r := row(5, "email", "ann@example.com", "name", "Ann", "amount", "12.50", "file", "", "note", "")
		for i := 0; i+1 < len(kv); i += 2 {
			r.Values[kv[i]] = kv[i+1]
		}
		return r
	}
	for _, tt := range []struct {
		col, v, code string
	}{
		{"name", "#N/A", "#N/A"},
		{"amount", "#DIV/0!", "#DIV/0!"},
		{"amount", " #VALUE! ", "#VALUE!"},
		{"file", "#REF!", "#REF!"},
		{"email", "#N/A", "#N/A"}, // the key column
	} {
		t.Run(tt.col+"/"+tt.v, func(t *testing.T) {
			m, err := e.r.Render(good(tt.col, tt.v))
			re := rowErr(t, err)
			if !errors.Is(err, campaign.ErrExcelError) || re.Column != tt.col || re.Row != 5 {
				t.Fatalf("got %v (column %q, row %d), want ErrExcelError in column %s, row 5", err, re.Column, re.Row, tt.col)
			}
			if !strings.Contains(err.Error(), tt.code) {
				t.Errorf("%q does not name %s", err, tt.code)
			}
			if m == nil || m.Data != nil {
				t.Errorf("want a partial message without data, got %+v", m)
			}
		})
	}
	for _, r := range []campaign.Row{
		good("note", "#N/A"),         // a column no template names
		good("name", "Ann #N/A"),     // part of a longer text
		good("amount", "#N/A later"), // ditto
	} {
		if _, err := e.r.Render(r); err != nil {
			t.Errorf("%v: %v", r.Values, err)
		}
	}
}

// TestUncalculatedFormula: a cell whose formula the workbook holds without
// a calculated value refuses its row when the campaign reads its column,
// naming the column and the cell, and is nothing elsewhere.
func TestUncalculatedFormula(t *testing.T) {
	e := setup(t, yamlWith(nil), map[string]string{"body.txt": "You owe {{.amount}}\n"}, []string{"email", "amount", "note"})
	r := row(5, "email", "ann@example.com", "amount", "", "note", "")
	r.Uncalculated = map[string]campaign.Uncalculated{"amount": {Cell: "B5", Formula: "C5*D5"}}
	_, err := e.r.Render(r)
	if re := rowErr(t, err); !errors.Is(err, campaign.ErrUncalculated) || re.Column != "amount" || re.Row != 5 || !strings.Contains(err.Error(), "cell B5 holds the formula =C5*D5, never calculated") {
		t.Fatalf("got %v, want ErrUncalculated for cell B5 in column amount, row 5", err)
	}
	key := row(6, "email", "", "amount", "1", "note", "")
	key.Uncalculated = map[string]campaign.Uncalculated{"email": {Cell: "A6", Formula: `C6&"@example.com"`}}
	if _, err := e.r.Render(key); !errors.Is(err, campaign.ErrUncalculated) || rowErr(t, err).Column != "email" {
		t.Errorf("a key never calculated: got %v, want ErrUncalculated in column email (not an empty key)", err)
	}
	r.Uncalculated = map[string]campaign.Uncalculated{"note": {Cell: "C5", Formula: "E5"}}
	if _, err := e.r.Render(r); err != nil {
		t.Errorf("a formula in a column no template names refused the row: %v", err)
	}
}

func TestUnsubscribeChecks(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "{{.u}}", one_click: true}`}), bodyFile, []string{"email", "u"})
	for _, u := range []string{"http://acme.example/u", "javascript:alert(1)", "", "https:///nohost"} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "u", u))
		if re := rowErr(t, err); !errors.Is(err, ErrUnsubscribe) || re.Column != "u" {
			t.Errorf("url %q: got %v, want ErrUnsubscribe for column u", u, err)
		}
	}
	m, err := e.r.Render(row(2, "email", "k@example.com", "u", `https://acme.example/u?a=<b> "c"`))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(m.Data, []byte("List-Unsubscribe: <https://acme.example/u?a=%3Cb%3E%20%22c%22>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n")) {
		t.Errorf("List-Unsubscribe not escaped:\n%s", m.Data)
	}
	for u, want := range map[string]string{
		"https://münchen.de/u?n=Jürgen":                "https://xn--mnchen-3ya.de/u?n=J%C3%BCrgen",
		"https://m%C3%BCnchen.de/u":                    "https://xn--mnchen-3ya.de/u",
		"https://user@例え.JP:8443#x":                    "https://user@xn--r8jz45g.jp:8443#x",
		"https://[2001:db8::1]:443/u":                  "https://[2001:db8::1]:443/u",
		"https://acme.example/%E8%A7%A3%E7%B4%84?u=42": "https://acme.example/%E8%A7%A3%E7%B4%84?u=42",
	} {
		m, err := e.r.Render(row(2, "email", "k@example.com", "u", u))
		if err != nil {
			t.Fatalf("url %q: %v", u, err)
		}
		if !bytes.Contains(m.Data, []byte("List-Unsubscribe: <"+want+">\r\n")) {
			t.Errorf("url %q: List-Unsubscribe not <%s>:\n%s", u, want, m.Data)
		}
	}
	if _, err := e.r.Render(row(2, "email", "k@example.com", "u", "https://a_b.例え.jp/u")); !errors.Is(err, ErrUnsubscribe) || rowErr(t, err).Column != "u" {
		t.Errorf("a host IDNA refuses: got %v, want ErrUnsubscribe for column u", err)
	}
	if _, err := trySetup(t, yamlWith(map[string]string{"unsubscribe": `{mailto: "u@acme.example", one_click: true}`}), bodyFile, []string{"email"}); !errors.Is(err, ErrUnsubscribe) {
		t.Errorf("one_click without url: %v", err)
	}
	// A fixed http URL beside a per-row mailto: one campaign error, not one per row.
	if _, err := trySetup(t, yamlWith(map[string]string{"unsubscribe": `{url: "http://acme.example/u", mailto: "u+{{.email}}@acme.example", one_click: true}`}), bodyFile, []string{"email"}); !errors.Is(err, ErrUnsubscribe) {
		t.Errorf("fixed http url with a per-row mailto: %v", err)
	}
	if _, err := trySetup(t, yamlWith(map[string]string{"list_id": `"Acme <nodot>"`}), bodyFile, []string{"email"}); !errors.Is(err, ErrListID) {
		t.Errorf("bad list_id: %v", err)
	}
	if _, err := trySetup(t, yamlWith(map[string]string{"list_id": `'{{.list}}'`}), bodyFile, []string{"email", "list"}); !errors.Is(err, ErrListID) || !strings.Contains(err.Error(), "not a template") {
		t.Errorf("a template in list_id: %v", err)
	}
}

func TestBadBoundary(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"html": "b.html"}), map[string]string{"body.txt": "x\n", "b.html": "<p>x</p>\n"}, []string{"email"})
	e.r.boundary = func(string, int) string { return "bad\r\nboundary" }
	m, err := e.r.Render(row(2, "email", "k@example.com"))
	if !errors.Is(err, ErrBoundary) || m != nil {
		t.Errorf("got %v, %v; want ErrBoundary and no message", m, err)
	}
}

func TestEmptyTextBody(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"html": "b.html"}), map[string]string{"body.txt": "{{if false}}x{{end}}", "b.html": "<p>{{.email}}</p>\n"}, []string{"email"})
	m, err := e.r.Render(row(2, "email", "k@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if shape := verify(t, e, row(2, "email", "k@example.com"), m, nil); shape != "multipart/alternative(text/plain,text/html)" {
		t.Errorf("shape %s", shape)
	}
}

func TestAttachmentCacheAndType(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}),
		map[string]string{"body.txt": "Hi\n", "shared.xyzunknown": "version one"}, []string{"email", "file"})
	p := filepath.Join(e.dir, "shared.xyzunknown")
	for i, want := range []string{"version one", "version two, longer"} {
		if i > 0 {
			if err := os.WriteFile(p, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for n := range 3 {
			r := row(2+n, "email", "k@example.com", "file", "shared.xyzunknown")
			m, err := e.r.Render(r)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Attachments[0]; got.ContentType != "application/octet-stream" || got.Size != int64(len(want)) {
				t.Errorf("attachment %+v, want octet-stream of %d bytes", got, len(want))
			}
			verify(t, e, r, m, nil)
		}
	}
}

func TestBlobCacheEviction(t *testing.T) {
	c := newBlobCache(400) // entries up to 100 bytes are kept
	mk := func(i int) (blobKey, *blob) {
		return blobKey{path: string(rune('a' + i))}, &blob{enc: make([]byte, 90)}
	}
	for i := range 6 {
		c.put(mk(i))
		k, _ := mk(0)
		c.get(k) // keep "a" recently used
	}
	k0, _ := mk(0)
	k1, _ := mk(1)
	k5, _ := mk(5)
	if c.get(k0) == nil || c.get(k5) == nil || c.get(k1) != nil {
		t.Errorf("LRU kept the wrong entries")
	}
	if c.used > c.max {
		t.Errorf("used %d over max %d", c.used, c.max)
	}
	big := &blob{enc: make([]byte, 200)}
	c.put(blobKey{path: "big"}, big)
	if c.get(blobKey{path: "big"}) != nil {
		t.Errorf("an entry over a quarter of the cache was kept")
	}
	var none *blobCache
	none.put(k0, big)
	if none.get(k0) != nil {
		t.Error("nil cache returned an entry")
	}
}

// TestAttachmentTypesAndNames: a text file is labelled UTF-8 only when it
// is; a .eml goes as application/octet-stream (base64 is not allowed for
// message/rfc822, RFC 2046 5.2.1); a file name that looks like an
// encoded-word is sent RFC 2231-encoded, so no reader decodes it into
// another name.
func TestAttachmentTypesAndNames(t *testing.T) {
	lookalike := "=?utf-8?b?aW52b2ljZS5leGU=?=.pdf"
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt": "Hi\n", "latin.txt": "caf\xe9\n", "utf.csv": "a,é\n", "fwd.eml": "From: a@example.org\r\n\r\nhi\r\n", lookalike: "%PDF-1.4\n",
	}, []string{"email", "file"})
	for i, c := range []struct{ file, ctype string }{
		{"latin.txt", "text/plain"},
		{"utf.csv", "text/csv; charset=utf-8"},
		{"fwd.eml", "application/octet-stream"},
		{lookalike, "application/pdf"},
	} {
		r := row(2+i, "email", "k@example.com", "file", c.file)
		m, err := e.r.Render(r)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Attachments[0].ContentType; got != c.ctype {
			t.Errorf("%s: %q, want %q", c.file, got, c.ctype)
		}
		verify(t, e, r, m, nil)
		if c.file == lookalike && (bytes.Contains(m.Data, []byte(`filename="=?`)) || !bytes.Contains(m.Data, []byte("filename*=utf-8''%3D%3Futf-8%3Fb%3F"))) {
			t.Errorf("%s: the file name is not RFC 2231-encoded:\n%s", c.file, m.Data)
		}
	}
}

// TestMailtoURL: the unsubscribe mailto is a valid RFC 6068 URI whatever
// the address and the header fields hold: '#', '%', '?', quotes and
// spaces are percent-encoded so they stay part of the address or value;
// an encoded query stays as written.
func TestMailtoURL(t *testing.T) {
	for in, want := range map[string]string{
		"unsubscribe@acme.example":                        "mailto:unsubscribe@acme.example",
		"mailto:a#b@acme.example":                         "mailto:a%23b@acme.example",
		"a%25b@acme.example":                              "mailto:a%25b@acme.example",
		`"a b"@acme.example`:                              "mailto:%22a%20b%22@acme.example",
		"unsub@acme.example?subject=stop%20it&body=a#b?c": "mailto:unsub@acme.example?subject=stop%20it&body=a%23b%3Fc",
		"unsub@bücher.example?subject=Grüße":              "mailto:unsub@xn--bcher-kva.example?subject=Gr%C3%BC%C3%9Fe",
	} {
		got, err := mailtoURL(in)
		if err != nil || got != want {
			t.Errorf("mailtoURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestAttachmentOpenStaysInside: a folder on an attachment's path swapped
// for a symlink out of the campaign folder after the path was checked (a
// race with whoever can write there) does not lead outside: the file is
// opened through the folder's os.Root.
func TestAttachmentOpenStaysInside(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "campaign")
	for dir, file := range map[string]string{filepath.Join(root, "d"): "inside", filepath.Join(base, "outside"): "SECRET"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(file), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := &attacher{root: root, rootReal: root, maxSize: 1 << 20, cache: newBlobCache(0)}
	checked := filepath.Join(root, "d", "f.txt") // what resolve checked
	if err := os.Rename(filepath.Join(root, "d"), filepath.Join(root, "d.old")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(base, "outside"), filepath.Join(root, "d")); err != nil {
		t.Fatal(err)
	}
	if f, err := a.open(checked, true); err == nil {
		b, _ := io.ReadAll(f)
		f.Close()
		t.Fatalf("opened %q through a swapped folder: %q", checked, b)
	}
	// A constant path (the campaign author's) is not confined.
	f, err := a.open(checked, false)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestAddressListMessages: what a row problem in an address list says.
func TestAddressListMessages(t *testing.T) {
	for _, tt := range []struct{ tmpl, name, want string }{
		{`"{{.email}}, {{.name}} <{{.email}}>"`, `Anne "Nan Lee`,
			`people.csv: row 2, column "name": render: to: invalid address "Anne \"Nan Lee <a@example.com>": a quote ("), parenthesis or angle bracket is not closed; a name holding one is written with {{address .name .email}}`},
		{`"{{.name}} <{{.email}}>"`, `Lee; Ann`,
			`people.csv: row 2, column "name": render: to: invalid address "Lee; Ann": a name holding , ; < or > would split the address or add one; write {{address .name .email}}, which quotes any name`},
		// A name cell that would add a recipient, or name another address.
		{`"{{.name}} <{{.email}}>"`, `boss@corp.example,`,
			`people.csv: row 2, column "name": render: to: invalid address "boss@corp.example,": a name holding , ; < or > would split the address or add one; write {{address .name .email}}, which quotes any name`},
		{`"{{.name | title}} <{{.email}}>"`, `Bob <evil@evil.example>`,
			`people.csv: row 2, column "name": render: to: invalid address "Bob <evil@evil.example>": a name holding , ; < or > would split the address or add one; write {{address .name .email}}, which quotes any name`},
		{`"{{.email}}, {{.name}} <{{.email}}>"`, `x@evil.example; Ann`,
			`people.csv: row 2, column "name": render: to: invalid address "x@evil.example; Ann": a name holding , ; < or > would split the address or add one; write {{address .name .email}}, which quotes any name`},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tt.tmpl}), bodyFile, []string{"email", "name"})
		_, err := e.r.Render(row(2, "email", "a@example.com", "name", tt.name))
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("error\n %v\nwant it to end with\n %s", err, tt.want)
		}
	}
}

// TestAddressListFixNamesTheColumns: the fix for a name that splits the
// address is written with the columns the template names, not the
// example's; with no one address column to tell, it is the example.
func TestAddressListFixNamesTheColumns(t *testing.T) {
	for _, tt := range []struct{ tmpl, want string }{
		{`"{{.Name}} <{{.E_Mail}}>"`, `column "Name": render: to: invalid address "Müller, Frank": a name holding , ; < or > would split the address or add one; write {{address .Name .E_Mail}}, which quotes any name`},
		{`"{{.Name}} <{{.E_Mail}}>, {{.Name}} <{{.Other}}>"`, `would split the address or add one; write {{address .name .email}}, which quotes any name`},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tt.tmpl}), bodyFile, []string{"email", "Name", "E-Mail", "Other"})
		_, err := e.r.Render(row(2, "email", "x@example.com", "E-Mail", "frank@example.com", "Other", "o@example.com", "Name", "Müller, Frank"))
		if err == nil || !strings.HasSuffix(err.Error(), tt.want) {
			t.Errorf("%s: error\n %v\nwant it to end with\n %s", tt.tmpl, err, tt.want)
		}
	}
}

// TestAddressFixKeepsTheAddress: the fix for a name that splits the
// address keeps the address as the template writes it: a display name
// of several columns is printed whole ((print .First " " .Last)), an
// addr-spec of the template's own text stays that text, and one that is
// not one column or text is the generic example. Each fix renders the
// address the template meant, quoted.
func TestAddressFixKeepsTheAddress(t *testing.T) {
	cols := []string{"email", "First", "Last", "E-Mail", "user", "lang", "DE", "Home"}
	values := row(2, "email", "x@example.com", "First", "John", "Last", "Smith, Jr.", "E-Mail", "john@example.com", "user", "john", "lang", "de", "DE", "de-team@example.com", "Home", "")
	for _, tt := range []struct{ tmpl, fix, to string }{
		{`'{{.First}} {{.Last}} <{{.E_Mail}}>'`, `{{address (print .First " " .Last) .E_Mail}}`, `"John Smith, Jr." <john@example.com>`},
		{`'{{.Last}} <boss@example.org>'`, `{{address .Last "boss@example.org"}}`, `"Smith, Jr." <boss@example.org>`},
		{`'{{.E_Mail}}, {{.Last}} <boss@example.org>'`, `{{address .Last "boss@example.org"}}`, `"Smith, Jr." <boss@example.org>`},
		{`'{{.Last}} <{{.user}}@example.org>'`, `{{address .name .email}}`, ""},
		{`'Dr. {{.Last}} <{{.E_Mail}}>'`, `{{address .name .email}}`, ""},
		// A branch or a function: the row may take another way than a
		// run with markers, so no fix in the template's terms.
		{`'{{if eq .lang "de"}}{{.Last}} <{{.DE}}>{{else}}{{.Last}} <{{.E_Mail}}>{{end}}'`, `{{address .name .email}}`, ""},
		{`'{{.Last}} <{{or .Home .E_Mail}}>'`, `{{address .name .email}}`, ""},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tt.tmpl}), bodyFile, cols)
		_, err := e.r.Render(values)
		if want := "write " + tt.fix + ", which quotes any name"; err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%s: error\n %v\nwant it to end with\n %s", tt.tmpl, err, want)
			continue
		}
		if tt.to == "" {
			continue
		}
		e = setup(t, yamlWith(map[string]string{"to": "'" + tt.fix + "'"}), bodyFile, cols)
		if m, err := e.r.Render(values); err != nil || m.To != tt.to {
			t.Errorf("%s: renders %+v, %v; want the To %q", tt.fix, m, err, tt.to)
		}
	}
}

// TestStructuredHeaders: an extra header that holds message IDs, URLs or
// tokens is written as it is, folded at its spaces, never as RFC 2047
// encoded-words (RFC 2047 5); non-ASCII there is refused, for the campaign
// when the value is constant, for the row (naming the column) when not.
func TestStructuredHeaders(t *testing.T) {
	refs := strings.Repeat("<a.long.message.id@lists.example> ", 30)
	e := setup(t, yamlWith(map[string]string{"headers": fmt.Sprintf(`{References: "%s", List-Help: "{{.help}}", X-Note: "{{.help}}"}`, refs)}), bodyFile, []string{"email", "help"})
	m, err := e.r.Render(row(2, "email", "a@example.com", "help", "<https://lists.example/help>"))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("References"); got != strings.TrimSpace(refs) || strings.Contains(string(m.Data), "=?") {
		t.Errorf("References %q, want the IDs as written, folded at spaces", got)
	}
	checkLines(t, m.Data, false)
	_, err = e.r.Render(row(3, "email", "a@example.com", "help", "<https://lists.example/hélp>"))
	if re := rowErr(t, err); !errors.Is(err, ErrStructuredHeader) || re.Column != "help" || re.Row != 3 {
		t.Errorf("a non-ASCII URL: got %v, want ErrStructuredHeader in column help", err)
	}
	_, err = trySetup(t, yamlWith(map[string]string{"headers": `{In-Reply-To: "<üñí@x.example>"}`}), bodyFile, []string{"email"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrStructuredHeader) {
		t.Errorf("a constant non-ASCII In-Reply-To: got %v, want a FileError", err)
	}
}

// TestAddressAndPhraseHeaders: an extra header that holds addresses
// (Mail-Followup-To, Disposition-Notification-To) is written as To is, a
// non-ASCII display name encoded and the address left as it is (RFC 2047
// 5: never an encoded-word over an address), and one that does not parse
// is a problem of the row naming the column; Keywords is a list of
// phrases, each encoded or quoted on its own (a comma or a backslash
// never inside an encoded-word or bare).
func TestAddressAndPhraseHeaders(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"headers": `{Mail-Followup-To: "{{address .name .email}}", Disposition-Notification-To: "{{.name}} <{{.email}}>", Keywords: "a, {{.kw}}"}`}),
		bodyFile, []string{"email", "name", "kw"})
	m, err := e.r.Render(row(2, "email", "ann@example.com", "name", "Zoë Ann", "kw", `Ünïcode, Zürich, Lee (Dr.) \ x`))
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Mail-Followup-To", "Disposition-Notification-To"} {
		list, err := msg.Header.AddressList(h)
		if err != nil || len(list) != 1 || list[0].Name != "Zoë Ann" || list[0].Address != "ann@example.com" {
			t.Errorf("%s: %q parses to %v, %v; want Zoë Ann <ann@example.com>", h, msg.Header.Get(h), list, err)
		}
	}
	var dec mime.WordDecoder
	var words []string
	for item := range strings.SplitSeq(msg.Header.Get("Keywords"), ",") {
		item = strings.TrimSpace(item)
		if w, err := dec.DecodeHeader(item); err == nil && strings.HasPrefix(item, "=?") {
			item = w
		} else if strings.HasPrefix(item, `"`) {
			item = strings.ReplaceAll(strings.Trim(item, `"`), `\\`, `\`)
		}
		words = append(words, item)
	}
	if got := strings.Join(words, "|"); got != `a|Ünïcode|Zürich|Lee (Dr.) \ x` {
		t.Errorf("Keywords %q reads as %q, want each keyword on its own", msg.Header.Get("Keywords"), got)
	}
	checkLines(t, m.Data, false)
	_, err = e.r.Render(row(3, "email", "ann@example.com", "name", "Ann; Bob", "kw", "x"))
	if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Column != "name" || re.Row != 3 {
		t.Errorf("a name that splits the address: got %v, want ErrAddress in column name", err)
	}
}

// TestAddressInWords: an address net/mail refuses is told in words a
// user understands, not in RFC 5322's grammar, naming the row and column;
// each says what is wrong with that address (templates.AddressWords), and
// the hint for a full-width ＠ stays.
func TestAddressInWords(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `"{{.name}} {{.email}}"`}), bodyFile, []string{"email", "name"})
	const nameHint = "an address holds no space: if %s is a name, it goes before the address, which then goes in < > (%s), or write {{address .name .email}}; if not, remove the space"
	for _, tc := range []struct{ name, email, want string }{
		{"", "ann", "not an email address: it has no @"},
		{"", "ann@", "missing domain: nothing after the @"},
		{"", "@x.com", "nothing before the @"},
		{"", "ann@@x.com", "2 @ signs, where an address has one"},
		{"", "ann@x..com", "two dots in a row"},
		{"", "ann@x.com.", "a dot next to the @ or at an end"},
		{"", "ann@x.com bob@y.com", "two addresses need a , or ; between them"},
		{"", "ann＠x.com", "not an email address: it has no @ (an address has an ASCII @, not a full-width ＠)"},
		{"", "ann(at)x.com", "not an email address: it has (at) where the @ goes"},
		{"", "ann at x.com", `not an email address: it has "at" where the @ goes`},
		{"", `"ann@x.com"`, "the address is in quotes: remove them"},
		{"", "[ann@x.com]", "the address is in brackets [ ]: remove them"},
		{"", "mailto:ann@x.com", `"mailto:" belongs in a link, not in an address: remove it`},
		{"Carla Weber", "carla@example.de", fmt.Sprintf(nameHint, "Carla Weber", "Carla Weber <carla@example.de>")},
		{"a", "b@x.com", fmt.Sprintf(nameHint, "a", "a <b@x.com>")},
		{"ann", "lee@example.com", fmt.Sprintf(nameHint, "ann", "ann <lee@example.com>")},
		{"", "ann@example.com (Ann)x y", `something after the address: "x y"`},
		{"", "ann@[300.1.1.1]", `domain "[300.1.1.1]" is an address literal (an IP address in brackets), which tidings does not send to: use the domain name`},
		{"", "ann @x.com", "a space inside the address, next to the @"},
		{"", "ann@x .com", "a space inside the domain (after the @)"},
		{"Ann", "<ann @x.com>", "a space inside the address, next to the @"},
		{"", "ann@ x.com", "a space inside the address, next to the @"},
		{"Ann", "<ann@ x.com>", "a space inside the address, next to the @"},
		{"Ann", "<ann@x .com>", "a space inside the address"},
		{"Ann", "<ann@x.com>>", "a stray > after the address"},
	} {
		_, err := e.r.Render(row(5, "email", tc.email, "name", tc.name))
		if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Row != 5 || re.Column == "" || !strings.Contains(err.Error(), "render: to: invalid address ") ||
			!strings.HasSuffix(err.Error(), ": "+tc.want) || strings.Contains(err.Error(), "mail:") {
			t.Errorf("%q %q: %v (column %q)\nwant it to end with %s", tc.name, tc.email, err, re.Column, tc.want)
		}
	}
	for _, ok := range []string{"Dr. Ann Smith <ann@x.com>", `"ann lee"@x.com`, `Ann <"ann @"@x.com>`, "ann@x.com (Ann @ Acme)", "bob@y.com (sales@ acme (x))", "ann@bücher.example", "ann@xn--bcher-kva.example", "ann@例え.jp", "ann@paral·lel.cat"} {
		if _, err := e.r.Render(row(5, "email", ok, "name", "")); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
}

// TestAddressFunctionInWords: the address function's email that is not
// one address is told in the same words as a header's address.
func TestAddressFunctionInWords(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `'{{address .name .email}}'`}), bodyFile, []string{"email", "name"})
	for email, want := range map[string]string{
		"rami@":             `address: "rami@": missing domain: nothing after the @`,
		"wang@@example.com": `address: "wang@@example.com": 2 @ signs, where an address has one`,
		"ann(at)x.com":      `address: "ann(at)x.com": not an email address: it has (at) where the @ goes`,
	} {
		_, err := e.r.Render(row(5, "email", email, "name", "Ann"))
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "not one email address") {
			t.Errorf("%q: %v\nwant it to say %s", email, err, want)
		}
	}
}

// TestAddressFunctionQuotedLocal: the address function takes an email
// whose local part is a quoted-string with a space, as a header's
// {{.email}} does, and the To header is the same.
func TestAddressFunctionQuotedLocal(t *testing.T) {
	for _, to := range []string{`'{{.email}}'`, `'{{address .name .email}}'`} {
		e := setup(t, yamlWith(map[string]string{"to": to}), bodyFile, []string{"email", "name"})
		m, err := e.r.Render(row(5, "email", `"ann lee"@example.com`, "name", ""))
		if err != nil {
			t.Errorf("to: %s: %v", to, err)
			continue
		}
		if !bytes.Contains(m.Data, []byte("\r\nTo: \"ann lee\"@example.com\r\n")) {
			t.Errorf("to: %s: message\n%s\nwant To: \"ann lee\"@example.com", to, m.Data)
		}
	}
}

// TestDomainInWords: a domain idna refuses is told in words, not idna's,
// whether the address comes from {{.email}} or the address function; an
// address in single quotes is told as wrapped, not by its domain.
func TestDomainInWords(t *testing.T) {
	for _, to := range []string{`'{{.email}}'`, `'{{address .name .email}}'`} {
		e := setup(t, yamlWith(map[string]string{"to": to}), bodyFile, []string{"email", "name"})
		for email, want := range map[string]string{
			`'ann@example.com'`:     "the address is in quotes: remove them",
			"‘ann@example.com’":     "the address is in quotes: remove them",
			"ann@exam_ple.com":      "the domain has a character a domain cannot have: _ (letters, digits, - and . only)",
			"ann@-example.com":      "a part of the domain starts or ends with -",
			"ann@mail.example-.com": "a part of the domain starts or ends with -",
			// idna's Lookup profile takes these: an empty A-label, and
			// punctuation mapped into a label (x.xn--com-3ga).
			"ann@xn--.com":  "an empty part of the domain (two dots in a row, a dot at an end, or an xn-- with nothing after it)",
			"ann@x.com»":    "the domain has a character a domain cannot have: » (letters, digits, - and . only)",
			"ann@ex«am.com": "the domain has a character a domain cannot have: « (letters, digits, - and . only)",
		} {
			_, err := e.r.Render(row(5, "email", email, "name", "Ann"))
			if err == nil {
				t.Errorf("to: %s, %q: no error, want %s", to, email, want)
				continue
			}
			if re := rowErr(t, err); !errors.Is(err, ErrAddress) || re.Column != "email" || !strings.HasSuffix(err.Error(), ": "+want) || strings.Contains(err.Error(), "idna") {
				t.Errorf("to: %s, %q: %v (column %q)\nwant it to end with %s", to, email, err, re.Column, want)
			}
		}
	}
}

// TestAddressFunctionNamesColumn: the address function's refusal of an
// email names its column even when the value holds a quote or a
// backslash, which the error's message escapes.
func TestAddressFunctionNamesColumn(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"to": `'{{address .name .email}}'`}), bodyFile, []string{"email", "name"})
	for _, email := range []string{`"ann@x.com"`, `Ann "x" <ann@x.com>`, `ann\lee@x .com`, `"ann@x.com`} {
		for _, name := range []string{"Ann", ""} {
			_, err := e.r.Render(row(7, "email", email, "name", name))
			if re := rowErr(t, err); re.Column != "email" {
				t.Errorf("email %q, name %q: %v (column %q), want column email", email, name, err, re.Column)
			}
		}
	}
}

// TestHeaderTooLongNamesColumn: a header that cannot be written in lines
// of 998 characters (a long URL has no place to fold) names the column
// whose value made it so.
func TestHeaderTooLongNamesColumn(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "https://acme.example/u?t={{.token}}"}`}), bodyFile, []string{"email", "token", "name"})
	_, err := e.r.Render(row(4, "email", "a@example.com", "token", strings.Repeat("x", 1200), "name", "Ann"))
	if re := rowErr(t, err); !errors.Is(err, ErrHeaderTooLong) || re.Column != "token" || re.Row != 4 {
		t.Errorf("got %v (column %q), want ErrHeaderTooLong in column token", err, re.Column)
	}
}

// TestAddressHints: a constant name with a comma, and an address literal,
// are told with what to do.
func TestAddressHints(t *testing.T) {
	_, err := trySetup(t, yamlWith(map[string]string{"from": `"Acme Team, Inc. <news@acme.example>"`}), bodyFile, []string{"email"})
	if want := `render: from: invalid address "Acme Team": not an email address: it has no @ (a comma or semicolon in a name separates addresses: put the name in double quotes, "Acme Team, …" <…>, or write {{address .name .email}})`; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error\n %v\nwant it to end with\n %s", err, want)
	}
	e := setup(t, yamlWith(nil), bodyFile, []string{"email"})
	_, err = e.r.Render(row(2, "email", "h@[127.0.0.1]"))
	if want := `column "email": render: to: invalid address "h@[127.0.0.1]": domain "[127.0.0.1]" is an address literal (an IP address in brackets), which tidings does not send to: use the domain name`; err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("error\n %v\nwant it to end with\n %s", err, want)
	}
}

// TestNameColumns: a column the address template puts in a display name
// may hold a comma or an angle bracket only inside its own quotes or
// parentheses; a column that holds the addresses, or a name the template
// quotes, may hold a list.
func TestNameColumns(t *testing.T) {
	for _, tt := range []struct {
		tmpl, name, email string
		ok                bool
	}{
		{`"{{.name}} <{{.email}}>"`, `"Doe, John"`, "a@example.com", true},
		{`"{{.name}} <{{.email}}>"`, `Ann (Sales; EMEA)`, "a@example.com", true},
		{`"{{.name}} <{{.email}}>"`, `Doe, John`, "a@example.com", false},
		{`'"{{.name}}" <{{.email}}>'`, `Doe, John`, "a@example.com", true},
		{`'{{address .name .email}}'`, `Doe, John <x>`, "a@example.com", true},
		{`'{{.email}}'`, ``, "a@example.com, b@example.com", true},
		{`'{{.name}}: {{.email}};'`, `Team`, "a@example.com, b@example.com", true},
		{`'{{address .name .email}}, {{.name}} <b@example.com>'`, `Doe, John`, "a@example.com", false},
		// The value as the template uses it: a branch not taken, a name
		// the template cleans.
		{`'{{if eq .email "x@example.com"}}{{.name}} <{{.email}}>{{else}}{{.email}}{{end}}'`, `Doe, John`, "a@example.com", true},
		{`'{{replace "," "" .name}} <{{.email}}>'`, `Doe, John`, "a@example.com", true},
		{`'{{index (split "," .name) 0}} <{{.email}}>'`, `Doe, John`, "a@example.com", true},
		// A piece of the name that keeps the comma, or the name printed
		// twice, once quoted.
		{`'{{index (split " " .name) 0}} <{{.email}}>'`, `boss@corp.example, Ann`, "a@example.com", false},
		{`'{{printf "%.20s" .name}} <{{.email}}>'`, `boss@corp.example, Ann Lee`, "a@example.com", false},
		{`'"{{.name}}" <{{.email}}>, {{.name}} <b@example.com>'`, `x@evil.example, Bob`, "a@example.com", false},
		{`'{{.name | title}} <{{.email}}>'`, `Bob <evil@evil.example>`, "a@example.com", false},
		// A name used for more than its display: lists split on ';', an
		// address made of it, a branch it picks.
		{`'{{range $i, $n := split ";" .name}}{{if $i}}, {{end}}{{$n}} <{{index (split ";" $.email) $i}}>{{end}}'`, `Ann; Bob`, "a@example.com; b@example.com", true},
		{`'{{replace "," "" .name}} <{{lower (replace ", " "." .name)}}@example.com>'`, `Doe, John`, "a@example.com", true},
		{`'{{replace "," "" .name}} <{{.email}}>{{if eq .name "Doe, John"}}, boss@example.com{{end}}'`, `Doe, John`, "a@example.com", true},
	} {
		e := setup(t, yamlWith(map[string]string{"to": tt.tmpl}), bodyFile, []string{"email", "name"})
		m, err := e.r.Render(row(2, "email", tt.email, "name", tt.name))
		if ok := err == nil; ok != tt.ok {
			t.Errorf("to: %s, name %q: got %v (To %v), want ok %v", tt.tmpl, tt.name, err, m.Recipients, tt.ok)
		}
	}
}

// TestValueSums: a message's ValueSums fingerprint the columns the
// templates read besides the key (Facets) and, last, the files its
// attachment templates name (a file every message attaches is left out);
// the Message-ID follows them, so a message made of corrected values or
// files is another message, and one made of the same values the same.
func TestValueSums(t *testing.T) {
	files := map[string]string{"body.txt": "Hi {{.name}}, {{.amount}}\n", "inv/1.txt": "one\n", "logo.txt": "logo\n"}
	e := setup(t, yamlWith(map[string]string{"attachments": `["inv/{{.inv}}.txt", "logo.txt"]`}), files, []string{"email", "name", "amount", "inv", "note"})
	if got := strings.Join(e.r.Facets(), "|"); got != "inv|name|amount|" && got != "name|amount|inv|" {
		t.Fatalf("Facets %q: want the columns read besides the key, then \"\" for the row's files", e.r.Facets())
	}
	base := []string{"email", "a@example.com", "name", "Ann", "amount", "10", "inv", "1", "note", "x"}
	render := func(kv ...string) *Message {
		t.Helper()
		m, err := e.r.Render(row(2, append(append([]string{}, base...), kv...)...))
		if err != nil {
			t.Fatal(err)
		}
		if len(m.ValueSums) != len(e.r.Facets()) || m.ValueSums[len(m.ValueSums)-1] == 0 || m.ValuesSum == 0 {
			t.Fatalf("ValueSums %x for facets %q", m.ValueSums, e.r.Facets())
		}
		return m
	}
	a := render()
	same := render("note", "y", "name", " Ann ")
	if !slices.Equal(same.ValueSums, a.ValueSums) || same.ValuesSum != a.ValuesSum || same.MessageID != a.MessageID {
		t.Errorf("an unread column and spaces around a value changed the message: sums %x, %x; ids %q, %q", same.ValueSums, a.ValueSums, same.MessageID, a.MessageID)
	}
	for _, tt := range []struct {
		what  string
		kv    []string
		files map[string]string
	}{
		{what: "amount", kv: []string{"amount", "12"}},
		{what: "the row's file", files: map[string]string{"inv/1.txt": "one, corrected\n"}},
	} {
		for name, body := range tt.files {
			if err := os.WriteFile(filepath.Join(e.dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		r, err := New(e.c, e.set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary})
		if err != nil { // a new Renderer: the old one keeps the files it read
			t.Fatal(err)
		}
		e.r = r
		b := render(tt.kv...)
		if slices.Equal(b.ValueSums, a.ValueSums) || b.ValuesSum == a.ValuesSum || b.MessageID == a.MessageID {
			t.Errorf("%s changed: sums %x and %x, ids %q and %q: want both to differ", tt.what, a.ValueSums, b.ValueSums, a.MessageID, b.MessageID)
		}
	}
}

// TestEveryProblemOfARow: a row with several cells at fault is refused
// with all of them, each naming its column, in the order of the message's
// parts; a column read in two places is named once; a row with one
// problem still gets a plain *campaign.RowError.
func TestEveryProblemOfARow(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"to":          `"{{address .name .email}}"`,
		"cc":          `"{{.cc}}"`,
		"subject":     `"Invoice {{.amount}} for {{.name}}"`,
		"html":        "body.html",
		"attachments": `["{{if .file}}files/{{.file}}{{end}}"]`,
	}), map[string]string{
		"body.txt":    "You owe {{.amount}} by {{date \"2 Jan\" .due}}\n",
		"body.html":   `<p>Pay <a href="{{.url}}">here</a> or <a href="{{.url2}}">there</a></p>`,
		"files/a.pdf": "%PDF",
	}, []string{"email", "cc", "name", "amount", "due", "url", "url2", "file"})
	good := func(kv ...string) campaign.Row {
		r := row(7, "email", "ann@example.com", "cc", "", "name", "Ann", "amount", "12.50", "due", "2026-05-01", "url", "https://acme.example/pay", "url2", "https://acme.example/pay2", "file", "a.pdf")
		for i := 0; i+1 < len(kv); i += 2 {
			r.Values[kv[i]] = kv[i+1]
		}
		return r
	}
	columns := func(err error) []string {
		var cols []string
		for _, re := range campaign.RowProblems(err) {
			if re.Row != 7 {
				t.Errorf("%v: row %d, want 7", re, re.Row)
			}
			cols = append(cols, re.Column)
		}
		return cols
	}
	for _, tt := range []struct {
		name string
		row  campaign.Row
		want []string
	}{
		{"two failed formulas", good("amount", "#DIV/0!", "due", "#N/A"), []string{"amount", "due"}},
		{"an address and a missing file", good("email", "ann@", "file", "b.pdf"), []string{"email", "file"}},
		{"a subject's control character and the file", good("name", "Ann\nBcc: x@evil.example", "file", "../x.pdf"), []string{"name", "file"}},
		{"a failed formula and an address", good("amount", "#N/A", "email", "ann@@example.com"), []string{"amount", "email"}},
		{"the To and the Cc", good("email", "ann@", "cc", "bob@@example.com"), []string{"email", "cc"}},
		{"the text body and the HTML body", good("due", "2026-13-01", "url", "javascript:alert(1)"), []string{"due", "url"}},
		{"an unsafe link and a dead one", good("url", "javascript:alert(1)", "url2", "pay.example"), []string{"url", "url2"}},
		{"two dead links", good("url", "www.acme.example", "url2", "pay.example"), []string{"url", "url2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, err := e.r.Render(tt.row)
			if _, ok := errors.AsType[campaign.RowErrors](err); !ok {
				t.Fatalf("got %v (%T), want campaign.RowErrors", err, err)
			}
			if got := columns(err); !slices.Equal(got, tt.want) {
				t.Errorf("columns %q, want %q: %v", got, tt.want, err)
			}
			if m == nil || m.Data != nil || m.Row != 7 {
				t.Errorf("want a partial message of row 7 without data, got %+v", m)
			}
			if re := rowErr(t, err); re.Column != tt.want[0] {
				t.Errorf("errors.As finds column %q, want the first, %q", re.Column, tt.want[0])
			}
		})
	}
	_, err := e.r.Render(good("email", "ann@"))
	if _, ok := err.(*campaign.RowError); !ok || !slices.Equal(columns(err), []string{"email"}) {
		t.Errorf("one problem: got %v (%T), want a *campaign.RowError of column email", err, err)
	}
	// An empty key is told alone: the To made of it is not told empty too.
	if _, err := e.r.Render(good("email", "", "file", "b.pdf")); !errors.Is(err, campaign.ErrEmptyKey) || !slices.Equal(columns(err), []string{"email"}) {
		t.Errorf("an empty key: got %v, want ErrEmptyKey alone", err)
	}
	if _, err := e.r.Render(good()); err != nil {
		t.Errorf("a good row: %v", err)
	}
}

// TestEveryFailingCallOfARow: the calls that fail in one template are
// told together with those of the row's other templates, in the order of
// the message's parts, a column once (due, read by the subject and the
// text body alike); nothing of the row is rendered.
func TestEveryFailingCallOfARow(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{
		"subject": `"Due {{date \"iso\" .due}}"`,
		"html":    "body.html",
	}), map[string]string{
		"body.txt":  "{{number 2 .amount}} by {{date \"2 Jan\" .due}}, {{number 0 .points}} points\n",
		"body.html": "<p>{{number 1 .rate}} %</p>\n<p>{{number 2 .amount}}</p>\n",
	}, []string{"email", "name", "amount", "due", "points", "rate"})
	r := row(4, "email", "ann@example.com", "name", "Ann", "amount", "12,50 €", "due", "soon", "points", "many", "rate", "x")
	m, err := e.r.Render(r)
	var cols []string
	for _, re := range campaign.RowProblems(err) {
		cols = append(cols, re.Column)
	}
	if want := []string{"due", "amount", "points", "rate"}; !slices.Equal(cols, want) {
		t.Errorf("columns %q, want %q: %v", cols, want, err)
	}
	if m == nil || m.Data != nil {
		t.Errorf("want a partial message without data, got %+v", m)
	}
	r.Values["points"], r.Values["rate"] = "7", "2.5"
	if _, err = e.r.Render(r); len(campaign.RowProblems(err)) != 2 {
		t.Errorf("due and amount bad: %v, want their two problems", err)
	}
}

// TestFeedbackID: a Feedback-ID Gmail's Postmaster Tools would count
// under no campaign or part of one only ("dec 2026 newsletter", a blank
// column's "dec2026::acme", which Gmail reads as the fields left) was
// refused, for the campaign or the row, stopping a send over a header
// that changes nothing of its delivery (rev-eng49); it goes as written,
// what Postmaster Tools would not count warned of by templates
// (TestFeedbackIDWarned). Only what no structured header may hold, a
// character outside ASCII, is a problem of the row.
func TestFeedbackID(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"headers": `{Feedback-ID: "dec2026:{{.kind}}:acmenews"}`}), bodyFile, []string{"email", "kind"})
	for _, kind := range []string{"newsletter", "", "news letter"} {
		m, err := e.r.Render(row(2, "email", "a@example.com", "kind", kind))
		if err != nil {
			t.Fatalf("kind %q: %v", kind, err)
		}
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if want := "dec2026:" + kind + ":acmenews"; err != nil || msg.Header.Get("Feedback-ID") != want {
			t.Errorf("Feedback-ID %q, %v; want %q", msg.Header.Get("Feedback-ID"), err, want)
		}
	}
	_, err := e.r.Render(row(3, "email", "a@example.com", "kind", "café"))
	if re := rowErr(t, err); re.Column != "kind" || re.Row != 3 {
		t.Errorf("kind café: got %v, want a problem in column kind", err)
	}
	for _, v := range []string{"dec 2026 newsletter", "a:b:c:d:acmenews", "news::acmenews"} {
		if _, err = trySetup(t, yamlWith(map[string]string{"headers": `{Feedback-ID: "` + v + `"}`}), bodyFile, []string{"email"}); err != nil {
			t.Errorf("a constant Feedback-ID %q: %v", v, err)
		}
	}
}

// TestUnsubscribeQueryValue: a value the unsubscribe URL writes into its
// query as it is went out as written (rev-user28): "ann+news@…" in
// ?e={{.email}} reached the one-click POST as "ann news@…", "Lee & Co"
// cut the value short, so the click unsubscribed no one. Such a row is a
// problem naming the column and the urlquery to write; the value
// escaped, in the path, a whole URL in a column, or a %-escape written
// on purpose are not.
func TestUnsubscribeQueryValue(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "https://acme.example/u/{{.name}}?e={{.email}}&t={{.token}}", one_click: true}`}),
		bodyFile, []string{"email", "name", "token"})
	for _, tc := range []struct{ column, value string }{
		{"email", "ann+news@example.org"},
		{"token", "a&b"},
		{"token", "a;b"},
		{"token", "x#1"},
		{"token", "50%off"},
	} {
		vals := map[string]string{"email": "ann@example.org", "name": "Ann", "token": "t1"}
		vals[tc.column] = tc.value
		_, err := e.r.Render(row(3, "email", vals["email"], "name", vals["name"], "token", vals["token"]))
		if re := rowErr(t, err); !errors.Is(err, ErrUnsubscribeQuery) || !errors.Is(err, ErrUnsubscribe) || re.Column != tc.column || re.Row != 3 ||
			!strings.Contains(err.Error(), "write {{."+tc.column+" | urlquery}} in unsubscribe.url") {
			t.Errorf("%s %q: got %v, want ErrUnsubscribeQuery in column %s saying to write urlquery", tc.column, tc.value, err, tc.column)
		}
	}
	for _, vals := range [][]string{
		{"email", "ann@example.org", "name", "A+B & C", "token", "t%2B1"}, // in the path; an escape written
	} {
		if _, err := e.r.Render(row(2, vals...)); err != nil {
			t.Errorf("%q: %v", vals, err)
		}
	}
	e = setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "https://acme.example/u?e={{.email | urlquery}}", one_click: true}`}), bodyFile, []string{"email"})
	m, err := e.r.Render(row(2, "email", "ann+news@example.org"))
	if err != nil || !bytes.Contains(m.Data, []byte("List-Unsubscribe: <https://acme.example/u?e=ann%2Bnews%40example.org>\r\n")) {
		t.Errorf("urlquery: %v\n%s", err, m.Data)
	}
	e = setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "{{.u}}", one_click: true}`}), bodyFile, []string{"email", "u"})
	if _, err := e.r.Render(row(2, "email", "ann@example.org", "u", "https://acme.example/u?a=1&b=2")); err != nil {
		t.Errorf("a whole URL in a column: %v", err)
	}
}

// TestUnsubscribeQueryFragment: a row's value was a problem whenever it
// held + & ; # or % and stood anywhere after the URL's '?', its fragment
// too, which no server reads ("#a&b"), or where urlquery had written it
// already (rev-eng49); only the columns the template writes into the
// query as they are (templates.Template.RawQueryColumns) are looked at.
func TestUnsubscribeQueryFragment(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"unsubscribe": `{url: "https://acme.example/u?e={{.email | urlquery}}&n={{.name}}#{{.tag}}", one_click: true}`}),
		bodyFile, []string{"email", "name", "tag"})
	if _, err := e.r.Render(row(2, "email", "ann+news@example.org", "name", "Ann", "tag", "a&b")); err != nil {
		t.Errorf("a value in the fragment: %v", err)
	}
	_, err := e.r.Render(row(3, "email", "ann@example.org", "name", "Lee & Co", "tag", "x"))
	if re := rowErr(t, err); !errors.Is(err, ErrUnsubscribeQuery) || re.Column != "name" {
		t.Errorf("a value in the query as it is: %v, want ErrUnsubscribeQuery in column name", err)
	}
}

// TestUnsubscribeQueryFixIsTheAction: a row's problem said to write
// {{.email | urlquery}} whatever the action that wrote the column, so for
// ?k={{printf "%s-%s" .email .name}} it told to drop .name, where check's
// warning at the url's line told to pipe the action itself to urlquery;
// the row's problem now names the same action the warning does.
func TestUnsubscribeQueryFixIsTheAction(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"unsubscribe": `{url: 'https://acme.example/u?k={{printf "%s-%s" .email .name}}&t={{index . "token"}}', one_click: true}`}),
		bodyFile, []string{"email", "name", "token"})
	for _, tc := range []struct{ email, token, want string }{
		{"ann+news@example.org", "t1", `write {{printf "%s-%s" .email .name | urlquery}} in unsubscribe.url`},
		{"ann@example.org", "a&b", `write {{index . "token" | urlquery}} in unsubscribe.url`},
	} {
		_, err := e.r.Render(row(2, "email", tc.email, "name", "Ann", "token", tc.token))
		if !errors.Is(err, ErrUnsubscribeQuery) || !strings.Contains(fmt.Sprint(err), tc.want) {
			t.Errorf("%s %s: %v\nwant it to say %s", tc.email, tc.token, err, tc.want)
		}
	}
}
