package plan

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/tidings/tidings/sendpool/spool"
)

// TestOpenedToReadMakesNothingToSend: OpenToRead opens a campaign that
// signs with a key from an unset environment variable without its
// Signer, for report and show to find what was sent; a preflight or a
// test send given those inputs spooled and made messages unsigned, which
// a send from that spool would have sent so. Both refuse now
// (ErrOpenedToRead), and the spool keeps only the signed generation,
// which OpenToRead's inputs still find.
func TestOpenedToReadMakesNothingToSend(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	const env = "TIDINGS_TEST_PLAN_DKIM_KEY"
	t.Setenv(env, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	camp := writeCampaign(t, smtptest.NewServer(t), 2, "dkim: {domain: example.com, selector: s1, key_env: "+env+"}\n")
	_, signed := preflightOf(t, camp)
	t.Setenv(env, "")
	ctx := context.Background()
	in, err := OpenToRead(ctx, camp)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	state, err := journal.Load(ctx, in.Campaign.StateDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Preflight(ctx, in, state, Options{Version: "test"}); !errors.Is(err, ErrOpenedToRead) {
		t.Errorf("Preflight of inputs opened to read: %v, want ErrOpenedToRead", err)
	}
	if _, err := signed.TestMessages(ctx, in, Test{To: "me@example.com", Rows: []int{2}, Run: "t"}); !errors.Is(err, ErrOpenedToRead) {
		t.Errorf("TestMessages of inputs opened to read: %v, want ErrOpenedToRead", err)
	}
	gens, err := spool.OpenStore(in.Campaign.StateDir).Generations()
	if err != nil || len(gens) != 1 {
		t.Fatalf("spool generations: %d, %v; want the signed one alone", len(gens), err)
	}
	if g, err := SpooledOf(ctx, in, "test"); err != nil || g == nil || g.Dir() != gens[0].Dir() {
		t.Errorf("SpooledOf the inputs opened to read: %v, %v; want the signed generation", g, err)
	}
}
