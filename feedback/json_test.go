package feedback_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// The hand-written encoders must say exactly what encoding/json reads.
func FuzzEventJSON(f *testing.F) {
	f.Add("aikuissosiaalityo", "Jonotin \"pitkään\" \\ \n\t<b>&", "waiting", 3, 2, uint32(494000), true)
	f.Add("", "\xff\xfe\u2028", "", 0, 0, uint32(0), false)
	f.Fuzz(func(t *testing.T, service, text, theme string, rating, redactions int, hour uint32, filtered bool) {
		id := p.MustParseID("0190c000-0000-7000-8000-0000000000aa")
		s := feedback.Submitted{Item: id, Channel: feedback.EForm, Service: service, Text: text, Rating: feedback.Rating(rating),
			Redactions: redactions, Receipt: text, Contribution: id}
		if theme != "" {
			s.Themes = []string{theme, text}
		}
		var back feedback.Submitted
		require.NoError(t, json.Unmarshal(s.AppendJSON(nil), &back), "%s", s.AppendJSON(nil))
		want, _ := json.Marshal(s) // encoding/json's own reading of the same value
		var ref feedback.Submitted
		require.NoError(t, json.Unmarshal(want, &ref))
		assert.Equal(t, ref, back)

		pr := feedback.Pressed{Device: id, Service: service, Presses: []feedback.PressRecord{{H: hour, R: feedback.Rating(rating), A: redactions, F: filtered}}}
		var pback, pref feedback.Pressed
		require.NoError(t, json.Unmarshal(pr.AppendJSON(nil), &pback))
		want, _ = json.Marshal(pr)
		require.NoError(t, json.Unmarshal(want, &pref))
		assert.Equal(t, pref, pback)
	})
}

// The events whose payloads write their own JSON are marked so, or the
// store would write them with encoding/json: the same bytes' meaning,
// at a tenth of a submission's cost more.
func TestSelfEncodingMarked(t *testing.T) {
	appender := reflect.TypeFor[p.JSONAppender]()
	marked := 0
	for _, et := range feedback.Module(nil).Events {
		if et.Payload().Implements(appender) {
			assert.True(t, et.SelfEncoded(), "%s writes its own JSON but is not marked SelfEncoding", et.Name)
			marked++
		}
	}
	assert.Equal(t, 2, marked, "feedback.submitted and feedback.pressed write their own JSON")
}
