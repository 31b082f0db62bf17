package smtpclient_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

const spSecret = "Tr0ub4dor&3-s3cret"

// spSecretForms are the ways the password could leak into a transcript.
func spSecretForms(user string) []string {
	b64 := base64.StdEncoding.EncodeToString
	return []string{
		spSecret,
		b64([]byte(spSecret)),
		b64([]byte("\x00" + user + "\x00" + spSecret)),
		b64([]byte("user=" + user + "\x01auth=Bearer " + spSecret + "\x01\x01")),
	}
}

func TestDebugTranscriptRedactsAuth(t *testing.T) {
	const user = "me@example.org"
	for _, sec := range []campaign.Security{campaign.SecurityNone, campaign.SecurityStartTLS, campaign.SecurityTLS} {
		for _, mech := range []string{"plain", "login", "cram-md5", "xoauth2"} {
			t.Run(sec.String()+"/"+mech, func(t *testing.T) {
				opts := []smtptest.Option{smtptest.WithAuth(user, spSecret)}
				switch sec {
				case campaign.SecurityStartTLS:
					opts = append(opts, smtptest.WithStartTLS())
				case campaign.SecurityTLS:
					opts = append(opts, smtptest.WithTLS())
				}
				srv := smtptest.NewServer(t, opts...)
				cfg := pooltest.NewConfig(srv)
				cfg.SMTP.Security = sec
				if srv.Cert != nil {
					cfg.SMTP.RootCAs = srv.Cert.Pool
				}
				cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.Auth = user, spSecret, mech
				var out bytes.Buffer
				cfg.SMTP.Debug = &out
				msgs := pooltest.Messages(2)
				if _, err := pooltest.Run(t, cfg, msgs); err != nil {
					t.Fatal(err)
				}
				pooltest.ExactlyOnce(t, srv, msgs)
				text := out.String()
				for _, s := range spSecretForms(user) {
					if strings.Contains(text, s) {
						t.Fatalf("transcript contains the secret as %q:\n%s", s, text)
					}
				}
				for _, want := range []string{"S: 220 ", "C: AUTH " + strings.ToUpper(mech), "[redacted]", "S: 235 ", "C: MAIL FROM:<sender@example.org>", "S: 354 ", "[message data: ", "C: .", "C: QUIT"} {
					if !strings.Contains(text, want) {
						t.Errorf("transcript lacks %q:\n%s", want, text)
					}
				}
				if sec == campaign.SecurityStartTLS && !strings.Contains(text, "C: STARTTLS") {
					t.Errorf("transcript lacks the STARTTLS exchange:\n%s", text)
				}
				if strings.Contains(text, "Hello, row") {
					t.Error("message body in the transcript")
				}
			})
		}
	}
}

// TestSecretNeverWritten: a refused login with the real secret leaves it
// nowhere: not in the error, the debug transcript, the report or the probe.
func TestSecretNeverWritten(t *testing.T) {
	const user = "me@163.com"
	srv := smtptest.NewServer(t, smtptest.WithAuth(user, "another"))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Username, cfg.SMTP.Password = user, spSecret
	var out bytes.Buffer
	cfg.SMTP.Debug = &out
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{Every: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	runErr := p.Run(context.Background(), sendpool.SliceSource(pooltest.Messages(3)), func(r sendpool.Result) { rep.Add(r) })
	if !errors.Is(runErr, sendpool.ErrAuth) {
		t.Fatalf("err %v", runErr)
	}
	rep.Flush()
	var probe bytes.Buffer
	probeErr := smtpclient.Probe(context.Background(), cfg.SMTP, smtpclient.ProbeEnvelope{}, &probe)
	if !errors.Is(probeErr, sendpool.ErrAuth) {
		t.Fatalf("probe err %v", probeErr)
	}
	csvData, _ := readFileString(dir, report.CSVFile)
	jsonData, _ := readFileString(dir, report.JSONFile)
	for name, text := range map[string]string{
		"run error": runErr.Error(), "debug": out.String(), "report.csv": csvData,
		"report.json": jsonData, "probe": probe.String(), "probe error": probeErr.Error(),
	} {
		for _, s := range spSecretForms(user) {
			if strings.Contains(text, s) {
				t.Errorf("%s contains the secret (%q)", name, s)
			}
		}
	}
	if !strings.Contains(runErr.Error(), "535") {
		t.Errorf("run error %q lacks the server's reply", runErr)
	}
}

func TestProbe(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithTLS(), smtptest.WithAuth("me@example.org", spSecret), smtptest.WithMaxSize(10<<20))
	cfg := pooltest.NewConfig(srv).SMTP
	cfg.Security = campaign.SecurityTLS
	cfg.RootCAs = srv.Cert.Pool
	cfg.Username, cfg.Password = "me@example.org", spSecret
	var out bytes.Buffer
	if err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{}, &out); err != nil {
		t.Fatalf("Probe: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{
		"server: 127.0.0.1:", "security tls", "connected to 127.0.0.1:",
		"TLS: TLS 1.3", "certificate: CN=smtptest 127.0.0.1", " left), verified for 127.0.0.1",
		"greeting: 220 smtptest.localhost ESMTP Service Ready", "EHLO name: ",
		"PIPELINING", "CHUNKING", "SIZE", "yes, at most 10485760 bytes", "8BITMIME", "AUTH", "PLAIN LOGIN CRAM-MD5 XOAUTH2",
		"login as me@example.org: OK (PLAIN)", "smtp: everything looks right",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("probe output lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, spSecret) {
		t.Error("probe printed the password")
	}
}

func TestProbeStartTLS(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithStartTLS())
	cfg := pooltest.NewConfig(srv).SMTP
	cfg.Security = campaign.SecurityStartTLS
	cfg.RootCAs = srv.Cert.Pool
	cfg.Helo = "client.example.org"
	var out bytes.Buffer
	if err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{}, &out); err != nil {
		t.Fatalf("Probe: %v\n%s", err, out.String())
	}
	for _, want := range []string{"greeting: 220 ", "STARTTLS: accepted", "TLS: TLS 1.3", "EHLO name: client.example.org (smtp.helo)\n", "login: skipped"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("probe output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestProbeSaysWhatIsWrong(t *testing.T) {
	t.Run("wrong password", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithAuth("me@example.org", "right"))
		cfg := pooltest.NewConfig(srv).SMTP
		cfg.Username, cfg.Password = "me@example.org", spSecret
		var out bytes.Buffer
		err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{}, &out)
		if !errors.Is(err, sendpool.ErrAuth) || !strings.Contains(out.String(), "problem: login to 127.0.0.1:") || !strings.Contains(out.String(), "535 5.7.8") {
			t.Errorf("err %v, output:\n%s", err, out.String())
		}
	})
	t.Run("no login", func(t *testing.T) {
		// A server that takes mail only after a login, probed by a
		// campaign without smtp.username (rev-user9): its 530 at MAIL
		// FROM is the stop a send makes, with the advice to set one,
		// where probe printed the bare reply and send said to "check
		// smtp.username" that was not there.
		srv := smtptest.NewServer(t, smtptest.WithAuth("me@example.org", "right"))
		cfg := pooltest.NewConfig(srv).SMTP
		var out bytes.Buffer
		err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{From: "me@example.org", To: []string{"a@example.net"}}, &out)
		for _, want := range []string{"MAIL FROM:<me@example.org>: refused: 530 5.7.0", "problem: the server would refuse the campaign's messages (a send stops): ", "set smtp.username and the password's variable"} {
			if !errors.Is(err, sendpool.ErrAuth) || !strings.Contains(out.String(), want) {
				t.Errorf("err %v, output lacks %q:\n%s", err, want, out.String())
			}
		}
		if strings.Contains(out.String(), "check smtp.username") {
			t.Errorf("output tells to check a smtp.username the campaign has not:\n%s", out.String())
		}
	})
	t.Run("self-signed", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithTLS())
		cfg := pooltest.NewConfig(srv).SMTP
		cfg.Security = campaign.SecurityTLS
		var out bytes.Buffer
		err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{}, &out)
		if !errors.Is(err, sendpool.ErrTLS) || !strings.Contains(out.String(), "problem: TLS with") || !strings.Contains(out.String(), "smtp.ca_file") {
			t.Errorf("err %v, output:\n%s", err, out.String())
		}
	})
	t.Run("nothing listening", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cfg := smtpclient.Config{Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone, Timeout: time.Second}
		var out bytes.Buffer
		if err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{}, &out); err == nil || !strings.Contains(out.String(), "nothing accepts connections") {
			t.Errorf("err %v, output:\n%s", err, out.String())
		}
	})
	t.Run("connection cap", func(t *testing.T) {
		srv := smtptest.NewServer(t, smtptest.WithMaxSessions(1))
		hog, err := net.Dial("tcp", srv.Addr)
		if err != nil {
			t.Fatal(err)
		}
		defer hog.Close()
		if _, err := bufio.NewReader(hog).ReadString('\n'); err != nil { // the greeting: it was counted
			t.Fatal(err)
		}
		var out bytes.Buffer
		err = smtpclient.Probe(context.Background(), pooltest.NewConfig(srv).SMTP, smtpclient.ProbeEnvelope{}, &out)
		if err == nil || !strings.Contains(out.String(), "asks to slow down: 421 4.7.0 HL:ICC") {
			t.Errorf("err %v, output:\n%s", err, out.String())
		}
	})
}

func readFileString(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	return string(b), err
}
