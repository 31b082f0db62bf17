package feedback

import (
	"regexp"
	"strings"
)

// signature is the wording by which one mail system's plain-text bounce is
// recognised: phrases of a failure notice and of a delay notice (lower
// case, single spaces). A phrase only counts together with the structure
// around it: see plainBounce.
type signature struct {
	format  Format
	failed  []string
	delayed []string
}

var signatures = []signature{
	{FormatQmail, []string{"this is the qmail-send program"}, nil},
	{FormatYahoo, []string{"sorry, we were unable to deliver your message"}, nil},
	{FormatExim, []string{"this message was created automatically by mail delivery software",
		"a message that you sent could not be delivered"},
		[]string{"a message that you sent has not yet been delivered"}},
	{FormatPostfix, []string{"this is the mail system at host"},
		[]string{"this is a warning only", "delayed mail (still being retried)"}},
	{FormatExchange, []string{"delivery has failed to these recipients or groups",
		"your message couldn't be delivered", "couldn't be delivered to", "wasn't delivered to"},
		[]string{"delivery to the following recipients has been delayed",
			"delivery to these recipients or groups has been delayed", "hasn't been delivered yet"}},
	{FormatGmail, []string{"delivery to the following recipient failed permanently",
		"delivery to the following recipients failed permanently"},
		[]string{"delivery to the following recipient has been delayed",
			"delivery to the following recipients has been delayed"}},
	{FormatSendmail, []string{"the following addresses had permanent fatal errors"},
		[]string{"the following addresses had transient non-fatal errors"}},
	{FormatChinese, []string{"退信", "无法送达", "未能送达", "无法投递", "被退回", "投递失败", "发送失败", "無法送達", "退件"},
		[]string{"延迟投递", "延迟送达", "延期投递"}},
	// Digital Arts m-FILTER, a mail gateway common in Japanese companies
	// (its notice comes in ISO-2022-JP, subject "failure notice").
	{FormatJapanese, []string{"以下のメールアドレスへの送信に失敗しました", "このメールは送信できませんでした"}, nil},
}

// separators start the copy of the original message in a bounce's text
// (lower case); the report part ends at the first line holding one.
var separators = []string{
	"below this line is a copy of the message",
	"enclosed are the original headers of the message",
	"this is a copy of the message",
	"this is a copy of your message",
	"original message follows",
	"message header follows",
	"original message header follows",
	"original message headers:",
	"----- original message -----",
	"-------original message", "-------original mail info",
	"undelivered message",
	"原邮件", "原始邮件", "原信件",
}

// bounceSubject matches the subjects of bounces and delay notices.
var bounceSubject = regexp.MustCompile(`(?i)undeliver|returned mail|return(?:ed)? to sender|` +
	`delivery status notification|delivery (?:has )?fail|delivery failure|failure notice|` +
	`mail delivery failed|delivery notification|could not be delivered|couldn't be delivered|` +
	`delivery problem|non[- ]?remis|unzustellbar|nicht zustellbar|delayed mail|delivery delayed|` +
	`warning: message .* delayed|退信|无法送达|未能送达|投递失败|發送失敗|退件`)

// replyPrefix matches the subject prefix of a person's reply or forward.
var replyPrefix = regexp.MustCompile(`(?i)^\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|rv|antw|odp|回复|回覆|转发|轉寄)\s*(?:\[\d+\])?\s*[:：]`)

// isBounceSubject reports whether subject is a bounce's, not a person's
// reply to or forward of one.
func isBounceSubject(subject string) bool {
	return !replyPrefix.MatchString(subject) && bounceSubject.MatchString(subject)
}

// daemonNames are display names of mail systems' own senders (lower case).
var daemonNames = []string{"mail delivery", "mailer-daemon", "mailer daemon", "postmaster", "delivery status", "系统退信"}

// senderSignal reports whether the message comes from a mail system: a
// MAILER-DAEMON or postmaster address or name, an empty Return-Path (RFC
// 5321 4.5.5: notifications go with a null reverse path), or Exim's
// X-Failed-Recipients.
func (m *message) senderSignal() bool {
	if isDaemon(m.rep.From) || strings.TrimSpace(m.header.Get("Return-Path")) == "<>" ||
		m.header.Get("X-Failed-Recipients") != "" {
		return true
	}
	name := strings.ToLower(m.fromName)
	for _, d := range daemonNames {
		if strings.Contains(name, d) {
			return true
		}
	}
	return false
}

// plainBounce recognises a bounce sent as plain text (maybe with the
// original attached). It needs a sign of a mail system as sender or a
// bounce subject; then either a known wording with a recipient or the
// original message in the text, or, in no known wording, both signs and a
// recipient with an SMTP reply or enhanced status code. It reports whether
// the message is such a bounce; a known wording in a bounce that names no
// recipient and no original message is an UnreadableError.
func (m *message) plainBounce() (bool, error) {
	sender, subject := m.senderSignal(), isBounceSubject(m.rep.Subject)
	if !sender && !subject {
		return false, nil
	}
	text, err := m.mainText()
	if err != nil {
		return false, err
	}
	sig, action := matchSignature(text)
	if sig == nil && !(sender && subject) {
		return false, nil
	}
	p := m.readPlain(text, action)
	format := FormatGeneric
	if sig != nil {
		format = sig.format
		if format == FormatChinese {
			format = chineseFormat(m.rep.From)
		}
	} else if !p.coded {
		return false, nil
	}
	if len(p.recipients) == 0 && p.original.MessageID == "" {
		return true, unreadable("bounce ("+string(format)+") names no recipient and no original message", nil)
	}
	m.rep.Kind, m.rep.Format = KindBounce, format
	m.rep.Recipients, m.rep.Original = p.recipients, p.original
	return true, nil
}

// matchSignature finds the wording of text among the signatures and says
// whether it is a failure or a delay notice.
func matchSignature(text string) (*signature, string) {
	t := phraseText(text)
	for i := range signatures {
		s := &signatures[i]
		if containsAny(t, s.delayed) {
			return s, "delayed"
		}
		if containsAny(t, s.failed) {
			return s, "failed"
		}
	}
	return nil, "failed"
}

// phraseText lower-cases text, straightens apostrophes and collapses white
// space, for phrase matching.
func phraseText(text string) string {
	return oneLine(strings.ToLower(strings.ReplaceAll(text, "\u2019", "'")))
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// chineseFormat names a Chinese-language bounce by its sender's provider.
func chineseFormat(from string) Format {
	_, domain, _ := strings.Cut(from, "@")
	for _, d := range []string{"163.com", "126.com", "yeah.net", "188.com", "netease.com"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return FormatNetEase
		}
	}
	for _, d := range []string{"qq.com", "foxmail.com"} {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return FormatQQ
		}
	}
	return FormatChinese
}
