package course

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes whose value a browser loads or follows as a
// URL (HTML and SVG); none may hold anything but an http(s) or relative URL.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "srcset": true, "poster": true, "cite": true, "action": true, "formaction": true,
	"data": true, "background": true, "longdesc": true, "usemap": true, "xlink:href": true, "ping": true,
	"manifest": true, "codebase": true, "icon": true, "dynsrc": true, "lowsrc": true, "itemtype": true,
	"archive": true, "classid": true, "profile": true,
}

// checkURLs fails for any URL attribute in out that is not http(s) or
// relative (mailto only on a link), and for any id not prefixed
// "user-content-".
func checkURLs(t *testing.T, out string) {
	t.Helper()
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if key == "id" || key == "name" {
				if !strings.HasPrefix(a.Val, "user-content-") {
					t.Errorf("<%s %s=%q> keeps a user-chosen %s: %s", tok.Data, key, a.Val, key, out)
				}
				continue
			}
			if !urlAttrs[key] {
				continue
			}
			if !safeTestURL(a.Val, tok.Data == "a" && key == "href") {
				t.Errorf("<%s %s=%q> is not an http(s) or relative URL: %s", tok.Data, key, a.Val, out)
			}
		}
	}
}

// safeTestURL is the test's own idea of a safe URL, written independently of
// the sanitiser's: it parses the value as a browser would after removing the
// tabs and newlines browsers ignore in URLs.
func safeTestURL(v string, link bool) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimLeft(v, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
	u, err := url.Parse(v)
	if err != nil {
		return false
	}
	switch strings.ToLower(u.Scheme) {
	case "", "http", "https":
		return true
	case "mailto":
		return link
	}
	return false
}

func TestRenderMarkdownAllowsOnlyWebURLsAndNoIDs(t *testing.T) {
	cases := []struct {
		name, src string
		kept      []string // must appear in the output
	}{
		{"video poster javascript", `<video controls poster="javascript:alert(1)" src="/api/v1/uploads/3"></video>`,
			[]string{`src="/api/v1/uploads/3"`}},
		{"video poster data", `<video poster="data:image/svg+xml,<svg onload=alert(1)>" src="/v.mp4"></video>`, []string{"<video"}},
		{"video poster entity-encoded", `<video poster="&#106;avascript:alert(1)"></video>`, nil},
		{"source src javascript", `<video controls><source src="javascript:alert(1)" type="video/mp4"></video>`, nil},
		{"source src vbscript", `<audio controls><source src="vbscript:msgbox(1)"></audio>`, nil},
		{"source src with a tab in the scheme", "<video><source src=\"java\tscript:alert(1)\"></video>", nil},
		{"source src with leading control characters", "<video><source src=\"\x01 javascript:alert(1)\"></video>", nil},
		{"source srcset javascript", `<video><source srcset="javascript:alert(1) 1x"></video>`, nil},
		{"img srcset javascript", `<img src="/a.png" srcset="javascript:alert(1) 2x">`, []string{`src="/a.png"`}},
		{"img src data", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, nil},
		{"audio src javascript", `<audio controls src="javascript:alert(1)"></audio>`, nil},
		{"video src javascript", `<video controls src="JAVASCRIPT:alert(1)"></video>`, nil},
		{"link data", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, []string{"x"}},
		{"link vbscript", `<a href="vbscript:msgbox(1)">x</a>`, []string{"x"}},
		{"link entity-encoded javascript", `<a href="&#x6A;avascript&#x3A;alert(1)">x</a>`, []string{"x"}},
		{"markdown link with a newline in the scheme", "[x](java\nscript:alert(1))", nil},
		{"blockquote cite javascript", `<blockquote cite="javascript:alert(1)">q</blockquote>`, []string{"q"}},
		{"q cite javascript", `<q cite="javascript:alert(1)">q</q>`, nil},
		{"del and ins cite javascript", `<del cite="javascript:alert(1)">a</del><ins cite="javascript:alert(1)">b</ins>`, nil},
		{"image map", `<img src="/a.png" usemap="#m"><map name="app"><area href="javascript:alert(1)"></map>`, nil},
		{"form action", `<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>`, nil},
		{"object data", `<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">`, nil},
		{"svg xlink", `<svg><a xlink:href="javascript:alert(1)"><text>t</text></a></svg>`, nil},
		{"table background", `<table background="javascript:alert(1)"><tr><td>c</td></tr></table>`, []string{"<td>c</td>"}},
		{"id of the app's root", `<div id="app">x</div><h2 id="main">y</h2><span id="user-menu">z</span>`, []string{"x", "y", "z"}},
		{"name on an image", `<img src="/a.png" name="getElementById">`, []string{`src="/a.png"`}},
		{"web URLs survive", `<video controls poster="https://cdn.example/p.jpg" src="/api/v1/uploads/7">` +
			`<source src="/api/v1/uploads/8" type="video/mp4"></video> <a href="#top">top</a> ` +
			`<a href="mailto:ada@school.example">mail</a> <img src="//cdn.example/x.png">`,
			[]string{`poster="https://cdn.example/p.jpg"`, `src="/api/v1/uploads/8"`, `href="#top"`,
				`href="mailto:ada@school.example"`, `src="//cdn.example/x.png"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := RenderMarkdown(c.src)
			checkURLs(t, out)
			for _, k := range c.kept {
				if !strings.Contains(out, k) {
					t.Errorf("output lacks %q: %s", k, out)
				}
			}
		})
	}
}
