package sendpool_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// spFindMailpit looks for the mailpit binary on PATH and in
// $(go env GOPATH)/bin. Missing, the test fails under CI=true and is
// skipped loudly otherwise.
func spFindMailpit(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("mailpit"); err == nil {
		return p
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "mailpit")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	msg := "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@v1.33.1"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING the end-to-end test against a real mail server: " + msg)
	return ""
}

// spFreePort returns a loopback port that was free a moment ago.
func spFreePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

type spMailpit struct {
	smtpPort int
	api      string
}

// spStartMailpit starts mailpit with STARTTLS (cert) and SMTP AUTH
// (user:pass) on free loopback ports and waits until its API answers. A
// port taken between choosing and binding makes mailpit exit; then it is
// started again on new ports.
func spStartMailpit(t *testing.T, bin string, cert *smtptest.Cert, user, pass string) *spMailpit {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := cert.WriteFiles(t)
	authFile := filepath.Join(dir, "smtp-auth")
	if err := os.WriteFile(authFile, []byte(user+":"+pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for try := 1; try <= 3; try++ {
		smtpPort, httpPort := spFreePort(t), spFreePort(t)
		if smtpPort == httpPort {
			continue
		}
		cmd := exec.Command(bin,
			"--smtp", "127.0.0.1:"+strconv.Itoa(smtpPort),
			"--listen", "127.0.0.1:"+strconv.Itoa(httpPort),
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", try)),
			"--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile,
			"--smtp-require-starttls",
			"--smtp-auth-file", authFile,
			"--smtp-disable-rdns",
			"--disable-version-check",
			"--quiet",
		)
		var output spSyncBuffer
		cmd.Stdout, cmd.Stderr = &output, &output
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting mailpit: %v", err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		stop := func() {
			cmd.Process.Kill()
			<-exited
		}
		api := "http://127.0.0.1:" + strconv.Itoa(httpPort)
		switch err := spWaitReady(api+"/readyz", exited, 15*time.Second); {
		case err == nil:
			t.Cleanup(stop)
			return &spMailpit{smtpPort: smtpPort, api: api}
		case strings.Contains(output.String(), "address already in use"):
			stop()
			t.Logf("mailpit: port clash, trying again: %s", output.String())
		default:
			stop()
			t.Fatalf("mailpit did not come up: %v\n%s", err, output.String())
		}
	}
	t.Fatal("mailpit: no free ports after 3 tries")
	return nil
}

// spWaitReady polls url until it answers 200, the process exits or the
// deadline passes. Polling is the one way to learn when a separate process
// is ready; each round waits on the response, then on a short ticker.
func spWaitReady(url string, exited <-chan error, within time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %v", err)
		case <-deadline.C:
			return fmt.Errorf("no answer from %s within %s", url, within)
		case <-tick.C:
		}
	}
}

type spSyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *spSyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *spSyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestMailpitEndToEnd delivers through a real mail server process with
// STARTTLS and AUTH, then reads its API to check each message arrived once.
func TestMailpitEndToEnd(t *testing.T) {
	bin := spFindMailpit(t)
	cert := smtptest.NewCert(t, "127.0.0.1")
	const user, pass = "tidings", "mailpit-s3cret"
	mp := spStartMailpit(t, bin, cert, user, pass)

	var msgs []*render.Message
	for i := 0; i < 5; i++ {
		m := spMessage(i+2, fmt.Sprintf("reader%d@example.org", i+2))
		m.Data = []byte(strings.Replace(string(m.Data), "Subject: row", "Subject: tidings e2e row", 1))
		msgs = append(msgs, m)
	}
	cfg := sendpool.Config{
		SMTP: sendpool.SMTPConfig{
			Host: "127.0.0.1", Port: mp.smtpPort, Security: campaign.SecurityStartTLS,
			Username: user, Password: pass, RootCAs: cert.Pool, Timeout: 10 * time.Second,
		},
		Concurrency:   2,
		PerConnection: 2,
		Retries:       1,
		RetryBackoff:  10 * time.Millisecond,
	}
	res, err := spRun(t, cfg, msgs)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	for _, m := range msgs {
		if r := res.get(m.Row); r.Status != sendpool.StatusSent || r.Code != 250 {
			t.Errorf("row %d: %v %d %s", m.Row, r.Status, r.Code, r.Detail)
		}
	}

	resp, err := http.Get(mp.api + "/api/v1/messages?limit=100")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Total    int `json:"total"`
		Messages []struct {
			MessageID string
			Subject   string
			Username  string
			To        []struct{ Address string }
		} `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	if list.Total != len(msgs) {
		t.Errorf("mailpit holds %d messages, want %d", list.Total, len(msgs))
	}
	got := map[string]int{}
	for _, m := range list.Messages {
		if len(m.To) != 1 {
			t.Errorf("%s: To %v", m.MessageID, m.To)
			continue
		}
		got[m.To[0].Address+"|"+m.Subject+"|"+m.MessageID]++
		if m.Username != user {
			t.Errorf("%s: received as user %q, want %q", m.MessageID, m.Username, user)
		}
	}
	for _, m := range msgs {
		key := fmt.Sprintf("%s|tidings e2e row %d|%s", m.Recipients[0], m.Row, m.MessageID)
		if got[key] != 1 {
			t.Errorf("%s arrived %d times", key, got[key])
		}
	}
}
