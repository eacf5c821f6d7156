package httpapi

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// Version is the version of the HTTP contract, in /openapi.json.
const Version = "1.0.0"

type obj = map[string]any

// Document returns the OpenAPI 3.1 document of the service, made from
// the method table (see [api.Describe]) and the service's own routes, so
// that it cannot drift from them: every method's request is its
// argument's type, its answer the JSON Schema of its result's type
// (required fields, enumerated values, null where the Go value may be
// nil, closed objects), every failure a [Problem].
func Document() ([]byte, error) {
	paths, answers := obj{}, newAnswers()
	for _, m := range api.Describe() {
		op := obj{
			"operationId": m.Name,
			"summary":     summaries[m.Access] + ": " + m.Name,
			"tags":        []string{strings.SplitN(m.Name, ".", 2)[0]},
			// No body, or null, means no argument, as in the page.
			"requestBody": obj{"required": false, "content": obj{"application/json": obj{"schema": orNull(answers.request(m.Input))}}},
			"responses":   responses(obj{"description": "the method's answer", "content": obj{"application/json": obj{"schema": answers.of(m.Output, m.Name)}}}),
			"x-access":    string(m.Access),
		}
		if m.Access == api.AccessOpen {
			op["security"] = []obj{{}, {"bearer": []string{}}}
		}
		paths["/api/"+m.Name] = obj{"post": op}
	}
	for path, item := range routes(answers) {
		paths[path] = item
	}
	schemas := answers.defs
	schemas["Problem"] = problemSchema()
	doc := obj{
		"openapi":           "3.1.0",
		"jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
		"info": obj{"title": "osallisuus", "version": Version,
			"description": "Client participation in Finnish social and health services: the library's JSON method layer over HTTP. " +
				"Each method is POST /api/{method} with a JSON argument; failures are RFC 9457 problems carrying the library's code."},
		"security": []obj{{"bearer": []string{}}},
		"paths":    paths,
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer",
				"description": "An OpenID Connect access token (staff and named clients) or a feedback device's token (osd_…)."}},
			"schemas": schemas,
		},
	}
	return json.MarshalIndent(doc, "", "  ")
}

var summaries = map[api.Access]string{
	api.AccessOpen:   "open, no sign-in",
	api.AccessOwn:    "the signed-in caller's own",
	api.AccessStaff:  "staff views",
	api.AccessPolicy: "a change; the role policy decides",
}

// responsesOf is responses with a 200 of media type mt.
func responsesOf(mt, what string, schema obj) obj {
	return responses(obj{"description": what, "content": obj{mt: obj{"schema": schema}}})
}

// responses is ok with the problems every operation can answer.
func responses(ok obj) obj {
	out := obj{"200": ok}
	for _, st := range []string{"400", "401", "403", "404", "409", "410", "413", "422", "429", "500", "503"} {
		out[st] = obj{"$ref": "#/components/responses/Problem"}
	}
	problem := obj{"description": "an RFC 9457 problem with the library's code", "content": obj{"application/problem+json": obj{"schema": obj{"$ref": "#/components/schemas/Problem"}}}}
	for st := range out {
		if st != "200" {
			out[st] = problem
		}
	}
	return out
}

func problemSchema() obj {
	str := obj{"type": "string"}
	return obj{"type": "object", "required": []string{"type", "title", "status", "detail", "code"}, "additionalProperties": false,
		"properties": obj{"type": str, "title": str, "status": obj{"type": "integer"}, "detail": str, "code": str,
			"field": str, "action": str, "role": str, "allowed": obj{"type": "array", "items": str}}}
}

var (
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	timeType      = reflect.TypeFor[time.Time]()
	idType        = reflect.TypeFor[p.ID]()
)

// request is the JSON Schema of a request read into t: as schemaOf, and
// a field of one of the library's enumerated types lists its values, with
// the zero value, which leaves an optional field to its default (the
// library refuses a zero where a value is needed, saying which).
func (g *answers) request(t reflect.Type) obj { return reading{enums: g.enums}.schema(t, 0) }

// schemaOf is the JSON Schema of what encoding/json reads into t.
func schemaOf(t reflect.Type, depth int) obj { return reading{}.schema(t, depth) }

// reading makes the schemas of what encoding/json reads; with enums, of
// a request.
type reading struct{ enums map[reflect.Type][]any }

func (r reading) schema(t reflect.Type, depth int) obj {
	if depth > 12 {
		return obj{}
	}
	if vals, ok := r.enums[t]; ok {
		return obj{"type": jsonType(t), "enum": append([]any{reflect.Zero(t).Interface()}, vals...)}
	}
	switch {
	case t == idType:
		return obj{"type": "string", "format": "uuid"}
	case t == timeType:
		return obj{"type": "string", "format": "date-time"}
	case t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler):
		return obj{"type": "string"}
	case t.Implements(jsonMarshaler):
		return obj{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := r.schema(t.Elem(), depth+1)
		return orNull(s)
	case reflect.String:
		return obj{"type": "string"}
	case reflect.Bool:
		return obj{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return obj{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return obj{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 { // encoding/json writes bytes in base64
			return orNull(obj{"type": "string", "contentEncoding": "base64"})
		}
		return orNull(obj{"type": "array", "items": r.schema(t.Elem(), depth+1)})
	case reflect.Array:
		return orNull(obj{"type": "array", "items": r.schema(t.Elem(), depth+1)})
	case reflect.Map:
		return orNull(obj{"type": "object", "additionalProperties": r.schema(t.Elem(), depth+1)})
	case reflect.Struct:
		props := obj{}
		r.fields(t, props, depth)
		return obj{"type": "object", "properties": props, "additionalProperties": false}
	}
	return obj{}
}

// orNull lets s be null too, as encoding/json reads null into a pointer,
// slice or map.
func orNull(s obj) obj {
	if t, ok := s["type"].(string); ok {
		s["type"] = []string{t, "null"}
	}
	return s
}

// fields adds t's exported fields to props as encoding/json reads them,
// flattening embedded structs.
func (r reading) fields(t reflect.Type, props obj, depth int) {
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && !ft.Implements(textMarshaler) && ft != timeType {
				r.fields(ft, props, depth+1)
				continue
			}
		}
		if name == "" {
			name = camel(f.Name)
		}
		props[name] = r.schema(f.Type, depth+1)
	}
}

// camel spells a Go field name as the page and the contract do: ID is
// id, FollowUp followUp, URLPath urlPath.
func camel(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	if n > 1 && n < len(r) {
		n-- // the last capital starts the next word
	}
	for i := range n {
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}

// routes describes the service's own routes, besides the methods; their
// answers are described as the methods' are, by g.
func routes(g *answers) map[string]obj {
	jsonBody := func(t reflect.Type) obj {
		return obj{"required": true, "content": obj{"application/json": obj{"schema": g.request(t)}}}
	}
	answer := func(what string, t reflect.Type) obj {
		return responses(obj{"description": what, "content": obj{"application/json": obj{"schema": g.of(t, what)}}})
	}
	op := func(id, summary string, in, out reflect.Type, what string) obj {
		return obj{"post": obj{"operationId": id, "summary": summary, "tags": []string{"devices"},
			"requestBody": jsonBody(in), "responses": answer(what, out)}}
	}
	batch := op("devices.presses", "a device posts a batch of presses, once per Idempotency-Key", reflect.TypeFor[batchIn](), reflect.TypeFor[BatchResult](), "how many presses counted")
	batch["post"].(obj)["parameters"] = []obj{{"name": "Idempotency-Key", "in": "header", "required": true,
		"description": "new for each batch, the same when the batch is retried", "schema": obj{"type": "string", "minLength": 1, "maxLength": MaxIdempotencyKey}}}
	return map[string]obj{
		"/devices/register": op("devices.register", "register a feedback device and issue its token (shown once)", reflect.TypeFor[registerIn](), reflect.TypeFor[DeviceToken](), "the device and its token"),
		"/devices/token":    op("devices.token", "issue a device a new token, revoking the old", reflect.TypeFor[deviceIn](), reflect.TypeFor[DeviceToken](), "the device and its token"),
		"/devices/revoke":   op("devices.revoke", "revoke a device's tokens", reflect.TypeFor[deviceIn](), reflect.TypeFor[revokedOut](), "revoked"),
		"/devices/presses":  batch,
		"/events": {"get": obj{"operationId": "events", "summary": "the live feed of committed events as Server-Sent Events, for staff; resumable",
			"parameters": []obj{
				{"name": "Last-Event-ID", "in": "header", "description": "the sequence number of the last event received; the feed resumes after it", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}},
				{"name": "after", "in": "query", "description": "as Last-Event-ID", "schema": obj{"type": "string", "pattern": "^[0-9]+$"}},
				{"name": "types", "in": "query", "description": "comma-separated event types to keep; module.* keeps a module's", "schema": obj{"type": "string"}},
			},
			"responses": responsesOf("text/event-stream", "events: id is the sequence number, event the type, data the journal line (see /events/catalogue.json)", obj{"type": "string"})}},
		"/events/catalogue.json": {"get": obj{"operationId": "events.catalogue", "summary": "the versioned JSON Schema of every event type", "security": []obj{{}},
			"responses": obj{"200": obj{"description": "the catalogue", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}}},
		"/openapi.json": {"get": obj{"operationId": "openapi", "summary": "this document", "security": []obj{{}},
			"responses": obj{"200": obj{"description": "the OpenAPI document", "content": obj{"application/json": obj{"schema": obj{"type": "object"}}}}}}},
	}
}
