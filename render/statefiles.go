package render

import "path/filepath"

// The names of what tidings writes in a campaign's state folder that row
// data is refused (see keptFile) and that the writers name their files
// by (journal.FileName, journal.LockFileName, plan.IDSaltFile,
// spool.Folder): render is below all of them, so the one name is here.
const (
	// StateJournal is the journal, every recipient's address and result.
	StateJournal = "journal.jsonl"
	// StateLock is the send lock, made by the first send from the folder
	// and left there: with StateIDSalt, what marks a state folder.
	StateLock = "send.lock"
	// StateIDSalt holds the Message-ID salt, made by the first send.
	StateIDSalt = "message-id.salt"
	// StateSpool is the spool folder: every recipient's message.
	StateSpool = "spool"
)

// stateMarks are the files whose presence makes a folder a state folder:
// the ones only tidings writes (a file of the user's may be named
// journal.jsonl or report.csv; none send.lock beside them by chance).
var stateMarks = []string{StateLock, StateLock + ".held", StateIDSalt}

// StateWrote reports whether name, directly in a campaign's state folder,
// is one tidings writes there: the journal, the lock, the report files,
// the spool, the salt, the report page's data, the default preview
// folder and their temporary files. It is the list statefile.Own keeps
// (statefile is a leaf and cannot import render: a test holds the two the
// same). A name the user gave a file of their own is not.
func StateWrote(name string) bool {
	for _, p := range []string{
		StateJournal, StateLock, StateLock + ".held", "report.lock", "report.csv", "report.json",
		"report.html", "report-data", ".report.log", ".report.log-*", ".report.csv.*.tmp",
		".report.json.*.tmp", ".report.html.*.tmp", StateSpool, StateIDSalt, StateIDSalt + ".tmp",
		"preview", "bounces.read", "bounces.read.tmp",
	} {
		if ok, _ := filepath.Match(p, name); ok { // the patterns are well-formed
			return true
		}
	}
	return false
}
