package main

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// The tests in this file feed `check` and `send` the broken and hostile
// inputs real recipient sheets and campaign files contain (issue 5): every
// one must be reported with its location and exit code, and `send` must
// deliver nothing while any of them is present.

// campaignYAML returns a campaign file that sends to 127.0.0.1:port without
// TLS. Each override is a whole top-level line, "key: value": it replaces
// the default line with that key or, for a key without a default, is
// appended in order. PORT in an override is replaced by the port.
func campaignYAML(port int, overrides ...string) string {
	lines := []string{
		`name: t`,
		`from: "Sender <sender@example.com>"`,
		`to: '{{address .name .email}}'`,
		`subject: "Hello {{.name}}"`,
		`text: body.txt`,
		`recipients: {path: r.csv}`,
		`smtp: {host: 127.0.0.1, port: PORT, security: none}`,
		`send: {concurrency: 2, retry_backoff: 1ms}`,
	}
	for _, o := range overrides {
		key, _, _ := strings.Cut(o, ":")
		replaced := false
		for i, l := range lines {
			if k, _, _ := strings.Cut(l, ":"); k == key {
				lines[i], replaced = o, true
				break
			}
		}
		if !replaced {
			lines = append(lines, o)
		}
	}
	return strings.ReplaceAll(strings.Join(lines, "\n")+"\n", "PORT", fmt.Sprint(port))
}

// csvText writes records as a CSV file the way a spreadsheet program does:
// values with a comma, quote or line break quoted, CRLF line ends.
func csvText(records ...[]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	if err := w.WriteAll(records); err != nil {
		panic(err) // a strings.Builder does not fail
	}
	return b.String()
}

// xlsxBytes builds an XLSX workbook with one sheet holding rows.
func xlsxBytes(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// hostileCase is one broken input: the campaign folder it needs, the exit
// code check must give and the text (locations) its output must hold.
type hostileCase struct {
	name     string
	yaml     []string          // overrides for campaignYAML
	files    map[string]string // written into the campaign folder
	setup    func(t *testing.T, dir string)
	code     int
	contains []string
}

// headerInjection is a value that, if it ever reached a header unchecked,
// would add a Bcc header and a blank line (ending the header section).
const headerInjection = "Eve\r\nBcc: victim@example.com\r\n\r\nforged body"

// hostileCases are the broken inputs of issue 5 and the exit code and
// location check must report for each.
func hostileCases() []hostileCase {
	okSheet := "email,name\r\nann@example.com,Ann\r\nbob@example.com,Bob\r\n"
	attachYAML := []string{`attachments: ["files/{{.file}}"]`}
	attachSheet := func(file string) string {
		return "email,name,file\r\nann@example.com,Ann,a.pdf\r\nbob@example.com,Bob," + file + "\r\n"
	}
	cases := []hostileCase{
		{
			name:     "GBK CSV without encoding setting",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\n" + gbk("bob@example.com,张伟\r\n")},
			code:     exitUnusable,
			contains: []string{`r.csv: row 3, column "name"`, "not valid UTF-8", "encoding: gb18030"},
		},
		{
			name:     "GBK header without encoding setting",
			files:    map[string]string{"r.csv": gbk("email,姓名\r\nann@example.com,张伟\r\n")},
			yaml:     []string{`to: '{{.email}}'`, `subject: "Hello"`},
			code:     exitUnusable,
			contains: []string{"r.csv: header row 1, column B", "encoding: gb18030"},
		},
		{
			name: "truncated XLSX",
			yaml: []string{`recipients: {path: r.xlsx}`},
			setup: func(t *testing.T, dir string) {
				b := xlsxBytes(t, []any{"email", "name"}, []any{"ann@example.com", "Ann"})
				writeBytes(t, filepath.Join(dir, "r.xlsx"), b[:len(b)*2/3])
			},
			code:     exitUnusable,
			contains: []string{"r.xlsx", "not an XLSX workbook", "damaged or cut short"},
		},
		{
			name: "old .xls renamed to .xlsx",
			yaml: []string{`recipients: {path: r.xlsx}`},
			setup: func(t *testing.T, dir string) {
				ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, bytes.Repeat([]byte{0}, 504)...)
				writeBytes(t, filepath.Join(dir, "r.xlsx"), ole)
			},
			code:     exitUnusable,
			contains: []string{"r.xlsx", ".xls (Excel 97-2003)"},
		},
		{
			name:     ".xls named in the campaign",
			yaml:     []string{`recipients: {path: r.xls}`},
			files:    map[string]string{"r.xls": "whatever"},
			code:     exitUnusable,
			contains: []string{"c.yaml", "recipients.path", "Excel 97-2003", `"Excel Workbook (*.xlsx)"`},
		},
		{
			name:     "CSV renamed to .xlsx",
			yaml:     []string{`recipients: {path: r.xlsx}`},
			files:    map[string]string{"r.xlsx": okSheet},
			code:     exitUnusable,
			contains: []string{"r.xlsx", "CSV renamed to .xlsx"},
		},
		{
			name:     "unbalanced quote",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\nbob@example.com,\"Bob\r\ncid@example.com,Cid\r\n"},
			code:     exitSomeFailed,
			contains: []string{"r.csv: row 3", "opened on line 3"},
		},
		{
			name:     "bare quote",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\nbob@example.com,Bob \"Bobby\" Smith\r\n"},
			code:     exitSomeFailed,
			contains: []string{"r.csv: row 3", `"O""Brien"`},
		},
		{
			name:     "ragged row",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\nbob@example.com,Bob,extra\r\n\r\ncid@example.com\r\n"},
			code:     exitSomeFailed,
			contains: []string{"r.csv: row 3: ", "3 values, the header has 2 columns", "r.csv: row 5: ", "1 value, the header has 2 columns", "2 with problems"},
		},
		{
			name:     "duplicate header",
			files:    map[string]string{"r.csv": "email,name,Name,name\r\nann@example.com,Ann,A,Ann\r\n"},
			code:     exitUnusable,
			contains: []string{"r.csv", `"name" names both column B and column D`},
		},
		{
			name:     "empty header",
			files:    map[string]string{"r.csv": "email,,name\r\nann@example.com,x,Ann\r\n"},
			code:     exitUnusable,
			contains: []string{"r.csv", "header row 1, column B is empty"},
		},
		{
			name:     "missing attachment",
			yaml:     attachYAML,
			files:    map[string]string{"r.csv": attachSheet("nope.pdf"), "files/a.pdf": "%PDF-1.4 a"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "no such file"},
		},
		{
			name:     "attachment path from data climbs out",
			yaml:     attachYAML,
			files:    map[string]string{"r.csv": attachSheet("../../etc/passwd"), "files/a.pdf": "%PDF-1.4 a"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "leaves the attachment folder"},
		},
		{
			name:     "attachment path from data is all of it",
			yaml:     []string{`attachments: ["{{.file}}"]`},
			files:    map[string]string{"r.csv": "email,name,file\r\nann@example.com,Ann,files/a.pdf\r\nbob@example.com,Bob,../../etc/passwd\r\n", "files/a.pdf": "%PDF-1.4 a"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "leaves the attachment folder"},
		},
		{
			name: "CR LF in an XLSX cell",
			yaml: []string{`recipients: {path: r.xlsx}`, `subject: 'Hello {{.evil}}'`},
			setup: func(t *testing.T, dir string) {
				writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxBytes(t,
					[]any{"email", "name", "evil"},
					[]any{"ann@example.com", "Ann", "ok"},
					[]any{"bob@example.com", "Bob", headerInjection}))
			},
			code:     exitSomeFailed,
			contains: []string{`r.xlsx: row 3, column "evil"`, "control character"},
		},
		{
			name:     "absolute attachment path from data",
			yaml:     []string{`attachments: ["{{.file}}"]`},
			files:    map[string]string{"r.csv": "email,name,file\r\nann@example.com,Ann,files/a.pdf\r\nbob@example.com,Bob,/etc/passwd\r\n", "files/a.pdf": "%PDF-1.4 a"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "absolute path"},
		},
		{
			name:  "symlink in the campaign folder pointing outside",
			yaml:  attachYAML,
			files: map[string]string{"r.csv": attachSheet("report.pdf"), "files/a.pdf": "%PDF-1.4 a"},
			setup: func(t *testing.T, dir string) {
				outside := filepath.Join(t.TempDir(), "secret.pdf")
				writeBytes(t, outside, []byte("not for mailing"))
				if err := os.Symlink(outside, filepath.Join(dir, "files", "report.pdf")); err != nil {
					t.Fatal(err)
				}
			},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "leaves the attachment folder", "outside"},
		},
		{
			name:     "symlinked folder pointing outside",
			yaml:     []string{`attachments: ["{{.file}}"]`},
			files:    map[string]string{"r.csv": "email,name,file\r\nann@example.com,Ann,files/a.pdf\r\nbob@example.com,Bob,docs/passwd\r\n", "files/a.pdf": "%PDF-1.4 a"},
			setup:    func(t *testing.T, dir string) { symlink(t, "/etc", filepath.Join(dir, "docs")) },
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "file"`, "leaves the attachment folder"},
		},
		{
			name:     "invalid address",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\nbob at example.com,Bob\r\n"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "email"`, "bob at example.com"},
		},
		{
			name: "XLSX row numbers count blank rows",
			yaml: []string{`recipients: {path: r.xlsx}`},
			setup: func(t *testing.T, dir string) {
				writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxBytes(t,
					[]any{"email", "name"},
					[]any{"ann@example.com", "Ann"},
					[]any{},
					[]any{},
					[]any{"bob(at)example.com", "Bob"}))
			},
			code:     exitSomeFailed,
			contains: []string{`r.xlsx: row 5, column "email"`},
		},
		{
			name:     "CSV row numbers are records, not lines",
			files:    map[string]string{"r.csv": "email,name,note\r\nann@example.com,Ann,\"two\r\nlines\"\r\n\r\nbob(at)example.com,Bob,x\r\n"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 4, column "email"`},
		},
		{
			// A ';' separates addresses as ',' does (Outlook's lists);
			// a name holding one leaves a part that is no address.
			name:     "a semicolon in a name splits it",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\nbob@example.com,\"Lee; Bob\"\r\n"},
			yaml:     []string{`to: '{{.name}} <{{.email}}>'`},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "name"`},
		},
		{
			name:     "empty key",
			files:    map[string]string{"r.csv": "email,name\r\nann@example.com,Ann\r\n,Bob\r\n"},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "email"`, "key is empty"},
		},
		{
			name:     "template names a missing column",
			yaml:     []string{`subject: "Hello {{.nmae}}"`},
			files:    map[string]string{"r.csv": okSheet},
			code:     exitUnusable,
			contains: []string{"c.yaml:4", "nmae", `"email", "name"`},
		},
		{
			name:     "body template names a missing column",
			files:    map[string]string{"r.csv": okSheet, "body.txt": "Hi {{.name}},\n\nyour code is {{.code}}\n"},
			code:     exitUnusable,
			contains: []string{"body.txt:3", "code"},
		},
		{
			name:     "unknown YAML key",
			yaml:     []string{`subjet: "typo"`},
			files:    map[string]string{"r.csv": okSheet},
			code:     exitUnusable,
			contains: []string{"c.yaml:9:", "subjet"},
		},
		{
			name:     "bad security value",
			yaml:     []string{`smtp: {host: 127.0.0.1, port: PORT, security: ssl3}`},
			files:    map[string]string{"r.csv": okSheet},
			code:     exitUnusable,
			contains: []string{"c.yaml:7:", "smtp.security", `"ssl3"`},
		},
		{
			name:     "campaign name too long for a Message-ID",
			yaml:     []string{"name: " + strings.Repeat("n", 1000)},
			files:    map[string]string{"r.csv": okSheet},
			code:     exitUnusable,
			contains: []string{"c.yaml", "name: 1000 characters long"},
		},
		{
			name: "Excel error value in an XLSX cell (failed VLOOKUP)",
			yaml: []string{`recipients: {path: r.xlsx}`},
			setup: func(t *testing.T, dir string) {
				writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
					xrow(1, "email", "name"),
					xrow(2, "ann@example.com", "Ann"),
					xrow(3, "bob@example.com", "Bob"),
					xrow(6, "cid@example.com", failedLookup)))
			},
			code:     exitSomeFailed,
			contains: []string{`r.xlsx: row 6, column "name"`, "Excel's error value #N/A", "1 with problems"},
		},
		{
			name: "Excel error value in a CSV exported from Excel",
			files: map[string]string{
				"body.txt": "Hi {{.name}}, you owe {{.amount}}\n",
				"r.csv":    "email,name,amount\r\nann@example.com,Ann,12.50\r\nbob@example.com,Bob,#DIV/0!\r\n",
			},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "amount"`, "Excel's error value #DIV/0!", "1 with problems"},
		},
		{
			name:     "key column missing",
			yaml:     []string{`to: '{{.mail}}'`, `recipients: {path: r.csv, key: mail}`},
			files:    map[string]string{"r.csv": okSheet},
			code:     exitUnusable,
			contains: []string{"r.csv", `"mail"`, "columns: email, name"},
		},
	}
	// A CR/LF in a value that reaches each templated header field.
	inj := map[string]string{"r.csv": "email,name,evil\r\nann@example.com,Ann,ok\r\nbob@example.com,Bob,\"" + headerInjection + "\"\r\n"}
	for _, f := range []struct{ field, yaml string }{
		{"from", `from: '{{.evil}} <sender@example.com>'`},
		{"sender", `sender: '{{.evil}} <sender@example.com>'`},
		{"reply_to", `reply_to: '{{.evil}} <help@example.com>'`},
		{"to", `to: '{{.evil}} <{{.email}}>'`},
		{"cc", `cc: '{{.evil}} <cc@example.com>'`},
		{"bcc", `bcc: '{{.evil}} <bcc@example.com>'`},
		{"subject", `subject: 'Hello {{.evil}}'`},
		{"extra header", `headers: {X-Note: 'note {{.evil}}'}`},
		{"attachment file name", `attachments: ['files/{{.evil}}.pdf']`},
		{"unsubscribe url", `unsubscribe: {url: 'https://example.com/u?n={{.evil}}'}`},
	} {
		files := map[string]string{"files/ok.pdf": "%PDF-1.4"}
		for k, v := range inj {
			files[k] = v
		}
		cases = append(cases, hostileCase{
			name:     "CR LF in " + f.field,
			yaml:     []string{f.yaml},
			files:    files,
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "evil"`, "control character"},
		})
	}
	// Other control characters and line separators in a subject. The
	// sheets are written by hand: csv.Writer drops a lone CR.
	evilSheet := func(v string) string {
		return "email,name,evil\r\nann@example.com,Ann,ok\r\nbob@example.com,Bob,\"" + v + "\"\r\n"
	}
	utf16le := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	for _, v := range []struct{ name, sheet, says string }{
		{"bare LF", evilSheet("Bob\nBcc: victim@example.com"), "control character"},
		{"bare CR", evilSheet("Bob\rBcc: victim@example.com"), "control character"},
		{"U+2028", evilSheet("Bob\u2028Bcc: victim@example.com"), "control character"},
		{"C1 NEL", evilSheet("Bob\u0085Bcc: victim@example.com"), "control character"},
		{"NUL (UTF-16 sheet)", mustEncode(utf16le, evilSheet("Bob\x00Bcc: victim@example.com")), "a NUL character (byte 0) in the cell"},
		{"NUL (UTF-8 sheet)", evilSheet("Bob\x00Bcc: victim@example.com"), "a NUL character (byte 0) in the cell"},
	} {
		cases = append(cases, hostileCase{
			name:     "subject with " + v.name,
			yaml:     []string{`subject: 'Hello {{.evil}}'`},
			files:    map[string]string{"r.csv": v.sheet},
			code:     exitSomeFailed,
			contains: []string{`r.csv: row 3, column "evil"`, v.says},
		})
	}
	// A tab, legal in a subject (RFC 5322 WSP), goes as a space, told:
	// render's TestSubjectTab; in another header it is refused (CR LF's
	// cases above, and render's TestHostileValues).
	return cases
}

func gbk(s string) string { return mustEncode(simplifiedchinese.GBK, s) }

// mustEncode encodes test data s with enc.
func mustEncode(enc encoding.Encoding, s string) string {
	out, err := enc.NewEncoder().String(s)
	if err != nil {
		panic(err) // test data only
	}
	return out
}

func writeBytes(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// makeHostile writes tc's campaign folder for a server at port.
func makeHostile(t *testing.T, tc hostileCase, port int) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"body.txt": "Hi {{.name}}\n"})
	writeFiles(t, dir, tc.files)
	if tc.setup != nil {
		tc.setup(t, dir)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": campaignYAML(port, tc.yaml...)})
	return filepath.Join(dir, "c.yaml")
}

// TestHostileInputCheckAndSend runs check and send --yes on each broken
// input: check exits with the documented code (2: the campaign or a whole
// file is unusable; 1: some rows have problems) and names the location;
// send exits with the same code and the server receives nothing.
func TestHostileInputCheckAndSend(t *testing.T) {
	t.Parallel()
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			camp := makeHostile(t, tc, srv.Port)

			out, errOut, code := runCLI(t, "check", camp)
			t.Logf("check:\n%s%s", out, errOut)
			if code != tc.code {
				t.Errorf("check: code %d, want %d", code, tc.code)
			}
			for _, s := range tc.contains {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("check output lacks %q:\n%s%s", s, out, errOut)
				}
			}
			if tc.code == exitSomeFailed && !strings.Contains(out, "problem: ") {
				t.Errorf("check prints no problem line:\n%s", out)
			}

			out, errOut, code = runCLI(t, "send", "--yes", camp)
			if code != tc.code {
				t.Errorf("send: code %d, want %d\n%s%s", code, tc.code, out, errOut)
			}
			for _, s := range tc.contains[:1] {
				if !strings.Contains(out+errOut, s) {
					t.Errorf("send output lacks %q:\n%s%s", s, out, errOut)
				}
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("send delivered %d messages with a broken input; want none", n)
			}
			// A connection no mail client spoke on is not send's: another
			// test's readiness probe polls a port it freed, which the
			// server here can be given (the machine runs other tests).
			if n := srv.SMTPCommands(); n != 0 {
				t.Errorf("send sent %d SMTP commands (%d connections) with a broken input; want none", n, srv.Connections())
			} else if n := srv.Connections(); n != 0 {
				t.Logf("%d connections without an SMTP command: not send's", n)
			}
		})
	}
}

// TestHostileInputPreviewWritesNoBadRow checks that preview writes the good
// rows of a sheet with header-injection attempts, no .eml for the bad row,
// and that no written message holds the injected header.
func TestHostileInputPreviewWritesNoBadRow(t *testing.T) {
	t.Parallel()
	for _, tc := range hostileCases() {
		if !strings.HasPrefix(tc.name, "CR LF in ") {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			camp := makeHostile(t, tc, 25)
			out, errOut, code := runCLI(t, "preview", camp)
			if code != exitSomeFailed {
				t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
			}
			dir := filepath.Join(filepath.Dir(camp), ".tidings", "t", "preview")
			if _, err := os.Stat(filepath.Join(dir, "000003-bob@example.com.eml")); err == nil {
				t.Error("preview wrote an .eml for the row with the injected value")
			}
			n := 0
			for name, data := range emlFiles(t, dir) {
				n++
				if bytes.Contains(data, []byte("victim@example.com")) || bytes.Contains(data, []byte("forged body")) {
					t.Errorf("%s holds the injected text", name)
				}
				checkEML(t, name, data)
			}
			if n != 1 {
				t.Errorf("preview wrote %d .eml files, want 1 (row 2)", n)
			}
		})
	}
}

// emlFiles reads every .eml file under dir.
func emlFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".eml") {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkEML asserts what every message tidings writes must hold: CRLF line
// ends only, no line over 998 octets (RFC 5322 2.1.1), and a header
// section net/mail reads.
func checkEML(t *testing.T, name string, data []byte) {
	t.Helper()
	for i, line := range bytes.Split(data, []byte("\r\n")) {
		if len(line) > 998 {
			t.Errorf("%s: line %d is %d octets long (limit 998)", name, i+1, len(line))
		}
		if bytes.ContainsAny(line, "\r\n") {
			t.Errorf("%s: line %d holds a bare CR or LF: %.60q", name, i+1, line)
		}
	}
	if _, err := mail.ReadMessage(bytes.NewReader(data)); err != nil {
		t.Errorf("%s: net/mail cannot read it: %v", name, err)
	}
}

// TestGoodEncodingsSend sends sheets in the encodings and dialects people's
// spreadsheet programs write and checks, at the server, that each subject
// and display name decodes to the text of the sheet (composed: NFC).
// check names the encoding a CSV sheet is read in and what chose it
// (nothing for UTF-8 no setting chose, nor for a workbook): a GBK class
// list was read with not a word of it (rev-user21); send and send
// --test say it too, above their plan, for a run that skips check.
func TestGoodEncodingsSend(t *testing.T) {
	t.Parallel()
	people := [][]string{
		{"zhang@example.com", "张伟"},
		{"muller@example.com", "Jürgen Müller, Jr."},
		{"chloe@example.com", "Chloé \"Clo\" Lefèvre"},
	}
	// Names in capitals a company register writes, whose one word is all
	// accented letters; Turkish; Vietnamese as windows-1258 writes it,
	// its tones combining marks, which the messages carry composed.
	capitals := [][]string{{"aeoa@example.dk", "ÆØÅ ApS"}, {"aao@example.se", "ÅÄÖ AB"}, {"sorensen@example.dk", "SØREN SØRENSEN"}}
	turkish := [][]string{{"sukru@example.com.tr", "Şükrü Çağlar"}, {"ist@example.com.tr", "İSTANBUL"}}
	vietnamese := [][]string{{"nguyen@example.vn", "Nguyễn Văn Đức"}, {"thi@example.vn", "NGUYỄN THỊ ĐỒ"}}
	vietnameseAsWritten := [][]string{{"nguyen@example.vn", "Nguyê\u0303n Văn Đư\u0301c"}, {"thi@example.vn", "NGUYÊ\u0303N THI\u0323 ĐÔ\u0300"}}
	utf16le := xunicode.UTF16(xunicode.LittleEndian, xunicode.UseBOM)
	utf16be := xunicode.UTF16(xunicode.BigEndian, xunicode.UseBOM)
	cases := []struct {
		name       string
		recipients string
		sheet      string
		people     [][]string
		read       string // the line check prints of the encoding, "" for none
	}{
		{"UTF-16LE with BOM, tab-separated (Excel Unicode text)", `recipients: {path: r.csv}`,
			mustEncode(utf16le, sheetText('\t', people)), people, "r.csv is read as utf-16le, as its byte order mark says"},
		{"UTF-16BE with BOM, tab-separated", `recipients: {path: r.csv}`,
			mustEncode(utf16be, sheetText('\t', people)), people, "r.csv is read as utf-16be, as its byte order mark says"},
		{"GB18030 declared", `recipients: {path: r.csv, encoding: gb18030}`,
			mustEncode(simplifiedchinese.GB18030, sheetText(',', people[:1])), people[:1], "r.csv is read as gb18030 (Chinese Windows), as recipients.encoding says"},
		{"GBK declared by its label GB2312", `recipients: {path: r.csv, encoding: GB2312}`,
			gbk(sheetText(',', people[:1])), people[:1], "r.csv is read as gbk (Chinese Windows), as recipients.encoding says"},
		{"UTF-8 with BOM, semicolon-separated (European Excel)", `recipients: {path: r.csv}`,
			"\uFEFF" + sheetText(';', people), people, ""},
		{"semicolon declared", `recipients: {path: r.csv, delimiter: ";"}`,
			sheetText(';', people), people, ""},
		{"windows-1252 declared", `recipients: {path: r.csv, encoding: windows-1252}`,
			mustEncode(charmap.Windows1252, sheetText(',', people[1:])), people[1:], "r.csv is read as windows-1252 (Western European Windows), as recipients.encoding says"},
		{"windows-1252 declared, names in capitals", `recipients: {path: r.csv, encoding: cp1252}`,
			mustEncode(charmap.Windows1252, sheetText(',', capitals)), capitals, "r.csv is read as windows-1252 (Western European Windows), as recipients.encoding says"},
		{"windows-1254 declared", `recipients: {path: r.csv, encoding: windows-1254}`,
			mustEncode(charmap.Windows1254, sheetText(',', turkish)), turkish, "r.csv is read as windows-1254 (Turkish Windows), as recipients.encoding says"},
		{"windows-1258 declared", `recipients: {path: r.csv, encoding: windows-1258}`,
			mustEncode(charmap.Windows1258, sheetText(',', vietnameseAsWritten)), vietnamese, "r.csv is read as windows-1258 (Vietnamese Windows), as recipients.encoding says"},
		{"XLSX", `recipients: {path: r.xlsx}`, string(xlsxBytes(t,
			[]any{"email", "name"}, []any{people[0][0], people[0][1]}, []any{people[1][0], people[1][1]}, []any{people[2][0], people[2][1]})), people, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t)
			dir := t.TempDir()
			sheet := "r.csv"
			if strings.Contains(tc.recipients, "r.xlsx") {
				sheet = "r.xlsx"
			}
			writeFiles(t, dir, map[string]string{
				"c.yaml":   campaignYAML(srv.Port, tc.recipients),
				"body.txt": "Hi {{.name}}\n",
				sheet:      tc.sheet,
			})
			camp := filepath.Join(dir, "c.yaml")
			out, errOut, code := runCLI(t, "check", camp)
			if code != 0 {
				t.Fatalf("check: code %d\n%s%s", code, out, errOut)
			}
			if tc.read != "" && !strings.Contains(out, tc.read+"\n") || tc.read == "" && strings.Contains(out, " is read as ") {
				t.Errorf("check's output, want the line %q:\n%s", tc.read, out)
			}
			out, errOut, code = runCLI(t, "send", "--yes", camp)
			if code != 0 {
				t.Fatalf("send: code %d\n%s%s", code, out, errOut)
			}
			if tc.read != "" && !strings.Contains(out, tc.read+"\n") || tc.read == "" && strings.Contains(out, " is read as ") {
				t.Errorf("send's output, want the line %q as check's:\n%s", tc.read, out)
			}
			msgs := srv.Messages()
			if len(msgs) != len(tc.people) {
				t.Fatalf("server received %d messages, want %d", len(msgs), len(tc.people))
			}
			byRcpt := map[string]smtptest.Message{}
			for _, m := range msgs {
				byRcpt[m.To[0]] = m
			}
			for _, p := range tc.people {
				m, ok := byRcpt[p[0]]
				if !ok {
					t.Errorf("%s received nothing", p[0])
					continue
				}
				subject, to, body := decodeMessage(t, m.Data)
				if want := "Hello " + p[1]; subject != want {
					t.Errorf("%s: subject decodes to %q, want %q", p[0], subject, want)
				}
				if to.Name != p[1] || to.Address != p[0] {
					t.Errorf("%s: To decodes to %q <%s>, want %q", p[0], to.Name, to.Address, p[1])
				}
				if want := "Hi " + p[1] + "\r\n"; body != want {
					t.Errorf("%s: body %q, want %q", p[0], body, want)
				}
			}
			out, errOut, code = runCLI(t, "send", "--test", "test@example.org", "--rows", "2", camp)
			if code != 0 {
				t.Fatalf("send --test: code %d\n%s%s", code, out, errOut)
			}
			if tc.read != "" && !strings.Contains(out, tc.read+"\n") || tc.read == "" && strings.Contains(out, " is read as ") {
				t.Errorf("send --test's output, want the line %q as check's:\n%s", tc.read, out)
			}
		})
	}
}

// sheetText writes an email,name sheet of people as a spreadsheet program
// does, with the delimiter comma.
func sheetText(comma rune, people [][]string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.Comma, w.UseCRLF = comma, true
	w.Write([]string{"email", "name"})
	if err := w.WriteAll(people); err != nil {
		panic(err) // a strings.Builder does not fail
	}
	return b.String()
}

// decodeMessage parses a received message with net/mail and returns the
// decoded subject, the one To address and the decoded text body.
func decodeMessage(t *testing.T, data []byte) (subject string, to *mail.Address, body string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	dec := new(mime.WordDecoder)
	subject, err = dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject %q: %v", msg.Header.Get("Subject"), err)
	}
	list, err := msg.Header.AddressList("To")
	if err != nil || len(list) != 1 {
		t.Fatalf("To %q: %v (%d addresses)", msg.Header.Get("To"), err, len(list))
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mt != "text/plain" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Fatalf("Content-Type %q: %v", msg.Header.Get("Content-Type"), err)
	}
	var r io.Reader = msg.Body
	switch cte := strings.ToLower(msg.Header.Get("Content-Transfer-Encoding")); cte {
	case "quoted-printable":
		r = quotedprintable.NewReader(msg.Body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, msg.Body)
	case "7bit", "8bit", "":
	default:
		t.Fatalf("Content-Transfer-Encoding %q", cte)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return subject, list[0], string(b)
}

// TestUnsubscribeWarning: a list of over 300 without unsubscribe headers
// gets the warning about the mailbox providers' bulk rules, which names
// the way out for transactional mail; unsubscribe: {transactional: true}
// says nothing.
func TestUnsubscribeWarning(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 301, "")
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "301 recipients and no unsubscribe: section") || !strings.Contains(out, "unsubscribe: {transactional: true}") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	camp = sendCampaign(t, srv, 301, "unsubscribe: {transactional: true}\n")
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Contains(out, "unsubscribe") {
		t.Errorf("check, transactional: code %d\n%s%s", code, out, errOut)
	}
	// A URL or mailto without one_click writes List-Unsubscribe alone,
	// which the same rules do not count (RFC 8058 needs
	// List-Unsubscribe-Post).
	linked := map[string]string{"body.txt": "Hi {{.name}}\nUnsubscribe: https://acme.example/u?e={{.email | urlquery}}, or write to unsubscribe@example.com\n"}
	for u, want := range map[string]string{
		`url: "https://acme.example/u?e={{.email | urlquery}}"`: "unsubscribe.url without one_click",
		`mailto: "unsubscribe@example.com"`:                     "301 recipients and unsubscribe: with a mailto only",
	} {
		camp = sendCampaign(t, srv, 301, "unsubscribe: {"+u+"}\n")
		writeFiles(t, filepath.Dir(camp), linked) // a body without the link is the rows' warning
		if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Count(out+errOut, "warning:") != 1 || !strings.Contains(out+errOut, want) {
			t.Errorf("check, %s: code %d\n%s%s", u, code, out, errOut)
		}
	}
	// (One without a dkim: section is the campaign file's warning.)
	camp = sendCampaign(t, srv, 301, "unsubscribe: {url: \"https://acme.example/u?e={{.email | urlquery}}\", one_click: true}\n")
	writeFiles(t, filepath.Dir(camp), linked)
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || strings.Count(out+errOut, "warning:") != 1 || !strings.Contains(out, "one_click without a dkim: section") {
		t.Errorf("check, one_click: code %d\n%s%s", code, out, errOut)
	}
}
