package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

func TestZZExplore(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(priv)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	const env = "TIDINGS_TEST_DKIM_KEY_X"
	t.Setenv(env, keyPEM)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "dkim: {domain: example.com, selector: s1, key_env: "+env+"}\n")
	var out, errOut strings.Builder
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(context.Background(), sendOptions{yes: true}, g, camp); err != nil {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	t.Setenv(env, "")
	for _, args := range [][]string{{"show", camp, "user001@example.com"}, {"show", camp, "2"}, {"report", camp}, {"preview", "--out", t.TempDir(), camp}, {"check", camp}} {
		o, e, code := runCLI(t, args...)
		t.Logf("%v: code %d\nSTDOUT:\n%s\nSTDERR:\n%s", args, code, trunc(o), trunc(e))
	}
}

func trunc(s string) string {
	if len(s) > 1500 {
		return s[:1500] + "..."
	}
	return s
}
