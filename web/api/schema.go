package api

import (
	"reflect"
	"strings"
	"time"

	"github.com/lyceumhq/lyceum/internal/course"
	"github.com/lyceumhq/lyceum/internal/lms"
)

// schemaGen builds JSON Schemas (2020-12, as OpenAPI 3.1 uses) from Go types
// by reflection: json tags name properties, omitempty/omitzero and pointers
// make them optional, named structs become components.
type schemaGen struct {
	components map[string]any          // name -> schema
	names      map[reflect.Type]string // struct type -> component name
	enums      map[reflect.Type][]string
}

func newSchemaGen() *schemaGen {
	return &schemaGen{
		components: map[string]any{},
		names:      map[reflect.Type]string{},
		enums: map[reflect.Type][]string{
			reflect.TypeFor[lms.SiteRole]():         {string(lms.SiteAdmin), string(lms.SiteUser)},
			reflect.TypeFor[lms.SignupPolicy]():     {string(lms.SignupClosed), string(lms.SignupOpen)},
			reflect.TypeFor[course.CreatorPolicy](): {string(course.CreatorsAnyone), string(course.CreatorsAdmins)},
		},
	}
}

var timeType = reflect.TypeFor[time.Time]()

// schema returns the schema of t (a $ref for named structs).
func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	if vals, ok := g.enums[t]; ok {
		return map[string]any{"type": "string", "enum": vals}
	}
	switch t.Kind() {
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return map[string]any{"type": "integer"}
	case reflect.Int64, reflect.Uint64:
		return map[string]any{"type": "integer", "format": "int64"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + g.component(t)}
	default:
		return map[string]any{}
	}
}

// component registers named struct t once and returns its name.
func (g *schemaGen) component(t reflect.Type) string {
	if name, ok := g.names[t]; ok {
		return name
	}
	name := t.Name()
	if _, taken := g.components[name]; taken {
		pkg := t.PkgPath()
		name = strings.ToUpper(pkg[strings.LastIndexByte(pkg, '/')+1:][:1]) + pkg[strings.LastIndexByte(pkg, '/')+2:] + name
	}
	g.names[t] = name
	g.components[name] = map[string]any{} // placeholder for recursive types
	g.components[name] = g.object(t)
	return name
}

// object returns the inline object schema of struct t.
func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	required := []string{}
	g.fields(t, props, &required)
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func (g *schemaGen) fields(t reflect.Type, props map[string]any, required *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.schema(f.Type) // a fresh map
		if why := f.Tag.Get("deprecated"); why != "" {
			// A field kept for one more release; the tag says what replaces it.
			s["deprecated"], s["description"] = true, "Deprecated: "+why
		}
		props[name] = s
		optional := f.Type.Kind() == reflect.Pointer
		for _, o := range strings.Split(opts, ",") {
			if o == "omitempty" || o == "omitzero" {
				optional = true
			}
		}
		if !optional {
			*required = append(*required, name)
		}
	}
}
