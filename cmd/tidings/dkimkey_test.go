package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"testing"
)

// newDKIMKey makes an Ed25519 DKIM key for a test: its public key (for
// the TXT record), the private key's PKCS #8 DER and that DER as PEM (a
// key_file's or key_env's text).
func newDKIMKey(t *testing.T) (pub ed25519.PublicKey, der, keyPEM []byte) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err = x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return pub, der, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
