package mailbox

import (
	"slices"
	"strings"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/commands"
	"github.com/emersion/go-imap/responses"
)

// folder is one folder of LIST.
type folder struct {
	name  string
	attrs []string
}

// listFolders returns every folder the server lists (LIST "" "*").
func (s *session) listFolders() ([]folder, error) {
	ch := make(chan *imap.MailboxInfo, 16)
	got := make(chan []folder, 1)
	go func() {
		var all []folder
		for m := range ch {
			all = append(all, folder{name: m.Name, attrs: m.Attributes})
		}
		got <- all
	}()
	_, err := s.run("LIST", &commands.List{Reference: "", Mailbox: "*"}, &responses.List{Mailboxes: ch})
	close(ch)
	all := <-got
	return all, err
}

// checkFolder returns a *FolderError when the server lists no folder
// called name (one that can hold messages); setting names where the name
// came from.
func (s *session) checkFolder(name, setting string) error {
	all, err := s.listFolders()
	if err != nil {
		return err
	}
	var names []string
	for _, f := range all {
		if slices.ContainsFunc(f.attrs, func(a string) bool { return strings.EqualFold(a, imap.NoSelectAttr) }) {
			continue
		}
		if sameFolder(f.name, name) {
			return nil
		}
		names = append(names, describeFolder(f))
	}
	return &FolderError{Addr: s.cfg.Addr(), Folder: name, Folders: names, Setting: setting}
}

// specialUses are RFC 6154's attributes, shown after a folder's name.
var specialUses = []string{`\Sent`, `\Junk`, `\Trash`, `\Drafts`, `\Archive`, `\All`, `\Flagged`}

// describeFolder is a folder's name with its special use: "已发送 (\Sent)".
func describeFolder(f folder) string {
	for _, a := range f.attrs {
		for _, u := range specialUses {
			if strings.EqualFold(a, u) {
				return f.name + " (" + u + ")"
			}
		}
	}
	return f.name
}

// sameFolder reports whether IMAP names a and b are one folder: INBOX is
// case-insensitive (RFC 3501 5.1), other names are not.
func sameFolder(a, b string) bool {
	return a == b || strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX")
}

// selectFolder selects name (read-only: EXAMINE) for the commands that
// follow. A folder the server does not list is a *FolderError naming
// setting; another refusal is the *ReplyError.
func (s *session) selectFolder(name string, readOnly bool, setting string) error {
	if s.selected != "" && sameFolder(s.selected, name) && s.readOnly == readOnly {
		return nil
	}
	mbox := &imap.MailboxStatus{Name: name, Items: make(map[imap.StatusItem]any)}
	s.c.SetState(imap.AuthenticatedState, nil)
	s.selected = ""
	st, err := s.run("SELECT", &commands.Select{Mailbox: name, ReadOnly: readOnly}, &responses.Select{Mailbox: mbox})
	if _, refused := err.(*ReplyError); refused {
		if ferr := s.checkFolder(name, setting); ferr != nil {
			return ferr
		}
		return err
	}
	if err != nil {
		return err
	}
	mbox.ReadOnly = st.Code == imap.CodeReadOnly
	s.c.SetState(imap.SelectedState, mbox)
	s.selected, s.readOnly = name, readOnly
	return nil
}
