package report

import "net/mail"

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
