package dkim_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/render/dkim"
)

// TestSignerOfSetJudgesAsSend: a campaign signing with two keys of two
// domains, its From a template, one key's variable not set where what
// was sent is read (report, show: NewSignerOfSet). send refuses every
// row, since no From aligns with both domains; the Signer of the key set
// passed a From aligned with its own domain alone, so report judged such
// a row sendable where send had judged it invalid. It aligns a From with
// the domain of the key left out too, names the entry as send does, and
// signs nothing; its records and EnvKeys are the set key's.
func TestSignerOfSetJudgesAsSend(t *testing.T) {
	const set, unset = "TIDINGS_TEST_OFSET_SET", "TIDINGS_TEST_OFSET_UNSET"
	keys := dkimKeys(t)
	for _, env := range []string{set, unset} {
		text, err := os.ReadFile(keys["ed25519"]())
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(env, string(text))
	}
	yaml := strings.Replace(dkimYAML, `from: "Acme News <news@acme.example>"`, `from: "{{.from}}"`, 1) +
		"dkim: [{domain: acme.example, selector: s1, key_env: " + set + "}, {domain: other.example, selector: s1, key_env: " + unset + "}]\n"
	c := dkimCampaign(t, yaml)
	msgs := renderAll(t, c, render.Options{}) // From news@acme.example, news@other.example
	sendSigner, err := dkim.NewSigner(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(unset, "")
	readSigner, left, err := dkim.NewSignerOfSet(c)
	if err != nil || len(left) != 1 || left[0] != "dkim[1]" {
		t.Fatalf("NewSignerOfSet: %v, left out %v; want dkim[1]", err, left)
	}
	for _, m := range msgs {
		sendErr, readErr := sendSigner.VetFrom(m.Data), readSigner.VetFrom(m.Data)
		if sendErr == nil || readErr == nil || sendErr.Error() != readErr.Error() {
			t.Errorf("row %d: send judges %v, the signer of the key set %v; want the same", m.Row, sendErr, readErr)
		}
	}
	if _, err := readSigner.Sign(msgs[0].Data); !errors.Is(err, dkim.ErrKeysLeftOut) {
		t.Errorf("Sign with a key left out: %v, want ErrKeysLeftOut", err)
	}
	if keys := readSigner.EnvKeys(); len(keys) != 1 || keys["$"+set] == "" || len(readSigner.Records()) != 1 {
		t.Errorf("EnvKeys %v and %d records, want $%s's alone", keys, len(readSigner.Records()), set)
	}
	t.Setenv(set, "")
	none, left, err := dkim.NewSignerOfSet(c)
	if err != nil || len(left) != 2 || none.VetFrom(msgs[0].Data) == nil || len(none.Records()) != 0 || none.EnvKeys() != nil {
		t.Errorf("NewSignerOfSet with no key set: %v, left out %v; want a Signer that judges the From, of no record", err, left)
	}
}
