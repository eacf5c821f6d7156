//go:build !(js && wasm)

package api_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

func callAs(t *testing.T, a *api.App, who p.Actor, method string, arg any) json.RawMessage {
	t.Helper()
	b, _ := json.Marshal(arg)
	out, err := a.CallAs(who, method, b)
	require.Nil(t, err, "%s as %s: %+v", method, who.Role, err)
	return out
}

// TestCallAs: an edge passes the caller it authenticated, and every
// change is made as that caller; reads are open by their access.
func TestCallAs(t *testing.T) {
	a, err := api.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { a.Close() })
	coord := p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000a1"), Role: p.RoleCoordinator}
	alice := p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000a2"), Role: p.RoleClient}
	bob := p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000a3"), Role: p.RoleClient}

	t.Run("PART-7_change_is_made_as_the_caller", func(t *testing.T) {
		var view struct {
			Panel struct {
				Coordinator p.ID `json:"coordinator"`
			} `json:"panel"`
		}
		require.NoError(t, json.Unmarshal(callAs(t, a, coord, "panel.create", map[string]string{"name": "Raati", "unit": "u"}), &view))
		assert.Equal(t, coord.ID, view.Panel.Coordinator)
		_, e := a.CallAs(alice, "panel.create", []byte(`{"name":"Raati","unit":"u"}`))
		require.NotNil(t, e)
		assert.Equal(t, p.EFORBIDDEN, e.Code)
		assert.Equal(t, "client", e.Role)
	})
	t.Run("DemoMethodsAreRefused", func(t *testing.T) {
		for _, m := range []string{"session", "session.role", "sample", "feedback.registerDevices", "panel.drawLot"} {
			_, e := a.CallAs(coord, m, nil)
			require.NotNil(t, e, m)
			assert.Equal(t, p.ENOTFOUND, e.Code, m)
		}
	})
	t.Run("StaffViewsAreRefusedToOthers", func(t *testing.T) {
		for _, who := range []p.Actor{alice, p.Anonymous, {ID: alice.ID, Role: p.RoleDevice}} {
			_, e := a.CallAs(who, "loop.board", nil)
			require.NotNil(t, e, who.Role)
			assert.Equal(t, p.EFORBIDDEN, e.Code)
		}
		callAs(t, a, coord, "loop.board", nil)
	})
	t.Run("OpenMethodsNeedNoSignIn", func(t *testing.T) {
		callAs(t, a, p.Anonymous, "feedback.submit", map[string]any{"service": "s", "rating": 4, "text": "hyvä"})
	})
	t.Run("OwnContributionsOnly", func(t *testing.T) {
		var c p.Contribution
		require.NoError(t, json.Unmarshal(callAs(t, a, alice, "loop.submit", map[string]any{"title": "Aukiolo", "unit": "u"}), &c))
		var mine []p.Contribution
		require.NoError(t, json.Unmarshal(callAs(t, a, alice, "mine", nil), &mine))
		require.Len(t, mine, 1)
		assert.Equal(t, c.ID, mine[0].ID)
		callAs(t, a, alice, "mine.contribution", map[string]any{"id": c.ID})
		_, e := a.CallAs(bob, "mine.contribution", []byte(`{"id":"`+c.ID.String()+`"}`))
		require.NotNil(t, e)
		assert.Equal(t, p.EFORBIDDEN, e.Code)
		_, e = a.CallAs(p.Anonymous, "mine", nil)
		require.NotNil(t, e)
		assert.Equal(t, p.EFORBIDDEN, e.Code)
	})
	t.Run("NoRoleIsRefused", func(t *testing.T) {
		_, e := a.CallAs(p.Actor{}, "labels", nil)
		require.NotNil(t, e)
		assert.Equal(t, p.EFORBIDDEN, e.Code)
	})
}

// TestAccessLabels: every kind of access has a label in Finnish, Swedish
// and English.
func TestAccessLabels(t *testing.T) {
	for _, a := range api.Accesses {
		for _, l := range []p.Lang{p.Finnish, p.Swedish, p.English} {
			assert.NotEmpty(t, a.Label(l), "%s in %s", a, l)
		}
	}
	assert.NotEqual(t, api.AccessOpen.Label(p.Finnish), api.AccessOpen.Label(p.English))
}
