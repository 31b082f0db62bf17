// Package preview writes what a campaign would send without sending it:
// one .eml file per message (RFC 5322, as render made it), a report.csv
// listing every row with its status, and a static gallery page (index.html
// with its scripts) to look at every message in a browser opened from the
// file system. The gallery parses each message for display with the
// standard library's MIME readers (RFC 2045-2047, RFC 2231 parameters) and
// shows recipient data and message content only as text.
package preview
