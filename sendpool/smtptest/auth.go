package smtptest

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
)

// go-sasl has servers for PLAIN only; the test server also speaks LOGIN,
// CRAM-MD5 (RFC 2195) and XOAUTH2 so the client's mechanism choice can be
// tested.

type loginServer struct {
	check func(user, pass string) error
	step  int
	user  string
}

func (s *loginServer) Next(resp []byte) ([]byte, bool, error) {
	switch s.step {
	case 0:
		s.step++
		if len(resp) > 0 { // initial response carries the user name
			s.user = string(resp)
			s.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 1:
		s.step++
		s.user = string(resp)
		return []byte("Password:"), false, nil
	case 2:
		s.step++
		return nil, true, s.check(s.user, string(resp))
	}
	return nil, false, errors.New("unexpected LOGIN step")
}

const cramChallenge = "<4711.1700000000@smtptest.localhost>"

func cramDigest(pass string, challenge []byte) string {
	mac := hmac.New(md5.New, []byte(pass))
	mac.Write(challenge)
	return hex.EncodeToString(mac.Sum(nil))
}

type cramServer struct {
	check func(user, digest string, challenge []byte) error
	sent  bool
}

func (s *cramServer) Next(resp []byte) ([]byte, bool, error) {
	if !s.sent {
		s.sent = true
		return []byte(cramChallenge), false, nil
	}
	user, digest, ok := strings.Cut(string(resp), " ")
	if !ok {
		return nil, false, Reply(501, "5.5.2", "malformed CRAM-MD5 response")
	}
	return nil, true, s.check(user, digest, []byte(cramChallenge))
}

type xoauth2Server struct {
	check  func(user, pass string) error
	failed error
}

func (s *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	if s.failed != nil {
		// The client acknowledged the error challenge.
		return nil, false, s.failed
	}
	var user, token string
	for _, f := range strings.Split(string(resp), "\x01") {
		if v, ok := strings.CutPrefix(f, "user="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(f, "auth=Bearer "); ok {
			token = v
		}
	}
	if err := s.check(user, token); err != nil {
		s.failed = err
		return []byte(`{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}
