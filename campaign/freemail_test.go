package campaign

import (
	"strings"
	"testing"
)

// TestFreeMailWarnings: a From of a free mail service (gmail.com,
// yahoo.com …) sent through another server fails DMARC at every receiver
// that applies it, which check said nothing of (rev-user28): it is a
// warning naming the file, the line and column of from:, the service and
// the server to use; sent through the service's own server, from a
// domain of one's own, or from a template, it is not. Its advice sent a
// newsletter through the service's own server (smtp.host: smtp.gmail.com),
// which takes a few hundred messages a day from an account (rev-eng49):
// it names that server with its limit, a domain of one's own first.
func TestFreeMailWarnings(t *testing.T) {
	const smtp = "smtp: {host: %s, port: 587, security: starttls}\n"
	for _, tc := range []struct {
		name, from, host, want string
	}{
		{"gmail via a provider", `"News <acme.news@gmail.com>"`, "smtp.example.net",
			"2:7: from: acme.news@gmail.com is a Gmail address, sent through smtp.example.net, which is not Gmail's: gmail.com's DMARC policy passes only mail its own servers send"},
		{"yahoo via localhost, in capitals", `"News <News@Yahoo.COM>"`, "127.0.0.1",
			"2:7: from: News@Yahoo.COM is a Yahoo Mail address, sent through 127.0.0.1, which is not Yahoo Mail's: yahoo.com's DMARC policy"},
		{"advice names the service's server and its limits", `news@hotmail.com`, "mail.example.com",
			"send From an address of a domain of your own, signed with a dkim: key of it (Outlook.com's own server, smtp-mail.outlook.com, passes it but takes a few hundred messages a day from an account, not a newsletter's list"},
		{"gmail via gmail", `"News <acme.news@gmail.com>"`, "smtp.gmail.com", ""},
		{"outlook via office365", `news@outlook.com`, "smtp.office365.com", ""},
		{"own domain", `"News <news@acme.example>"`, "smtp.example.net", ""},
		{"template", `'{{.owner}} <{{.owner_email}}>'`, "smtp.example.net", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yaml := strings.Replace(minimalCampaign, `"Acme News <news@acme.example>"`, tc.from, 1) +
				strings.Replace(smtp, "%s", tc.host, 1)
			path := writeCampaign(t, yaml)
			c, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(c.Warnings, "\n")
			if tc.want == "" {
				if strings.Contains(got, "DMARC") {
					t.Errorf("warnings %q, want none about DMARC", got)
				}
				return
			}
			if !strings.Contains(got, tc.want) || !strings.Contains(got, path+":2:7: ") {
				t.Errorf("warnings %q, want %q at %s:2:7", got, tc.want, path)
			}
		})
	}
	// Without smtp.host nothing is sent yet: no warning.
	c, err := Load(writeCampaign(t, strings.Replace(minimalCampaign, `"Acme News <news@acme.example>"`, "a@gmail.com", 1)))
	if err != nil || strings.Contains(strings.Join(c.Warnings, "\n"), "DMARC") {
		t.Errorf("no smtp.host: %v, warnings %q", err, c.Warnings)
	}
}
