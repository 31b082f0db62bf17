package main

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDashDatesSaidAfterSend: a send refused row 3's 09-12-2026 (the
// campaign file says no recipients.dates), and the error said to set
// recipients.dates; with dates: month-first written, check called both
// rows ready, but send sent from the generation made before, in which
// row 3 is still refused, and refused it again (rev-eng38). It renders
// the rows again and sends row 3 as 12 September, the order written.
func TestDashDatesSaidAfterSend(t *testing.T) {
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	yaml := fmt.Sprintf("name: t\nfrom: \"Sender <sender@example.com>\"\nto: '{{.email}}'\nsubject: 'On {{date \"long\" .when}}'\ntext: body.txt\nrecipients:\n  path: r.csv\nsmtp: {host: 127.0.0.1, port: %d, security: none}\nsend: {concurrency: 1, retry_backoff: 1ms}\n", srv.Port)
	writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi\n", "r.csv": "email,when\na@example.com,2026-12-09\nb@example.com,09-12-2026\n"})
	camp := filepath.Join(dir, "c.yaml")
	send := func(opts sendOptions) (string, error) {
		var out, errOut strings.Builder
		g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
		err := runSend(context.Background(), opts, g, camp)
		return out.String() + errOut.String(), err
	}
	if out, err := send(sendOptions{yes: true, skipInvalid: true}); err == nil || !strings.Contains(out, `"09-12-2026" reads as 12 September 2026 month first`) {
		t.Fatalf("first send: %v, want row 3 refused\n%s", err, out)
	}
	said := strings.Replace(yaml, "  path: r.csv\n", "  path: r.csv\n  dates: month-first\n", 1)
	if err := os.WriteFile(camp, []byte(said), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := send(sendOptions{yes: true}); err != nil {
		t.Fatalf("send with dates: month-first: %v\n%s", err, out)
	}
	var subjects []string
	for _, m := range srv.Messages() {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		if err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, strings.Join(m.To, ",")+": "+msg.Header.Get("Subject"))
	}
	slices.Sort(subjects)
	want := []string{"a@example.com: On 9 December 2026", "b@example.com: On 12 September 2026"}
	if !slices.Equal(subjects, want) {
		t.Errorf("the server has %q, want %q", subjects, want)
	}
}
