package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

func call(t *testing.T, a *api.App, method string, arg any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(arg)
	out, err := a.Call(method, b)
	require.Nil(t, err, "%s: %+v", method, err)
	var v any
	require.NoError(t, json.Unmarshal(out, &v))
	if m, ok := v.(map[string]any); ok {
		return m
	}
	return map[string]any{"list": v}
}

// TestSampleSurvivesReload loads the sample county, saves what the page
// would save, opens it again and finds the same, verified state.
func TestSampleSurvivesReload(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	res := call(t, a, "sample", nil)
	assert.Greater(t, res["items"].(float64), 3000.0, "thousands of feedback items")
	lines, keys := a.Pending()
	require.NotEmpty(t, lines)
	assert.Less(t, len(lines), 2_000_000, "the sample's journal fits in localStorage")
	before := call(t, a, "house", nil)

	b, err := api.Open(lines, keys)
	require.NoError(t, err)
	assert.True(t, b.Verify.Verified)
	assert.Empty(t, b.Verify.Error)
	assert.Equal(t, before, call(t, b, "house", nil))
	experts := call(t, b, "expert.list", nil)["list"].([]any)
	require.Len(t, experts, 18)
	for _, x := range experts {
		assert.NotEmpty(t, x.(map[string]any)["name"], "names open with the saved keys")
	}

	t.Run("DamageIsReported", func(t *testing.T) {
		bad := strings.Replace(lines, `"seq":7,`, `"seq":7 ,`, 1)
		c, err := api.Open(bad, keys)
		require.NoError(t, err)
		assert.Contains(t, c.Verify.Error, "sequence 7")
		assert.Equal(t, uint64(0), c.Verify.Events, "a damaged journal is not half loaded")
		assert.False(t, c.Verify.Verified, "damage is never shown as a verified chain")
	})
}

func TestCalls(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	x := call(t, a, "panel.create", nil)
	id := x["panel"].(map[string]any)["id"]
	for i := 0; i < 9; i++ {
		x = call(t, a, "panel.addMember", map[string]any{"panel": id, "name": "Jäsen", "service": []string{"a", "b"}[i%2]})
	}
	reasons := x["reasons"].([]any)
	assert.Equal(t, "1 member missing: the panel has 9 and needs at least 10", reasons[0].(map[string]any)["en"])

	_, cerr := a.Call("panel.appoint", []byte(`{"panel":"`+id.(string)+`","member":"nope","position":"chair"}`))
	require.NotNil(t, cerr)
	assert.Equal(t, "invalid", cerr.Code)
	_, cerr = a.Call("panel.create", []byte(`{"nmae":"typo"}`))
	require.NotNil(t, cerr)
	assert.Contains(t, cerr.Message, "nmae", "an unknown field is named")
	_, cerr = a.Call("no.such", nil)
	assert.Equal(t, "not_found", cerr.Code)

	prev := call(t, a, "feedback.preview", map[string]any{"text": "soita 040 123 4567"})
	assert.Equal(t, "soita [puhelin]", prev["text"])
	sub := call(t, a, "feedback.submit", map[string]any{"service": "aikuissosiaalityo", "rating": 2, "text": "hetu 131052-308T", "receipt": true})
	_, cerr = a.Call("feedback.receipt", []byte(`{"code":"`+sub["receipt"].(string)+`"}`))
	require.NotNil(t, cerr)
	assert.Equal(t, "not_found", cerr.Code, "PRIV-1: the feedback takes effect once its hour is over")
	assert.Equal(t, 1.0, call(t, a, "state", nil)["held"])
	assert.Equal(t, 1.0, call(t, a, "clock.nextHour", nil)["released"])
	rc := call(t, a, "feedback.receipt", map[string]any{"code": sub["receipt"]})
	assert.Equal(t, "received", rc["state"])
	labels := call(t, a, "labels", nil)
	assert.Equal(t, "Asiakasraati", labels["panelKinds"].(map[string]any)["client_panel"].(map[string]any)["fi"])
	assert.Contains(t, api.Methods(), "house")
}

// TestRoles switches the page's role: every change is made as that
// role's actor, and a refusal names the action, the role and the roles
// the policy allows it to (PART-7), so that the page can explain it.
func TestRoles(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	ses := call(t, a, "session", nil)
	assert.Equal(t, "coordinator", ses["role"], "the page starts as the coordinator")
	assert.Len(t, ses["roles"], len(api.Roles))

	call(t, a, "session.role", map[string]any{"role": "client"})
	_, cerr := a.Call("panel.create", nil)
	require.NotNil(t, cerr)
	assert.Equal(t, "forbidden", cerr.Code)
	assert.Equal(t, "panel.create", cerr.Action)
	assert.Equal(t, "client", cerr.Role)
	assert.Equal(t, []string{"coordinator", "manager", "admin"}, cerr.Allowed)

	call(t, a, "session.role", map[string]any{"role": "manager"})
	x := call(t, a, "panel.create", nil)
	require.NotNil(t, x["panel"], "service management may set up a panel")

	_, cerr = a.Call("session.role", []byte(`{"role":"mayor"}`))
	require.NotNil(t, cerr)
	assert.Equal(t, "invalid", cerr.Code)
	assert.Equal(t, "role", cerr.Field)

	t.Run("PART-7_every_page_role_acts_within_the_policy", func(t *testing.T) {
		// Each role tries to set up a panel; the library's policy, read
		// from the store, decides, and every refusal is explained.
		pol := call(t, a, "policy", nil)
		allowed := pol["panel.create"].([]any)
		for _, r := range api.Roles {
			call(t, a, "session.role", map[string]any{"role": r})
			_, cerr := a.Call("panel.create", nil)
			lib := map[string]string{"panel_member": "client", "chair": "client", "secretary": "client"}[r]
			if lib == "" {
				lib = r
			}
			if slices.Contains(allowed, any(lib)) {
				assert.Nil(t, cerr, r)
				continue
			}
			require.NotNil(t, cerr, r)
			assert.Equal(t, "forbidden", cerr.Code, r)
			assert.Equal(t, r, cerr.Role)
			assert.NotEmpty(t, cerr.Allowed, r)
		}
	})
}

// TestListingWritesNothing opens the feedback view's lists on an empty
// state: nothing is written until someone registers a device.
func TestListingWritesNothing(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	for _, m := range []string{"feedback.devices", "state", "labels", "policy", "session", "panel.status", "expert.list", "loop.board", "house", "feedback.report"} {
		_, cerr := a.Call(m, nil)
		require.Nil(t, cerr, m)
	}
	lines, _ := a.Pending()
	assert.Empty(t, lines, "reading writes no event")
	call(t, a, "feedback.registerDevices", nil)
	devices := call(t, a, "feedback.devices", nil)["list"].([]any)
	assert.Len(t, devices, 2)
	dev := devices[0].(map[string]any)
	require.NotNil(t, dev["followUp"], "the demo's devices ask a follow-up question")
	res := call(t, a, "feedback.press", map[string]any{"device": dev["id"], "rating": 4, "answer": 2})
	assert.Equal(t, 1.0, res["counted"])
	call(t, a, "clock.nextHour", nil)
	lines, _ = a.Pending()
	assert.Contains(t, lines, `"a":2`, "the follow-up answer is recorded with its press")
}

// TestSampleInEachLanguage draws the sample county in Finnish, Swedish
// and English: the same county, with its organisation text and feedback
// in the page's language.
func TestSampleInEachLanguage(t *testing.T) {
	counts := map[string]any{}
	for lang, panelName := range map[string]string{"fi": "Aikuissosiaalityön asiakasraati", "sv": "Klientrådet för socialt arbete för vuxna", "en": "Adult social work client panel"} {
		a, err := api.Open("", "")
		require.NoError(t, err)
		res := call(t, a, "sample", map[string]any{"lang": lang})
		counts[lang] = res["items"]
		st := call(t, a, "panel.status", nil)
		assert.Equal(t, panelName, st["panel"].(map[string]any)["name"], lang)
	}
	assert.Equal(t, counts["fi"], counts["sv"])
	assert.Equal(t, counts["fi"], counts["en"])
	a, _ := api.Open("", "")
	_, cerr := a.Call("sample", []byte(`{"lang":"de"}`))
	require.NotNil(t, cerr)
	assert.Equal(t, "lang", cerr.Field)
}

// TestFollowUpsReported draws the sample county, whose devices ask a
// follow-up question, and checks the follow-up report against every
// press event of the saved journal, read line by line: each shown count
// is the number of answers of that option on that device, filtered
// repeats left out; small counts are hidden (FB-5).
func TestFollowUpsReported(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	call(t, a, "sample", nil)
	lines, _ := a.Pending()
	want := map[string]map[string]int{} // device → option → answers
	for _, line := range strings.Split(strings.TrimSpace(lines), "\n") {
		var e struct {
			Type string
			Data struct {
				Device  string
				Presses []struct {
					A int
					F bool
				}
			}
		}
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		if e.Type != "feedback.pressed" {
			continue
		}
		for _, pr := range e.Data.Presses {
			if pr.A > 0 && !pr.F {
				if want[e.Data.Device] == nil {
					want[e.Data.Device] = map[string]int{}
				}
				want[e.Data.Device][fmt.Sprint(pr.A)]++
			}
		}
	}
	require.Len(t, want, 4, "every sample device had its follow-up answered")
	out := call(t, a, "feedback.followUps", map[string]any{"days": 90})["list"].([]any)
	require.Len(t, out, 4)
	for _, x := range out {
		r := x.(map[string]any)
		tab := r["answers"].(map[string]any)
		cols := tab["cols"].([]any)
		require.Len(t, cols, len(r["options"].([]any)))
		for j, c := range tab["cells"].([]any)[0].([]any) {
			cell := c.(map[string]any)
			if cell["suppressed"] == true {
				if cell["secondary"] != true {
					assert.Less(t, want[r["device"].(string)][cols[j].(string)], 5, "only a small count is hidden for itself")
				}
				continue
			}
			assert.Equal(t, float64(want[r["device"].(string)][cols[j].(string)]), cell["value"], "device %s option %s", r["point"], cols[j])
		}
	}
}

// TestPanelRoles acts as the people of the sample's first panel: the
// chair records a statement at an official meeting, a member who holds
// no position is refused, and the refusal names the action so that the
// page can give the rule.
func TestPanelRoles(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	call(t, a, "sample", nil)
	st := call(t, a, "panel.status", nil)
	meetings := st["meetings"].([]any)
	last := meetings[len(meetings)-1].(map[string]any)
	require.Equal(t, true, last["official"])
	arg := map[string]any{"meeting": last["id"], "text": "Raati esittää lisää iltavastaanottoja."}

	t.Run("PANEL-7_a_member_without_a_position_may_not_record_a_statement", func(t *testing.T) {
		call(t, a, "session.role", map[string]any{"role": "panel_member"})
		b, _ := json.Marshal(arg)
		_, cerr := a.Call("panel.adopt", b)
		require.NotNil(t, cerr)
		assert.Equal(t, "forbidden", cerr.Code)
		assert.Equal(t, "panel.adopt_statement", cerr.Action)
		assert.Contains(t, cerr.Allowed, "client", "the policy allows members; the position decides")
	})
	t.Run("PANEL-7_the_chair_records_a_statement", func(t *testing.T) {
		call(t, a, "session.role", map[string]any{"role": "chair"})
		out := call(t, a, "panel.adopt", arg)
		assert.Equal(t, arg["text"], out["text"])
	})
}

// TestHeldFeedbackSurvivesAReload: anonymous feedback waits for the end
// of its hour (PRIV-1) in the inbox, which the page saves beside the keys,
// so a reload within the hour keeps it; once the hour is over it counts.
func TestHeldFeedbackSurvivesAReload(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	sub := call(t, a, "feedback.submit", map[string]any{"service": "aikuissosiaalityo", "rating": 2, "text": "Pitkä jono", "receipt": true})
	lines, keys := a.Pending()
	assert.Empty(t, lines, "PRIV-1: nothing is journalled before the hour is over")
	require.Contains(t, keys, `"inbox"`, "the held feedback is saved beside the keys")

	b, err := api.Open(lines, keys)
	require.NoError(t, err)
	assert.Equal(t, 1.0, call(t, b, "state", nil)["held"], "the reloaded page holds it")
	assert.Equal(t, 1.0, call(t, b, "clock.nextHour", nil)["released"])
	rc := call(t, b, "feedback.receipt", map[string]any{"code": sub["receipt"]})
	assert.Equal(t, "received", rc["state"])
	lines, keys = b.Pending()
	assert.Contains(t, lines, "inbox.released")
	assert.NotContains(t, keys, `"inbox"`, "the inbox is empty once the journal took the feedback")
}
