package campaign

import "strings"

// DotlessDomain returns the domain of the addr-spec addr when it has no
// dot ("anna@example", ".de" left out), and true: a valid address (RFC
// 5321 allows a domain of one label, and a test server may take it) that
// no mail server on the Internet takes mail for, which tidings warns of
// rather than refuses. An address without a domain, or with an address
// literal ("lab@[192.0.2.1]"), has none: false. The full stops IDNA
// takes for dots (UTS #46: "。", as a Japanese or Chinese input method
// types it, "．" and "｡") are dots: "例え。jp" goes out as xn--r8jz45g.jp.
func DotlessDomain(addr string) (string, bool) {
	at := strings.LastIndexByte(addr, '@')
	domain := addr[at+1:]
	if at < 0 || domain == "" || strings.ContainsAny(domain, ".\u3002\uff0e\uff61") || strings.HasPrefix(domain, "[") {
		return "", false
	}
	return domain, true
}
