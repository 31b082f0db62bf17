// Package report is the result report of a campaign: one line per sheet
// row (Row) in report.csv (RFC 4180, through github.com/gocarina/gocsv,
// with cells a spreadsheet would run as formulas defused) and report.json
// (with a Summary, and the Ending of the last send: how it ended, for a
// script), written atomically so a reader never sees half a file.
//
// A Reporter keeps the report of a running send and rewrites the files as
// results arrive, so an interrupted run still leaves a true report.
// RebuildFromSpool makes the report afresh from the journal (package
// sendpool/journal) and a spool generation's judgement of the rows, and
// Rebuild from the journal and the sheet as it is, at any time, also
// while a send runs elsewhere.
// WritePage writes the report page (report.html) from the rows as a stream
// (a Reporter's Each), holding none of them but the first 100 that need a
// person, which the page lists as plain HTML for a reader without
// JavaScript.
package report
