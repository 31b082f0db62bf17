package feedback

import (
	"net/textproto"
	"strings"
)

// autoReplySubjects are subject words of vacation and out-of-office
// answers in the languages bulk mail meets most (lower case).
var autoReplySubjects = []string{
	"out of office", "out of the office", "automatic reply", "auto-reply", "autoreply",
	"auto reply", "auto-response", "autoresponse", "automatic response",
	"autosvar", "automatisk svar", "automatiskt svar", "abwesenheitsnotiz", "automatische antwort",
	"automatisch antwoord", "afwezigheidsmelding", "réponse automatique", "absence du bureau",
	"respuesta automática", "fuera de la oficina", "risposta automatica", "fuori sede",
	"resposta automática", "odpowiedź automatyczna", "automaattinen vastaus", "autovastaus",
	"自动回复", "自動回覆", "自动答复", "自動返信", "自動応答", "자동 회신", "자동회신",
}

// autoReplyHeaders mark automatic answers by custom (any value but a no).
var autoReplyHeaders = []string{"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autoreply-From"}

// autoReplyFormat tells whether a message that is no report and no bounce
// is an automatic reply, and by what: Auto-Submitted: auto-replied (RFC
// 3834 5.2), an X-Autoreply-like field, Precedence: auto_reply, an
// out-of-office subject, or any other Auto-Submitted value (auto-generated,
// as Exchange sends) on a message that answers another (In-Reply-To or
// References). It returns "" for none of them.
func autoReplyFormat(h textproto.MIMEHeader, rep *Report) Format {
	as := strings.ToLower(firstWord(strings.ReplaceAll(h.Get("Auto-Submitted"), ";", " ")))
	if as == "auto-replied" {
		return FormatAutoSubmitted
	}
	for _, name := range autoReplyHeaders {
		if v := strings.ToLower(strings.TrimSpace(h.Get(name))); v != "" && v != "no" && v != "false" && v != "0" {
			return FormatXAutoreply
		}
	}
	if strings.EqualFold(strings.TrimSpace(h.Get("Precedence")), "auto_reply") {
		return FormatPrecedence
	}
	if containsAny(strings.ToLower(rep.Subject), autoReplySubjects) {
		return FormatSubject
	}
	if as != "" && as != "no" && (len(rep.InReplyTo) > 0 || len(rep.References) > 0) {
		return FormatAutoSubmitted
	}
	return ""
}
