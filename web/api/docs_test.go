package api

import (
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/lms"
	"github.com/lyceumhq/lyceum/internal/store"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

// docRow matches a route row of a table in docs/api.md:
// "| METHOD | /api/v1/path?query | ...".
var docRow = regexp.MustCompile("(?m)^\\| (GET|POST|PUT|PATCH|DELETE) \\| (/api/v1/[^ ?|]*)[^|]*\\|")

// TestAPIDocMatchesTheRouteTable reads the route tables of docs/api.md:
// every route of the table is documented once, deprecated routes in the
// "Deprecated routes" section only, and the document names no route the
// server lacks, so the document cannot drift from the code.
func TestAPIDocMatchesTheRouteTable(t *testing.T) {
	e := newCourseEnvWith(t, storetest.SQLite(t), withUserImport(t), withGrades(t),
		func(p *Params, _ store.Store) {
			p.WS = http.NotFoundHandler()
			p.QuizGuestWS = func(w http.ResponseWriter, r *http.Request, _ *lms.GamePlayer) { http.NotFound(w, r) }
		})
	b, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	deprecatedAt := strings.Index(doc, "\n## Deprecated routes")
	if deprecatedAt < 0 {
		t.Fatal(`docs/api.md has no "## Deprecated routes" section`)
	}
	documented := map[string]int{} // "METHOD /path" -> rows
	documentedDeprecated := map[string]bool{}
	for _, m := range docRow.FindAllStringSubmatchIndex(doc, -1) {
		key := doc[m[2]:m[3]] + " " + doc[m[4]:m[5]]
		documented[key]++
		if m[0] > deprecatedAt {
			documentedDeprecated[key] = true
		}
	}
	var missing []string
	for _, rt := range e.api.routes {
		key := rt.Method + " " + rt.Path
		switch n := documented[key]; {
		case n == 0:
			missing = append(missing, key)
		case n > 1:
			t.Errorf("%s is documented %d times", key, n)
		case (rt.Deprecated != "") != documentedDeprecated[key]:
			t.Errorf("%s: deprecated %v in the route table, documented as deprecated %v", key, rt.Deprecated != "",
				documentedDeprecated[key])
		}
		delete(documented, key)
	}
	sort.Strings(missing)
	for _, key := range missing {
		t.Errorf("docs/api.md does not document %s", key)
	}
	for key := range documented {
		t.Errorf("docs/api.md documents %s, which is not a route", key)
	}
}
