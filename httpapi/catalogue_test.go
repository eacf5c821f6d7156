package httpapi_test

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

var update = flag.Bool("update", false, "rewrite catalogue.json from the event structs, raising the version of each changed schema")

// TestEventCatalogue: the checked-in catalogue holds a schema for every
// event type the store registers, equal to the one made from its Go
// struct now. An event struct that changes without its schema version
// going up fails here; -update raises the version and rewrites the file.
func TestEventCatalogue(t *testing.T) {
	app, err := api.New(&api.Config{Modules: []p.Module{httpapi.Module()}})
	require.NoError(t, err)
	defer app.Close()
	checked, err := httpapi.CheckedInCatalogue()
	require.NoError(t, err)
	made := httpapi.MakeCatalogue(app.Store().EventTypes(), checked)
	if *update {
		b, err := json.MarshalIndent(made, "", "  ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile("catalogue.json", append(b, '\n'), 0o644))
		return
	}
	for name, e := range made.Events {
		old, ok := checked.Events[name]
		if !assert.True(t, ok, "event type %s has no schema in catalogue.json: run go test -run TestEventCatalogue -update and commit it", name) {
			continue
		}
		assert.True(t, reflect.DeepEqual(old.Schema, e.Schema) && old.Version == e.Version,
			"event type %s changed: its schema version goes from %d to %d; run go test -run TestEventCatalogue -update and commit catalogue.json", name, old.Version, e.Version)
	}
	for name := range checked.Events {
		assert.Contains(t, made.Events, name, "catalogue.json lists %s, which no module registers", name)
	}
	assert.Equal(t, checked.Envelope, made.Envelope)

	t.Run("Served", func(t *testing.T) {
		s := start(t, options{})
		res, err := http.Get(s.srv.URL + "/events/catalogue.json")
		require.NoError(t, err)
		defer res.Body.Close()
		var served httpapi.Catalogue
		b, _ := io.ReadAll(res.Body)
		require.NoError(t, json.Unmarshal(b, &served))
		assert.Equal(t, checked, served)
	})
}

type thingV1 struct {
	Name string `json:"name"`
}

func (thingV1) EventType() string { return "test.thing" }

type thingV2 struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

func (thingV2) EventType() string { return "test.thing" }

// TestCatalogueVersion: a changed struct raises its type's version by
// one; an unchanged one keeps it; a new type starts at 1.
func TestCatalogueVersion(t *testing.T) {
	noop1 := p.Handle(func(*p.Tx, p.EventMeta, thingV1) error { return nil })
	noop2 := p.Handle(func(*p.Tx, p.EventMeta, thingV2) error { return nil })
	first := httpapi.MakeCatalogue([]p.EventType{noop1}, httpapi.Catalogue{})
	assert.Equal(t, 1, first.Events["test.thing"].Version)
	e := first.Events["test.thing"]
	e.Version = 3
	first.Events["test.thing"] = e
	assert.Equal(t, 3, httpapi.MakeCatalogue([]p.EventType{noop1}, first).Events["test.thing"].Version)
	assert.Equal(t, 4, httpapi.MakeCatalogue([]p.EventType{noop2}, first).Events["test.thing"].Version)
}
