package campaign

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestLoadBoolWords: a setting that is true or false, given YAML 1.1's
// yes, no, on or off, says what to write, at its value.
func TestLoadBoolWords(t *testing.T) {
	for _, tt := range []struct {
		yaml      string
		line, col int
		word      string
	}{
		{minimalCampaign + "unsubscribe: {transactional: yes}\n", 7, 30, "yes"},
		{minimalCampaign + "unsubscribe:\n  url: https://x.example/u\n  one_click: on\n", 9, 14, "on"},
		{minimalCampaign + "smtp:\n  host: a.example\n  insecure_skip_verify: No\n", 9, 25, "No"},
		{minimalCampaign + "unsubscribe: {transactional: \"true\"}\n", 7, 30, "quoted"},
		{minimalCampaign + "unsubscribe: {transactional: {a: b}}\n", 7, 30, "map"},
	} {
		_, err := Load(writeCampaign(t, tt.yaml))
		var fe *FileError
		want := `"` + tt.word + `" is not true or false: write true or false`
		switch tt.word {
		case "quoted":
			want = `"true" is text in quotes: write true or false without them`
		case "map":
			want = "a map or a list is not true or false"
		}
		if !errors.As(err, &fe) || fe.Line != tt.line || fe.Column != tt.col || !strings.Contains(fe.Err.Error(), want) {
			t.Errorf("%s: Load = %v (at %+v), want %q at %d:%d", tt.word, err, fe, want, tt.line, tt.col)
		}
	}
}

// TestLoadKeyHints: an unknown key says which key was meant, at every
// level of the file, keeping its line and column.
func TestLoadKeyHints(t *testing.T) {
	for _, tt := range []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"top level typo", minimalCampaign + "subjet: typo\n", 7, 1,
			`unknown key "subjet"; did you mean "subject"?`},
		{"top level case", minimalCampaign + "Text: x\n", 7, 1,
			`unknown key "Text"; did you mean "text"?`},
		{"top level separator", minimalCampaign + "replyTo: a@x.example\n", 7, 1,
			`unknown key "replyTo"; did you mean "reply_to"?`},
		{"recipients", minimalCampaign + "  pth: x.csv\n", 7, 3,
			`unknown key "pth" in recipients; did you mean "path"?`},
		{"smtp", minimalCampaign + "smtp:\n  hots: smtp.163.com\n", 8, 3,
			`unknown key "hots" in smtp; did you mean "host"?`},
		{"smtp flow", minimalCampaign + "smtp: {host: a.example, Port: 25}\n", 7, 25,
			`unknown key "Port" in smtp; did you mean "port"?`},
		{"send", minimalCampaign + "send:\n  domains:\n    qq.com: 1/s\n  rat: 10/s\n", 10, 3,
			`unknown key "rat" in send; did you mean "rate"?`},
		{"dkim", minimalCampaign + "dkim:\n  selectr: s1\n", 8, 3,
			`unknown key "selectr" in dkim; did you mean "selector"?`},
		{"unsubscribe", minimalCampaign + "unsubscribe:\n  oneclick: true\n", 8, 3,
			`unknown key "oneclick" in unsubscribe; did you mean "one_click"?`},
		{"key of another section", minimalCampaign + "host: smtp.163.com\n", 7, 1,
			`unknown key "host"; did you mean smtp.host (host under smtp:)?`},
		{"nothing close", minimalCampaign + "smtp:\n  flavour: x\n", 8, 3,
			`unknown key "flavour" in smtp (the keys here: host, port, security, protocol, username, password_env, auth, helo, timeout, insecure_skip_verify, ca_file, transport)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCampaign(t, tt.yaml)
			_, err := Load(path)
			var fe *FileError
			if !errors.As(err, &fe) || !errors.Is(err, ErrUnknownKey) {
				t.Fatalf("Load = %v, want a FileError wrapping ErrUnknownKey", err)
			}
			if fe.Line != tt.line || fe.Column != tt.col {
				t.Errorf("at %d:%d, want %d:%d", fe.Line, fe.Column, tt.line, tt.col)
			}
			if got := fe.Err.Error(); got != tt.msg {
				t.Errorf("message\n %s\nwant\n %s", got, tt.msg)
			}
		})
	}
}

// TestLoadPasswordInFile: a password in the file is refused with what to
// do instead, and its value is in no message.
func TestLoadPasswordInFile(t *testing.T) {
	const secret = "hunter2-Secret"
	for _, tt := range []struct{ name, yaml, key string }{
		{"smtp password", minimalCampaign + "smtp:\n  host: smtp.163.com\n  username: u\n  password: " + secret + "\n", "smtp.password"},
		{"smtp passwd", minimalCampaign + "smtp:\n  passwd: " + secret + "\n", "smtp.passwd"},
		{"smtp_password at top level", minimalCampaign + "smtp_password: " + secret + "\n", "smtp_password"},
		{"Password", minimalCampaign + "smtp: {Password: " + secret + "}\n", "smtp.Password"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeCampaign(t, tt.yaml))
			if !errors.Is(err, ErrPasswordInFile) {
				t.Fatalf("Load = %v, want ErrPasswordInFile", err)
			}
			want := tt.key + ": a password never goes in the campaign file; write password_env: TIDINGS_SMTP_PASSWORD under smtp: and run export TIDINGS_SMTP_PASSWORD='…' (the password) in the shell that runs tidings"
			var fe *FileError
			if errors.As(err, &fe); fe.Err.Error() != want {
				t.Errorf("message\n %s\nwant\n %s", fe.Err, want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("message %q shows the password", err)
			}
		})
	}
}

func TestLoadPasswordEnv(t *testing.T) {
	for _, tt := range []struct{ value, want, note string }{
		{"ACME_PASS", "ACME_PASS", ""},
		{"$ACME_PASS", "ACME_PASS", `smtp.password_env: "$ACME_PASS" is read as ACME_PASS; the setting names the variable, without the $`},
		{`"${ACME_PASS}"`, "ACME_PASS", `smtp.password_env: "${ACME_PASS}" is read as ACME_PASS; the setting names the variable, without the $`},
		{"_x9", "_x9", ""},
	} {
		c, err := Load(writeCampaign(t, minimalCampaign+"smtp:\n  username: u\n  password_env: "+tt.value+"\n"))
		if err != nil {
			t.Fatalf("%s: %v", tt.value, err)
		}
		if c.SMTP.PasswordEnv != tt.want {
			t.Errorf("%s: PasswordEnv = %q, want %q", tt.value, c.SMTP.PasswordEnv, tt.want)
		}
		var want []string
		if tt.note != "" {
			want = []string{tt.note}
		}
		if !slices.Equal(c.Warnings, want) {
			t.Errorf("%s: Warnings = %q, want %q", tt.value, c.Warnings, want)
		}
	}
	const msg = "smtp.password_env must name an environment variable (letters, digits, _); the value given is not shown, since it may be a password"
	for _, v := range []string{"hunter2!", "'hunter 2'", "0123", "9lives", "$hunter-2", "1e5", `"p@ss"`, `"${a b}"`} {
		_, err := Load(writeCampaign(t, minimalCampaign+"smtp:\n  username: u\n  password_env: "+v+"\n"))
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrPasswordEnv) {
			t.Fatalf("%s: Load = %v, want ErrPasswordEnv", v, err)
		}
		if fe.Err.Error() != msg || fe.Line != 9 || fe.Column != 17 {
			t.Errorf("%s: %d:%d %q, want 9:17 %q", v, fe.Line, fe.Column, fe.Err, msg)
		}
		shown := strings.Trim(v, `"'$`)
		// The message without the file's path (a temporary folder whose
		// random digits could hold "0123" or "83", 0123 read as octal).
		text := strings.ReplaceAll(err.Error(), fe.File, "FILE")
		if strings.Contains(text, shown) || strings.Contains(text, "83") {
			t.Errorf("%s: message %q shows the value", v, err)
		}
	}
}

// TestSheetNote: a workbook whose sheet read lacks the key column says
// which sheet was read and which the workbook has.
func TestSheetNote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.xlsx")
	writeXLSX(t, path,
		xsheet{name: "Summary", rows: rowsFrom(strs("Total", "Month"), strs("12", "May"))},
		xsheet{name: "Subscribers", rows: rowsFrom(strs("email", "name"), strs("a@x.example", "A"))},
		xsheet{name: "Notes", rows: rowsFrom(strs("note"))},
	)
	_, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	want := `key column not in the sheet: "email" (columns: Total, Month); read sheet "Summary" of people.xlsx (sheets: Summary, Subscribers, Notes); set recipients.sheet`
	if !errors.Is(err, ErrNoKeyColumn) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("OpenSheet = %v\nwant it to end with\n %s", err, want)
	}
	_, err = OpenSheet(context.Background(), Recipients{Path: path, Key: "email", Sheet: "notes"})
	want = `(columns: note); read sheet "Notes" of people.xlsx, as recipients.sheet says (sheets: Summary, Subscribers, Notes)`
	if !errors.Is(err, ErrNoKeyColumn) || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("OpenSheet(sheet: notes) = %v\nwant it to end with\n %s", err, want)
	}
	s, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email", Sheet: "Subscribers"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := SheetNote(s); got != `read sheet "Subscribers" of people.xlsx, as recipients.sheet says (sheets: Summary, Subscribers, Notes)` {
		t.Errorf("SheetNote = %q", got)
	}
	one := filepath.Join(t.TempDir(), "one.xlsx")
	writeXLSX(t, one, xsheet{name: "S", rows: rowsFrom(strs("mail"))})
	if _, err := OpenSheet(context.Background(), Recipients{Path: one, Key: "email"}); err == nil || strings.Contains(err.Error(), "read sheet") {
		t.Errorf("one-sheet workbook: %v, want no sheet note", err)
	}
}

// TestKeyColumnNearMiss: a key column that is in the sheet but for its
// case or spaces is named in a "did you mean".
func TestKeyColumnNearMiss(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.csv")
	if err := os.WriteFile(path, []byte("Email ,Name\na@x.example,A\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	if !errors.Is(err, ErrNoKeyColumn) || !strings.HasSuffix(err.Error(), `did you mean recipients.key: "Email"?`) {
		t.Errorf("OpenSheet = %v", err)
	}
	// A typo gets the column it was probably meant to be.
	_, err = OpenSheet(context.Background(), Recipients{Path: path, Key: "mail"})
	if !errors.Is(err, ErrNoKeyColumn) || !strings.HasSuffix(err.Error(), `did you mean recipients.key: "Email"?`) {
		t.Errorf("OpenSheet with a typo = %v", err)
	}
	// A column whose name holds the key's word is suggested when none is
	// close (Google Forms' "Email Address").
	if err := os.WriteFile(path, []byte("Email Address,name\na@x.example,A\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = OpenSheet(context.Background(), Recipients{Path: path, Key: "email"})
	if !errors.Is(err, ErrNoKeyColumn) || !strings.HasSuffix(err.Error(), `did you mean recipients.key: "Email Address"?`) {
		t.Errorf("OpenSheet with Email Address = %v", err)
	}
	// A campaign file that writes no key (a mailmerge user's, whose
	// sheet has "E-Mail") is told that "email" is the default, not left
	// to look for a key: it never wrote; one that writes it is not.
	if err := os.WriteFile(filepath.Join(filepath.Dir(path), "people.csv"), []byte("E-Mail;Name\na@x.example;A\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"", "  key: email\n"} {
		camp := filepath.Join(filepath.Dir(path), "c.yaml")
		if err := os.WriteFile(camp, []byte(minimalCampaign+key), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(camp)
		if err != nil {
			t.Fatal(err)
		}
		_, err = OpenSheet(context.Background(), c.Recipients)
		told := err != nil && strings.Contains(err.Error(), `key column not in the sheet: "email" (the default of recipients.key, which the campaign file does not write; columns: E-Mail, Name); did you mean recipients.key: "E-Mail"?`)
		if !errors.Is(err, ErrNoKeyColumn) || told != (key == "") {
			t.Errorf("key %q: OpenSheet = %v", key, err)
		}
	}
}

// TestNotCampaignFile: mailmerge's template or server settings given as
// the campaign file (tidings check mailmerge_template.txt, as mailmerge
// --template takes it) were told "unexpected directive value. document
// not started" and "value is not allowed in this context" (rev-user15);
// each is told what it is and what the campaign file is. A campaign file
// whose first line is a to: YAML cannot read keeps its YAML error.
func TestNotCampaignFile(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ name, data, want string }{
		{"mailmerge_template.txt", "TO: {{email}}\nSUBJECT: Testing mailmerge\nFROM: My Self <myself@mydomain.com>\n\nHi, {{name}},\n\n{% if x %}y{% endif %}\n",
			"mailmerge_template.txt:1: not a campaign file: mailmerge_template.txt is a mailmerge template: the campaign file is YAML, with its TO:, SUBJECT: and FROM: lines as to:, subject: and from:"},
		// Its Content-Type names the setting: told text:, an HTML body
		// went out as text, its tags showing (rev-final10).
		{"html.txt", "TO: {{email}}\nSUBJECT: Hi\nFROM: me@example.com\nCONTENT-TYPE: text/html\n\n<p>Hi {{name}}</p>\n",
			"and html: naming a file that holds the body after the blank line (its Content-Type says HTML)"},
		{"md.txt", "TO: {{email}}\nSUBJECT: Hi\nFROM: me@example.com\nContent-Type: text/markdown; charset=utf-8\n\n**Hi** {{name}}\n",
			"and markdown: naming a file"},
		{"multi.txt", "TO: {{email}}\nSUBJECT: Hi\nFROM: me@example.com\nMIME-Version: 1.0\nContent-Type: multipart/alternative; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nHi\n",
			"and text: and html: naming a file each"},
		{"plain.txt", "TO: {{email}}\nSUBJECT: Hi\nFROM: me@example.com\n\nContent-Type: text/html is what it says.\n",
			"and text: naming a file that holds the body after the blank line;"},
		{"mailmerge_server.conf", "# Example: GMail\n[smtp_server]\nhost = smtp.gmail.com\nport = 465\nsecurity = SSL/TLS\nusername = YOUR_USERNAME_HERE\n",
			"mailmerge_server.conf:1: not a campaign file: mailmerge_server.conf is an INI file ([smtp_server]), as mailmerge writes its server settings: the campaign file is YAML, its server settings under smtp:"},
		{"c.yaml", "to: {{.email}}, news\n" + minimalCampaign, ""},
	} {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.data), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || errors.Is(err, ErrNotCampaign) != (tt.want != "") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Load = %v, want %q", tt.name, err, tt.want)
		}
	}
}
