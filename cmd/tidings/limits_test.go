package main

import (
	"bytes"
	"fmt"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// The tests in this file cover issue 5's size and length limits: the
// campaign's max_message_size at check time, the server's SIZE at send
// time, the subject length warning and the 998-octet line limit.

// TestMaxMessageSizeIsRowProblem: a message over max_message_size is a row
// problem that check reports with its row (and the column of the attachment
// that makes it too big), and send refuses to start.
func TestMaxMessageSizeIsRowProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `max_message_size: 2KB`, `attachments: ['{{if .file}}files/{{.file}}{{end}}']`),
		"r.csv": "email,name,file\r\n" +
			"ann@example.com,Ann,\r\n" +
			"bob@example.com,Bob,small.pdf\r\n" +
			"cid@example.com,Cid,big.pdf\r\n" +
			"dee@example.com,Dee,medium.pdf\r\n",
		"body.txt":         "Hi {{.name}}\n",
		"files/small.pdf":  strings.Repeat("s", 100),
		"files/big.pdf":    strings.Repeat("b", 3000), // 4 KB in base64: over on its own
		"files/medium.pdf": strings.Repeat("m", 1200), // 1.6 KB in base64: over with the rest of the message
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	t.Logf("check:\n%s%s", out, errOut)
	if code != exitSomeFailed {
		t.Errorf("check: code %d, want %d", code, exitSomeFailed)
	}
	for _, s := range []string{`r.csv: row 4, column "file"`, "r.csv: row 5", "max_message_size", "2 with problems"} {
		if !strings.Contains(out, s) {
			t.Errorf("check output lacks %q", s)
		}
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Errorf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages while rows are over max_message_size", n)
	}
}

// TestServerSizeFailsRow: a message larger than the server's SIZE fails
// that row at send time, with a detail that says so; the others are sent.
func TestServerSizeFailsRow(t *testing.T) {
	t.Parallel()
	const limit = 3000
	srv := smtptest.NewServer(t, smtptest.WithMaxSize(limit))
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `attachments: ['{{if .file}}files/{{.file}}{{end}}']`),
		"r.csv": "email,name,file\r\n" +
			"ann@example.com,Ann,\r\n" +
			"bob@example.com,Bob,big.pdf\r\n" +
			"cid@example.com,Cid,\r\n",
		"body.txt":      "Hi {{.name}}\n",
		"files/big.pdf": strings.Repeat("b", 4000),
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "check", camp); code != 0 {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	t.Logf("send:\n%s%s", out, errOut)
	if code != exitSomeFailed {
		t.Errorf("send: code %d, want %d", code, exitSomeFailed)
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("cid@example.com") != 1 || srv.Received("bob@example.com") != 0 {
		t.Errorf("received: ann %d, bob %d, cid %d; want 1, 0, 1",
			srv.Received("ann@example.com"), srv.Received("bob@example.com"), srv.Received("cid@example.com"))
	}
	for _, r := range readReport(t, camp) {
		if r["key"] != "bob@example.com" {
			if r["status"] != "sent" {
				t.Errorf("report row %v, want sent", r)
			}
			continue
		}
		if r["status"] != "failed" || r["row"] != "3" {
			t.Errorf("report row %v, want row 3 failed", r)
		}
		if d := r["detail"]; !strings.Contains(d, "SIZE") || !strings.Contains(d, fmt.Sprint(limit)) {
			t.Errorf("detail %q does not say the message is over the server's SIZE %d", d, limit)
		}
	}
}

// TestLongSubjectWarns: a subject over render.SubjectWarnLength characters
// is a warning naming the row; the exit code stays 0.
func TestLongSubjectWarns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := strings.Repeat("very ", 50) + "long"
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(25, `subject: '{{.topic}}'`),
		"r.csv":    "email,name,topic\r\nann@example.com,Ann,Short\r\nbob@example.com,Bob," + long + "\r\n",
		"body.txt": "Hi {{.name}}\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, cmd := range []string{"check", "preview"} {
		out, errOut, code := runCLI(t, cmd, camp)
		if code != 0 {
			t.Errorf("%s: code %d, want 0 (warnings do not change it)\n%s%s", cmd, code, out, errOut)
		}
		want := fmt.Sprintf("r.csv: row 3: subject is %d characters long", len(long))
		if !strings.Contains(out, want) {
			t.Errorf("%s output lacks %q:\n%s%s", cmd, want, out, errOut)
		}
		if strings.Contains(out, "row 2: subject") {
			t.Errorf("%s warns about the short subject of row 2:\n%s", cmd, out)
		}
	}
	checkPreview(t, camp, 2)
}

// checkPreview applies checkEML to every .eml of the campaign's default
// preview folder and checks that there are want of them.
func checkPreview(t *testing.T, camp string, want int) {
	t.Helper()
	files := emlFiles(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview"))
	for name, data := range files {
		checkEML(t, name, data)
	}
	if len(files) != want {
		t.Errorf("preview wrote %d .eml files, want %d", len(files), want)
	}
}

// TestPreviewNeverWritesLongLines renders values far over 998 characters
// into every place a value can go — subject, display names, an extra
// header, attachment names, text and HTML bodies — and checks that no line
// of any .eml preview writes is over 998 octets. A value that cannot be
// written within the limit (an address local part) is a row problem.
func TestPreviewNeverWritesLongLines(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	word := strings.Repeat("x", 3000)
	words := strings.TrimSpace(strings.Repeat("word ", 700))
	han := strings.Repeat("汉字", 800)
	longFile := strings.Repeat("f", 200) + ".pdf"
	hanFile := strings.Repeat("文", 80) + ".pdf"
	rows := [][]string{
		{"email", "name", "topic", "note", "file"},
		{"a@example.com", words, word, word, longFile},
		{"b@example.com", han, han, han, hanFile},
		{"c@example.com", word, words, words, ""},
		{"d@example.com", "Dee \"" + word + "\", Esq.", "Hello " + words, han + word, longFile},
		{strings.Repeat("l", 1200) + "@example.com", "Local", "Long local part", "x", ""},
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(25,
			`subject: '{{.topic}}'`,
			`html: body.html`,
			`headers: {X-Note: '{{.note}}'}`,
			`attachments: ['{{if .file}}files/{{.file}}{{end}}']`),
		"r.csv":             csvText(rows...),
		"body.txt":          "Hi {{.name}}\n{{.topic}} {{.note}}\n" + strings.Repeat("=", 5000) + "\n",
		"body.html":         "<p>{{.name}}</p><p>{{.topic}}</p><p>" + strings.Repeat("&nbsp;", 3000) + "</p>",
		"files/" + longFile: "%PDF-1.4",
		"files/" + hanFile:  "%PDF-1.4",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "preview", camp)
	t.Logf("preview:\n%s%s", out, errOut)
	if code != exitSomeFailed {
		t.Errorf("preview: code %d, want %d (row 6's local part cannot be written)", code, exitSomeFailed)
	}
	if !strings.Contains(out, `r.csv: row 6, column "email"`) || !strings.Contains(out, "local part") {
		t.Errorf("preview does not name row 6's too long local part")
	}
	checkPreview(t, camp, 4)
	// Encoded or folded, every value reads back as it was.
	for i, r := range rows[1:5] {
		data, err := os.ReadFile(filepath.Join(dir, ".tidings", "t", "preview", fmt.Sprintf("%06d-%s.eml", i+2, r[0])))
		if err != nil {
			t.Error(err)
			continue
		}
		msg, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Error(err)
			continue
		}
		dec := new(mime.WordDecoder)
		if subject, err := dec.DecodeHeader(msg.Header.Get("Subject")); err != nil || subject != r[2] {
			t.Errorf("%s: subject decodes to %.40q… (%v), want %.40q…", r[0], subject, err, r[2])
		}
		if note, err := dec.DecodeHeader(msg.Header.Get("X-Note")); err != nil || note != r[3] {
			t.Errorf("%s: X-Note decodes to %.40q… (%v), want %.40q…", r[0], note, err, r[3])
		}
		if to, err := msg.Header.AddressList("To"); err != nil || len(to) != 1 || to[0].Name != r[1] {
			t.Errorf("%s: To %.60q… reads as %v (%v), want the name %.40q…", r[0], msg.Header.Get("To"), to, err, r[1])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".tidings", "t", "preview", "report.csv")); err != nil {
		t.Error(err)
	}
}
