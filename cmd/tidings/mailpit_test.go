package main

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendNewsletterToMailpit sends the newsletter example (XLSX sheet,
// Chinese and accented names, inline image, one-click unsubscribe) through a
// real mail server process over STARTTLS with a login, then reads what
// arrived through mailpit's API.
func TestSendNewsletterToMailpit(t *testing.T) {
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "news@acme.example", "mailpit-e2e-secret"
	mp := smtptest.StartMailpit(t, cert, user, pass)
	certFile, _ := cert.WriteFiles(t)

	example, err := filepath.Abs(filepath.Join("..", "..", "examples", "newsletter"))
	if err != nil {
		t.Fatal(err)
	}
	orig, err := os.ReadFile(filepath.Join(example, "campaign.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The example as it is, pointed at mailpit: its files by absolute path,
	// its smtp: section replaced.
	text := string(orig[:strings.Index(string(orig), "smtp:")])
	for _, f := range []string{"body.txt", "body.html", "people.xlsx"} {
		text = strings.Replace(text, " "+f, " "+filepath.Join(example, f), 1)
	}
	text += "smtp: {host: 127.0.0.1, port: " + strconv.Itoa(mp.SMTPPort) + ", security: starttls, username: " + user +
		", password_env: TIDINGS_E2E_PASSWORD, ca_file: " + certFile + "}\nsend: {rate: 100/s, concurrency: 2}\n"
	dir := t.TempDir()
	camp := filepath.Join(dir, "campaign.yaml")
	if err := os.WriteFile(camp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TIDINGS_E2E_PASSWORD", pass)

	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	msgs := mp.Messages(t)
	var got []string
	for _, m := range msgs {
		if len(m.To) != 1 || m.Username != user {
			t.Errorf("%s: to %v, user %q", m.MessageID, m.To, m.Username)
			continue
		}
		got = append(got, m.To[0].Name+" <"+m.To[0].Address+"> | "+m.Subject)
		raw := string(mp.Raw(t, m.ID))
		for _, want := range []string{"List-Unsubscribe-Post: List-Unsubscribe=One-Click", "Content-ID: <logo.png@november-digest>", "cid:logo.png@november-digest", "multipart/related"} {
			if !strings.Contains(raw, want) {
				t.Errorf("%s lacks %q", m.To[0].Address, want)
			}
		}
	}
	sort.Strings(got)
	want := []string{
		"François Lefèvre <francois@example.fr> | François Lefèvre, your November digest",
		"Inés Núñez <ines@example.es> | Inés Núñez, your November digest",
		"Jörg Müller-Lüdenscheidt <joerg@example.de> | Jörg Müller-Lüdenscheidt, your November digest",
		"Sam O'Brien, Jr. <sam@example.com> | Sam O'Brien, Jr., your November digest",
		"李伟 <li.wei@example.com> | 李伟, your November digest",
		"陈静 (Zoe) <zoe.chen@example.com> | 陈静 (Zoe), your November digest",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("mailpit received:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, r := range readReportDir(t, filepath.Join(dir, ".tidings", "november-digest")) {
		if r["status"] != "sent" || r["code"] != "250" {
			t.Errorf("report row %v", r)
		}
	}
	// The report page is written by send and again by report.
	state := filepath.Join(dir, ".tidings", "november-digest")
	page := filepath.Join(state, "report.html")
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "november-digest") || !strings.Contains(out, "report: ") || !strings.Contains(out, "report.html") {
		t.Fatalf("report page after send: %v\n%s", err, out)
	}
	if err := os.Remove(page); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runCLI(t, "report", camp)
	if _, err := os.Stat(page); code != 0 || err != nil {
		t.Errorf("report: code %d, page %v\n%s%s", code, err, out, errOut)
	}
	chunk, err := os.ReadFile(filepath.Join(state, "report-data", "rows-0001.js"))
	if err != nil || !strings.Contains(string(chunk), "li.wei@example.com") {
		t.Errorf("the page's rows: %v\n%.300s", err, chunk)
	}
}
