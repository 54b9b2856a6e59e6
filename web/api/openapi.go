package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
)

// openAPIDocument renders the OpenAPI 3.1 document of the route table.
func (a *API) openAPIDocument() ([]byte, error) {
	g := newSchemaGen()
	problemRef := map[string]any{"$ref": "#/components/schemas/" + g.component(reflect.TypeFor[Problem]())}
	paths := map[string]any{}
	for _, rt := range a.routes {
		item, _ := paths[rt.Path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.Path] = item
		}
		item[strings.ToLower(rt.Method)] = a.operation(g, rt, problemRef)
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Lyceum API",
			"version":     "1",
			"description": "Lyceum's HTTP API. Errors are RFC 9457 problem documents (application/problem+json).",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.components,
			"securitySchemes": map[string]any{
				"cookieAuth": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
				"bearerAuth": map[string]any{"type": "http", "scheme": "bearer",
					"description": "A personal API token (lyc_...)."},
			},
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

func (a *API) operation(g *schemaGen, rt route, problemRef map[string]any) map[string]any {
	op := map[string]any{
		"summary":     rt.Summary,
		"operationId": operationID(rt),
		"tags":        []string{tagOf(rt)},
	}
	if rt.Deprecated != "" {
		op["deprecated"] = true
		op["description"] = "Deprecated: use " + rt.Deprecated + " (this route answers for this release only)."
	}
	if rt.Auth != authPublic {
		op["security"] = []any{map[string]any{"cookieAuth": []string{}}, map[string]any{"bearerAuth": []string{}}}
		op["x-lyceum-auth"] = rt.Auth.String()
	}
	var params []any
	for _, seg := range strings.Split(rt.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			name := strings.Trim(seg, "{}")
			typ := "string"
			if name == "id" {
				typ = "integer"
			}
			params = append(params, map[string]any{"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": typ}})
		}
	}
	for _, q := range rt.Query {
		params = append(params, map[string]any{"name": q.Name, "in": "query", "required": false,
			"description": q.Description, "schema": map[string]any{"type": q.Type}})
	}
	if params != nil {
		op["parameters"] = params
	}
	switch {
	case rt.Req != nil:
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Req))}}}
	case rt.ReqType != "":
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			rt.ReqType: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
	}
	ok := map[string]any{"description": http.StatusText(rt.Status)}
	switch {
	case rt.Resp != nil:
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Resp))}}
	case rt.RespType == "application/json":
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": map[string]any{"type": "object"}}}
	case rt.RespType != "":
		ok["content"] = map[string]any{rt.RespType: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}
	}
	if rt.Status == http.StatusCreated || rt.Status == http.StatusOK || rt.Status == http.StatusNoContent {
		if strings.HasSuffix(rt.Path, "/setup") || strings.HasSuffix(rt.Path, "/login") ||
			strings.HasSuffix(rt.Path, "/signup") || strings.HasSuffix(rt.Path, "/accept") {
			ok["headers"] = map[string]any{"Set-Cookie": map[string]any{
				"description": "the " + SessionCookie + " session cookie", "schema": map[string]any{"type": "string"}}}
		}
	}
	op["responses"] = map[string]any{
		strconv.Itoa(rt.Status): ok,
		"default": map[string]any{"description": "An error (RFC 9457 problem document).",
			"content": map[string]any{"application/problem+json": map[string]any{"schema": problemRef}}},
	}
	return op
}

// operationID derives a stable id such as "get_admin_users_id".
func operationID(rt route) string {
	p := strings.TrimPrefix(rt.Path, Prefix+"/")
	p = strings.NewReplacer("{", "", "}", "", "/", "_", ".", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + p
}

func tagOf(rt route) string {
	p := strings.TrimPrefix(rt.Path, Prefix+"/")
	switch {
	case strings.HasPrefix(p, "admin/"):
		return "admin"
	case strings.HasPrefix(p, "me"), strings.HasPrefix(p, "users/"):
		return "me"
	case strings.HasPrefix(p, "courses"), strings.HasPrefix(p, "join"), strings.HasPrefix(p, "modules"),
		strings.HasPrefix(p, "lessons"), strings.HasPrefix(p, "markdown"), strings.HasPrefix(p, "uploads"):
		return "courses"
	case strings.HasPrefix(p, "forums"), strings.HasPrefix(p, "threads"), strings.HasPrefix(p, "posts"):
		return "discussion"
	case strings.HasPrefix(p, "rooms"), strings.HasPrefix(p, "messages"), strings.HasPrefix(p, "notifications"):
		return "rooms"
	case p == "ws":
		return "live"
	default:
		return "public"
	}
}
