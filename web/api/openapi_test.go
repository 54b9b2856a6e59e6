package api

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/lyceumhq/lyceum/internal/store"
)

func TestOpenAPICoversTheRouteTable(t *testing.T) {
	e := newEnv(t, func(p *Params, _ store.Store) { p.WS = http.NotFoundHandler() })
	r := e.do(t, anon, "GET", "/api/v1/openapi.json", nil).want(t, 200)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
		Comps   struct {
			Schemas map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.json(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	for _, rt := range e.api.routes {
		raw, ok := doc.Paths[rt.Path][strings.ToLower(rt.Method)]
		if !ok {
			t.Errorf("%s %s is missing from the document", rt.Method, rt.Path)
			continue
		}
		var op struct {
			Deprecated  bool   `json:"deprecated"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal(raw, &op); err != nil {
			t.Fatal(err)
		}
		if op.Deprecated != (rt.Deprecated != "") || !strings.Contains(op.Description, rt.Deprecated) {
			t.Errorf("%s %s: deprecated %v (%q), want %v naming %q", rt.Method, rt.Path, op.Deprecated, op.Description,
				rt.Deprecated != "", rt.Deprecated)
		}
	}
	if _, ok := doc.Paths["/api/v1/ws"]["get"]; !ok {
		t.Error("the WebSocket route is missing")
	}
	t.Run("every $ref resolves", func(t *testing.T) {
		for _, ref := range findRefs(string(r.Body)) {
			name := strings.TrimPrefix(ref, "#/components/schemas/")
			if _, ok := doc.Comps.Schemas[name]; !ok {
				t.Errorf("dangling $ref %s", ref)
			}
		}
	})
}

func findRefs(doc string) []string {
	var out []string
	for _, part := range strings.Split(doc, `"$ref": "`)[1:] {
		out = append(out, part[:strings.IndexByte(part, '"')])
	}
	return out
}

func TestSchemaGenerator(t *testing.T) {
	g := newSchemaGen()
	type inner struct {
		A int `json:"a"`
	}
	type sample struct {
		Name     string       `json:"name"`
		Opt      string       `json:"opt,omitempty"`
		When     TimeLike     `json:"when"`
		Ptr      *string      `json:"ptr"`
		Skip     string       `json:"-"`
		List     []inner      `json:"list"`
		Role     SettingsBody `json:"settings,omitzero"`
		internal int
	}
	s := g.object(reflectType[sample]())
	b, _ := json.Marshal(s)
	got := string(b)
	for _, want := range []string{`"required":["name","when","list"]`, `"$ref":"#/components/schemas/inner"`,
		`"format":"date-time"`, `"additionalProperties":false`} {
		if !strings.Contains(got, want) {
			t.Errorf("schema %s lacks %s", got, want)
		}
	}
	if strings.Contains(got, "Skip") || strings.Contains(got, "internal") {
		t.Errorf("schema %s has skipped fields", got)
	}
	comp, _ := json.Marshal(g.components["SettingsBody"])
	if !strings.Contains(string(comp), `"enum":["closed","open"]`) {
		t.Errorf("SettingsBody component %s lacks the policy enum", comp)
	}
}
