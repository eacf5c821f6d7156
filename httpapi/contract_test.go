package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// validateAnswer checks body as the 200 answer of method against the
// document, as the validating client checks every answer it gets.
func (s *service) validateAnswer(method string, body []byte) error {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/api/"+method, bytes.NewReader([]byte("{}")))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	route, params, err := s.router.FindRoute(req)
	require.NoError(s.t, err)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}}, Options: opts}
	out.SetBodyBytes(body)
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// rawDocument is the served /openapi.json as plain JSON.
func (s *service) rawDocument() map[string]any {
	s.t.Helper()
	res, err := http.Get(s.srv.URL + "/openapi.json")
	require.NoError(s.t, err)
	defer res.Body.Close()
	var doc map[string]any
	require.NoError(s.t, json.NewDecoder(res.Body).Decode(&doc))
	return doc
}

// holes walks a schema of the document, following its references, and
// returns where a schema says nothing: {} accepts any value, so an answer
// described so is not described.
func holes(doc map[string]any, schema any, at string, seen map[string]bool) []string {
	s, ok := schema.(map[string]any)
	if !ok {
		if b, isBool := schema.(bool); isBool && !b {
			return nil // additionalProperties: false
		}
		return []string{at + ": not a schema"}
	}
	if len(s) == 0 {
		return []string{at + ": {} says nothing of the value"}
	}
	if ref, ok := s["$ref"].(string); ok {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if seen[name] {
			return nil
		}
		seen[name] = true
		def := doc["components"].(map[string]any)["schemas"].(map[string]any)[name]
		if def == nil {
			return []string{at + ": " + ref + " is not in the document"}
		}
		return holes(doc, def, name, seen)
	}
	if s["type"] == nil && s["anyOf"] == nil && s["enum"] == nil {
		return []string{at + ": no type"}
	}
	if types, ok := s["type"].([]any); ok && slices.Contains(types, any("object")) && slices.Contains(types, any("array")) {
		return []string{at + ": \"an object or a list\" says nothing of its shape"}
	}
	var out []string
	if props, ok := s["properties"].(map[string]any); ok {
		for name, p := range props {
			out = append(out, holes(doc, p, at+"."+name, seen)...)
		}
	}
	if items, ok := s["items"]; ok {
		out = append(out, holes(doc, items, at+"[]", seen)...)
	}
	if ap, ok := s["additionalProperties"]; ok {
		out = append(out, holes(doc, ap, at+"{}", seen)...)
	}
	if any, ok := s["anyOf"].([]any); ok {
		for i, a := range any {
			out = append(out, holes(doc, a, fmt.Sprintf("%s|%d", at, i), seen)...)
		}
	}
	return out
}

// answerSchema is the schema of method's 200 answer in doc.
func answerSchema(t *testing.T, doc map[string]any, method string) any {
	t.Helper()
	op, ok := doc["paths"].(map[string]any)["/api/"+method].(map[string]any)["post"].(map[string]any)
	require.True(t, ok, "the document has POST /api/%s", method)
	ok200, ok := op["responses"].(map[string]any)["200"].(map[string]any)
	require.True(t, ok, "POST /api/%s has a 200 answer", method)
	return ok200["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
}

// TestContractDescribesEveryAnswer: every method of the table has its
// answer described in /openapi.json from its Go result type, with no
// part left as "any value": a method that answers any, or a type the
// contract cannot describe, fails here. So do the JSON answers of the
// service's own routes (the devices').
func TestContractDescribesEveryAnswer(t *testing.T) {
	s := start(t, options{})
	doc := s.rawDocument()
	methods := api.Describe()
	require.NotEmpty(t, methods)
	for _, m := range methods {
		t.Run(m.Name, func(t *testing.T) {
			require.NotNil(t, m.Output, "the method table records the type %s answers", m.Name)
			assert.NotEqual(t, reflect.Interface, m.Output.Kind(), "%s answers %s; declare the type it answers (api.Null for nothing)", m.Name, m.Output)
			assert.Empty(t, httpapi.AnswerHoles(m.Output), "the contract describes all of %s's answer", m.Name)
			assert.Empty(t, holes(doc, answerSchema(t, doc, m.Name), m.Name, map[string]bool{}), "/openapi.json describes all of %s's answer", m.Name)
		})
	}
	// The service's own routes too: every JSON answer of a POST.
	for path, item := range doc["paths"].(map[string]any) {
		post, ok := item.(map[string]any)["post"].(map[string]any)
		if !ok || strings.HasPrefix(path, "/api/") {
			continue
		}
		t.Run(strings.TrimPrefix(path, "/"), func(t *testing.T) {
			schema := post["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"]
			assert.Empty(t, holes(doc, schema, path, map[string]bool{}), "/openapi.json describes all of the answer of POST %s", path)
			assert.NotEmpty(t, requiredOf(t, doc, schema), "POST %s answers an object with required fields", path)
		})
	}
	t.Run("AHoleIsFound", func(t *testing.T) {
		type undescribed struct {
			Value any `json:"value"`
		}
		assert.NotEmpty(t, httpapi.AnswerHoles(reflect.TypeFor[undescribed]()), "an interface field is a hole")
		assert.NotEmpty(t, httpapi.AnswerHoles(reflect.TypeFor[json.RawMessage]()), "a type writing its own JSON is a hole")
		hole := map[string]any{"type": "object", "properties": map[string]any{"value": map[string]any{}}}
		assert.Equal(t, []string{"x.value: {} says nothing of the value"}, holes(doc, hole, "x", map[string]bool{}))
	})
}

// objectAnswer reports whether t is written as a JSON object with a
// closed set of fields: a struct, or a pointer to one.
func objectAnswer(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Struct && t != reflect.TypeFor[api.Null]()
}

// TestContractRefusesMisshapenAnswers: for every method of the table
// whose answer is an object, a real answer of the running service is
// valid, and the validator refuses it with a field added, a required
// field of the wrong type, or a required field missing: the document
// describes the answer's shape, not only that it is an object.
func TestContractRefusesMisshapenAnswers(t *testing.T) {
	s := start(t, options{anonymous: &httpapi.Limit{Rate: 1e9, Burst: 1 << 30}, history: newHistory(t)})
	doc := s.rawDocument()
	args := contractFixtures(t, s)
	callers := []string{"coordinator", "manager", "worker", "alice", ""}
	checked := 0
	for _, m := range api.Describe() {
		if !objectAnswer(m.Output) {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			var got answer
			if f, ok := args[m.Name]; ok {
				got = s.call(f.caller, m.Name, f.arg)
			} else {
				for _, c := range callers {
					if got = s.call(c, m.Name, map[string]any{}); got.Status == http.StatusOK {
						break
					}
				}
			}
			require.Equal(t, http.StatusOK, got.Status, "a real answer of %s: add an argument for it to contractFixtures: %s", m.Name, got.Body)
			require.NoError(t, s.validateAnswer(m.Name, got.Body), "the real answer is valid")
			var v map[string]any
			require.NoError(t, json.Unmarshal(got.Body, &v), "%s answers an object: %s", m.Name, got.Body)
			extra := clone(v)
			extra["unexpected"] = 1
			b, err := json.Marshal(extra)
			require.NoError(t, err)
			assert.Error(t, s.validateAnswer(m.Name, b), "the validator refuses %s's answer with a field added", m.Name)
			required := requiredOf(t, doc, answerSchema(t, doc, m.Name))
			require.NotEmpty(t, required, "%s's answer has a required field", m.Name)
			for _, name := range required {
				require.Contains(t, v, name, "the real answer has the required field %s", name)
			}
			mutants := map[string]map[string]any{}
			for _, name := range required {
				wrong := clone(v)
				if _, isString := v[name].(string); isString {
					wrong[name] = 12.5
				} else {
					wrong[name] = "wrong"
				}
				mutants["wrong type of "+name] = wrong
				missing := clone(v)
				delete(missing, name)
				mutants["missing "+name] = missing
			}
			for what, mv := range mutants {
				b, err := json.Marshal(mv)
				require.NoError(t, err)
				assert.Error(t, s.validateAnswer(m.Name, b), "the validator refuses %s's answer with %s", m.Name, what)
			}
			checked++
		})
	}
	require.NotZero(t, checked)
	t.Logf("%d methods answer an object; each refused with a field added, and each required field of the wrong type or missing", checked)
}

func clone(v map[string]any) map[string]any {
	out := make(map[string]any, len(v))
	for k, x := range v {
		out[k] = x
	}
	return out
}

// requiredOf is the required fields of an object schema of doc, through
// a reference or a nullable anyOf.
func requiredOf(t *testing.T, doc map[string]any, schema any) []string {
	t.Helper()
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		return requiredOf(t, doc, doc["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")])
	}
	if any, ok := s["anyOf"].([]any); ok {
		return requiredOf(t, doc, any[0])
	}
	var out []string
	rs, _ := s["required"].([]any)
	for _, r := range rs {
		out = append(out, r.(string))
	}
	return out
}

// fixture is the caller and argument of a method's call.
type fixture struct {
	caller string
	arg    any
}

// contractFixtures prepares a county in which every method that answers
// an object answers: a constituted panel at an official meeting with a
// statement adopted, a device, an e-form with a receipt, a client's
// contribution, a co-development process, an expert with assignments at
// each step; and returns the caller and argument each method needs. A
// method without one is called with {} by the first caller it answers.
func contractFixtures(t *testing.T, s *service) map[string]fixture {
	t.Helper()
	id := func(a answer) p.ID {
		var v struct {
			ID p.ID `json:"id"`
		}
		a.into(t, &v)
		require.False(t, v.ID.IsZero(), "%s", a.Body)
		return v.ID
	}
	var pv struct {
		Panel struct {
			ID p.ID `json:"id"`
		} `json:"panel"`
		Members []struct {
			ID     p.ID `json:"id"`
			Person p.ID `json:"person"`
		} `json:"members"`
	}
	s.ok("coordinator", "panel.create", map[string]any{"name": "Raati", "unit": "aikuissosiaalityo"}).into(t, &pv)
	panelID := pv.Panel.ID
	for i := range 10 {
		arg := map[string]any{"panel": panelID, "name": fmtSprintf("Jäsen %d", i+1), "service": []string{"aikuissosiaalityo", "paihdepalvelut"}[i%2]}
		if i == 0 {
			arg["person"] = alice.ID
		}
		s.ok("coordinator", "panel.addMember", arg).into(t, &pv)
	}
	var members []p.ID
	for _, m := range pv.Members {
		if m.Person == alice.ID {
			s.ok("coordinator", "panel.appoint", map[string]any{"panel": panelID, "member": m.ID, "position": "chair"})
			continue
		}
		members = append(members, m.ID)
	}
	s.ok("coordinator", "panel.appoint", map[string]any{"panel": panelID, "member": members[0], "position": "secretary"})
	present := append([]p.ID{}, members[:8]...)
	for _, m := range pv.Members {
		if m.Person == alice.ID {
			present = append(present, m.ID)
		}
	}
	meeting := id(s.ok("coordinator", "panel.meet", map[string]any{"panel": panelID, "present": present}))
	statement := id(s.ok("alice", "panel.adopt", map[string]any{"meeting": meeting, "text": "Raati esittää iltavastaanottoja."}))

	dev := register(t, s)
	var sub struct {
		Receipt string `json:"receipt"`
	}
	s.ok("", "feedback.submit", map[string]any{"service": "aikuissosiaalityo", "rating": 3, "text": "Jonotus kesti.", "receipt": true}).into(t, &sub)
	s.nextHour()
	contribution := id(s.ok("alice", "loop.submit", map[string]any{"title": "Aukioloajat", "unit": "aikuissosiaalityo"}))
	process := id(s.ok("coordinator", "codev.start", map[string]any{"title": "Aukioloajat"}))

	// Four experts: one is offered each assignment, as each is busy on
	// its date once offered one.
	var experts []struct {
		ID p.ID `json:"id"`
	}
	for _, name := range []string{"Eeva", "Eino", "Elli", "Erkki"} {
		s.ok("coordinator", "expert.register", map[string]any{"name": name, "kind": "experience_expert", "background": "service_use",
			"areas": []string{"aikuissosiaalityo"}, "languages": []string{"fi"}, "trained": true}).into(t, &experts)
	}
	for _, x := range experts {
		staticTokens["contract-"+x.ID.String()] = p.Actor{ID: x.ID, Role: p.RoleExpert}
	}
	type assignments struct {
		List []struct {
			ID     p.ID `json:"id"`
			Expert p.ID `json:"expert"`
		} `json:"list"`
	}
	assignment := func() p.ID {
		var as assignments
		s.ok("coordinator", "expert.request", map[string]any{"type": "individual_meeting"}).into(t, &as)
		return as.List[0].ID // newest first
	}
	// expertOf is the token of the expert an assignment was offered to.
	expertOf := func(a p.ID) string {
		var as assignments
		s.ok("coordinator", "expert.assignments", nil).into(t, &as)
		for _, x := range as.List {
			if x.ID == a {
				return "contract-" + x.Expert.String()
			}
		}
		t.Fatalf("no assignment %s", a)
		return ""
	}
	requested, offered, accepted, completed := assignment(), assignment(), assignment(), assignment()
	for _, a := range []p.ID{offered, accepted, completed} {
		s.ok("coordinator", "expert.offer", map[string]any{"assignment": a})
	}
	for _, a := range []p.ID{accepted, completed} {
		s.ok(expertOf(a), "expert.accept", map[string]any{"assignment": a})
	}
	s.ok("coordinator", "expert.complete", map[string]any{"assignment": completed, "hours": 2})

	var state struct {
		Events uint64 `json:"events"`
	}
	s.ok("coordinator", "state", nil).into(t, &state)
	now := s.clock.Now().UTC()
	return map[string]fixture{
		"panel.addMember":   {"coordinator", map[string]any{"panel": panelID, "name": "Uusi", "service": "aikuissosiaalityo"}},
		"panel.adopt":       {"alice", map[string]any{"meeting": meeting, "text": "Toinen kannanotto."}},
		"panel.answer":      {"manager", map[string]any{"statement": statement, "decision": "adopted", "reason": "Resurssit löytyvät.", "response": "Alkaa maaliskuussa."}},
		"panel.appoint":     {"coordinator", map[string]any{"panel": panelID, "member": members[1], "position": "vice_chair"}},
		"panel.leave":       {"coordinator", map[string]any{"panel": panelID, "member": members[8], "reason": "Muutto"}},
		"panel.meet":        {"coordinator", map[string]any{"panel": panelID, "present": present}},
		"panel.raiseTopic":  {"coordinator", map[string]any{"panel": panelID, "title": "Aihe", "description": "Kuvaus"}},
		"feedback.press":    {dev.Token, map[string]any{"rating": 4}},
		"feedback.receipt":  {"", map[string]any{"code": sub.Receipt}},
		"feedback.submit":   {"", map[string]any{"service": "aikuissosiaalityo", "rating": 2, "text": "Toinen.", "receipt": true}},
		"loop.submit":       {"alice", map[string]any{"title": "Toinen", "unit": "aikuissosiaalityo"}},
		"loop.advance":      {"coordinator", map[string]any{"id": contribution, "to": "acknowledged"}},
		"mine.contribution": {"alice", map[string]any{"id": contribution}},
		"codev.start":       {"coordinator", map[string]any{"title": "Toinen"}},
		"codev.idea":        {"coordinator", map[string]any{"process": process, "title": "Idea"}},
		"goal.write":        {"alice", map[string]any{"text": "Oma tavoite", "ownRole": "Käyn ryhmässä."}},
		"family.grant":      {"alice", map[string]any{"family": bob.ID, "scopes": []string{"planning"}}},
		"expert.request":    {"coordinator", map[string]any{"type": "individual_meeting"}},
		"expert.offer":      {"coordinator", map[string]any{"assignment": requested}},
		"expert.accept":     {expertOf(offered), map[string]any{"assignment": offered}},
		"expert.complete":   {"coordinator", map[string]any{"assignment": accepted, "hours": 1.5}},
		"expert.pay":        {"manager", map[string]any{"assignment": completed}},
		"accountability":    {"", map[string]any{"from": now.AddDate(0, 0, -30), "to": now.AddDate(0, 0, 1)}},
		"consistency":       {"", map[string]any{"from": 1, "to": state.Events}},
	}
}

// newHistory is a verifiable history signed with a new key (LOOP-2).
func newHistory(t *testing.T) p.History {
	t.Helper()
	private, _, err := merkle.GenerateKey(rand.Reader, "county.example/osallisuus")
	require.NoError(t, err)
	signer, err := merkle.NewSigner(private)
	require.NoError(t, err)
	return merkle.New(signer)
}

// TestContractListsRequestEnums reads every method's argument type from
// the method table: a field of one of the library's enumerated types is
// described in /openapi.json with every value it may take, and the zero
// that leaves it to its default; a request with another value is refused
// by the document and, as a client error, by the service.
func TestContractListsRequestEnums(t *testing.T) {
	s := start(t, options{})
	doc := s.rawDocument()
	enums := api.Enums()
	checked := 0
	for _, m := range api.Describe() {
		if m.Input == nil || m.Input.Kind() != reflect.Struct {
			continue
		}
		body := doc["paths"].(map[string]any)["/api/"+m.Name].(map[string]any)["post"].(map[string]any)["requestBody"].(map[string]any)
		props, _ := body["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["properties"].(map[string]any)
		for i := range m.Input.NumField() {
			f := m.Input.Field(i)
			vals, ok := enums[f.Type]
			if !ok || !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = strings.ToLower(f.Name[:1]) + f.Name[1:]
			}
			prop, ok := props[name].(map[string]any)
			if !assert.True(t, ok, "%s: the request describes %s", m.Name, name) {
				continue
			}
			got, _ := json.Marshal(prop["enum"])
			want, _ := json.Marshal(append([]any{reflect.Zero(f.Type).Interface()}, vals...))
			assert.JSONEq(t, string(want), string(got), "%s.%s lists every value of %s", m.Name, name, f.Type)
			checked++
		}
	}
	assert.Greater(t, checked, 5, "methods take enumerated arguments")

	// A value outside the list: the document refuses it, and so does the
	// service, as a client error.
	for _, to := range []string{"acknowledged", "pondered"} {
		body := []byte(`{"id":"0190e000-0000-7000-8000-000000000001","to":"` + to + `"}`)
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/api/loop.advance", bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		route, params, err := s.router.FindRoute(req)
		require.NoError(t, err)
		opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
		verr := openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts})
		if to == "pondered" {
			assert.Error(t, verr, "the document refuses a state that is not one")
		} else {
			assert.NoError(t, verr, "the document takes a state that is one")
		}
	}
	a := s.call("coordinator", "loop.advance", map[string]any{"id": "0190e000-0000-7000-8000-000000000001", "to": "pondered"})
	assert.Equal(t, 4, a.Status/100)
}
