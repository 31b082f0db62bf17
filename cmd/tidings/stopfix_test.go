package main

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStopForSettingsSaysFixFirst: a run a setting stopped (a refused
// login, a server that wants a login the campaign has none for, STARTTLS
// that the server does not offer, a certificate this machine does not
// trust) leaves its rows not sent, and send's summary says the next send
// sends them once the settings are fixed, not as if sending again were
// enough; report's summary, rebuilt from the journal, and its last line
// say so too. A stop
// that may pass, nothing answering the first connection, says "once the
// server answers or the settings are fixed"; a web server at the port
// (not a mail server: a setting) "once the settings are fixed"; one that passes
// (TestDailyCapRoomStoppedRun's refused service) keeps "sends them".
func TestStopForSettingsSaysFixFirst(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []smtptest.Option
		smtp string // the smtp: settings after host and port
		env  string // smtp.password_env's value
		once string // what the line says the next send waits for
	}{
		{"login refused", []smtptest.Option{smtptest.WithAuth(testUser, testSecret)},
			fmt.Sprintf("username: %q, password_env: %s, security: none", testUser, secretEnv), "wrong-password", fixed},
		{"no login", []smtptest.Option{smtptest.WithAuth(testUser, testSecret)}, "security: none", "", fixed},
		{"no STARTTLS", nil, "security: starttls", "", fixed},
		{"untrusted certificate", []smtptest.Option{smtptest.WithTLS()}, "security: tls", "", fixed},
		{"no answer", nil, "security: none", "", "the server answers or the settings are fixed"},
		{"web server", nil, "security: none", "", fixed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(secretEnv, tc.env)
			srv := smtptest.NewServer(t, tc.opts...)
			port := srv.Port
			switch tc.name {
			case "no answer":
				port = closedPort(t)
			case "web server":
				port = webPort(t)
			}
			dir := t.TempDir()
			yaml := campaignYAML(port, "smtp: {host: 127.0.0.1, port: PORT, "+tc.smtp+"}")
			writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n",
				"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\nche@example.com,Che\n"})
			camp := filepath.Join(dir, "c.yaml")
			out, errOut, code := runCLI(t, "send", "--yes", camp)
			want := "): tidings send --yes " + commandArg(camp) + " sends them once " + tc.once + " (see why the run stopped).\n"
			if code != exitUnusable || !strings.Contains(out, "\n3 not sent (run stopped: ") || !strings.Contains(out, want) {
				t.Errorf("send: code %d, want %d and a line ending %q\n%s%s", code, exitUnusable, want, out, errOut)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages", n)
			}
			out, errOut, _ = runCLI(t, "report", camp)
			if !strings.Contains(out, " sends them once "+tc.once+" (see why the run stopped).\n") {
				t.Errorf("report: no line saying it sends them once %s\n%s%s", tc.once, out, errOut)
			}
			// Its last line too: not "run send again", which would stop again.
			if last := "run send --yes again for the not-attempted once " + tc.once + " (see why the run stopped)\n"; !strings.HasSuffix(errOut, last) {
				t.Errorf("report's last line does not end %q\n%s", last, errOut)
			}
		})
	}
}

// fixed is what a stop for the settings has the next send wait for.
const fixed = "the settings are fixed"

// closedPort is a port on 127.0.0.1 nothing listens on: one the system
// gave a listener, closed again.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// webPort is a port on 127.0.0.1 where a web server answers: every
// connection is told "HTTP/1.1 400 Bad Request" and closed, as a web
// server tells what it cannot read (smtp.port set to 80 or 443).
func webPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"))
			c.Close()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}
