package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/httpapi"
)

// feed is a connection to GET /events.
type feed struct {
	t   *testing.T
	res *http.Response
	rd  *bufio.Reader
	cat map[string]*openapi3.Schema
	env *openapi3.Schema
}

// sseEvent is one event of the stream.
type sseEvent struct {
	ID, Type string
	Data     []byte
}

func schema(t *testing.T, m map[string]any) *openapi3.Schema {
	t.Helper()
	b, err := json.Marshal(m)
	require.NoError(t, err)
	var s openapi3.Schema
	require.NoError(t, json.Unmarshal(b, &s))
	return &s
}

// events opens the feed as the holder of token, after the event with
// sequence number lastID ("" for the start), checking the request
// against the document.
func (s *service) events(token, lastID, query string) (*feed, answer) {
	t := s.t
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.srv.URL+"/events"+query, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	route, params, err := s.router.FindRoute(req)
	require.NoError(t, err)
	opts := &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}
	require.NoError(t, openapi3filter.ValidateRequest(context.Background(), &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}))
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	if res.StatusCode != http.StatusOK {
		defer res.Body.Close()
		var pr httpapi.Problem
		require.NoError(t, json.NewDecoder(res.Body).Decode(&pr))
		return nil, answer{Status: res.StatusCode, Header: res.Header, Problem: &pr}
	}
	require.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	cat, err := httpapi.CheckedInCatalogue()
	require.NoError(t, err)
	f := &feed{t: t, res: res, rd: bufio.NewReader(res.Body), cat: map[string]*openapi3.Schema{}, env: schema(t, cat.Envelope)}
	for name, e := range cat.Events {
		f.cat[name] = schema(t, e.Schema)
	}
	t.Cleanup(f.close)
	return f, answer{Status: res.StatusCode, Header: res.Header}
}

// next reads the next event, skipping comments, and checks its data
// against the event catalogue: the envelope, and the data against its
// type's schema.
func (f *feed) next() sseEvent {
	t := f.t
	t.Helper()
	var e sseEvent
	for {
		line, err := f.rd.ReadString('\n')
		require.NoError(t, err)
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "":
			if e.ID == "" {
				continue // the end of a comment
			}
			var env map[string]any
			require.NoError(t, json.Unmarshal(e.Data, &env))
			require.NoError(t, f.env.VisitJSON(env, openapi3.EnableJSONSchema2020()), "the envelope of %s", e.Data)
			sch, ok := f.cat[e.Type]
			require.True(t, ok, "event type %s is in the catalogue", e.Type)
			require.NoError(t, sch.VisitJSON(env["data"], openapi3.EnableJSONSchema2020()), "the data of %s: %s", e.Type, e.Data)
			return e
		case strings.HasPrefix(line, ":"):
		case strings.HasPrefix(line, "id: "):
			e.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			e.Type = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			e.Data = []byte(strings.TrimPrefix(line, "data: "))
		}
	}
}

func (f *feed) close() { f.res.Body.Close() }
