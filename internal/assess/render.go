package assess

import (
	"sync"

	"github.com/lyceumhq/lyceum/internal/course"
)

// Question Markdown is rendered and sanitised as lessons are
// (course.RenderMarkdown) each time a view is built: attempts show the
// same few texts again and again, so the results are kept in a small
// bounded cache (emptied when full) instead of rendering on every
// autosave.

const (
	maxRendered      = 4096     // cached texts
	maxRenderedBytes = 16 << 10 // longer texts are rendered, not cached
)

// mdCache remembers rendered Markdown.
type mdCache struct {
	mu sync.Mutex
	m  map[string]string // guarded by mu; source -> sanitised HTML
}

// render returns src rendered and sanitised.
func (c *mdCache) render(src string) string {
	if src == "" {
		return ""
	}
	c.mu.Lock()
	h, ok := c.m[src]
	c.mu.Unlock()
	if ok {
		return h
	}
	h = course.RenderMarkdown(src)
	if len(src) > maxRenderedBytes {
		return h
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxRendered {
		c.m = make(map[string]string, 64)
	}
	c.m[src] = h
	return h
}
