package smtptest

import (
	"fmt"
	"io/fs"
	"maps"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// PostfixOptions configures StartPostfix.
type PostfixOptions struct {
	// Domains are the domains Postfix accepts mail for and hands to LMTP
	// on 127.0.0.1:LMTPPort (a Dovecot's LMTPPort). It accepts every
	// address in them: the LMTP server refuses unknown users and Postfix
	// bounces. Mail to any other domain is refused at RCPT
	// ("554 5.7.1 ... Relay access denied").
	Domains  []string
	LMTPPort int
	// Cert is the certificate offered with STARTTLS; nil makes one for
	// 127.0.0.1 and localhost.
	Cert *Cert
	// MessageRateLimit, ConnectionCountLimit and ConnectionRateLimit set
	// anvil's per-client limits (smtpd_client_message_rate_limit,
	// smtpd_client_connection_count_limit,
	// smtpd_client_connection_rate_limit; rates per minute); 0 keeps
	// Postfix's default. Setting any also empties
	// smtpd_client_event_limit_exceptions, which would exempt loopback.
	MessageRateLimit, ConnectionCountLimit, ConnectionRateLimit int
	// Main holds more main.cf settings; they override the harness's.
	Main map[string]string
}

// Postfix is a private Postfix 3.7 started by the test, with its own
// configuration, queue and data directories under t.TempDir() and its SMTP
// server on a free 127.0.0.1 port. It is stopped (master and children)
// when the test ends, and its log is printed when the test failed.
//
// The SMTP server offers PIPELINING, CHUNKING, DSN, 8BITMIME, SMTPUTF8 and
// STARTTLS (smtpd_tls_security_level = may), refuses unauthorized
// pipelining and any bare LF:
//
//	bare LF (DATA or BDAT):  550 5.5.2 mta.test Error: bare <LF> received
//	over the message rate:   450 4.7.1 Error: too much mail from 127.0.0.1
//	over a connection limit: 421 4.7.0 mta.test Error: too many connections from 127.0.0.1
//	another domain:          554 5.7.1 <x@elsewhere.test>: Relay access denied
//
// Its hostname is mta.test. Its queue retries every second or so, so a
// message deferred by the LMTP server goes out again soon. Nothing leaves
// the machine: any domain but Domains is refused, and a bounce to such a
// domain is dropped.
type Postfix struct {
	// SMTPPort is the SMTP server's port on 127.0.0.1.
	SMTPPort int
	// Cert is the STARTTLS certificate; CAFile a PEM file of it for
	// clients to trust.
	Cert   *Cert
	CAFile string

	dir string
	pid int // the master's, leading its process group
}

// postfixHostname is myhostname: it names the server in its replies.
const postfixHostname = "mta.test"

// StartPostfix writes main.cf and master.cf for a private Postfix, makes
// its queue, and starts its master (`master -c dir -w`: the call returns
// once the master is initialized and listening). A port taken between
// choosing and binding makes it start again on a new port. The test is
// skipped (failed under CI=true) when Postfix is not installed or the test
// does not run as root, which Postfix's master requires.
func StartPostfix(t testing.TB, opts PostfixOptions) *Postfix {
	t.Helper()
	postconf := findProgram(t, "Postfix's postconf", "postconf")
	requireRoot(t, "Postfix")
	master := postfixMaster(t, postconf)
	if len(opts.Domains) > 0 && opts.LMTPPort == 0 {
		t.Fatal("postfix: Domains needs an LMTPPort to deliver to")
	}
	p := &Postfix{dir: reachableTempDir(t), Cert: opts.Cert}
	if p.Cert == nil {
		p.Cert = NewCert(t)
	}
	p.prepare(t)
	for try := 1; try <= 3; try++ {
		p.SMTPPort = freePorts(t, 1)[0]
		p.writeConfig(t, opts)
		if p.run(t, master) {
			return p
		}
		t.Logf("postfix: did not start (a port clash?), starting again on another port; log:\n%s", tail(p.Log(), 20))
	}
	t.Fatalf("postfix: did not start in 3 tries; log:\n%s", p.Log())
	return nil
}

// postfixMaster finds the master program in postconf's daemon_directory.
func postfixMaster(t testing.TB, postconf string) string {
	t.Helper()
	out, err := exec.Command(postconf, "-dh", "daemon_directory").Output()
	if err != nil {
		missing(t, fmt.Sprintf("postconf -dh daemon_directory: %v", err))
	}
	return findProgram(t, "Postfix's master", filepath.Join(strings.TrimSpace(string(out)), "master"))
}

// prepare makes the directories as `postfix check` wants them (owners and
// modes from Postfix's postfix-files) and writes the certificate files.
func (p *Postfix) prepare(t testing.TB) {
	t.Helper()
	pfUID, _ := systemUser(t, "postfix")
	postdrop := systemGroup(t, "postdrop")
	mkdirOwned(t, filepath.Join(p.dir, "etc"), 0o755, 0, 0)
	mkdirOwned(t, filepath.Join(p.dir, "data"), 0o700, pfUID, 0)
	queue := filepath.Join(p.dir, "spool")
	mkdirOwned(t, queue, 0o755, 0, 0)
	mkdirOwned(t, filepath.Join(queue, "pid"), 0o755, 0, 0)
	mkdirOwned(t, filepath.Join(queue, "maildrop"), 0o730, pfUID, postdrop)
	mkdirOwned(t, filepath.Join(queue, "public"), 0o710, pfUID, postdrop)
	for _, sub := range []string{"active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "private", "saved", "trace"} {
		mkdirOwned(t, filepath.Join(queue, sub), 0o700, pfUID, 0)
	}
	for name, data := range map[string][]byte{"cert.pem": p.Cert.CertPEM, "key.pem": p.Cert.KeyPEM} {
		if err := os.WriteFile(filepath.Join(p.dir, "etc", name), data, 0o600); err != nil {
			t.Fatalf("smtptest: %v", err)
		}
	}
	p.CAFile = filepath.Join(p.dir, "ca.pem")
	if err := os.WriteFile(p.CAFile, p.Cert.CertPEM, 0o644); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
}

// mainCF returns the main.cf settings for opts.
// The map literal is long because it is the configuration.
func (p *Postfix) mainCF(opts PostfixOptions) map[string]string {
	errTransport := "error:5.7.1 the test MTA delivers only to its own domains"
	m := map[string]string{
		"compatibility_level": "3.6",
		"queue_directory":     filepath.Join(p.dir, "spool"),
		"data_directory":      filepath.Join(p.dir, "data"),
		"mail_owner":          "postfix",
		"setgid_group":        "postdrop",
		"myhostname":          postfixHostname,
		"mydestination":       "",
		"inet_interfaces":     "127.0.0.1",
		"inet_protocols":      "ipv4",
		"mynetworks":          "127.0.0.0/8",
		"maillog_file":        filepath.Join(p.dir, "maillog"),
		// postlogd writes only below these prefixes.
		"maillog_file_prefixes":          p.dir,
		"alias_maps":                     "",
		"alias_database":                 "",
		"biff":                           "no",
		"append_dot_mydomain":            "no",
		"readme_directory":               "no",
		"smtp_dns_support_level":         "disabled",
		"local_transport":                errTransport,
		"default_transport":              errTransport,
		"relay_transport":                errTransport,
		"smtpd_relay_restrictions":       "reject_unauth_destination",
		"smtpd_data_restrictions":        "reject_unauth_pipelining",
		"smtpd_forbid_unauth_pipelining": "yes",
		// In Postfix 3.7.11, "yes" only normalizes bare LF to CRLF;
		// "reject" refuses it. The exclusions default to $mynetworks,
		// which holds loopback.
		"smtpd_forbid_bare_newline":            "reject",
		"smtpd_forbid_bare_newline_exclusions": "",
		"smtpd_tls_security_level":             "may",
		"smtpd_tls_chain_files":                filepath.Join(p.dir, "etc", "key.pem") + ", " + filepath.Join(p.dir, "etc", "cert.pem"),
		"smtpd_tls_loglevel":                   "1",
		// A deferred message is tried again within a few seconds.
		"queue_run_delay":      "1s",
		"minimal_backoff_time": "1s",
		"maximal_backoff_time": "2s",
	}
	if len(opts.Domains) > 0 {
		m["virtual_mailbox_domains"] = strings.Join(opts.Domains, ", ")
		m["virtual_transport"] = "lmtp:inet:127.0.0.1:" + strconv.Itoa(opts.LMTPPort)
	}
	limits := map[string]int{
		"smtpd_client_message_rate_limit":     opts.MessageRateLimit,
		"smtpd_client_connection_count_limit": opts.ConnectionCountLimit,
		"smtpd_client_connection_rate_limit":  opts.ConnectionRateLimit,
	}
	for k, v := range limits {
		if v > 0 {
			m[k] = strconv.Itoa(v)
			m["smtpd_client_event_limit_exceptions"] = ""
		}
	}
	maps.Copy(m, opts.Main)
	return m
}

// postfixMasterCF lists the services; none runs chrooted, so no files need
// copying into the queue directory. %s is the SMTP server's address.
const postfixMasterCF = `# Written by smtptest for one test.
# service type  private unpriv  chroot  wakeup  maxproc command
%s inet n - n - - smtpd
pickup     unix  n - n 60    1 pickup
cleanup    unix  n - n -     0 cleanup
qmgr       unix  n - n 300   1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n -     - trivial-rewrite
bounce     unix  - - n -     0 bounce
defer      unix  - - n -     0 bounce
trace      unix  - - n -     0 bounce
verify     unix  - - n -     1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n -     - proxymap
proxywrite unix  - - n -     1 proxymap
smtp       unix  - - n -     - smtp
relay      unix  - - n -     - smtp
showq      unix  n - n -     - showq
error      unix  - - n -     - error
retry      unix  - - n -     - error
discard    unix  - - n -     - discard
lmtp       unix  - - n -     - lmtp
anvil      unix  - - n -     1 anvil
scache     unix  - - n -     1 scache
postlog    unix-dgram n - n - 1 postlogd
`

// writeConfig writes main.cf and master.cf.
func (p *Postfix) writeConfig(t testing.TB, opts PostfixOptions) {
	t.Helper()
	m := p.mainCF(opts)
	var b strings.Builder
	b.WriteString("# Written by smtptest for one test.\n")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if strings.ContainsAny(k+m[k], "\n") {
			t.Fatalf("postfix: main.cf setting %q holds a newline", k)
		}
		fmt.Fprintf(&b, "%s = %s\n", k, m[k])
	}
	etc := filepath.Join(p.dir, "etc")
	if err := os.WriteFile(filepath.Join(etc, "main.cf"), []byte(b.String()), 0o644); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	master := fmt.Sprintf(postfixMasterCF, p.Addr())
	if err := os.WriteFile(filepath.Join(etc, "master.cf"), []byte(master), 0o644); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	// Postfix re-reads a configuration file changed within the last
	// second or so (in 300ms steps, almost 2s on a fresh file), lest it
	// read one still being edited: these are complete, so they are dated
	// a minute back.
	past := time.Now().Add(-time.Minute)
	for _, f := range []string{"main.cf", "master.cf"} {
		if err := os.Chtimes(filepath.Join(etc, f), past, past); err != nil {
			t.Fatalf("smtptest: %v", err)
		}
	}
}

// run starts the master and reports whether it came up. With -w the
// command returns once the master (a background process leading its own
// process group) is initialized; -e ends it should the test binary die
// without its cleanups.
func (p *Postfix) run(t testing.TB, master string) bool {
	t.Helper()
	start := time.Now()
	life := strconv.Itoa(int(exitDeadline(t).Seconds()))
	// Output goes to a file: a pipe would stay open in the background
	// master for a while after -w returned.
	out, err := os.Create(filepath.Join(p.dir, "master.out"))
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	defer out.Close()
	cmd := exec.Command(master, "-c", filepath.Join(p.dir, "etc"), "-w", "-e", life)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Run(); err != nil {
		b, _ := os.ReadFile(out.Name())
		t.Logf("postfix: master -w: %v %s", err, b)
		return false
	}
	pid, err := p.masterPID()
	if err != nil {
		t.Fatalf("postfix: %v", err)
	}
	p.pid = pid
	t.Logf("postfix: started in %s (SMTP port %d, master pid %d)", time.Since(start).Round(time.Millisecond), p.SMTPPort, pid)
	t.Cleanup(func() {
		took, killed := stopGroup(pid, time.Second)
		if killed != "" {
			t.Logf("postfix: %s outlived SIGTERM by 1s and were killed", killed)
		}
		t.Logf("postfix: stopped in %s", took.Round(time.Millisecond))
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("postfix log (%s):\n%s", p.dir, tail(p.Log(), 200))
		}
	})
	return true
}

// masterPID reads the master's pid from its lock file.
func (p *Postfix) masterPID() (int, error) {
	b, err := os.ReadFile(filepath.Join(p.dir, "spool", "pid", "master.pid"))
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("master.pid: %w", err)
	}
	return pid, nil
}

// Addr is the SMTP server's address, "127.0.0.1:port".
func (p *Postfix) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(p.SMTPPort)) }

// Log returns Postfix's log so far (its maillog_file).
func (p *Postfix) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "maillog"))
	return string(b)
}

// Queued counts the messages in Postfix's queue (maildrop, incoming,
// active, deferred and hold).
func (p *Postfix) Queued(t testing.TB) int {
	t.Helper()
	n, err := p.queued()
	if err != nil {
		t.Fatalf("postfix: reading the queue: %v", err)
	}
	return n
}

func (p *Postfix) queued() (int, error) {
	n := 0
	for _, q := range []string{"maildrop", "incoming", "active", "deferred", "hold"} {
		err := filepath.WalkDir(filepath.Join(p.dir, "spool", q), func(_ string, e fs.DirEntry, err error) error {
			if err == nil && !e.IsDir() {
				n++
			}
			if os.IsNotExist(err) {
				return nil // a hashed subfolder removed meanwhile
			}
			return err
		})
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}

// WaitQueueEmpty waits until Postfix's queue is empty: every message it
// accepted was delivered, bounced or dropped. It fails the test after
// within, with the log.
func (p *Postfix) WaitQueueEmpty(t testing.TB, within time.Duration) {
	t.Helper()
	var n int
	var err error
	if poll(within, func() bool {
		n, err = p.queued()
		return err == nil && n == 0
	}) {
		return
	}
	t.Fatalf("postfix: %d messages still queued after %s (last error: %v); log:\n%s", n, within, err, tail(p.Log(), 60))
}
