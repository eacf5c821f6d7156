//go:build !js

package participation_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

var (
	sealedType = reflect.TypeOf(p.Sealed{})
	rawType    = reflect.TypeOf(json.RawMessage{})
)

// textLeaves walks a payload type and calls visit for every string field
// (a string kind: texts, codes and enums) and every sealed one, with its
// JSON path: nested structs with dots, "[]" after lists, "{}" for map
// values and "{key}" for string map keys.
func textLeaves(t reflect.Type, path string, seen map[reflect.Type]bool, visit func(path string, sealed bool)) {
	join := func(a, b string) string {
		if a == "" {
			return b
		}
		return a + "." + b
	}
	switch {
	case t == sealedType:
		visit(path, true)
		return
	case t == rawType:
		visit(path, false) // raw JSON could hold anything: it must be classified
		return
	}
	switch t.Kind() {
	case reflect.String:
		visit(path, false)
	case reflect.Pointer:
		textLeaves(t.Elem(), path, seen, visit)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return // ids, hashes, bytes
		}
		textLeaves(t.Elem(), path+"[]", seen, visit)
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			visit(path+"{key}", false)
		}
		textLeaves(t.Elem(), path+"{}", seen, visit)
	case reflect.Struct:
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				textLeaves(f.Type, path, seen, visit)
				continue
			}
			textLeaves(f.Type, join(path, name), seen, visit)
		}
	case reflect.Interface:
		visit(path, false) // could hold text: it must be classified
	}
}

// TestEveryTextFieldClassified reflects over the payload of every event
// type of every module (kernel, panel, feedback, expert) and checks that
// the store's field table classifies each string and sealed field, and
// lists nothing else.
func TestEveryTextFieldClassified(t *testing.T) {
	s, err := p.Open(context.Background(), &p.Config{
		Modules: []p.Module{panel.Module(), feedback.Module(nil), expert.Module(nil)}})
	require.NoError(t, err)
	defer s.Close()
	table := map[string]p.FieldRule{}
	for _, r := range s.Fields() {
		k := r.Event + " " + r.Path
		_, dup := table[k]
		assert.False(t, dup, "%s is listed twice", k)
		table[k] = r
	}
	found := map[string]bool{}
	types := s.EventTypes()
	require.Greater(t, len(types), 40, "every module's events are registered")
	t.Run("PRIV-2_every_text_field_is_classified", func(t *testing.T) {
		for _, et := range types {
			require.NotNil(t, et.Payload(), et.Name)
			textLeaves(et.Payload(), "", map[reflect.Type]bool{}, func(path string, sealed bool) {
				k := et.Name + " " + path
				found[k] = true
				r, ok := table[k]
				if !assert.True(t, ok, "event %s: field %s is not in the field table (participation.FieldRule): say whether it is sealed (under whose key), scrubbed, a code or organisation text", et.Name, path) {
					return
				}
				assert.True(t, r.Class.Valid(), "event %s: field %s: %q is not a class", et.Name, path, r.Class)
				if sealed {
					assert.Equal(t, p.FieldSealed, r.Class, "event %s: field %s is sealed in the payload", et.Name, path)
					assert.NotEmpty(t, r.Key, "event %s: field %s: say under whose key it is sealed", et.Name, path)
				} else {
					assert.NotEqual(t, p.FieldSealed, r.Class, "event %s: field %s is classified sealed but is a plain string", et.Name, path)
				}
			})
		}
	})
	t.Run("PRIV-2_the_table_lists_only_fields_that_exist", func(t *testing.T) {
		for k := range table {
			assert.True(t, found[k], "the field table lists %s, which no event has", k)
		}
	})
}
