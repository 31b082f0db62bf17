package templates

import (
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
)

// Outlook's conditional comments (<!--[if mso]>…<![endif]-->, and the
// "downlevel-revealed" <!--[if !mso]><!-->…<!--<![endif]-->) are how an
// email builder's HTML (MJML, Stripo, Mailchimp's) gives Outlook for
// Windows the fixed-width tables and settings only it reads. html/template
// drops every comment of a template, so an html: body or a layout would
// lose them without a word and Outlook would show the page at its own
// width. keepConditionalComments puts each such marker back through a
// function, as the built-in layout does (render/markdown's outlookOpen).

// conditionalFunc is the function the rewritten source calls for a
// marker: {{_c N}} prints the Nth marker.
const conditionalFunc = "_c"

// conditionalRE finds the markers: an opening <!--[if …]> (with <!--> or
// <!-- --> after it, downlevel-revealed) or a closing <![endif]--> (with
// <!-- before it).
var conditionalRE = regexp.MustCompile(`(?i)<!--\[if [^\]{}\n]*\]>(?:<!--(?: --)?>)?|(?:<!--)?<!\[endif\]-->`)

// templateActionRE finds a template's actions (and its {{/* comments
// */}}), whose text is never a marker, and its <style> and <script>
// elements, where html/template keeps a comment and would escape a
// marker's action as CSS or JavaScript.
var templateActionRE = regexp.MustCompile(`(?is)\{\{/\*.*?\*/\}\}|\{\{.*?\}\}|<(?:style|script)\b[^>]*>.*?</(?:style|script)\s*>`)

// keepConditionalComments returns src with each pair of conditional
// comment markers outside actions, an opening one followed by its closing
// one, replaced by an action of the same length on the same line (so that
// every line and column a problem names stays the source's), and the
// function that action calls; a nil function and src itself when there
// are none. A marker with no partner is left as written: made to print,
// a lone opening one would hide the rest of the message.
func keepConditionalComments(src string) (string, func(int) htmltemplate.HTML) {
	found := conditionalMarkers(src)
	var b strings.Builder
	var markers []string
	last := 0
	for i := 0; i+1 < len(found); i++ {
		open, shut := src[found[i][0]:found[i][1]], src[found[i+1][0]:found[i+1][1]]
		if !isOpening(open) || isOpening(shut) || revealed(open) != revealed(shut) {
			continue
		}
		for _, m := range [][]int{found[i], found[i+1]} {
			call := "{{" + conditionalFunc + " " + strconv.Itoa(len(markers))
			if len(call)+2 > m[1]-m[0] {
				return src, nil // past 100,000 markers: no room
			}
			b.WriteString(src[last:m[0]])
			b.WriteString(call + strings.Repeat(" ", m[1]-m[0]-len(call)-2) + "}}")
			markers = append(markers, src[m[0]:m[1]])
			last = m[1]
		}
		i++
	}
	if markers == nil {
		return src, nil
	}
	b.WriteString(src[last:])
	return b.String(), func(n int) htmltemplate.HTML { return htmltemplate.HTML(markers[n]) }
}

// conditionalMarkers are the spans of src's markers outside its actions
// and its <style> and <script> elements.
func conditionalMarkers(src string) [][]int {
	actions := templateActionRE.FindAllStringIndex(src, -1)
	var out [][]int
	for _, m := range conditionalRE.FindAllStringIndex(src, -1) {
		inside := false
		for _, a := range actions {
			if m[0] < a[1] && a[0] < m[1] {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	return out
}

// isOpening reports whether marker opens a conditional block.
func isOpening(marker string) bool { return strings.HasPrefix(strings.ToLower(marker), "<!--[if") }

// revealed reports whether marker is of the downlevel-revealed form.
func revealed(marker string) bool {
	if isOpening(marker) {
		return strings.HasSuffix(marker, "-->")
	}
	return strings.HasPrefix(marker, "<!--<!")
}
