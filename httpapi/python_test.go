package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// validator sits in front of the service and checks every request and
// every answer that passes against /openapi.json; the event stream's
// request is checked, its endless body is not.
type validator struct {
	s    *service
	next http.Handler
	mu   sync.Mutex
	errs []string
	n    int
}

func (v *validator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	v.mu.Lock()
	v.n++
	v.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	check := r.Clone(context.Background())
	check.Body = io.NopCloser(bytes.NewReader(body))
	check.URL.Scheme, check.URL.Host = "http", strings.TrimPrefix(v.s.srv.URL, "http://")
	route, params, err := v.s.router.FindRoute(check)
	if err != nil {
		v.fail("%s %s is not in the contract", r.Method, r.URL.Path)
		v.next.ServeHTTP(w, r)
		return
	}
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: opts}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		v.fail("request %s %s: %v", r.Method, r.URL.Path, err)
	}
	if r.URL.Path == "/events" {
		v.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	v.next.ServeHTTP(rec, r)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code, Header: rec.Header(), Options: opts}
	out.SetBodyBytes(rec.Body.Bytes())
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		v.fail("response of %s %s: %v", r.Method, r.URL.Path, err)
	}
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func (v *validator) fail(format string, args ...any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.errs = append(v.errs, strings.TrimSpace(fmtSprintf(format, args...)))
}

// validated puts a validator in front of s, for clients the test does
// not write in Go.
func (s *service) validated() *validator {
	v := &validator{s: s, next: s.handler}
	s.front.Store(&front{v})
	return v
}

// TestPythonClient runs the README's Python client (standard library
// only) against the service, every request it sends and every answer it
// gets checked against the contract: once within the hour, when its
// receipt is not found yet (PRIV-1), and again after the hour, when the
// receipt it was given first is found and staff read the board and the
// feed.
func TestPythonClient(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	s := start(t, options{})
	v := s.validated()
	out, err := exec.Command(py, "examples/client.py", s.srv.URL).CombinedOutput()
	require.NoError(t, err, "%s", out)
	text := string(out)
	assert.Contains(t, text, "contract 3.1.0")
	receipt := regexp.MustCompile(`receipt ([0-9A-Z]{4}(-[0-9A-Z]{4})+)`).FindStringSubmatch(text)
	require.NotNil(t, receipt, "the answer carries the receipt code at once: %s", text)
	assert.Contains(t, text, "state not yet")
	assert.NotContains(t, text, "state received")

	s.nextHour()
	out, err = exec.Command(py, "examples/client.py", s.srv.URL, "coordinator", receipt[1]).CombinedOutput()
	require.NoError(t, err, "%s", out)
	text = string(out)
	assert.Contains(t, text, "state not yet", "the new feedback waits for its hour")
	assert.Contains(t, text, "state received", "the first is found once its hour is over")
	assert.Contains(t, text, "refused forbidden 401")
	assert.Contains(t, text, "board 1")
	assert.Contains(t, text, "event 1 ")
	v.mu.Lock()
	defer v.mu.Unlock()
	assert.Greater(t, v.n, 5)
	assert.Empty(t, v.errs, "every request and answer of the client is in the contract")
}
