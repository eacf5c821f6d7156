package api_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

// TestRefusedCallChangesNothing: a call the API answers with an error
// has changed nothing — no event is journalled — also when the method
// runs more than one command.
func TestRefusedCallChangesNothing(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	st := call(t, a, "panel.create", nil)
	panelID := st["panel"].(map[string]any)["id"].(string)
	st = call(t, a, "panel.addMember", map[string]any{"panel": panelID, "name": "Jäsen Yksi", "service": "a"})
	member := st["members"].([]any)[0].(map[string]any)["id"].(string)
	other := "0190de00-0000-7000-8000-00000000dead"
	cases := []struct{ name, method, arg string }{
		{"leave_with_unknown_panel", "panel.leave", `{"panel":"` + other + `","member":"` + member + `","reason":"muutto"}`},
		{"appoint_with_unknown_panel", "panel.appoint", `{"panel":"` + other + `","member":"` + member + `","position":"chair"}`},
		{"meet_with_unknown_present", "panel.meet", `{"panel":"` + panelID + `","present":["` + other + `"]}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := call(t, a, "state", nil)["events"]
			_, cerr := a.Call(c.method, []byte(c.arg))
			require.NotNil(t, cerr, "%s(%s) is refused", c.method, c.arg)
			after := call(t, a, "state", nil)["events"]
			b, _ := json.Marshal(cerr)
			assert.Equal(t, before, after, "%s answered %s, yet journalled events", c.method, b)
		})
	}
}
