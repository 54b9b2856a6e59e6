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
// style, form, event handlers) plus video and audio players with sources.
// It is written out rather than derived from bluemonday.UGCPolicy because
// bluemonday's policies only add: UGCPolicy keeps every id (a lesson could
// hold id="app", the app's own root) and checks URLs only on some
// attributes (not video poster or source src).
var sanitizer = newSanitizer()

// Every URL attribute the policy allows holds an http(s) or relative URL
// (the parser has decoded entities by the time these match; whitespace is
// refused because browsers drop tabs and newlines inside URLs, so
// "java\tscript:" would run); links may also be mailto:.
var (
	webURL  = regexp.MustCompile(`^(?i:https?://\S*|[^\s:/?#]*(?:[/?#]\S*)?)$`)
	linkURL = regexp.MustCompile(`^(?i:https?://\S*|mailto:\S+|[^\s:/?#]*(?:[/?#]\S*)?)$`)
)

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	// URLs: bluemonday also parses href, src and cite and checks the scheme.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.AllowAttrs("href").Matching(linkURL).OnElements("a")
	p.AllowAttrs("src").Matching(webURL).OnElements("img", "video", "audio", "source")
	p.AllowAttrs("poster").Matching(webURL).OnElements("video")
	p.AllowAttrs("cite").Matching(webURL).OnElements("blockquote", "q", "del", "ins")

	// Text, structure, lists, tables and media: no id or name anywhere.
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[a-zA-Z]{2,20}$`)).Globally()
	p.AllowAttrs("title").Matching(bluemonday.Paragraph).Globally()
	p.AllowElements("article", "aside", "figure", "figcaption", "section", "summary", "hgroup",
		"h1", "h2", "h3", "h4", "h5", "h6", "br", "div", "hr", "p", "span", "wbr",
		"abbr", "acronym", "cite", "code", "dfn", "em", "mark", "s", "samp", "strong", "sub", "sup", "var",
		"b", "i", "pre", "small", "strike", "tt", "u", "rp", "rt", "ruby")
	p.AllowAttrs("open").Matching(regexp.MustCompile(`(?i)^(|open)$`)).OnElements("details")
	p.AllowAttrs("datetime").Matching(bluemonday.ISO8601).OnElements("time", "del", "ins")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("alt").Matching(bluemonday.Paragraph).OnElements("img")
	p.AllowAttrs("height", "width").Matching(bluemonday.NumberOrPercent).OnElements("img", "video")
	p.AllowAttrs("controls", "muted", "loop", "preload").OnElements("video", "audio")
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^(video|audio)/[a-z0-9.+-]+$`)).OnElements("source")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[a-zA-Z0-9_+-]+$`)).OnElements("code")
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

// UploadRefs returns the upload ids src links to (UploadURL), sorted,
// without duplicates: what a service outside this package records with
// SetUploadRefs for the Markdown it stores, so the files stay and their
// readers may open them.
func UploadRefs(src string) []int64 {
	var out []int64
	for _, m := range uploadRefPattern.FindAllStringSubmatch(src, -1) {
		if id, err := strconv.ParseInt(m[1], 10, 64); err == nil && id > 0 {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
