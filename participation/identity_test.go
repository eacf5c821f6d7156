//go:build !js

package participation_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestSubmitActsOnlyAsItself reproduces what a client could do through
// contribution.submit before the kernel checked identity (PRIV-3): put
// another client's id among the contributors, and forge
// organisation-origin panel topics that tip a panel into the
// organisation_led warning.
func TestSubmitActsOnlyAsItself(t *testing.T) {
	t.Run("PRIV-3_client_cannot_name_another_contributor", func(t *testing.T) {
		e := newFieldsEnv(t)
		other := e.person(70)
		in := input("Toisen nimissä")
		in.Contributors = []p.ID{other}
		before, _ := e.s.Head()
		_, err := e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "%v", err)
		after, _ := e.s.Head()
		assert.Equal(t, before, after, "nothing journalled")
		theirs, err := p.ContributionsOf(e.s.View(), other)
		require.NoError(t, err)
		assert.Empty(t, theirs, "nothing appears in the other client's own list")

		in.Contributors = []p.ID{client.ID, other}
		_, err = e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "with themselves and another: %v", err)
	})

	t.Run("PRIV-3_client_cannot_forge_organisation_panel_topics", func(t *testing.T) {
		e := newFieldsEnv(t)
		_, err := e.panels.RaiseTopic(e.ctx, coordinator, panel.TopicInput{Panel: e.panel, Title: "Organisaation aihe"})
		require.NoError(t, err)
		share := func() (int, int) {
			ind, err := p.LoopIndicators(e.s.View(), p.IndicatorFilter{Group: &e.panel})
			require.NoError(t, err)
			for _, i := range ind {
				if i.Key == p.IndicatorMemberTopics {
					return i.Numerator, i.Denominator
				}
			}
			t.Fatal("no member topic share")
			return 0, 0
		}
		n, d := share()
		require.Equal(t, [2]int{1, 2}, [2]int{n, d}, "one topic from a member, one from the organisation")
		outsider := p.Actor{ID: e.person(71), Role: p.RoleClient}
		refused := 0
		for range 6 {
			_, err := e.s.Submit(e.ctx, outsider, p.ContributionInput{Source: p.Source{Module: "panel", Kind: "topic"}, Level: p.LevelDialogue,
				Origin: p.OriginOrganisation, Unit: "aikuissosiaalityo", Title: "Väärennetty aihe", Group: e.panel})
			if p.ErrorCode(err) == p.EFORBIDDEN {
				refused++
			}
		}
		assert.Equal(t, 6, refused, "every forged topic is refused")
		n, d = share()
		assert.Equal(t, [2]int{1, 2}, [2]int{n, d}, "the member topic share is as before")
	})

	t.Run("PRIV-3_client_submits_with_the_client_origin", func(t *testing.T) {
		e := newFieldsEnv(t)
		in := input("Organisaation nimissä")
		in.Origin = p.OriginOrganisation
		_, err := e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "%v", err)
		in = input("Ilman nimiä")
		in.Contributors = nil
		c, err := e.s.Submit(e.ctx, client, in)
		require.NoError(t, err)
		assert.Equal(t, []p.ID{client.ID}, c.Contributors, "no contributors given means the client themselves")
		assert.Empty(t, c.RecordedBy, "the client submitted it themselves")
	})

	t.Run("PRIV-3_staff_submitting_for_a_client_is_recorded_as_such", func(t *testing.T) {
		e := newFieldsEnv(t)
		before, _ := e.s.Head()
		c, err := e.s.Submit(e.ctx, staff, input("Kirjattu asiakkaan puolesta"))
		require.NoError(t, err)
		assert.Equal(t, p.RoleStaff, c.RecordedBy)
		mine, err := p.ContributionsOf(e.s.View(), client.ID)
		require.NoError(t, err)
		assert.True(t, slices.ContainsFunc(mine, func(x *p.Contribution) bool { return x.ID == c.ID && x.RecordedBy == p.RoleStaff }),
			"the client sees in their own list that a worker entered it")
		ev, err := e.s.Subscribe(before + 1).Next(e.ctx)
		require.NoError(t, err)
		assert.Equal(t, "contribution.received", ev.Type)
		assert.Contains(t, string(ev.Data), `"recordedBy":"staff"`, "the journalled event says so")
	})
}
