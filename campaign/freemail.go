package campaign

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// mailService is a free mail service whose domains publish a DMARC
// policy that only its own servers pass: mail From one of its addresses
// sent through another server carries no signature aligned with the From
// and fails DMARC, which Gmail and Yahoo, among others, refuse or file
// as spam (quarantine or reject).
type mailService struct {
	name    string   // as a person calls it: "Gmail"
	server  string   // its submission server, to name in the advice
	domains []string // the address domains it gives its users
	hosts   []string // the domains its own servers are under
}

// mailServices are the free mail services freeMailWarnings knows. The
// lists hold the address domains that are the services' own; a domain
// of one's own at such a service (Google Workspace, Microsoft 365) is
// not among them and is not warned of.
func mailServices() []mailService {
	return []mailService{
		{"Gmail", "smtp.gmail.com", []string{"gmail.com", "googlemail.com"}, []string{"gmail.com", "google.com", "googlemail.com"}},
		{"Yahoo Mail", "smtp.mail.yahoo.com", []string{"yahoo.com", "ymail.com", "rocketmail.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.es", "yahoo.it", "yahoo.co.jp", "yahoo.com.br"}, []string{"yahoo.com", "yahoo.co.jp"}},
		{"AOL Mail", "smtp.aol.com", []string{"aol.com", "aim.com"}, []string{"aol.com", "yahoo.com"}},
		{"Outlook.com", "smtp-mail.outlook.com", []string{"outlook.com", "hotmail.com", "live.com", "msn.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "outlook.de", "outlook.fr"}, []string{"outlook.com", "office365.com", "live.com", "hotmail.com"}},
		{"iCloud Mail", "smtp.mail.me.com", []string{"icloud.com", "me.com", "mac.com"}, []string{"me.com", "icloud.com", "mac.com"}},
		{"GMX", "mail.gmx.net", []string{"gmx.de", "gmx.net", "gmx.com", "gmx.at", "gmx.ch"}, []string{"gmx.net", "gmx.com", "gmx.de"}},
		{"WEB.DE", "smtp.web.de", []string{"web.de"}, []string{"web.de"}},
		{"Mail.ru", "smtp.mail.ru", []string{"mail.ru", "bk.ru", "inbox.ru", "list.ru"}, []string{"mail.ru"}},
		{"Yandex Mail", "smtp.yandex.com", []string{"yandex.ru", "yandex.com", "ya.ru"}, []string{"yandex.ru", "yandex.com", "yandex.net"}},
	}
}

// serviceOf is the free mail service whose address domain is domain
// (compared without case or a final dot); nil for any other.
func serviceOf(domain string) *mailService {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	for _, s := range mailServices() {
		if slices.Contains(s.domains, domain) {
			return &s
		}
	}
	return nil
}

// runs says whether host is one of s's own servers: one of its hosts or
// a name under one of them.
func (s *mailService) runs(host string) bool {
	host = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), ".")
	for _, h := range s.hosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// freeMailWarnings are the warnings, naming the file, the line and the
// column of from:, of each address of a from: written out (no template)
// that is a free mail service's (serviceOf) while smtp.host is set and
// not one of that service's servers: such mail fails DMARC (see
// mailService), and under Gmail's and Yahoo's bulk-sender rules goes to
// spam or is refused, whatever the rest of the message. A From a row
// makes is not looked at; with a dkim: section render refuses such a
// From already (its domain cannot align).
func (c *Campaign) freeMailWarnings(file string, data []byte) []string {
	if c.SMTP.Host == "" {
		return nil
	}
	var out []string
	for _, a := range writtenAddresses(c.From) {
		domain := a.Address[strings.LastIndexByte(a.Address, '@')+1:]
		s := serviceOf(domain)
		if s == nil || s.runs(c.SMTP.Host) {
			continue
		}
		line, col := position(data, "from")
		text := fmt.Sprintf("from: %s is a %s address, sent through %s, which is not %s's: %s's DMARC policy passes only mail its own servers send, "+
			"so receivers (Gmail and Yahoo among them) refuse such mail or file it as spam; send From an address of a domain of your own, signed with a dkim: key of it "+
			"(%s's own server, %s, passes it but takes a few hundred messages a day from an account, not a newsletter's list, and may close an account that sends one)",
			a.Address, s.name, c.SMTP.Host, s.name, strings.ToLower(domain), s.name, s.server)
		out = append(out, (&FileError{File: file, Line: line, Column: col, Err: errors.New(text)}).Error())
	}
	return out
}
