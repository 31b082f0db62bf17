package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckDNSRecordsDMARC: check --dns-records printed the DKIM key's
// record alone, and neither it nor the README said that Gmail and Yahoo
// require a DMARC record of bulk senders (rev-user28); after the key's
// record it prints the DMARC record to publish at the From's
// organizational domain, a comment line before it saying when to keep
// one already there and that SPF is the provider's to give.
func TestCheckDNSRecordsDMARC(t *testing.T) {
	t.Parallel()
	keyPEM := ed25519PEM(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(1, `from: "News <news@news.example.com>"`,
			`dkim: {domain: mail.example.com, selector: s1, key_file: dkim.key}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.org,Ann\n",
		"dkim.key": keyPEM,
	})
	out, errOut, code := runCLI(t, "check", "--dns-records", filepath.Join(dir, "c.yaml"))
	if code != exitOK {
		t.Fatalf("check --dns-records: %d\n%s%s", code, out, errOut)
	}
	want := "s1._domainkey.mail.example.com. IN TXT \"v=DKIM1; k=ed25519; p=" +
		"[…]\n; DMARC, which Gmail and Yahoo require of bulk senders: publish this at example.com unless it has a DMARC record already (keep one with p=quarantine or p=reject); " +
		"an SPF record at the From address's domain naming the servers that send for it is your mail provider's to give (its include:)\n" +
		"_dmarc.example.com. IN TXT \"v=DMARC1; p=none\"\n"
	head, tail, _ := strings.Cut(want, "[…]")
	i := strings.Index(out, head)
	if i < 0 || !strings.Contains(out[i:], "\""+tail) {
		t.Errorf("check --dns-records printed:\n%s\nwant the key's record and then:\n%s", out, tail)
	}
	// Without --dns-records, no records.
	out, _, _ = runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	if strings.Contains(out, "_dmarc") {
		t.Errorf("check printed a DMARC record without --dns-records:\n%s", out)
	}
}
