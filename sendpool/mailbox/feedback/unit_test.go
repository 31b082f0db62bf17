package feedback

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/simplifiedchinese"
	xunicode "golang.org/x/text/encoding/unicode"
)

func TestParseStatus(t *testing.T) {
	for _, s := range []string{"5.1.1", "4.4.7", "2.0.0", "5.1.10", "5.999.999"} {
		st, err := ParseStatus(s)
		if err != nil || st.String() != s {
			t.Errorf("ParseStatus(%q) = %v, %v", s, st, err)
		}
	}
	for _, s := range []string{"", "6.1.1", "5.1", "5.1.1.1", "5..1", "5.1000.1", "x.1.1", "55.1.1", "5.1.a"} {
		if st, err := ParseStatus(s); err == nil {
			t.Errorf("ParseStatus(%q) = %v, want an error", s, st)
		}
	}
	var st Status
	if err := st.UnmarshalText([]byte("7.0.0")); err == nil {
		t.Error("UnmarshalText accepted 7.0.0")
	}
	if b, _ := (Status{}).MarshalText(); len(b) != 0 {
		t.Errorf("zero Status marshals to %q", b)
	}
}

func TestFindCodes(t *testing.T) {
	for text, want := range map[string]string{
		"550 5.1.1 <a@example.org>: unknown":       "5.1.1",
		"Sorry, no mailbox here. (#5.1.1)":         "5.1.1",
		"host [192.0.2.5]: said 4.2.2 over quota.": "4.2.2",
		"host 10.4.5.6 said no":                    "",
		"version 2.5.4.1 here":                     "",
		"Status: 5.7.1, then":                      "5.7.1",
	} {
		if got := findStatus(text).String(); got != want {
			t.Errorf("findStatus(%q) = %q, want %q", text, got, want)
		}
	}
	for text, want := range map[string]int{
		"said: 550 5.1.1 unknown": 550,
		"#550 5.1.1 RESOLVER":     550,
		"550-5.1.1 The email":     550,
		"port 2525 and 4500ms":    0,
		"in 2026 we said 421":     421,
		"code 599x":               0,
	} {
		if got := findReplyCode(text); got != want {
			t.Errorf("findReplyCode(%q) = %d, want %d", text, got, want)
		}
	}
}

func TestSeverity(t *testing.T) {
	for _, tc := range []struct {
		action, status, diag string
		want                 Severity
	}{
		{"failed", "5.1.1", "", SeverityHard},
		{"failed", "5.2.2", "", SeveritySoft},
		{"failed", "4.4.7", "", SeveritySoft},
		{"delayed", "5.1.1", "", SeveritySoft},
		{"delivered", "2.0.0", "", SeverityNone},
		{"relayed", "", "", SeverityNone},
		{"expanded", "2.0.0", "", SeverityNone},
		{"failed", "5.0.0", "552 5.2.2 quota", SeveritySoft},
		{"failed", "5.0.0", "550 user unknown", SeverityHard},
		{"failed", "", "552 mailbox full", SeveritySoft},
		{"failed", "", "451 try later", SeveritySoft},
		{"failed", "", "no code at all", SeverityHard},
		{"failed", "5.0.0", "mailbox is full", SeveritySoft},
		{"", "5.1.1", "", SeverityHard},
		{"", "", "", SeverityNone},
	} {
		st, _ := ParseStatus(tc.status)
		if got := severity(tc.action, st, tc.diag); got != tc.want {
			t.Errorf("severity(%q, %q, %q) = %v, want %v", tc.action, tc.status, tc.diag, got, tc.want)
		}
	}
}

func TestNormalizeAddress(t *testing.T) {
	for in, want := range map[string]string{
		"rfc822; nobody@Example.ORG":          "nobody@example.org",
		"RFC822;<Ann.Lee@EXAMPLE.com>":        "Ann.Lee@example.com",
		" <bob@example.net> ":                 "bob@example.net",
		"Carol <carol@Example.com>":           "carol@example.com",
		`"Doe, J" <j@EXAMPLE.com>`:            "j@example.com",
		`utf-8; \x{7528}\x{6237}@Example.CN`:  "用户@example.cn",
		"utf-8; 用户@例子.中国":                     "用户@例子.中国",
		"mailto:unsubscribe@Acme.example":     "unsubscribe@acme.example",
		"rfc822; localuser":                   "localuser",
		`utf-8; bad\x{ZZ}@example.org`:        `bad\x{ZZ}@example.org`,
		"x400; /C=US/ADMD=/PRMD=x/O=y/S=doe/": "/C=US/ADMD=/PRMD=x/O=y/S=doe/",
	} {
		if got := normalizeAddress(in); got != want {
			t.Errorf("normalizeAddress(%q) = %q, want %q", in, got, want)
		}
	}
	if got := decodeXtext("a+2Bb+3Dc+zz"); got != "a+b=c+zz" {
		t.Errorf("decodeXtext = %q", got)
	}
}

func TestKindSeverityText(t *testing.T) {
	for k := KindOther; k <= KindAutoReply; k++ {
		b, err := k.MarshalText()
		var back Kind
		if err != nil || back.UnmarshalText(b) != nil || back != k {
			t.Errorf("Kind %v does not round-trip", k)
		}
	}
	for s := SeverityNone; s <= SeverityHard; s++ {
		b, err := s.MarshalText()
		var back Severity
		if err != nil || back.UnmarshalText(b) != nil || back != s {
			t.Errorf("Severity %v does not round-trip", s)
		}
	}
	var k Kind
	if err := json.Unmarshal([]byte(`"bounced"`), &k); err == nil {
		t.Error("an unknown kind was accepted")
	}
	if _, err := Kind(9).MarshalText(); err == nil || Kind(9).String() != "Kind(9)" {
		t.Error("an invalid kind marshals")
	}
	if _, err := Severity(-1).MarshalText(); err == nil || Severity(-1).String() != "Severity(-1)" {
		t.Error("an invalid severity marshals")
	}
}

// TestAutoReplyIsNeverBounce: bounces that carry Auto-Submitted stay bounces,
// and auto-replies from a null sender stay auto-replies.
func TestAutoReplyIsNeverBounce(t *testing.T) {
	for name, want := range map[string]Kind{
		"dsn-postfix-hard.eml":    KindBounce,
		"postfix-plain.eml":       KindBounce,
		"dsn-exim.eml":            KindBounce,
		"autoreply-vacation.eml":  KindAutoReply,
		"autoreply-exchange.eml":  KindAutoReply,
		"forwarded-bounce.eml":    KindOther,
		"unsubscribe-request.eml": KindOther,
	} {
		f, err := os.Open("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Parse(f, Options{})
		f.Close()
		if err != nil || rep.Kind != want {
			t.Errorf("%s: %v, %v; want %v", name, rep.Kind, err, want)
		}
	}
}

func TestAutoReplySignals(t *testing.T) {
	for _, tc := range []struct {
		header string
		want   Format
	}{
		{"Auto-Submitted: auto-replied\r\n", FormatAutoSubmitted},
		{"Auto-Submitted: Auto-Replied; owner-email=a@example.org\r\n", FormatAutoSubmitted},
		{"X-Autorespond: Dora is away\r\n", FormatXAutoreply},
		{"X-Autoreply: no\r\n", ""},
		{"Precedence: auto_reply\r\n", FormatPrecedence},
		{"Precedence: bulk\r\n", ""},
		{"Subject: Out of Office: back Monday\r\n", FormatSubject},
		{"Subject: Réponse automatique : absent\r\n", FormatSubject},
		{"Auto-Submitted: auto-generated\r\nIn-Reply-To: <x@acme.example>\r\n", FormatAutoSubmitted},
		{"Auto-Submitted: auto-generated\r\n", ""},
		{"Auto-Submitted: no\r\nIn-Reply-To: <x@acme.example>\r\n", ""},
		{"X-Auto-Response-Suppress: All\r\n", ""},
	} {
		msg := "From: ann@example.org\r\nTo: news@acme.example\r\n" + tc.header + "\r\nHello.\r\n"
		rep, err := Parse(strings.NewReader(msg), Options{})
		if err != nil {
			t.Fatalf("%q: %v", tc.header, err)
		}
		if rep.Format != tc.want || (tc.want != "") != (rep.Kind == KindAutoReply) {
			t.Errorf("%q: %v %q, want format %q", tc.header, rep.Kind, rep.Format, tc.want)
		}
	}
}

// TestNoPhraseAlone: bounce wording from a person, or a bounce subject with
// no known wording and no code, is no bounce.
func TestNoPhraseAlone(t *testing.T) {
	for name, msg := range map[string]string{
		"person quotes qmail": "From: ann@example.org\r\nSubject: odd mail\r\n\r\n" +
			"Hi. This is the qmail-send program at mail.example.net.\r\n<bob@example.org>:\r\n550 5.1.1 no\r\n",
		"daemon without wording or code": "From: MAILER-DAEMON@mx.example.org\r\nSubject: Delivery Status Notification (Success)\r\n\r\n" +
			"Your message to bob@example.org was delivered.\r\n",
		"reply to a bounce": "From: ann@example.org\r\nSubject: Re: Undelivered Mail Returned to Sender\r\n\r\n" +
			"This is the mail system at host x.\r\n<bob@example.org>: 550 5.1.1 unknown\r\n",
	} {
		rep, err := Parse(strings.NewReader(msg), Options{})
		if err != nil || rep.Kind != KindOther {
			t.Errorf("%s: %+v, %v; want KindOther", name, rep, err)
		}
	}
}

// TestConcurrent parses the corpus from several goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	files := corpus(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, path := range files {
				f, err := os.Open(path)
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := Parse(f, Options{}); err != nil {
					t.Errorf("%s: %v", path, err)
				}
				f.Close()
			}
		}()
	}
	wg.Wait()
}

// TestOddEncodings: parts in encodings that are wrong or rare still read:
// a base64 message/rfc822 (RFC 2046 forbids it, MTAs do it), a
// quoted-printable header part, an HTML-only bounce with script and style,
// an address list net/mail refuses.
func TestOddEncodings(t *testing.T) {
	orig := "From: Acme <news@acme.example>\r\nTo: a@example.org\r\nMessage-ID: <odd.1@acme.example>\r\n\r\nbody\r\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(orig))
	msg := "From: MAILER-DAEMON@mx.example.org\r\nTo: broken list <<bounces@acme.example>, b@\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"Reporting-MTA: dns; mx.example.org\r\n\r\nFinal-Recipient: rfc822; a@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; 550 5.1.1 user =\r\nunknown\r\n\r\n" +
		"--x\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64[:40] + "\r\n " + b64[40:] + "\r\n--x--\r\n"
	rep, err := Parse(strings.NewReader(msg), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Original.MessageID != "odd.1@acme.example" || rep.Recipients[0].Diagnostic != "550 5.1.1 user unknown" {
		t.Errorf("got %+v", rep)
	}
	if len(rep.To) != 1 || rep.To[0] != "bounces@acme.example" {
		t.Errorf("To %q from an address list net/mail refuses", rep.To)
	}

	html := "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nSubject: Undeliverable: x\r\n" +
		"Content-Type: text/html; charset=windows-1252\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<style>p{color:red}</style><script>var a='z@example.org';</script>" +
		"<p>Delivery has failed to these recipients or groups:</p><table><tr><td>c@example.org</td>" +
		"<td>#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##</td></tr></table><br/>Gr=FC=DFe"
	rep, err = Parse(strings.NewReader(html), Options{})
	if err != nil || rep.Kind != KindBounce || rep.Format != FormatExchange || len(rep.Recipients) != 1 ||
		rep.Recipients[0].Address != "c@example.org" || rep.Recipients[0].Status.String() != "5.1.1" {
		t.Fatalf("HTML bounce: %+v, %v", rep, err)
	}
}

// TestDSNReportCharsetNotASCII: a DSN whose Diagnostic-Code is GBK
// without a label is read in the charset of the report's text part
// (dsn-netease-gbk-diagnostic); when that part is UTF-16, the whole
// delivery-status part was read in it too, its ASCII fields turned into
// other characters, and the bounce was unreadable ("names no recipient"),
// not matched to p0200@163.com. Such a charset is not used now; the
// other one still is, and one x/text does not know is not.
func TestDSNReportCharsetNotASCII(t *testing.T) {
	diag, err := simplifiedchinese.GBK.NewEncoder().String("552 邮箱已满")
	if err != nil {
		t.Fatal(err)
	}
	words := "Delivery to p0200@163.com failed.\r\n"
	utf16, err := xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewEncoder().String(words)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ charset, body, diag string }{
		{"utf-16le", utf16, "552 \uFFFD"},
		{"gbk", diag, "552 邮箱已满"},
		{"x-no-such-charset", words, "552 \uFFFD"},
	} {
		msg := "From: MAILER-DAEMON@163.com\r\nTo: office@school.example\r\nMIME-Version: 1.0\r\n" +
			"Content-Type: multipart/report; report-type=delivery-status; boundary=\"EE\"\r\n\r\n" +
			"--EE\r\nContent-Type: text/plain; charset=" + c.charset + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
			base64.StdEncoding.EncodeToString([]byte(c.body)) + "\r\n" +
			"--EE\r\nContent-Type: message/delivery-status\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
			"Reporting-MTA: dns; mx.163.com\r\n\r\nFinal-Recipient: rfc822; p0200@163.com\r\nAction: failed\r\nStatus: 5.2.2\r\n" +
			"Diagnostic-Code: smtp; " + diag + "\r\n\r\n--EE--\r\n"
		rep, err := Parse(strings.NewReader(msg), Options{})
		if err != nil {
			t.Errorf("%s: %v", c.charset, err)
			continue
		}
		if len(rep.Recipients) != 1 || rep.Recipients[0].Address != "p0200@163.com" || rep.Recipients[0].Diagnostic != c.diag {
			t.Errorf("%s: recipients %+v; want p0200@163.com with %q", c.charset, rep.Recipients, c.diag)
		}
	}
}

// TestDSNDiagnosticISO2022JP: a Japanese server's DSN whose text part is
// ISO-2022-JP and whose Diagnostic-Code is too, unlabelled, showed it as
// "550 $B08@hITL@$G$9(B" (its escapes dropped): seven bits, valid
// UTF-8, it was never read in the report's charset. It is now, for its
// escapes, and the recipient is still matched.
func TestDSNDiagnosticISO2022JP(t *testing.T) {
	diag, err := japanese.ISO2022JP.NewEncoder().String("550 宛先不明です")
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: MAILER-DAEMON@mx.example.jp\r\nTo: office@school.example\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"EE\"\r\n\r\n" +
		"--EE\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + diag + "\r\n" +
		"--EE\r\nContent-Type: message/delivery-status\r\n\r\n" +
		"Reporting-MTA: dns; mx.example.jp\r\n\r\nFinal-Recipient: rfc822; taro@example.jp\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; " + diag + "\r\n\r\n--EE--\r\n"
	rep, err := Parse(strings.NewReader(msg), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Address != "taro@example.jp" || rep.Recipients[0].Diagnostic != "550 宛先不明です" {
		t.Errorf("recipients %+v; want taro@example.jp with \"550 宛先不明です\"", rep.Recipients)
	}
}

// TestDSNReportCharsetLines: a global DSN (RFC 6533) for a UTF-8
// address, "李华@163.com", whose Diagnostic-Code is GBK without a label
// was read whole in the report's GBK, the address too, and named
// "鏉庡崕@163.com", so the bounce matched no recipient. Only the lines
// that are not UTF-8 are read in the report's charset now.
func TestDSNReportCharsetLines(t *testing.T) {
	diag, err := simplifiedchinese.GBK.NewEncoder().String("550 用户不存在")
	if err != nil {
		t.Fatal(err)
	}
	msg := "From: MAILER-DAEMON@163.com\r\nTo: office@school.example\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: multipart/report; report-type=global-delivery-status; boundary=\"EE\"\r\n\r\n" +
		"--EE\r\nContent-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + diag + "\r\n" +
		"--EE\r\nContent-Type: message/global-delivery-status\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		"Reporting-MTA: dns; mx.163.com\r\n\r\nFinal-Recipient: utf-8; 李华@163.com\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
		"Diagnostic-Code: smtp; " + diag + "\r\n\r\n--EE--\r\n"
	rep, err := Parse(strings.NewReader(msg), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Recipients) != 1 || rep.Recipients[0].Address != "李华@163.com" || rep.Recipients[0].Diagnostic != "550 用户不存在" {
		t.Errorf("recipients %+v; want 李华@163.com with \"550 用户不存在\"", rep.Recipients)
	}
}

func TestErrorText(t *testing.T) {
	inner := errors.New("boom")
	e := &UnreadableError{Reason: "truncated multipart body", Err: inner}
	if !errors.Is(e, inner) || e.Error() != "feedback: unreadable message: truncated multipart body: boom" {
		t.Errorf("UnreadableError: %q", e.Error())
	}
	if got := (&TooLargeError{Limit: 10}).Error(); got != "feedback: message larger than 10 bytes" {
		t.Errorf("TooLargeError: %q", got)
	}
}

// TestDSNBlocksWithoutEmptyLines: recipient blocks a report runs together
// are told apart: Postfix's order (Final- then Original-Recipient) is one
// recipient, RFC 3464's (Original- then Final-) too, and an
// Original-Recipient after a block with no Action starts the next one.
func TestDSNBlocksWithoutEmptyLines(t *testing.T) {
	head := "From: MAILER-DAEMON@mx.example.net\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n"
	for name, tc := range map[string]struct {
		blocks string
		want   []string // final=original, each recipient
	}{
		"postfix": {"Final-Recipient: rfc822; a@example.org\r\nOriginal-Recipient: rfc822; info@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
			"Final-Recipient: rfc822; b@example.org\r\nOriginal-Recipient: rfc822; b@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n",
			[]string{"a@example.org=info@example.org", "b@example.org=b@example.org"}},
		"rfc 3464": {"Original-Recipient: rfc822; info@example.org\r\nFinal-Recipient: rfc822; a@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
			"Original-Recipient: rfc822; b@example.org\r\nFinal-Recipient: rfc822; b@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n",
			[]string{"a@example.org=info@example.org", "b@example.org=b@example.org"}},
		"no action": {"Final-Recipient: rfc822; a@example.org\r\nStatus: 5.1.1\r\n" +
			"Original-Recipient: rfc822; b@example.org\r\nFinal-Recipient: rfc822; b@example.org\r\nAction: failed\r\nStatus: 5.1.1\r\n",
			[]string{"a@example.org=", "b@example.org=b@example.org"}},
	} {
		rep, err := Parse(strings.NewReader(head+tc.blocks+"\r\n--b--\r\n"), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, r := range rep.Recipients {
			got = append(got, r.Address+"="+r.OriginalAddress)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: recipients %v, want %v", name, got, tc.want)
		}
	}
}

// TestEnvelopeSenderNoRecipient: the envelope sender a plain-text bounce
// quotes (after "MAIL FROM:" in a session transcript, or as the returned
// message's Return-Path, named in the report's words) is never one of its
// failed recipients (today's review: "2 bounced" for one row).
func TestEnvelopeSenderNoRecipient(t *testing.T) {
	head := "From: MAILER-DAEMON@mx.provider.example\r\nTo: orders@shop.example\r\n" +
		"Subject: Undelivered Mail Returned to Sender\r\n\r\nThis is the mail system at host mx.provider.example.\r\n\r\n" +
		"<taro@customer.example>: 550 5.1.1 User unknown\r\n\r\n"
	for name, text := range map[string]string{
		"mail from, no space": "mail from:<bounces@shop.example>\r\n250 2.1.0 Ok\r\n",
		"MAIL FROM, spaces":   "MAIL  FROM: <bounces@shop.example> SIZE=100\r\n250 2.1.0 Ok\r\n",
		"transcript arrows":   ">>> MAIL FROM:bounces@shop.example\r\n<<< 250 2.1.0 Ok\r\n",
		"return-path in the text": "The message was sent by\r\nbounces@shop.example\r\n\r\n--- Below this line is a copy of the message.\r\n\r\n" +
			"Return-Path: <bounces@shop.example>\r\nFrom: orders@shop.example\r\nTo: taro@customer.example\r\nSubject: x\r\n\r\nHi\r\n",
	} {
		rep, err := Parse(strings.NewReader(head+text), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []string
		for _, r := range rep.Recipients {
			got = append(got, r.Address)
		}
		if len(got) != 1 || got[0] != "taro@customer.example" {
			t.Errorf("%s: recipients %q, want taro@customer.example alone", name, got)
		}
	}
}

// TestDiagnosticKeepsDashedAddressLine: a diagnostic without a code
// leaves out a paragraph's leading section labels (m-FILTER's
// "-------server message"), never the line that names the recipient and
// says what went wrong.
func TestDiagnosticKeepsDashedAddressLine(t *testing.T) {
	for _, c := range []struct{ report, want string }{
		{"This is the mail system.\n\n--- bob@example.org: mailbox disabled\nPlease contact the administrator.\n",
			"mailbox disabled"},
		{"This is the mail system.\n\nbob@example.org\n\n-------server message\nHost or domain name not found\n",
			"Host or domain name not found"},
		{"This is the mail system.\n\n--- 550 5.1.1 <bob@example.org>: user unknown\n",
			"550 5.1.1"},
	} {
		got := textRecipients(c.report, nil)
		if len(got) != 1 || got[0].Address != "bob@example.org" || !strings.Contains(got[0].Diagnostic, c.want) || strings.HasPrefix(got[0].Diagnostic, "-") {
			t.Errorf("%q: %+v, want bob@example.org's diagnostic saying %q", c.report, got, c.want)
		}
	}
}
