package feedback

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Status is an enhanced mail system status code (RFC 3463):
// class.subject.detail, such as 5.1.1. The zero Status means none was given.
type Status struct {
	Class   int // 2 success, 4 persistent transient failure, 5 permanent failure
	Subject int // 0-999
	Detail  int // 0-999
}

// ParseStatus reads "class.subject.detail" (class 2, 4 or 5; subject and
// detail of one to three digits) and rejects anything else.
func ParseStatus(s string) (Status, error) {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return Status{}, fmt.Errorf("feedback: %q is no enhanced status code", s)
	}
	var n [3]int
	for i, p := range parts {
		if len(p) < 1 || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return Status{}, fmt.Errorf("feedback: %q is no enhanced status code", s)
		}
		n[i], _ = strconv.Atoi(p)
	}
	return Status{Class: n[0], Subject: n[1], Detail: n[2]}, nil
}

// IsZero reports whether s is the zero Status (none given).
func (s Status) IsZero() bool { return s == Status{} }

// String writes "5.1.1", or "" for the zero Status.
func (s Status) String() string {
	if s.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", s.Class, s.Subject, s.Detail)
}

// MarshalText writes String.
func (s Status) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads what ParseStatus reads, or "" for the zero Status.
func (s *Status) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*s = Status{}
		return nil
	}
	st, err := ParseStatus(string(b))
	if err != nil {
		return err
	}
	*s = st
	return nil
}

// mailboxFull reports whether s is 5.2.2 or 4.2.2 (mailbox full).
func (s Status) mailboxFull() bool {
	return (s.Class == 5 || s.Class == 4) && s.Subject == 2 && s.Detail == 2
}

var statusRe = regexp.MustCompile(`[245]\.\d{1,3}\.\d{1,3}`)

// findStatus returns the first enhanced status code standing alone in
// text: not part of a longer dotted number such as an IP address.
func findStatus(text string) Status {
	for _, m := range statusRe.FindAllStringIndex(text, 20) {
		if m[0] > 0 && (isDigit(text[m[0]-1]) || text[m[0]-1] == '.') {
			continue
		}
		if m[1] < len(text) && (isDigit(text[m[1]]) ||
			text[m[1]] == '.' && m[1]+1 < len(text) && isDigit(text[m[1]+1])) {
			continue
		}
		if st, err := ParseStatus(text[m[0]:m[1]]); err == nil {
			return st
		}
	}
	return Status{}
}

var replyCodeRe = regexp.MustCompile(`[45][0-5]\d`)

// findReplyCode returns the first SMTP reply code (RFC 5321 4.2: 4yz or 5yz)
// in text standing as a word followed by a space, a hyphen or the end, or
// 0 when there is none.
func findReplyCode(text string) int {
	for _, m := range replyCodeRe.FindAllStringIndex(text, 20) {
		if m[0] > 0 && (isDigit(text[m[0]-1]) || isLetter(text[m[0]-1]) || text[m[0]-1] == '.') {
			continue
		}
		if m[1] < len(text) && text[m[1]] != ' ' && text[m[1]] != '-' && text[m[1]] != '\r' && text[m[1]] != '\n' {
			continue
		}
		n, _ := strconv.Atoi(text[m[0]:m[1]])
		return n
	}
	return 0
}

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
