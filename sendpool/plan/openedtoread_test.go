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
	const env = "TIDINGS_TEST_PLAN_DKIM_KEY"
	t.Setenv(env, newKeyPEM(t))
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

// newKeyPEM returns a new Ed25519 key's PKCS #8 PEM text.
func newKeyPEM(t *testing.T) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// TestOpenedToReadKeySetChanged: a campaign signing with two keys from
// the environment; in a shell with one of them unset and the other set
// to another key, reading what was sent (OpenToRead; Spooled and
// SpooledFrom, as show and report look up the spool) took the spool made
// with the first key as made from the inputs as they are, by the sums it
// kept of both, where send takes the key set now as a changed input. The
// key set now counts by its own sum, the unset one by the kept sum.
func TestOpenedToReadKeySetChanged(t *testing.T) {
	const one, two = "TIDINGS_TEST_PLAN_DKIM_ONE", "TIDINGS_TEST_PLAN_DKIM_TWO"
	t.Setenv(one, newKeyPEM(t))
	first := newKeyPEM(t)
	t.Setenv(two, first)
	camp := writeCampaign(t, smtptest.NewServer(t), 2, "dkim: [{domain: example.com, selector: s1, key_env: "+one+"}, {domain: example.com, selector: s2, key_env: "+two+"}]\n")
	preflightOf(t, camp)
	t.Setenv(one, "")
	ctx := context.Background()
	for _, tc := range []struct {
		name, key string
		found     bool
	}{{"the key sent with", first, true}, {"another key", newKeyPEM(t), false}} {
		t.Setenv(two, tc.key)
		in, err := OpenToRead(ctx, camp)
		if err != nil {
			t.Fatal(err)
		}
		g, err := SpooledOf(ctx, in, "test")
		in.Close()
		if err != nil || (g != nil) != tc.found {
			t.Errorf("$%s %s; SpooledOf: %v, %v; want found %t", two, tc.name, g, err, tc.found)
		}
		if g, err := Spooled(ctx, camp, "test"); err != nil || (g != nil) != tc.found {
			t.Errorf("$%s %s; Spooled: %v, %v; want found %t", two, tc.name, g, err, tc.found)
		}
		if gens, err := SpooledFrom(ctx, camp, "test"); err != nil || (len(gens) == 1) != tc.found {
			t.Errorf("$%s %s; SpooledFrom: %d, %v; want found %t", two, tc.name, len(gens), err, tc.found)
		}
	}
}

// TestOpenedToReadDigestless: reading what was sent without a key_env
// key found a generation whose manifest kept no digest (written by hand,
// or cut short) and no sum of the key as made from the inputs as they
// are: the lookup's "none kept" was the empty digest too.
func TestOpenedToReadDigestless(t *testing.T) {
	const env = "TIDINGS_TEST_PLAN_DKIM_DIGESTLESS"
	t.Setenv(env, newKeyPEM(t))
	camp := writeCampaign(t, smtptest.NewServer(t), 2, "dkim: {domain: example.com, selector: s1, key_env: "+env+"}\n")
	preflightOf(t, camp)
	editManifest(t, camp, map[string]any{"inputs": map[string]any{"digest": ""}})
	t.Setenv(env, "")
	ctx := context.Background()
	if g, err := Spooled(ctx, camp, "test"); err != nil || g != nil {
		t.Errorf("Spooled: %v, %v; want none", g, err)
	}
	if gens, err := SpooledFrom(ctx, camp, "test"); err != nil || len(gens) != 0 {
		t.Errorf("SpooledFrom: %d, %v; want none", len(gens), err)
	}
}

// TestOpenedToReadOneKeySet: OpenToRead of a campaign signing with two
// keys, one of them from a variable not set now, keeps a Signer of the
// other (it judges a From as send's does), and still makes nothing to
// send: a message signed with one key of two is not the campaign's.
func TestOpenedToReadOneKeySet(t *testing.T) {
	const one, two = "TIDINGS_TEST_PLAN_DKIM_SET", "TIDINGS_TEST_PLAN_DKIM_UNSET"
	t.Setenv(one, newKeyPEM(t))
	t.Setenv(two, newKeyPEM(t))
	camp := writeCampaign(t, smtptest.NewServer(t), 2, "dkim: [{domain: example.com, selector: s1, key_env: "+one+"}, {domain: example.com, selector: s2, key_env: "+two+"}]\n")
	_, signed := preflightOf(t, camp)
	t.Setenv(two, "")
	ctx := context.Background()
	in, err := OpenToRead(ctx, camp)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if keys := in.Signer.EnvKeys(); len(keys) != 1 || keys["$"+one] == "" {
		t.Errorf("the Signer of the inputs opened to read: keys %v, want $%s's alone", keys, one)
	}
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
	if g, err := SpooledOf(ctx, in, "test"); err != nil || g == nil {
		t.Errorf("SpooledOf the inputs opened to read: %v, %v; want the signed generation", g, err)
	}
}
