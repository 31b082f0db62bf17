package smtpclient_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestServerQuotingPasswordRedacted: a server that takes the login and
// then quotes the password in its refusal of a recipient, or of a
// message, gets it into no result, over every transport: the reply the
// journal, the reports and the page keep shows [redacted] there. Only
// the login's own replies were redacted, so both went out whole.
func TestServerQuotingPasswordRedacted(t *testing.T) {
	const user, pass = "news@example.com", "Quoted-Secret-9d2"
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		srv := tr.Server(t, smtptest.WithAuth(user, pass),
			smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if strings.HasPrefix(to, "gone@") {
					return smtptest.Reply(550, "5.1.1", "no such user (you logged in with "+pass+")")
				}
				return nil
			}),
			smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
				return smtptest.Reply(554, "5.7.1", "refused; password "+pass)
			}))
		cfg := tr.Config(srv)
		cfg.SMTP.Username, cfg.SMTP.Password = user, pass
		msgs := []*render.Message{pooltest.Message(2, "gone@example.com"), pooltest.Message(3, "ann@example.com")}
		res, err := pooltest.Run(t, cfg, msgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range []int{2, 3} {
			r := res.Get(row)
			if r.Code < 500 || strings.Contains(r.Detail, pass) || !strings.Contains(r.Detail, "[redacted]") {
				t.Errorf("row %d: %d %q, want the refusal with the password [redacted]", row, r.Code, r.Detail)
			}
		}
	})
}
