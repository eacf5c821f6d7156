package api_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

// strictCases are arguments the JSON API refuses with invalid, running
// nothing: what the review found accepted, answered with internal, or
// silently changed.
var strictCases = []struct {
	name, method, arg, says string
}{
	{"trailing_object", "feedback.submit", `{"service":"neuvola","rating":2} {"service":"neuvola","rating":4}`, "after"},
	{"trailing_garbage", "feedback.submit", `{"service":"neuvola","rating":2}x`, "after"},
	{"trailing_array", "panel.create", `{}[]`, "after"},
	{"days_huge", "feedback.report", `{"days":2147483647}`, "1..3650"},
	{"days_negative", "feedback.report", `{"days":-5}`, "1..3650"},
	{"days_zero", "feedback.report", `{"days":0}`, "1..3650"},
	{"house_days_huge", "house", `{"days":2147483647}`, "1..3650"},
	{"house_days_too_many", "house", `{"days":3651}`, "1..3650"},
	{"answer_huge", "feedback.press", `{"device":"DEVICE","rating":1,"answer":9223372036854775807}`, "1 to 3"},
	{"rating_huge", "feedback.submit", `{"service":"neuvola","rating":4294967296}`, "1 to 4"},
	{"rating_overflow", "feedback.submit", `{"service":"neuvola","rating":1e400}`, "range"},
	{"days_overflow", "house", `{"days":99999999999999999999}`, "1..3650"},
	{"days_fraction", "house", `{"days":1.5}`, "whole number in range 1..3650"},
	{"nul_in_name", "panel.addMember", `{"name":"Jä\u0000sen","service":"a"}`, "U+0000"},
	{"esc_in_service", "feedback.submit", `{"service":"neu\u001bvola","rating":2}`, "U+001B"},
	{"bel_in_service", "feedback.submit", `{"service":"neu\u0007vola","rating":2}`, "U+0007"},
	{"bidi_override_in_name", "expert.register", `{"name":"Anna \u202eairaM","kind":"experience_expert","background":"service_use","languages":["fi"]}`, "U+202E"},
	{"invalid_utf8", "feedback.submit", "{\"service\":\"neu\xffvola\",\"rating\":2}", "UTF-8"},
	{"lone_surrogate", "feedback.submit", `{"service":"neu\ud800vola","rating":2}`, "UTF-8"},
	{"lone_low_surrogate", "feedback.preview", `{"text":"a\udc00"}`, "UTF-8"},
	{"preview_long", "feedback.preview", `{"text":"` + strings.Repeat("a", 4001) + `"}`, "4000"},
	{"preview_50MB", "feedback.preview", `{"text":"` + strings.Repeat("a", 50<<20) + `"}`, "limit"},
	{"unknown_field", "panel.create", `{"nmae":"typo"}`, "nmae"},
}

// TestStrictArguments: the JSON API reads exactly one JSON value with
// known fields, range-checks every number with a message that gives the
// range, limits every text, and refuses invalid UTF-8 — including an
// escaped lone surrogate, which encoding/json would replace — with
// invalid; a refused call journals nothing.
func TestStrictArguments(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	call(t, a, "feedback.registerDevices", nil)
	devices := call(t, a, "feedback.devices", nil)["list"].([]any)
	require.NotEmpty(t, devices)
	device := devices[0].(map[string]any)["id"].(string)
	for _, c := range strictCases {
		t.Run("PRIV-4_"+c.name, func(t *testing.T) {
			before := call(t, a, "state", nil)["events"]
			_, cerr := a.Call(c.method, []byte(strings.Replace(c.arg, "DEVICE", device, 1)))
			require.NotNil(t, cerr, "%s(%.80s) is refused", c.method, c.arg)
			assert.Equal(t, "invalid", cerr.Code, "%s", cerr.Message)
			assert.Contains(t, cerr.Message, c.says)
			assert.Less(t, len(cerr.Message), 300, "the message stays short")
			assert.Equal(t, before, call(t, a, "state", nil)["events"], "nothing was run")
		})
	}
	t.Run("a_day_range_answers", func(t *testing.T) {
		call(t, a, "feedback.report", map[string]any{"days": 3650})
		call(t, a, "feedback.report", map[string]any{})
		call(t, a, "house", map[string]any{"days": 1})
		for arg, want := range map[string]string{`{"text":"\ud83d\ude00"}`: "\U0001F600", `{"text":"a\\ud800"}`: `a\ud800`} {
			out, cerr := a.Call("feedback.preview", []byte(arg))
			require.Nil(t, cerr, "%s: %+v", arg, cerr)
			assert.Contains(t, string(out), strings.Trim(strconv.Quote(want), `"`), "%s is read as it is", arg)
		}
	})
}
