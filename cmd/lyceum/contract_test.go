package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser app and the API must agree on every request body: every
// browser test records the JSON bodies the app sends to /api/v1 and, when
// the test ends, checks each against the request schema of its route in
// the API's own OpenAPI document (built from the route table, whose types
// the server decodes with unknown fields refused). A field the app sends
// and the API lacks (issue 7, item 8: course_creators) fails the test that
// sent it, with the route and the field. The recorder also notes which
// forms were submitted (forms_browser_test.go walks every form).

// openAPIDoc is the API's OpenAPI document, the same for every test node;
// startTestNode loads it once from the first node.
var openAPIDoc struct {
	once sync.Once
	doc  *apiDoc
	err  error
}

// apiDoc is the part of the OpenAPI document the checks read.
type apiDoc struct {
	Paths      map[string]map[string]apiOperation `json:"paths"`
	Components struct {
		Schemas map[string]*jsonSchema `json:"schemas"`
	} `json:"components"`
}

type apiOperation struct {
	// Deprecated routes answer for one more release; the app must not use them.
	Deprecated  bool   `json:"deprecated"`
	Description string `json:"description"`
	RequestBody *struct {
		Content map[string]struct {
			Schema *jsonSchema `json:"schema"`
		} `json:"content"`
	} `json:"requestBody"`
}

// jsonSchema is the subset of JSON Schema the generator in web/api emits.
type jsonSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 string                 `json:"type"`
	Enum                 []string               `json:"enum"`
	Properties           map[string]*jsonSchema `json:"properties"`
	AdditionalProperties json.RawMessage        `json:"additionalProperties"`
	Items                *jsonSchema            `json:"items"`
}

// loadAPIDoc fetches the OpenAPI document from a node once per test process.
func loadAPIDoc(t *testing.T, base string) {
	t.Helper()
	openAPIDoc.once.Do(func() {
		res, err := http.Get(base + "/api/v1/openapi.json")
		if err != nil {
			openAPIDoc.err = err
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err == nil && res.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s: %s", res.Status, b)
		}
		if err == nil {
			var d apiDoc
			err = json.Unmarshal(b, &d)
			openAPIDoc.doc = &d
		}
		openAPIDoc.err = err
	})
	if openAPIDoc.err != nil {
		t.Fatalf("loading the OpenAPI document: %v", openAPIDoc.err)
	}
}

// operation finds the route for method and path (a concrete path such as
// /api/v1/rooms/3/read) by matching the document's {wildcard} paths.
func (d *apiDoc) operation(method, path string) (apiOperation, string, bool) {
	parts := strings.Split(path, "/")
	for pattern, ops := range d.Paths {
		pp := strings.Split(pattern, "/")
		if len(pp) != len(parts) {
			continue
		}
		match := true
		for i := range pp {
			if !(strings.HasPrefix(pp[i], "{") || pp[i] == parts[i]) {
				match = false
				break
			}
		}
		if op, ok := ops[strings.ToLower(method)]; match && ok {
			return op, pattern, true
		}
	}
	return apiOperation{}, "", false
}

// check returns what is wrong with v against schema s ("" when nothing), at
// the JSON path at.
func (d *apiDoc) check(s *jsonSchema, v any, at string) []string {
	for s != nil && s.Ref != "" {
		s = d.Components.Schemas[strings.TrimPrefix(s.Ref, "#/components/schemas/")]
	}
	if s == nil {
		return []string{at + ": no schema"}
	}
	var out []string
	switch x := v.(type) {
	case map[string]any:
		if s.Type != "object" {
			return []string{fmt.Sprintf("%s: an object where the API wants %s", at, s.Type)}
		}
		closed := string(s.AdditionalProperties) == "false"
		var extra *jsonSchema
		if !closed && len(s.AdditionalProperties) > 0 {
			_ = json.Unmarshal(s.AdditionalProperties, &extra)
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch ps, ok := s.Properties[k]; {
			case ok:
				out = append(out, d.check(ps, x[k], at+"."+k)...)
			case extra != nil:
				out = append(out, d.check(extra, x[k], at+"."+k)...)
			case closed:
				out = append(out, fmt.Sprintf("%s.%s: a field the API does not have", at, k))
			}
		}
	case []any:
		if s.Type != "array" {
			return []string{fmt.Sprintf("%s: an array where the API wants %s", at, s.Type)}
		}
		for i, e := range x {
			out = append(out, d.check(s.Items, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case string:
		if s.Type != "string" {
			return []string{fmt.Sprintf("%s: a string where the API wants %s", at, s.Type)}
		}
		if len(s.Enum) > 0 && !slices.Contains(s.Enum, x) {
			out = append(out, fmt.Sprintf("%s: %q is not one of %v", at, x, s.Enum))
		}
	case float64:
		if s.Type != "number" && !(s.Type == "integer" && x == float64(int64(x))) {
			return []string{fmt.Sprintf("%s: %v where the API wants %s", at, x, s.Type)}
		}
	case bool:
		if s.Type != "boolean" {
			return []string{fmt.Sprintf("%s: a boolean where the API wants %s", at, s.Type)}
		}
	case nil:
		// null decodes to the zero value.
	}
	return out
}

// sentRequest is one request the app sent to the API.
type sentRequest struct {
	method, path string
	json         bool   // a JSON body
	body         []byte // nil when Chromium did not include it
	status       int64  // the answer's status; 0 before it arrives
}

// apiRecorder watches one browser tab: the API requests it sends and the
// forms submitted in it.
type apiRecorder struct {
	mu       sync.Mutex              // guards the fields below
	requests map[string]*sentRequest // by Chromium's request id
	order    []string                // request ids in the order sent
	forms    map[string]int          // form data-testid -> times submitted
}

type recorderKey struct{}

// formBinding is the page function a submitted form calls with its testid.
const formBinding = "__lyceumFormSubmitted"

// recordAPI starts recording on the tab of ctx and, when the test ends,
// checks every JSON body against the API. It returns ctx carrying the
// recorder (recorderOf).
func recordAPI(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	rec := &apiRecorder{requests: map[string]*sentRequest{}, forms: map[string]int{}}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			rec.sent(e)
		case *network.EventResponseReceived:
			rec.mu.Lock()
			if r := rec.requests[string(e.RequestID)]; r != nil {
				r.status = e.Response.Status
			}
			rec.mu.Unlock()
		case *runtime.EventBindingCalled:
			if e.Name == formBinding {
				rec.mu.Lock()
				rec.forms[e.Payload]++
				rec.mu.Unlock()
			}
		}
	})
	if err == nil {
		err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, runtime.AddBinding, runtime.AddBindingParams{Name: formBinding}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
				Source: `addEventListener("submit", (e) => {
					const f = e.target;
					if (f && f.tagName === "FORM") ` + formBinding + `(f.dataset.testid || f.className || "form");
				}, true);`})
			return err
		}))
	}
	if err != nil {
		t.Fatalf("recording the API requests: %v", err)
	}
	t.Cleanup(func() { rec.verify(t) })
	return context.WithValue(ctx, recorderKey{}, rec)
}

// recorderOf returns the recorder of a browser made by newBrowser.
func recorderOf(t *testing.T, ctx context.Context) *apiRecorder {
	t.Helper()
	rec, ok := ctx.Value(recorderKey{}).(*apiRecorder)
	if !ok {
		t.Fatal("the context is not a browser from newBrowser")
	}
	return rec
}

func (rec *apiRecorder) sent(e *network.EventRequestWillBeSent) {
	u, err := url.Parse(e.Request.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/api/v1/") || e.Request.Method == "GET" || e.Request.Method == "HEAD" {
		return
	}
	r := &sentRequest{method: e.Request.Method, path: u.Path}
	for k, v := range e.Request.Headers {
		if s, ok := v.(string); ok && strings.EqualFold(k, "Content-Type") && strings.HasPrefix(s, "application/json") {
			r.json = true
		}
	}
	if e.Request.HasPostData {
		r.body = []byte{}
		for _, p := range e.Request.PostDataEntries {
			r.body = append(r.body, p.Bytes...)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests[string(e.RequestID)] = r
	rec.order = append(rec.order, string(e.RequestID))
}

// submitted reports how often the form with this testid was submitted.
func (rec *apiRecorder) submitted(testid string) int {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.forms[testid]
}

// verify checks every JSON body sent against its route's request schema.
func (rec *apiRecorder) verify(t *testing.T) {
	t.Helper()
	d := openAPIDoc.doc
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if d == nil {
		if len(rec.order) > 0 {
			t.Error("the app sent API requests but no node loaded the OpenAPI document to check them against")
		}
		return
	}
	for _, id := range rec.order {
		r := rec.requests[id]
		op, pattern, ok := d.operation(r.method, r.path)
		if !ok {
			t.Errorf("the app sent %s %s, a route the API does not have", r.method, r.path)
			continue
		}
		if op.Deprecated {
			t.Errorf("the app sent %s %s, a deprecated route (%s): %s", r.method, r.path, pattern, op.Description)
		}
		if !r.json {
			continue
		}
		var body any
		switch {
		case r.body == nil:
			t.Logf("%s %s: Chromium did not report the body; not checked", r.method, r.path)
			continue
		case json.Unmarshal(r.body, &body) != nil:
			t.Errorf("the app sent %s %s with a body that is not JSON: %q", r.method, r.path, r.body)
			continue
		}
		if op.RequestBody == nil || op.RequestBody.Content["application/json"].Schema == nil {
			t.Errorf("the app sent a JSON body to %s %s, which takes none: %s", r.method, pattern, r.body)
			continue
		}
		for _, p := range d.check(op.RequestBody.Content["application/json"].Schema, body, "body") {
			t.Errorf("the app's %s %s does not match the API (%s): %s; sent %s", r.method, r.path, pattern, p, r.body)
		}
	}
}

func TestAPIContractCheck(t *testing.T) {
	startTestNode(t, nil)
	d := openAPIDoc.doc
	cases := []struct {
		name, method, path, body string
		want                     string // a problem the check must report; "" for none
	}{
		{"the settings page's body", "PUT", "/api/v1/admin/settings",
			`{"site_name":"A","signup_policy":"open","signup_domain":"","course_creators":"admins"}`, ""},
		{"a field the API lacks", "PUT", "/api/v1/admin/settings",
			`{"site_name":"A","signup_policy":"open","signup_domain":"","who_may_create":"admins"}`,
			"body.who_may_create: a field the API does not have"},
		{"a value outside an enum", "PUT", "/api/v1/admin/settings", `{"site_name":"A","signup_policy":"sometimes"}`,
			`body.signup_policy: "sometimes" is not one of`},
		{"a wrong type in a nested array", "PUT", "/api/v1/courses/3/layout", `{"modules":[{"module_id":"x","lesson_ids":[1]}]}`,
			"body.modules[0].module_id: a string where the API wants integer"},
		{"a nested field the API lacks", "PUT", "/api/v1/courses/3/layout", `{"modules":[{"module_id":1,"lessons":[1]}]}`,
			"body.modules[0].lessons: a field the API does not have"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			op, _, ok := d.operation(c.method, c.path)
			if !ok || op.RequestBody == nil {
				t.Fatalf("no request schema for %s %s", c.method, c.path)
			}
			var body any
			if err := json.Unmarshal([]byte(c.body), &body); err != nil {
				t.Fatal(err)
			}
			got := strings.Join(d.check(op.RequestBody.Content["application/json"].Schema, body, "body"), "\n")
			if c.want == "" && got != "" || !strings.Contains(got, c.want) {
				t.Errorf("check reports %q, want %q", got, c.want)
			}
		})
	}
	if _, _, ok := d.operation("POST", "/api/v1/admin/settings"); ok {
		t.Error("a route that does not exist was found")
	}
}
