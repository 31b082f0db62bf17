package render

import (
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestUnsubscribeURLNotHTTPSOnce: an unsubscribe.url template whose text
// before its first action already keeps the URL from being https
// (http://…, ftp://…, a host without a scheme) is one error of the
// campaign file at the setting's line, not the same problem on every
// row; one that may still make an https URL sets up.
func TestUnsubscribeURLNotHTTPSOnce(t *testing.T) {
	for _, url := range []string{`"http://acme.example/u?id={{.id}}"`, `"acme.example/u?id={{.id}}"`, `"ftp://x/{{.id}}"`, `"Https:/x/{{.id}}"`} {
		_, err := trySetup(t, yamlWith(map[string]string{"unsubscribe": "\n  one_click: true\n  url: " + url}), bodyFile, []string{"email", "id"})
		var fe *campaign.FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrUnsubscribe) || fe.Line != 8 || !strings.HasSuffix(fe.File, "campaign.yaml") ||
			!strings.Contains(err.Error(), "render: unsubscribe.url: ") || !strings.Contains(err.Error(), "every row's URL starts") || strings.Count(err.Error(), "want an https:// URL") != 1 {
			t.Errorf("url %s: got %v, want one ErrUnsubscribe at campaign.yaml:8", url, err)
		}
	}
	for _, url := range []string{`"https://acme.example/u?id={{.id}}"`, `"HTTPS://{{.id}}"`, `"htt{{.id}}"`, `"{{.id}}"`, `"Https:/{{.id}}"`, `" https://acme.example/{{.id}}"`} {
		if _, err := trySetup(t, yamlWith(map[string]string{"unsubscribe": "{url: " + url + "}"}), bodyFile, []string{"email", "id"}); err != nil {
			t.Errorf("url %s: %v", url, err)
		}
	}
}
