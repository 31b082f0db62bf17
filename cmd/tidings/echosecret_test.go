package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
)

// echoingServer is a hostile SMTP server on 127.0.0.1:0 that offers AUTH
// PLAIN and refuses every login with a reply quoting what it was sent:
// the base64 answer and the password decoded from it, after code (a
// reply code, or a broken one). It returns the port.
func echoingServer(t *testing.T, code string) int {
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
			go echoLogin(c, code)
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// echoLogin serves one session of echoingServer.
func echoLogin(c net.Conn, code string) {
	defer c.Close()
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 hostile.example ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
			fmt.Fprint(c, "500 5.5.2 what\r\n")
		case strings.EqualFold(f[0], "EHLO"):
			fmt.Fprint(c, "250-hostile.example\r\n250-ENHANCEDSTATUSCODES\r\n250 AUTH PLAIN\r\n")
		case strings.EqualFold(f[0], "AUTH") && len(f) == 3:
			dec, _ := base64.StdEncoding.DecodeString(f[2])
			_, pw, _ := strings.Cut(strings.TrimPrefix(string(dec), "\x00"), "\x00")
			fmt.Fprintf(c, "%s authentication failed: %s (password %s)\r\n", code, f[2], pw)
		case strings.EqualFold(f[0], "QUIT"):
			fmt.Fprint(c, "221 2.0.0 bye\r\n")
			return
		default:
			fmt.Fprint(c, "503 5.5.1 log in first\r\n")
		}
	}
}

// TestServerEchoedPasswordNotWritten: a server whose login refusal
// quotes the password (and the base64 answer it came in) gets it into no
// output and no file: the refusal shows in the error, the journal, the
// reports and the page with the password redacted. So does a reply too
// broken to read (a code that is no number), which the error quotes.
func TestServerEchoedPasswordNotWritten(t *testing.T) {
	t.Setenv(secretEnv, testSecret)
	for _, code := range []string{"535 5.7.8", "5x5"} {
		t.Run(code, func(t *testing.T) {
			port := echoingServer(t, code)
			dir := t.TempDir()
			yaml := campaignYAML(port, fmt.Sprintf(`smtp: {host: 127.0.0.1, port: PORT, security: none, auth: plain, username: %q, password_env: %s}`, testUser, secretEnv))
			writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n", "r.csv": "email,name\nann@example.com,Ann\n"})
			camp := filepath.Join(dir, "c.yaml")
			lc := newLeakChecker()
			defer lc.check(t, []string{dir})
			want := code + " authentication failed: [redacted] (password [redacted])"
			for _, args := range [][]string{{"send", "--yes", camp}, {"send", "--debug", "--yes", camp}, {"probe", camp}, {"report", camp}} {
				out, errOut, status := lc.run(t, args...)
				if args[0] != "report" && (status != exitUnusable || !strings.Contains(out+errOut, want)) {
					t.Errorf("%s: code %d, want %d and %q\n%s%s", args[0], status, exitUnusable, want, out, errOut)
				}
			}
		})
	}
}
