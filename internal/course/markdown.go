package course

import (
	"bytes"
	"regexp"
	"slices"
	"strconv"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// UploadURLPrefix is where the HTTP layer serves uploads: a lesson or post
// body that links "/api/v1/uploads/<id>" references that upload (which
// keeps it from being swept and lets the lesson's readers fetch it).
const UploadURLPrefix = "/api/v1/uploads/"

// UploadURL returns the URL of an upload.
func UploadURL(id int64) string { return UploadURLPrefix + strconv.FormatInt(id, 10) }

var uploadRefPattern = regexp.MustCompile(regexp.QuoteMeta(UploadURLPrefix) + `([0-9]{1,18})`)

// markdown renders CommonMark + GitHub extensions. Raw HTML passes through
// goldmark (so a <video> can be embedded) and is then sanitised.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithRendererOptions(html.WithUnsafe()),
)

// sanitizer allows the user-generated-content set (no script, iframe,
// style, event handlers or javascript: URLs) plus video and audio players
// with sources.
var sanitizer = newSanitizer()

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowElements("video", "audio", "source")
	p.AllowAttrs("src").OnElements("video", "audio", "source")
	p.AllowAttrs("controls", "muted", "loop", "preload").OnElements("video", "audio")
	p.AllowAttrs("poster", "width", "height").OnElements("video")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(video|audio)/[a-z0-9.+-]+$`)).OnElements("source")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[a-zA-Z0-9_+-]+$`)).OnElements("code")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}

// RenderMarkdown renders Markdown to sanitised HTML: what lessons and posts
// store, and what the editor's live preview shows.
func RenderMarkdown(src string) string {
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		// goldmark's HTML renderer writes to a buffer and does not fail;
		// fall back to showing the source as text if it ever does.
		return sanitizer.Sanitize("<pre>" + bluemonday.StrictPolicy().Sanitize(src) + "</pre>")
	}
	return sanitizer.Sanitize(buf.String())
}

// uploadRefs returns the upload ids a body links to, sorted, without
// duplicates.
func uploadRefs(src string) []int64 {
	var out []int64
	for _, m := range uploadRefPattern.FindAllStringSubmatch(src, -1) {
		if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
