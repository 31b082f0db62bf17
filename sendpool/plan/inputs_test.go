package plan

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestOpenDKIMEntryError: a bad entry of a dkim: list makes the campaign
// unusable with an error at the entry's line and column that names it.
func TestOpenDKIMEntryError(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	path := writeCampaign(t, smtptest.NewServer(t), 1, `dkim:
  - {domain: example.com, selector: ed, key_file: ed.key}
  - {domain: example.com, selector: rsa, key_file: rsa.key}
`)
	writeFile(t, filepath.Join(filepath.Dir(path), "ed.key"), string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})))
	_, err = Open(context.Background(), path)
	fe, ok := errors.AsType[*campaign.FileError](err)
	if !ok || fe.Line != 11 || fe.Column != 6 || !strings.HasPrefix(fe.Err.Error(), "dkim: dkim[1].key_file: ") {
		t.Fatalf("Open = %v, want a FileError at 11:6 about dkim[1].key_file", err)
	}
}
