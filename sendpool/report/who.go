package report

import (
	"net/mail"
	"strings"
)

// Who splits a To as render writes it for the report (a mailbox, "Ann
// Lee" <ann@example.org>, or a list of them) into each one's name and
// address, the name unquoted, for a page to show as one reads it: nil
// for a single bare address, or for a To that does not parse (a page
// shows either as it is).
func Who(to string) [][2]string {
	if to == "" {
		return nil
	}
	list, err := mail.ParseAddressList(to)
	if err != nil || len(list) == 1 && list[0].Name == "" {
		return nil
	}
	who := make([][2]string, len(list))
	for i, a := range list {
		who[i] = [2]string{a.Name, a.Address}
	}
	return who
}

// WhoText joins who as the report page's script does when a row's To is
// left out of its chunk: each "name <address>", or the address alone
// where there is no name, ", " between them. A To equal to it is given
// back whole by who; one written otherwise (a name in quotes, an encoded
// word) is not, and is kept.
func WhoText(who [][2]string) string {
	var b strings.Builder
	for i, m := range who {
		if i > 0 {
			b.WriteString(", ")
		}
		if m[0] == "" {
			b.WriteString(m[1])
			continue
		}
		b.WriteString(m[0] + " <" + m[1] + ">")
	}
	return b.String()
}
