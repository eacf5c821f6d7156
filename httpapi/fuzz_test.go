package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// FuzzRequest sends the handler arbitrary requests: a route, a body, a
// content type and a token. Nothing panics, nothing answers 5xx, and
// every failure is a problem with a code.
func FuzzRequest(f *testing.F) {
	app, err := api.New(&api.Config{Modules: []p.Module{httpapi.Module()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { app.Close() })
	h, err := httpapi.New(&httpapi.Config{App: app, Authenticator: staticTokens, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Anonymous: &httpapi.Limit{Rate: 1e9, Burst: 1 << 30}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("/api/panel.create", `{"name":"Raati","unit":"u"}`, "application/json", "coordinator")
	f.Add("/api/feedback.submit", `{"service":"s","rating":4,"text":"hyvä","receipt":true}`, "application/json", "")
	f.Add("/api/panel.status", `{"panel":"0190de00-0000-7000-8000-000000000999"}`, "", "alice")
	f.Add("/api/feedback.preview", `{"text":"\ud800"}`, "application/json; charset=utf-8", "")
	f.Add("/devices/presses", `{"presses":[{"rating":9}]}`, "application/json", "osd_x")
	f.Add("/devices/register", `{"service":"s","point":"p","followUp":null}`, "application/json", "coordinator")
	f.Add("/api/loop.advance", `{"id":"x","to":"decided"} {}`, "text/plain", "manager")
	f.Fuzz(func(t *testing.T, path, body, contentType, token string) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1"+path, strings.NewReader(body))
		if err != nil {
			return // not a request a client can send
		}
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.RemoteAddr = "127.0.0.1:1"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %q: %d %s", path, body, w.Code, w.Body)
		}
		if w.Code >= 400 {
			var pr httpapi.Problem
			if err := json.Unmarshal(w.Body.Bytes(), &pr); err != nil || pr.Code == "" || pr.Status != w.Code {
				t.Fatalf("%s %q: the failure is not a problem with a code: %d %s", path, body, w.Code, w.Body)
			}
		} else if !json.Valid(w.Body.Bytes()) {
			t.Fatalf("%s %q: the answer is not JSON: %s", path, body, w.Body)
		}
	})
}
