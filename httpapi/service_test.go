package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestDocument: /openapi.json is a valid OpenAPI 3.1 document with an
// operation for every method of the layer, so nothing is served that
// the contract does not describe.
func TestDocument(t *testing.T) {
	s := start(t, options{})
	assert.Equal(t, "3.1.0", s.doc.OpenAPI)
	for _, m := range api.Describe() {
		item := s.doc.Paths.Find("/api/" + m.Name)
		if assert.NotNil(t, item, m.Name) {
			assert.NotNil(t, item.Post, m.Name)
			assert.Equal(t, string(m.Access), item.Post.Extensions["x-access"], m.Name)
		}
	}
	for _, m := range []string{"session", "session.role", "sample", "feedback.registerDevices", "panel.drawLot"} {
		assert.Nil(t, s.doc.Paths.Find("/api/"+m), "the demo's own %s is not served", m)
		a := s.call("coordinator", m, nil)
		assert.Equal(t, http.StatusNotFound, a.Status)
	}
}

// TestProblems: every failure is an RFC 9457 problem with the library's
// code, the right status and a message that says what to fix; every
// answer carries the security headers.
func TestProblems(t *testing.T) {
	s := start(t, options{})
	cases := []struct {
		name, token, method string
		arg                 any
		status              int
		code                string
	}{
		{"InvalidArgument", "coordinator", "panel.status", map[string]any{"panel": "not-an-id"}, 400, p.EINVALID},
		{"UnknownField", "coordinator", "panel.create", map[string]any{"nmae": "x"}, 400, p.EINVALID},
		{"NotFound", "coordinator", "panel.status", map[string]any{"panel": "0190de00-0000-7000-8000-000000000999"}, 404, p.ENOTFOUND},
		{"NoSuchMethod", "coordinator", "no.such", nil, 404, p.ENOTFOUND},
		{"AnonymousStaffView", "", "loop.board", nil, 401, p.EFORBIDDEN},
		{"ClientStaffView", "alice", "loop.board", nil, 403, p.EFORBIDDEN},
		{"RefusedByPolicy", "alice", "panel.create", map[string]any{"name": "Raati", "unit": "u"}, 403, p.EFORBIDDEN},
		{"UnknownToken", "forged", "loop.board", nil, 401, httpapi.CodeUnauthenticated},
		{"UnknownDeviceToken", "osd_forged", "feedback.press", map[string]any{"rating": 3}, 401, httpapi.CodeUnauthenticated},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := s.call(c.token, c.method, c.arg)
			assert.Equal(t, c.status, a.Status, "%s", a.Body)
			require.NotNil(t, a.Problem, "%s", a.Body)
			assert.Equal(t, c.code, a.Problem.Code)
			assert.Equal(t, httpapi.ProblemType(c.code), a.Problem.Type)
			assert.Equal(t, c.status, a.Problem.Status)
			assert.NotEmpty(t, a.Problem.Detail)
			assert.Equal(t, "nosniff", a.Header.Get("X-Content-Type-Options"))
			assert.Equal(t, "no-store", a.Header.Get("Cache-Control"))
			assert.Contains(t, a.Header.Get("Content-Security-Policy"), "default-src 'none'")
		})
	}
	t.Run("RefusalNamesTheRule", func(t *testing.T) {
		a := s.call("alice", "panel.create", map[string]any{"name": "Raati", "unit": "u"})
		require.NotNil(t, a.Problem)
		assert.Equal(t, "panel.create", a.Problem.Action)
		assert.Equal(t, "client", a.Problem.Role)
		assert.Contains(t, a.Problem.Allowed, "coordinator")
	})
	t.Run("TooLarge", func(t *testing.T) {
		big := `{"text":"` + strings.Repeat("a", api.MaxArgument) + `"}`
		a := s.raw("", "/api/feedback.preview", []byte(big))
		assert.Equal(t, http.StatusRequestEntityTooLarge, a.Status)
		require.NotNil(t, a.Problem)
		assert.Equal(t, httpapi.CodeTooLarge, a.Problem.Code)
	})
	t.Run("MethodNotAllowed", func(t *testing.T) {
		for _, c := range []struct{ method, path, allow string }{{"GET", "/api/labels", "POST"}, {"DELETE", "/events", "GET"}, {"PUT", "/devices/presses", "POST"}} {
			req, err := http.NewRequest(c.method, s.srv.URL+c.path, nil)
			require.NoError(t, err)
			res, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			var pr httpapi.Problem
			require.NoError(t, json.NewDecoder(res.Body).Decode(&pr))
			res.Body.Close()
			assert.Equal(t, http.StatusMethodNotAllowed, res.StatusCode, c.path)
			assert.Equal(t, c.allow, res.Header.Get("Allow"), c.path)
			assert.Equal(t, http.StatusMethodNotAllowed, pr.Status)
		}
	})
	t.Run("WWWAuthenticate", func(t *testing.T) {
		a := s.call("", "loop.board", nil)
		assert.Contains(t, a.Header.Get("WWW-Authenticate"), "Bearer")
	})
}

// TestCall: a signed-in coordinator's change is made as them; the open
// methods answer without sign-in.
func TestCall(t *testing.T) {
	s := start(t, options{})
	var view struct {
		Panel struct {
			ID          p.ID `json:"id"`
			Coordinator p.ID `json:"coordinator"`
		} `json:"panel"`
	}
	s.ok("coordinator", "panel.create", map[string]any{"name": "Aikuissosiaalityön asiakasraati", "unit": "aikuissosiaalityo"}).into(t, &view)
	assert.Equal(t, coordinator.ID, view.Panel.Coordinator)
	var preview map[string]any
	s.ok("", "feedback.preview", map[string]any{"text": "soita 040 123 4567"}).into(t, &preview)
	assert.Equal(t, "soita [puhelin]", preview["text"])
}

// TestLimitAnonymous: callers who do not sign in are limited per
// address; signed-in callers are not.
func TestLimitAnonymous(t *testing.T) {
	s := start(t, options{anonymous: &httpapi.Limit{Rate: 0.001, Burst: 3}})
	for range 3 {
		s.ok("", "labels", nil)
	}
	a := s.call("", "labels", nil)
	assert.Equal(t, http.StatusTooManyRequests, a.Status)
	require.NotNil(t, a.Problem)
	assert.Equal(t, httpapi.CodeRateLimited, a.Problem.Code)
	s.ok("coordinator", "labels", nil)
}

func decode[T any](t *testing.T, a answer) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(a.Body, &v), "%s", a.Body)
	return v
}
