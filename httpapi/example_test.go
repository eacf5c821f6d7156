package httpapi_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// A service over a journal in memory, without sign-in: the open methods
// answer anyone, and every failure is a problem with the library's code.
func Example() {
	app, err := api.New(&api.Config{Modules: []p.Module{httpapi.Module()}})
	if err != nil {
		panic(err)
	}
	defer app.Close()
	h, err := httpapi.New(&httpapi.Config{App: app, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	for _, c := range []struct{ method, arg string }{
		{"feedback.preview", `{"text":"soita 040 123 4567"}`},
		{"loop.board", `{}`},
	} {
		res, err := http.Post(srv.URL+"/api/"+c.method, "application/json", strings.NewReader(c.arg))
		if err != nil {
			panic(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Println(res.StatusCode, res.Header.Get("Content-Type"), strings.TrimSpace(string(b)))
	}
	// Output:
	// 200 application/json {"redactions":1,"text":"soita [puhelin]"}
	// 401 application/problem+json {"type":"urn:osallisuus:problem:forbidden","title":"Unauthorized","status":401,"detail":"loop.board reads the organisation's views, which only its staff read","code":"forbidden","role":"anonymous","allowed":["staff","coordinator","manager","admin"]}
}
