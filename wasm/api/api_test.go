package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/wasm/api"
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
	rc := call(t, a, "feedback.receipt", map[string]any{"code": sub["receipt"]})
	assert.Equal(t, "received", rc["state"])
	labels := call(t, a, "labels", nil)
	assert.Equal(t, "Asiakasraati", labels["panelKinds"].(map[string]any)["client_panel"].(map[string]any)["fi"])
	assert.Contains(t, api.Methods(), "house")
}
