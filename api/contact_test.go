package api_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

// TestDemoInbox: in the page, the role's person sets a contact preference
// and reads the messages the loop wrote for them, in their language; the
// browser's module serves these methods (LOOP-1).
func TestDemoInbox(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	t.Run("LOOP-1_the_role_s_person_sees_the_message_about_their_contribution", func(t *testing.T) {
		call(t, a, "session.role", map[string]any{"role": "client"})
		got := call(t, a, "contact", nil)
		assert.Nil(t, got["contact"], "no contact preference yet")
		assert.Empty(t, got["messages"])
		call(t, a, "contact.set", map[string]any{"channel": "portal", "address": "oma.example.fi", "lang": "sv"})
		c := call(t, a, "loop.submit", map[string]any{"title": "Kvällsmottagning", "unit": "aikuissosiaalityo", "service": "aikuissosiaalityo"})
		call(t, a, "session.role", map[string]any{"role": "coordinator"})
		call(t, a, "loop.advance", map[string]any{"id": c["id"], "to": "acknowledged"})
		call(t, a, "session.role", map[string]any{"role": "client"})
		got = call(t, a, "contact", nil)
		require.NotNil(t, got["contact"])
		assert.Equal(t, "sv", got["contact"].(map[string]any)["lang"])
		ms := got["messages"].([]any)
		require.Len(t, ms, 1, "one message for the one change")
		m := ms[0].(map[string]any)
		assert.Equal(t, "acknowledged", m["kind"])
		assert.Equal(t, c["id"], m["ref"], "the message names the contribution it is about")
		assert.Equal(t, "sv", m["lang"])
		assert.Contains(t, m["body"], "”Kvällsmottagning”", "written in Swedish, naming the contribution")
		inbox, cerr := a.Call("inbox", nil)
		require.Nil(t, cerr)
		var list []map[string]any
		require.NoError(t, json.Unmarshal(inbox, &list))
		require.Len(t, list, 1, "inbox lists the same messages")
		assert.Equal(t, m["id"], list[0]["id"])
	})
	t.Run("LOOP-1_clearing_the_contact_drops_pending_messages", func(t *testing.T) {
		call(t, a, "contact.clear", nil)
		got := call(t, a, "contact", nil)
		assert.Nil(t, got["contact"])
		assert.Empty(t, got["messages"])
	})
	t.Run("LOOP-1_the_expert_role_s_person_hears_of_the_assignment_offered_to_them", func(t *testing.T) {
		b, err := api.Open("", "")
		require.NoError(t, err)
		call(t, b, "expert.register", map[string]any{"name": "Anna", "kind": "experience_expert", "background": "service_use", "languages": []string{"fi", "en"}, "trained": true})
		call(t, b, "session.role", map[string]any{"role": "experience_expert"})
		call(t, b, "contact.set", map[string]any{"channel": "email", "address": "anna@example.fi", "lang": "en"})
		call(t, b, "session.role", map[string]any{"role": "staff"})
		req := call(t, b, "expert.request", map[string]any{"type": "individual_meeting"})
		id := req["list"].([]any)[0].(map[string]any)["id"]
		call(t, b, "session.role", map[string]any{"role": "coordinator"})
		call(t, b, "expert.offer", map[string]any{"assignment": id})
		call(t, b, "session.role", map[string]any{"role": "experience_expert"})
		ms := call(t, b, "contact", nil)["messages"].([]any)
		require.Len(t, ms, 1)
		m := ms[0].(map[string]any)
		assert.Equal(t, "assignment_offered", m["kind"])
		assert.Equal(t, id, m["ref"], "the message names the assignment")
		assert.Equal(t, "en", m["lang"])
		assert.Contains(t, m["body"], "You are offered an assignment as an experience expert")
	})
	labels := call(t, a, "labels", nil)
	for _, set := range []string{"messageKinds", "messageStates", "contactChannels"} {
		for k, l := range labels[set].(map[string]any) {
			for _, lang := range []string{"fi", "sv", "en"} {
				assert.NotEmpty(t, l.(map[string]any)[lang], "%s %s in %s", set, k, lang)
			}
		}
	}
}
