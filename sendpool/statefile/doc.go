// Package statefile writes the files tidings keeps about recipients: a
// campaign's state folder (journal, lock, spool, reports) and a preview's
// folder. What it writes is its owner's only (files 0600, folders 0700)
// and never written through a symbolic link: a link where such a file
// should be is refused, naming its path, and nothing reaches the link's
// target. The folder the files go into may itself be reached through a
// link (a state folder moved to a bigger disk): only the file's own name
// is checked, and the name of each folder tidings makes in it (Mkdir:
// spool/, preview/, report-data/ ...), where a link is refused the same way.
//
// It is a leaf: it imports nothing of tidings, so that every package that
// writes into the state folder can use it.
package statefile
