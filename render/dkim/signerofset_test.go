package dkim_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/tidings/tidings/campaign/credential"
	"github.com/tidings/tidings/render/dkim"
)

// TestNewSignerOfSet: report and show, which sign nothing, read a
// campaign whose key_env variable is not set in their shell (nor held by
// a systemd credential): that entry is left out and named, the others
// loaded and checked as NewSigner checks them (one that does not align
// with the From is still refused); none left is a Signer of no key,
// which still checks the From against those left out (ErrKeysLeftOut),
// and the names. A variable set to what is no key is still an error, and
// NewSigner, which signs, refuses the unset one.
func TestNewSignerOfSet(t *testing.T) {
	const env = "TIDINGS_TEST_KEY_OF_SET"
	t.Setenv(env, "")
	t.Setenv(credential.DirEnv, "")
	keyFile := dkimKeys(t)["ed25519"]()
	entries := func(fileDomain string) string {
		return dkimYAML + "dkim:\n  - {domain: " + fileDomain + ", selector: a, key_file: " + keyFile + "}\n" +
			"  - {domain: acme.example, selector: b, key_env: " + env + "}\n"
	}
	both := dkimCampaign(t, entries("acme.example"))
	if _, err := dkim.NewSigner(both); !errors.Is(err, dkim.ErrKeyEnvUnset) {
		t.Errorf("NewSigner: %v, want ErrKeyEnvUnset", err)
	}
	s, unset, err := dkim.NewSignerOfSet(both)
	if err != nil || s == nil || len(s.Records()) != 1 || s.Records()[0].Name != "a._domainkey.acme.example" || !slices.Equal(unset, []string{"dkim[1]"}) {
		t.Errorf("key_file and an unset key_env: %v, unset %q, err %v; want the key file's key alone, dkim[1] unset", s, unset, err)
	}
	s, unset, err = dkim.NewSignerOfSet(dkimCampaign(t, dkimYAML+"dkim: {domain: acme.example, selector: b, key_env: "+env+"}\n"))
	if err != nil || s == nil || len(s.Records()) != 0 || !slices.Equal(unset, []string{"dkim"}) {
		t.Errorf("an unset key_env alone: %v, unset %q, err %v; want a Signer of no key (it checks the From as send does), dkim unset", s, unset, err)
	}
	var ee *dkim.EntryError
	if _, _, err := dkim.NewSignerOfSet(dkimCampaign(t, entries("other.example"))); !errors.As(err, &ee) {
		t.Errorf("a key of another domain beside the unset one: %v, want its EntryError", err)
	}
	t.Setenv(env, "not a key")
	if _, _, err := dkim.NewSignerOfSet(both); err == nil || errors.Is(err, dkim.ErrKeyEnvUnset) {
		t.Errorf("a key_env set to no key: %v, want an error other than ErrKeyEnvUnset", err)
	}
}
