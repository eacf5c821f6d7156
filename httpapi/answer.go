package httpapi

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// answers makes the JSON Schemas of the methods' answers from their Go
// types, as encoding/json writes them: an object for a struct, closed
// (additionalProperties false), with every field that is not omitempty
// required; null allowed where a pointer, slice or map may be nil; the
// values of an enumerated type (see [api.Enums]); a named struct once, in
// components/schemas, so that a type that holds itself is described too.
// A type it cannot describe (an interface, a type with its own
// MarshalJSON) is a hole: its schema is empty, and holes lists where.
type answers struct {
	defs  obj
	names map[reflect.Type]string
	enums map[reflect.Type][]any
	holes []string
}

func newAnswers() *answers {
	return &answers{defs: obj{}, names: map[reflect.Type]string{}, enums: api.Enums()}
}

var (
	nullType = reflect.TypeFor[api.Null]()
	hashType = reflect.TypeFor[p.Hash]()
)

// idPattern is an id as the library writes it: its canonical form, or
// "" for none.
const idPattern = "^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})?$"

// of is the schema of what encoding/json writes for t; at names the
// place, for the holes.
func (g *answers) of(t reflect.Type, at string) obj {
	if t == nil {
		g.holes = append(g.holes, at+": no type")
		return obj{}
	}
	if vals, ok := g.enums[t]; ok {
		return obj{"type": jsonType(t), "enum": vals}
	}
	switch {
	case t == nullType:
		return obj{"type": "null"}
	case t == idType:
		return obj{"type": "string", "pattern": idPattern}
	case t == hashType:
		return obj{"type": "string", "pattern": "^[0-9a-f]*$"}
	case t == timeType:
		return obj{"type": "string", "format": "date-time"}
	case t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler):
		g.holes = append(g.holes, fmt.Sprintf("%s: %s writes its own JSON", at, t))
		return obj{}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return obj{"type": "string"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return nullable(g.of(t.Elem(), at))
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return obj{"type": "integer"}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return obj{"type": "integer", "minimum": 0}
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return nullable(obj{"type": "string", "contentEncoding": "base64"})
		}
		return nullable(obj{"type": "array", "items": g.of(t.Elem(), at+"[]")})
	case reflect.Array:
		return obj{"type": "array", "items": g.of(t.Elem(), at+"[]"), "minItems": t.Len(), "maxItems": t.Len()}
	case reflect.Map:
		s := obj{"type": "object", "additionalProperties": g.of(t.Elem(), at+"{}")}
		if vals, ok := g.enums[t.Key()]; ok {
			s["propertyNames"] = obj{"enum": vals}
		} else if t.Key() == idType {
			s["propertyNames"] = obj{"pattern": idPattern}
		}
		return nullable(s)
	case reflect.Struct:
		if t.Name() == "" {
			return g.object(t, at)
		}
		name, ok := g.names[t]
		if !ok {
			name = componentName(t)
			for g.defs[name] != nil { // another package's type of that name
				name += "_"
			}
			g.names[t] = name
			g.defs[name] = obj{} // a type that holds itself refers to it
			g.defs[name] = g.object(t, t.String())
		}
		return obj{"$ref": "#/components/schemas/" + name}
	}
	g.holes = append(g.holes, fmt.Sprintf("%s: %s has no JSON form", at, t))
	return obj{}
}

// jsonType is the JSON type of an enumerated Go type.
func jsonType(t reflect.Type) string {
	if t.Kind() == reflect.String {
		return "string"
	}
	return "integer"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// componentName names a struct type in components/schemas: package.Type.
func componentName(t reflect.Type) string {
	pkg := t.PkgPath()
	if i := strings.LastIndex(pkg, "/"); i >= 0 {
		pkg = pkg[i+1:]
	}
	return unsafeName.ReplaceAllString(pkg+"."+t.Name(), "_")
}

// nullable lets s be null too.
func nullable(s obj) obj {
	switch t := s["type"].(type) {
	case string:
		if t == "null" {
			return s
		}
		s["type"] = []string{t, "null"}
		if e, ok := s["enum"].([]any); ok {
			s["enum"] = append(slices.Clone(e), nil)
		}
		return s
	case nil:
		if len(s) == 0 { // a hole stays one
			return s
		}
	}
	return obj{"anyOf": []obj{s, {"type": "null"}}}
}

// field is a struct field as encoding/json writes it.
type field struct {
	name     string
	t        reflect.Type
	depth    int
	required bool // always written: not omitempty, not through a nil-able embedded pointer
	omit     bool // omitempty or omitzero: never written as its zero value
}

// object is the schema of a struct: its fields as encoding/json writes
// them, with the fields of embedded structs promoted (the shallower
// wins), every field without omitempty or omitzero required, unless it
// comes through an embedded pointer, which may be nil.
func (g *answers) object(t reflect.Type, at string) obj {
	var fs []field
	g.fields(t, 0, true, &fs)
	props, byName := obj{}, map[string]field{}
	var required []string
	for _, f := range fs {
		if prev, ok := byName[f.name]; ok && prev.depth <= f.depth {
			continue
		}
		byName[f.name] = f
	}
	for name, f := range byName {
		s := g.of(f.t, at+"."+name)
		if !f.omit {
			// A field that is not omitempty is written when it is the
			// zero value too: "" or 0 for a value not yet set.
			s = withZero(s, f.t)
		}
		props[name] = s
		if f.required {
			required = append(required, name)
		}
	}
	slices.Sort(required)
	out := obj{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// withZero lets an enumerated value be its type's zero value too.
func withZero(s obj, t reflect.Type) obj {
	e, ok := s["enum"].([]any)
	if !ok {
		return s
	}
	zero := reflect.Zero(t).Interface()
	for _, v := range e {
		if v == zero {
			return s
		}
	}
	out := obj{}
	for k, v := range s {
		out[k] = v
	}
	out["enum"] = append(slices.Clone(e), zero)
	return out
}

// fields collects t's fields as encoding/json writes them.
func (g *answers) fields(t reflect.Type, depth int, sure bool, out *[]field) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			st, ptr := ft, false
			if st.Kind() == reflect.Pointer {
				st, ptr = st.Elem(), true
			}
			if st.Kind() == reflect.Struct && !st.Implements(textMarshaler) && !reflect.PointerTo(st).Implements(textMarshaler) && st != timeType {
				g.fields(st, depth+1, sure && !ptr, out)
				continue
			}
			if !f.IsExported() {
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		omit := false
		for o := range strings.SplitSeq(opts, ",") {
			omit = omit || o == "omitempty" || o == "omitzero"
			if o == "string" {
				switch ft.Kind() {
				case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8,
					reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64, reflect.Bool, reflect.String:
					ft = reflect.TypeFor[string]()
				}
			}
		}
		*out = append(*out, field{name: name, t: ft, depth: depth, required: sure && !omit, omit: omit})
	}
}
