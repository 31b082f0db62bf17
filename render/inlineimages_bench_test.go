package render

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// manyImagesFiles is an HTML body of about size bytes, a paragraph of
// text between references, with images distinct inline images (cid:) and
// a row's own image (cid:{{.qr}}) by each, and the image files.
func manyImagesFiles(size, images int) map[string]string {
	files := map[string]string{}
	para := "<p>" + strings.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit.\n", size/images/58) + "</p>\n"
	var b strings.Builder
	b.WriteString("<html><body>\n")
	for i := range images {
		name := fmt.Sprintf("img%d.png", i)
		files[name] = "\x89PNG\r\n\x1a\n"
		fmt.Fprintf(&b, "<img src=\"cid:%s\" alt=\"\"><img src=\"cid:{{.qr}}\" alt=\"\">\n%s", name, para)
	}
	b.WriteString("</body></html>\n")
	files["body.html"] = b.String()
	files["people.csv"] = "email,qr\nx@example.com,q.png\n"
	return files
}

// BenchmarkInlineImages: reading the inline images of an HTML body with
// many of them grows with the body and their number, not with the two
// multiplied (0.5 MB with 500 images, 4.7 MB with 4,700).
func BenchmarkInlineImages(b *testing.B) {
	yaml := "name: n\nfrom: \"A <a@acme.example>\"\nsubject: Hi\nhtml: body.html\nrecipients: {path: people.csv}\n"
	for _, c := range []struct {
		name         string
		size, images int
	}{{"0.5MB", 500_000, 500}, {"4.7MB", 4_700_000, 4_700}} {
		b.Run(c.name, func(b *testing.B) {
			e := setup(b, yaml, manyImagesFiles(c.size, c.images), []string{"email", "qr"})
			b.SetBytes(int64(len(e.set.HTML.Source())))
			b.ResetTimer()
			for b.Loop() {
				imgs, err := inlineImages(e.set.HTML, "n", true)
				if err != nil || len(imgs) != c.images {
					b.Fatalf("%d images, %v", len(imgs), err)
				}
			}
		})
	}
}

// TestInlineImageLines: each inline image error names its own line, with
// images of the row's own and good ones between them: the lines are
// counted as the references come, not from the body's start for each.
func TestInlineImageLines(t *testing.T) {
	yaml := "name: n\nfrom: \"A <a@acme.example>\"\nsubject: Hi\nhtml: body.html\nrecipients: {path: people.csv}\n"
	body := "<p>Hi</p>\n<img src=\"cid:gone1.png\">\n<img src=\"cid:{{.qr}}\"><img src=\"cid:logo.png\">\n\n" +
		"<img src=\"cid:gone1.png\"> <img src=\"cid:{{.qr}}\">\n<img src=\"cid:a/x.png\">\n<p>\n<img src=\"cid:gone2.png\"><img src=\"cid:été.png\">\n"
	_, err := trySetup(t, yaml, map[string]string{"body.html": body, "logo.png": "\x89PNG", "people.csv": "email,qr\nx@example.com,q.png\n"}, []string{"email", "qr"})
	var got []string
	for _, e := range unjoin(err) {
		var fe *campaign.FileError
		if errors.As(e, &fe) {
			got = append(got, fmt.Sprint(fe.Line, " ", strings.SplitN(fe.Err.Error(), ":", 3)[1]))
		}
	}
	want := []string{"2  inline image cid", "6  inline image cid", "8  inline image cid", "8  inline image cid"}
	if !slices.Equal(got, want) {
		t.Errorf("errors at %q, want %q (%v)", got, want, err)
	}
}

// unjoin is the errors errors.Join joined into err, at every depth.
func unjoin(err error) []error {
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		if err == nil {
			return nil
		}
		return []error{err}
	}
	var out []error
	for _, e := range j.Unwrap() {
		out = append(out, unjoin(e)...)
	}
	return out
}
