package dkim_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render/dkim"
)

// TestDMARCRecords: beside the keys' records, the DMARC record Gmail's
// and Yahoo's bulk-sender rules ask for, which nothing told (rev-user28):
// one p=none record at _dmarc.<organizational domain> of the signing
// domains, once for keys of one organizational domain (a subdomain's key
// among them, which aligns with the From in relaxed mode).
func TestDMARCRecords(t *testing.T) {
	_, k1, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, k2, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	c := dkimCampaign(t, strings.Replace(dkimYAML, `news@acme.example`, `news@news.acme.example`, 1))
	c.DKIM = campaign.DKIMKeys{
		{Domain: "acme.example", Selector: "a", KeyFile: writeKey(t, k1, false)},
		{Domain: "mail.acme.example", Selector: "b", KeyFile: writeKey(t, k2, false)},
	}
	s, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	want := []dkim.Record{{Name: "_dmarc.acme.example", Value: "v=DMARC1; p=none"}}
	if got := s.DMARCRecords(); !slices.Equal(got, want) {
		t.Errorf("DMARC records %+v, want %+v", got, want)
	}
	if got := (*dkim.Signer)(nil).DMARCRecords(); got != nil {
		t.Errorf("a nil Signer's DMARC records: %+v", got)
	}
}
