package httpapi

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// The live feed: GET /events streams committed events as Server-Sent
// Events, each with its sequence number as its id, so that a client that
// lost its connection resumes with Last-Event-ID (or ?after=N) and misses
// nothing; ?types=panel.created,feedback.pressed keeps only those types
// (a type ending in ".*" keeps a module's). Only the organisation's
// staff read it (see [api.StaffReaders]). Each event's data is its
// journal line: sealed personal data stays sealed, and the hashes let a
// client check the chain. The catalogue at /events/catalogue.json gives
// a JSON Schema, with a version, for every event type's data.

// feedRoles are the roles that read the feed.
var feedRoles = api.StaffReaders()

// Heartbeat is how often the feed sends a comment while no event comes,
// so that proxies keep the connection open.
const Heartbeat = 15 * time.Second

// serveEvents streams the change feed.
func (h *Handler) serveEvents(w http.ResponseWriter, r *http.Request) {
	rec := w.(*recorder)
	who, pr := h.caller(r)
	if pr == nil && !slices.Contains(feedRoles, who.Role) {
		pr = newProblem(p.EFORBIDDEN, "the event feed is read by the organisation's staff only")
		if who.Role == p.RoleAnonymous {
			pr = newProblem(CodeUnauthenticated, "sign in to read the event feed")
		}
		pr.Role = string(who.Role)
		for _, r := range feedRoles {
			pr.Allowed = append(pr.Allowed, string(r))
		}
	}
	if pr != nil {
		rec.code = pr.Code
		writeProblem(w, pr)
		return
	}
	rec.role = string(who.Role)
	after := r.Header.Get("Last-Event-ID")
	if q := r.URL.Query().Get("after"); q != "" {
		after = q
	}
	var from uint64 = 1
	if after != "" {
		n, err := strconv.ParseUint(after, 10, 64)
		if err != nil {
			rec.code = p.EINVALID
			writeProblem(w, newProblem(p.EINVALID, "Last-Event-ID (or after) is the sequence number of the last event received, not "+strconv.Quote(after)))
			return
		}
		from = n + 1
	}
	var types []string
	if q := r.URL.Query().Get("types"); q != "" {
		types = strings.Split(q, ",")
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // the stream outlives the server's write timeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	events := make(chan p.Event)
	errc := make(chan error, 1)
	sub := h.app.Store().Subscribe(from)
	go func() {
		for {
			e, err := sub.Next(ctx)
			if err != nil {
				errc <- err
				return
			}
			select {
			case events <- e:
			case <-ctx.Done():
				return
			}
		}
	}()
	tick := time.NewTicker(Heartbeat)
	defer tick.Stop()
	var buf bytes.Buffer
	for {
		select {
		case e := <-events:
			if !wanted(types, e.Type) {
				continue
			}
			buf.Reset()
			buf.WriteString("id: ")
			buf.WriteString(strconv.FormatUint(e.Seq, 10))
			buf.WriteString("\nevent: ")
			buf.WriteString(e.Type)
			buf.WriteString("\ndata: ")
			buf.Write(e.AppendJSON(nil))
			buf.WriteString("\n\n")
			if _, err := w.Write(buf.Bytes()); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-tick.C:
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil {
				return
			}
			_ = rc.Flush()
		case <-errc:
			return
		case <-ctx.Done():
			return
		}
	}
}

func wanted(types []string, t string) bool {
	if len(types) == 0 {
		return true
	}
	for _, x := range types {
		if x == t || (strings.HasSuffix(x, ".*") && strings.HasPrefix(t, strings.TrimSuffix(x, "*"))) {
			return true
		}
	}
	return false
}

// The event catalogue.

//go:embed catalogue.json
var catalogueJSON []byte

// Catalogue is the versioned catalogue of event types: for each, the
// JSON Schema of its data and a version that goes up whenever the schema
// changes.
type Catalogue struct {
	Schema      string                    `json:"$schema"`
	Description string                    `json:"description"`
	Envelope    map[string]any            `json:"envelope"`
	Events      map[string]CatalogueEntry `json:"events"`
}

// CatalogueEntry is one event type in the [Catalogue].
type CatalogueEntry struct {
	Version int            `json:"version"`
	Schema  map[string]any `json:"schema"`
}

// CheckedInCatalogue returns the catalogue the service serves, as checked
// in beside the code.
func CheckedInCatalogue() (Catalogue, error) {
	var c Catalogue
	err := json.Unmarshal(catalogueJSON, &c)
	return c, err
}

// MakeCatalogue makes the catalogue of types from their payloads' Go
// structs, keeping prev's version of each type whose schema is unchanged
// and raising it by one for each whose schema changed (a new type starts
// at 1).
func MakeCatalogue(types []p.EventType, prev Catalogue) Catalogue {
	c := Catalogue{Schema: "https://json-schema.org/draft/2020-12/schema",
		Description: "The data of every event type of the feed (GET /events), with its version; an event's data is its journal line, as the envelope says.",
		Envelope:    envelopeSchema(), Events: map[string]CatalogueEntry{}}
	for _, t := range types {
		s := roundTrip(schemaOf(t.Payload(), 0))
		e := CatalogueEntry{Version: 1, Schema: s}
		if old, ok := prev.Events[t.Name]; ok {
			e.Version = old.Version
			if !reflect.DeepEqual(old.Schema, s) {
				e.Version++
			}
		}
		c.Events[t.Name] = e
	}
	return c
}

// roundTrip gives s the shape it has when read back from JSON, so that
// schemas compare equal to the checked-in ones.
func roundTrip(s obj) map[string]any {
	b, _ := json.Marshal(s)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func envelopeSchema() map[string]any {
	str := obj{"type": "string"}
	return roundTrip(obj{"type": "object", "required": []string{"seq", "id", "time", "type", "actor", "data", "prev", "hash"},
		"properties": obj{"seq": obj{"type": "integer", "minimum": 1}, "id": obj{"type": "string", "format": "uuid"},
			"time": obj{"type": "string", "format": "date-time"}, "type": str,
			"actor": obj{"type": "object", "properties": obj{"id": str, "role": str}},
			"data":  obj{"description": "the event type's data: see events"}, "end": obj{"type": "boolean"}, "prev": str, "hash": str}})
}

func (h *Handler) serveCatalogue(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(catalogueJSON)
}
