package smtptest

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/json"
	"errors"
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
// loopback ports, with STARTTLS required and SMTP AUTH from a password file,
// and a POP3 server when MailpitPOP3 is given. It is stopped when the test
// ends.
type Mailpit struct {
	// SMTPPort is its SMTP port on 127.0.0.1; API its HTTP base URL.
	SMTPPort int
	API      string
	// POP3Port is its POP3 port on 127.0.0.1, 0 without MailpitPOP3.
	POP3Port int
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

// MailpitOption changes how StartMailpit starts mailpit.
type MailpitOption func(*mailpitOptions)

type mailpitOptions struct {
	pop3User, pop3Pass string
	pop3TLS            bool
	extra              []string
}

// MailpitArgs passes more command-line flags to mailpit, e.g.
// "--smtp-allowed-recipients", `@(example\.org|example\.net)$` to make it
// refuse every other recipient, as a real server refuses unknown users.
func MailpitArgs(args ...string) MailpitOption {
	return func(o *mailpitOptions) { o.extra = append(o.extra, args...) }
}

// MailpitPOP3 turns on mailpit's POP3 server on a free loopback port
// (Mailpit.POP3Port) with user:pass as its one account, in clear text
// unless MailpitPOP3TLS is given too. Mailpit's POP3 server offers USER/PASS
// only (no SASL, no STLS), shows the newest 100 messages newest first, and
// uses mailpit's message IDs as UIDL unique-ids.
func MailpitPOP3(user, pass string) MailpitOption {
	return func(o *mailpitOptions) { o.pop3User, o.pop3Pass = user, pass }
}

// MailpitPOP3TLS makes mailpit's POP3 server speak implicit TLS (RFC 8314)
// with StartMailpit's certificate; mailpit has no STLS.
func MailpitPOP3TLS() MailpitOption {
	return func(o *mailpitOptions) { o.pop3TLS = true }
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

// writeAuthFile writes a mailpit password file with the one account
// user:pass and returns its path.
func writeAuthFile(t testing.TB, dir, name, user, pass string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(user+":"+pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// StartMailpit starts mailpit with STARTTLS (cert) and SMTP AUTH
// (user:pass) on free loopback ports, with the options' extras, and waits
// until its API (and POP3 server) answer. A port taken between choosing and
// binding makes mailpit fail, or another test's server answer on it
// (waitOwnPorts); it is then started again on new ports.
func StartMailpit(t testing.TB, cert *Cert, user, pass string, opts ...MailpitOption) *Mailpit {
	t.Helper()
	var o mailpitOptions
	for _, opt := range opts {
		opt(&o)
	}
	bin := FindMailpit(t)
	dir := t.TempDir()
	certFile, keyFile := cert.WriteFiles(t)
	args := []string{
		"--smtp-tls-cert", certFile, "--smtp-tls-key", keyFile,
		"--smtp-require-starttls",
		"--smtp-auth-file", writeAuthFile(t, dir, "smtp-auth", user, pass),
		"--smtp-disable-rdns",
		"--disable-version-check",
		"--quiet",
	}
	args = append(args, o.extra...)
	if o.pop3User != "" {
		args = append(args, "--pop3-auth-file", writeAuthFile(t, dir, "pop3-auth", o.pop3User, o.pop3Pass))
		if o.pop3TLS {
			args = append(args, "--pop3-tls-cert", certFile, "--pop3-tls-key", keyFile)
		}
	}
	for try := 1; try <= 3; try++ {
		ports := freePorts(t, 3)
		mp := &Mailpit{SMTPPort: ports[0], API: "http://127.0.0.1:" + strconv.Itoa(ports[1])}
		run := append([]string{
			"--smtp", "127.0.0.1:" + strconv.Itoa(ports[0]),
			"--listen", "127.0.0.1:" + strconv.Itoa(ports[1]),
			"--database", filepath.Join(dir, fmt.Sprintf("mailpit-%d.db", try)),
		}, args...)
		if o.pop3User != "" {
			mp.POP3Port = ports[2]
			run = append(run, "--pop3", "127.0.0.1:"+strconv.Itoa(ports[2]))
		}
		output, err := runMailpit(t, bin, run, mp, cert, o.pop3TLS)
		switch {
		case err == nil:
			return mp
		case strings.Contains(output, "address already in use") || errors.Is(err, errPortLost):
			t.Logf("mailpit: port clash, trying again: %s", output)
		default:
			t.Fatalf("mailpit did not come up: %v\n%s", err, output)
		}
	}
	t.Fatal("mailpit: no free ports after 3 tries")
	return nil
}

// runMailpit starts mailpit with args and waits until mp's API, and its
// POP3 server when mp has one, answer. On success the process is stopped
// when the test ends; on error it is stopped at once and its output
// returned.
func runMailpit(t testing.TB, bin string, args []string, mp *Mailpit, cert *Cert, pop3TLS bool) (string, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var output syncBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting mailpit: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait(); close(exited) }() // stop's receive returns after waitReady's too
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}
	err := waitOwnPorts(cmd.Process.Pid, []int{mp.SMTPPort, portOf(mp.API), mp.POP3Port}, exited, 15*time.Second)
	if err == nil {
		err = waitReady(mp.API+"/readyz", exited, 15*time.Second)
	}
	if err == nil && mp.POP3Port != 0 {
		err = waitPOP3(mp.POP3Port, cert, pop3TLS, exited, &output, 15*time.Second)
	}
	if err != nil {
		stop()
		return output.String(), err
	}
	t.Cleanup(stop)
	return "", nil
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

// waitPOP3 dials mailpit's POP3 port until it greets with +OK, the
// process exits, mailpit logs that it cannot listen (it keeps running
// without POP3 when the port is taken) or the deadline passes. Mailpit starts POP3 in
// the background, after or alongside its API: its readiness says nothing
// about POP3.
func waitPOP3(port int, cert *Cert, implicitTLS bool, exited <-chan error, output *syncBuffer, within time.Duration) error {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if greetsPOP3(addr, cert, implicitTLS) {
			return nil
		}
		if out := output.String(); strings.Contains(out, "[pop3] listen") {
			return fmt.Errorf("mailpit POP3 failed: %s", out)
		}
		select {
		case err := <-exited:
			return fmt.Errorf("mailpit exited: %v", err)
		case <-deadline.C:
			return fmt.Errorf("no POP3 greeting from %s within %s", addr, within)
		case <-tick.C:
		}
	}
}

// greetsPOP3 reports a POP3 server at addr that greets with +OK.
func greetsPOP3(addr string, cert *Cert, implicitTLS bool) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	if implicitTLS {
		conn = tls.Client(conn, &tls.Config{RootCAs: cert.Pool, ServerName: cert.host()})
	}
	defer conn.Close()
	line, err := bufio.NewReader(conn).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+OK")
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
