package mailbox_test

import (
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap/client"

	"github.com/tidings/tidings/campaign"
)

// TestScope: the Scope of a Dovecot folder is the same in every session,
// and another once the folder is made anew (its UIDVALIDITY changes,
// though its first message has UID 1 again); over POP3 the IDs are not
// UIDs, and the Key names the login.
func TestScope(t *testing.T) {
	l := startLab(t, "")
	recreate := func(again bool) {
		c, err := client.DialTLS(net.JoinHostPort(l.cfg.Host, strconv.Itoa(l.d.IMAPSPort)), &tls.Config{RootCAs: l.d.Cert.Pool})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Logout()
		if err := c.Login(user, pass); err != nil {
			t.Fatal(err)
		}
		if again {
			if err := c.Delete("Bounces"); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.Create("Bounces"); err != nil {
			t.Fatal(err)
		}
	}
	recreate(false)
	cfg := l.cfg
	cfg.Folder = "Bounces"
	first := l.open(t, cfg).Scope()
	if again := l.open(t, cfg).Scope(); again != first || !first.UIDs || !strings.Contains(first.Key, `"Bounces"`) {
		t.Fatalf("Scope %+v, then %+v; want one, of UIDs, naming the folder", first, again)
	}
	if inbox := l.open(t, l.cfg).Scope(); inbox.Key == first.Key {
		t.Errorf("INBOX and Bounces share the Scope %q", inbox.Key)
	}
	recreate(true)
	if anew := l.open(t, cfg).Scope(); anew.Key == first.Key || !anew.UIDs {
		t.Errorf("the folder made anew keeps the Scope %q", anew.Key)
	}
	pop := l.cfg
	pop.Protocol, pop.Port = campaign.MailboxPOP3, l.d.POP3SPort
	if s := l.open(t, pop).Scope(); s.UIDs || !strings.Contains(s.Key, user) {
		t.Errorf("POP3 Scope %+v", s)
	}
}
