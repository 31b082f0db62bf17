//go:build unix

package dkim_test

import (
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render/dkim"
)

// TestKeyFileOthersMayRead: a key file its owner alone may read (0600,
// 0400) signs with no warning; one others of the machine may read or
// write (0644, 0640, 0620) signs too, with a warning naming the entry, the
// file, its mode, the domain it signs for and the chmod that mends it, as
// ssh and OpenDKIM treat such a key.
func TestKeyFileOthersMayRead(t *testing.T) {
	for _, tc := range []struct {
		mode os.FileMode
		warn bool
	}{{0o600, false}, {0o400, false}, {0o644, true}, {0o640, true}, {0o620, true}} {
		path := dkimKeys(t)["ed25519"]()
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		c := dkimCampaign(t, dkimYAML)
		c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: path}}
		s, err := dkim.NewSigner(c)
		if err != nil {
			t.Fatalf("%04o: %v", tc.mode, err)
		}
		w := s.Warnings()
		if !tc.warn {
			if len(w) != 0 {
				t.Errorf("%04o: warned %q", tc.mode, w)
			}
			continue
		}
		if len(w) != 1 {
			t.Fatalf("%04o: warnings %q, want one", tc.mode, w)
		}
		for _, want := range []string{"dkim: dkim.key_file " + path, "other users of this machine", "can sign mail as acme.example", "chmod 600 " + path} {
			if !strings.Contains(w[0], want) {
				t.Errorf("%04o: %q lacks %q", tc.mode, w[0], want)
			}
		}
	}
}

// TestKeyFileOfAnotherUser: a key of another user's that others may read
// (a service's, 0440), signed with by root (a check run with sudo on the
// service's campaign), is advised chmod 600 alone, which keeps it its
// owner's: "chown root" would leave the service unable to read its key.
// Run by any other user, the advice is chown to that user, then chmod 600
// (TestKeyFileWarningAsRoot).
func TestKeyFileOfAnotherUser(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	path := dkimKeys(t)["ed25519"]()
	if err := os.Chmod(path, 0o440); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 65534, 65534); err != nil {
		t.Fatal(err)
	}
	c := dkimCampaign(t, dkimYAML)
	c.DKIM = campaign.DKIMKeys{{Domain: "acme.example", Selector: "s2026", KeyFile: path}}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Warnings()
	want := "make it its owner's alone: chmod 600 " + path // run as root: chown root would lock its owner out
	if len(w) != 1 || !strings.HasSuffix(w[0], want) || strings.Contains(w[0], "chown") {
		t.Errorf("warnings %q, want one ending %q", w, want)
	}
}
