package render

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// TestTestSend: a test message goes to the test addresses only, names the
// row's recipients in X-Tidings-Test-For, has "[TEST] " before its subject
// and a Message-ID of its own; the body is the row's.
func TestTestSend(t *testing.T) {
	yaml := yamlWith(map[string]string{"to": `"{{.name}} <{{.email}}>"`, "cc": `"{{.cc}}"`, "bcc": `"audit@acme.example"`, "subject": `"Invoice for {{.name}}"`,
		"unsubscribe": `{url: "https://acme.example/u?e={{.email | urlquery}}", one_click: true}`})
	files := map[string]string{"body.txt": "Dear {{.name}}\n"}
	e := setup(t, yaml, files, []string{"email", "name", "cc"})
	r := row(2, "email", "ann@example.org", "name", "Ann Lee", "cc", "boss@example.org; 张三@例子.中国")
	real, err := e.r.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(e.c, e.set, Options{Now: func() time.Time { return fixedNow }, Boundary: fixedBoundary,
		Test: &TestSend{To: "Me <me@test.example>; qa@test.example", Run: "20261204T101500"}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := tr.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	checkLines(t, m.Data, false)
	if got := strings.Join(m.Recipients, " "); got != "me@test.example qa@test.example" {
		t.Errorf("envelope recipients %q, want the test addresses only", got)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	h := msg.Header
	if h.Get("Cc") != "" || bytes.Contains(m.Data, []byte("audit@")) && !strings.Contains(h.Get("X-Tidings-Test-For"), "audit@") {
		t.Errorf("Cc %q; the row's Cc or Bcc leaked outside X-Tidings-Test-For:\n%s", h.Get("Cc"), m.Data)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != "me@test.example" || to[0].Name != "Me" {
		t.Errorf("To %q: %v", h.Get("To"), err)
	}
	dec := new(mime.WordDecoder)
	forWhom, err := dec.DecodeHeader(h.Get("X-Tidings-Test-For"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "To: Ann Lee <ann@example.org>; Cc: boss@example.org, 张三@xn--fsqu00a.xn--fiqs8s; Bcc: audit@acme.example"; forWhom != want {
		t.Errorf("X-Tidings-Test-For %q, want %q", forWhom, want)
	}
	if subj, _ := dec.DecodeHeader(h.Get("Subject")); subj != "[TEST] Invoice for Ann Lee" || m.Subject != subj {
		t.Errorf("Subject %q (report %q)", subj, m.Subject)
	}
	if m.MessageID == real.MessageID || h.Get("Message-ID") != "<"+m.MessageID+">" {
		t.Errorf("Message-ID %q, real %q: want its own", m.MessageID, real.MessageID)
	}
	if h.Get("List-Unsubscribe") != "" || h.Get("List-Unsubscribe-Post") != "" || !bytes.Contains(real.Data, []byte("List-Unsubscribe:")) {
		t.Errorf("a test message must carry no List-Unsubscribe (the real one does: %v)", bytes.Contains(real.Data, []byte("List-Unsubscribe:")))
	}
	body, _ := io.ReadAll(msg.Body)
	if !bytes.Contains(body, []byte("Dear Ann Lee")) {
		t.Errorf("body %q", body)
	}
	again, _ := New(e.c, e.set, Options{Test: &TestSend{To: "me@test.example", Run: "20261204T111500"}})
	m2, _ := again.Render(r)
	if m2.MessageID == m.MessageID {
		t.Error("two test runs share a Message-ID")
	}
}

// TestTestSendAddresses: test addresses that cannot be used are refused
// when the renderer is made.
func TestTestSendAddresses(t *testing.T) {
	e := setup(t, yamlWith(nil), bodyFile, []string{"email"})
	for _, to := range []string{"", " ; ", "not an address", "me@test.example\r\nBcc: x@y.example"} {
		if _, err := New(e.c, e.set, Options{Test: &TestSend{To: to}}); !errors.Is(err, ErrTestAddress) {
			t.Errorf("test addresses %q: %v, want ErrTestAddress", to, err)
		}
	}
}
