package statefile

import "path/filepath"

// Own reports whether name, directly in a campaign's state folder, is
// one tidings writes there: the journal and its lock, the report files
// and their temporary files, the spool, the report page's data and the
// preview's default folder. A name the user gave a file of their own (the
// state folder may be a folder they keep other things in) is not.
func Own(name string) bool {
	for _, p := range ownNames() {
		if ok, _ := filepath.Match(p, name); ok { // the patterns are well-formed
			return true
		}
	}
	return false
}

// ownNames lists what tidings writes directly in a state folder, by name
// or pattern; it is the one list of them (statefile cannot import the
// writers, which import it: a test checks their names are here).
func ownNames() []string {
	return []string{
		"journal.jsonl",       // journal.FileName
		"send.lock",           // journal.LockFileName
		"send.lock.held",      // its mark where locks are files (Windows)
		"report.lock",         // journal.ReportLockName
		"report.csv",          // report.CSVFile
		"report.json",         // report.JSONFile
		"report.html",         // report.PageFile
		"report-data",         // report.PageDataDir
		".report.log",         // the reporter's log
		".report.log-*",       // a second reporter's (report.Options.OwnLog)
		".report.csv.*.tmp",   // report files being written, before their rename
		".report.json.*.tmp",  // (also .report.json.rows.*.tmp)
		".report.html.*.tmp",  // report.WriteAtomic
		"spool",               // spool.Folder
		"message-id.salt",     // plan.IDSaltFile
		"message-id.salt.tmp", // it being written
		"preview",             // the preview's folder when no --out is given
		"bounces.read",        // bounces.ReadFile
		"bounces.read.tmp",    // it being written
	}
}
