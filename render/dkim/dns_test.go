package dkim_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/tidings/tidings/render/dkim"
)

// serveKeys answers DNS queries over UDP on a free loopback port with the
// TXT records of records (any other name: NXDOMAIN) until the test ends,
// so the verifiers run by the tests look the public keys up the way they
// do in production, with their own resolvers. It returns the port.
//
// Written by hand on golang.org/x/net/dns/dnsmessage: no DNS server
// library is among the module's dependencies, and one UDP exchange of
// one question is all the verifiers need (the answers stay under 512
// bytes, so no truncation and no TCP).
func serveKeys(t testing.TB, records []dkim.Record) int {
	t.Helper()
	txt := map[string][]string{}
	for _, r := range records {
		txt[strings.ToLower(r.Name)+"."] = splitTXT(r.Value)
	}
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { conn.Close(); <-done })
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, from, err := conn.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil {
				continue
			}
			if reply, err := answerTXT(buf[:n], txt); err == nil {
				conn.WriteTo(reply, from)
			}
		}
	}()
	return conn.LocalAddr().(*net.UDPAddr).Port
}

// answerTXT is the reply to the DNS query msg from the TXT records txt
// (lowercase fully qualified names).
func answerTXT(msg []byte, txt map[string][]string) ([]byte, error) {
	var p dnsmessage.Parser
	h, err := p.Start(msg)
	if err != nil {
		return nil, err
	}
	q, err := p.Question()
	if err != nil {
		return nil, err
	}
	strs, found := txt[strings.ToLower(q.Name.String())]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired}
	if !found {
		rh.RCode = dnsmessage.RCodeNameError
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	if err := b.StartQuestions(); err != nil {
		return nil, err
	}
	if err := b.Question(q); err != nil {
		return nil, err
	}
	if found && q.Type == dnsmessage.TypeTXT {
		if err := b.StartAnswers(); err != nil {
			return nil, err
		}
		head := dnsmessage.ResourceHeader{Name: q.Name, Type: dnsmessage.TypeTXT, Class: dnsmessage.ClassINET, TTL: 60}
		if err := b.TXTResource(head, dnsmessage.TXTResource{TXT: strs}); err != nil {
			return nil, err
		}
	}
	return b.Finish()
}

// splitTXT cuts a record value into the 255-byte character-strings of one
// TXT record, as DNS tools do with an RSA key (RFC 6376 3.6.2.2: the
// receiver joins them).
func splitTXT(v string) []string {
	var out []string
	for len(v) > 255 {
		out = append(out, v[:255])
		v = v[255:]
	}
	return append(out, v)
}
