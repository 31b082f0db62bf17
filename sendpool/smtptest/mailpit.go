package smtptest

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
)

// MailpitVersion is the mailpit release the tests run against; scripts/test.sh
// installs it with go install when it is missing.
const MailpitVersion = "v1.33.1"

// Mailpit is a running mailpit process (a real mail server) on free
// loopback ports, with STARTTLS required and SMTP AUTH from a password file.
// It is stopped when the test ends.
type Mailpit struct {
	// SMTPPort is its SMTP port on 127.0.0.1; API its HTTP base URL.
	SMTPPort int
	API      string
}

// MailpitMessage is a message as mailpit's API lists it.
type MailpitMessage struct {
	ID        string
	MessageID string
	Subject   string
	Username  string
	From      struct{ Name, Address string }
	To        []struct{ Name, Address string }
	Cc        []struct{ Name, Address string }
}

// FindMailpit returns the mailpit binary from PATH or $(go env GOPATH)/bin.
// When it is missing the test fails under CI=true and is skipped, loudly,
// otherwise.
func FindMailpit(t testing.TB) string {
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
	msg := "mailpit not found on PATH or in $(go env GOPATH)/bin; install it with: go install github.com/axllent/mailpit@" + MailpitVersion
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("SKIPPING the end-to-end test against a real mail server: " + msg)
	return ""
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartMailpit starts mailpit with STARTTLS (cert) and SMTP AUTH
// (user:pass) on free loopback ports and waits until its API answers. A
// port taken between choosing and binding makes mailpit exit; it is then
// started again on new ports.
func StartMailpit(t testing.TB, cert *Cert, user, pass string) *Mailpit {
	t.Helper()
	bin := FindMailpit(t)
	dir := t.TempDir()
	certFile, keyFile := cert.WriteFiles(t)
	authFile := filepath.Join(dir, "smtp-auth")
	if err := os.WriteFile(authFile, []byte(user+":"+pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for try := 1; try <= 3; try++ {
		smtpPort, httpPort := freePort(t), freePort(t)
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
		var output syncBuffer
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
		switch err := waitReady(api+"/readyz", exited, 15*time.Second); {
		case err == nil:
			t.Cleanup(stop)
			return &Mailpit{SMTPPort: smtpPort, API: api}
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

// Messages lists the messages mailpit holds (at most 1,000), newest first.
func (m *Mailpit) Messages(t testing.TB) []MailpitMessage {
	t.Helper()
	resp, err := http.Get(m.API + "/api/v1/messages?limit=1000")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Messages []MailpitMessage `json:"messages"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	return list.Messages
}

// Raw returns the message with mailpit ID id as it arrived.
func (m *Mailpit) Raw(t testing.TB, id string) []byte {
	t.Helper()
	resp, err := http.Get(m.API + "/api/v1/message/" + id + "/raw")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// waitReady polls url until it answers 200, the process exits or the
// deadline passes. Polling is the one way to learn when a separate process
// is ready; each round waits on the response, then on a short ticker.
func waitReady(url string, exited <-chan error, within time.Duration) error {
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

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
