package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// tokens is an Authenticator over fixed tokens, for the tests that are
// not about sign-in (those run a real OpenID provider: see oidc_test.go).
type tokens map[string]p.Actor

func (t tokens) Authenticate(_ context.Context, token string) (p.Actor, error) {
	if a, ok := t[token]; ok {
		return a, nil
	}
	return p.Actor{}, p.Errorf(p.EFORBIDDEN, "unknown token")
}

// People of the tests, with their tokens.
var (
	coordinator = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000b1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000b2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000b3"), Role: p.RoleStaff}
	alice       = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000b4"), Role: p.RoleClient}
	bob         = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000b5"), Role: p.RoleClient}
)

var staticTokens = tokens{"coordinator": coordinator, "manager": manager, "worker": worker, "alice": alice, "bob": bob}

// logBuffer collects the service's log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// service is a running service on loopback with a client that validates
// every request it sends and every response it gets against the
// service's own /openapi.json.
type service struct {
	t       *testing.T
	srv     *httptest.Server
	app     *api.App
	dir     string
	logs    *logBuffer
	doc     *openapi3.T
	router  routers.Router
	handler *httpapi.Handler
	front   atomic.Pointer[front]
	// clock is the store's clock: anonymous commands take effect when
	// their hour is over (PRIV-1), which the tests bring about with
	// nextHour.
	clock *p.ManualClock
}

type front struct{ http.Handler }

// ServeHTTP passes the request to the front handler: the service, or a
// validator in front of it.
func (s *service) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.front.Load().ServeHTTP(w, r) }

type options struct {
	auth      httpapi.Authenticator
	anonymous *httpapi.Limit
	dir       string
	// clock is the store's clock; nil means a new one at the present
	// time. A restart passes the clock on.
	clock *p.ManualClock
	// history is the store's verifiable history (LOOP-2); nil means none.
	history p.History
}

// start opens an App over a file journal in o.dir (a new temporary
// directory when empty) and serves it.
func start(t *testing.T, o options) *service {
	t.Helper()
	if o.dir == "" {
		o.dir = t.TempDir()
	}
	if o.auth == nil {
		o.auth = staticTokens
	}
	if o.clock == nil {
		o.clock = p.NewManualClock(time.Now())
	}
	app, err := httpapi.OpenFiles(o.dir, &api.Config{Clock: o.clock, History: o.history})
	require.NoError(t, err)
	logs := &logBuffer{}
	h, err := httpapi.New(&httpapi.Config{App: app, Authenticator: o.auth, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Anonymous: o.anonymous})
	require.NoError(t, err)
	s := &service{t: t, app: app, dir: o.dir, logs: logs, handler: h, clock: o.clock}
	s.front.Store(&front{h})
	srv := httptest.NewServer(s)
	s.srv = srv
	t.Cleanup(s.stop)

	res, err := http.Get(srv.URL + "/openapi.json")
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	loader := openapi3.NewLoader()
	s.doc, err = loader.LoadFromData(raw)
	require.NoError(t, err)
	require.NoError(t, s.doc.Validate(context.Background()), "the served document is a valid OpenAPI document")
	s.doc.Servers = openapi3.Servers{{URL: srv.URL}}
	s.router, err = legacy.NewRouter(s.doc)
	require.NoError(t, err)
	return s
}

// nextHour moves the store's clock to the start of the next hour and
// releases the anonymous commands held for the hour that is over
// (PRIV-1), as the store does by itself on the hour.
func (s *service) nextHour() {
	s.t.Helper()
	now := s.clock.Now()
	s.clock.Set(now.Truncate(time.Hour).Add(time.Hour))
	require.NoError(s.t, s.app.Store().Release(context.Background()))
	require.Zero(s.t, s.app.Store().Held(), "nothing of the hour that is over is held")
}

// restart stops the service and starts it again over the same data
// directory and clock.
func (s *service) restart(o options) *service {
	s.t.Helper()
	s.stop()
	o.dir, o.clock = s.dir, s.clock
	return start(s.t, o)
}

var stopOnce sync.Map

func (s *service) stop() {
	if _, done := stopOnce.LoadOrStore(s, true); done {
		return
	}
	s.srv.Close()
	s.app.Close()
}

// answer is one validated response.
type answer struct {
	Status  int
	Header  http.Header
	Body    []byte
	Problem *httpapi.Problem
}

func (a answer) into(t *testing.T, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(a.Body, v), "%s", a.Body)
}

// send sends a request and checks it, and its response, against the
// document.
func (s *service) send(req *http.Request, body []byte) answer {
	t := s.t
	t.Helper()
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		return s.unlisted(req, body)
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	req.Body = io.NopCloser(bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header, Options: opts}
	out.SetBodyBytes(raw)
	require.NoError(t, openapi3filter.ValidateResponse(context.Background(), out), "response of %s %s: %d %s", req.Method, req.URL.Path, res.StatusCode, raw)
	a := answer{Status: res.StatusCode, Header: res.Header, Body: raw}
	if res.Header.Get("Content-Type") == "application/problem+json" {
		a.Problem = &httpapi.Problem{}
		require.NoError(t, json.Unmarshal(raw, a.Problem))
	}
	if reqErr != nil {
		// A request the document refuses must be one the service refuses
		// too.
		require.Equal(t, 4, a.Status/100, "the service did not refuse, as a client error, a request /openapi.json refuses (%v): %d %s", reqErr, a.Status, raw)
	}
	return a
}

// unlisted sends a request to a route the document does not list, which
// must answer with a problem, not found, that the document's Problem
// schema accepts.
func (s *service) unlisted(req *http.Request, body []byte) answer {
	t := s.t
	t.Helper()
	req.Body = io.NopCloser(bytes.NewReader(body))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusNotFound, res.StatusCode, "a route /openapi.json does not list is not served: %s %s", req.Method, req.URL.Path)
	require.Equal(t, "application/problem+json", res.Header.Get("Content-Type"))
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	require.NoError(t, s.doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020()))
	a := answer{Status: res.StatusCode, Header: res.Header, Body: raw, Problem: &httpapi.Problem{}}
	require.NoError(t, json.Unmarshal(raw, a.Problem))
	return a
}

// call calls a method as the holder of token ("" for none).
func (s *service) call(token, method string, arg any) answer {
	s.t.Helper()
	var body []byte
	if arg != nil {
		var err error
		body, err = json.Marshal(arg)
		require.NoError(s.t, err)
	}
	return s.raw(token, "/api/"+method, body)
}

// raw posts body to path as the holder of token.
func (s *service) raw(token, path string, body []byte) answer {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, bytes.NewReader(body))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.send(req, body)
}

// ok calls a method and requires a 200.
func (s *service) ok(token, method string, arg any) answer {
	s.t.Helper()
	a := s.call(token, method, arg)
	require.Equal(s.t, http.StatusOK, a.Status, "%s: %s", method, a.Body)
	return a
}

func journalPath(dir string) string { return filepath.Join(dir, "journal") }

var fmtSprintf = fmt.Sprintf
