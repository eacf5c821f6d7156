package panel_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

var t0 = time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)

var (
	coordinator = p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
)

// env is one test's store, journal, clock and panel service.
type env struct {
	t      *testing.T
	s      *p.Store
	j      *p.MemoryJournal
	keys   *p.MemoryKeyStore
	clock  *p.ManualClock
	panels *panel.Panels
	ctx    context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	j, keys := p.NewMemoryJournal(), p.NewMemoryKeyStore()
	clock := p.NewManualClock(t0)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Clock: clock, Modules: []p.Module{panel.Module()}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return &env{t: t, s: s, j: j, keys: keys, clock: clock, panels: panel.New(s), ctx: context.Background()}
}

func (e *env) create(in panel.PanelInput) *panel.Panel {
	e.t.Helper()
	if in.Name == "" {
		in = panel.PanelInput{Name: "Aikuissosiaalityön asiakasraati", Kind: panel.KindClientPanel, Unit: "aikuissosiaalityo",
			Coordinator: coordinator.ID, AnsweringParty: "Aikuissosiaalityön palvelujohto", MinMembers: in.MinMembers, MinServices: in.MinServices}
	}
	x, err := e.panels.Create(e.ctx, coordinator, in)
	require.NoError(e.t, err)
	return x
}

// person returns the actor of the n-th client.
func person(n int) p.Actor {
	return p.Actor{ID: p.MustParseID(fmt.Sprintf("0190b000-0000-7000-8000-%012d", 1000+n)), Role: p.RoleClient}
}

// add adds n members, the i-th from services[i % len(services)], starting
// at person number from.
func (e *env) add(x *panel.Panel, from, n int, services ...string) []*panel.Member {
	e.t.Helper()
	var out []*panel.Member
	for i := 0; i < n; i++ {
		m, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{
			Panel: x.ID, Person: person(from + i).ID, Type: panel.MemberClient,
			Service: services[i%len(services)], Name: fmt.Sprintf("Jäsen %d", from+i),
		})
		require.NoError(e.t, err)
		out = append(out, m)
	}
	return out
}

// constituted builds a constituted panel of ten: members[0] chair,
// members[1] secretary, members[2] vice chair.
func (e *env) constituted() (*panel.Panel, []*panel.Member) {
	e.t.Helper()
	x := e.create(panel.PanelInput{})
	ms := e.add(x, 0, 10, "sosiaalinen_kuntoutus", "paihdepalvelut")
	require.NoError(e.t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[0].ID))
	require.NoError(e.t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Secretary, ms[1].ID))
	require.NoError(e.t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.ViceChair, ms[2].ID))
	return x, ms
}

func (e *env) status(x *panel.Panel) panel.Composition {
	e.t.Helper()
	st, err := panel.GetStatus(e.s.View(), x.ID, e.clock.Now())
	require.NoError(e.t, err)
	return st.Composition
}

func (e *env) export() string {
	var b bytes.Buffer
	require.NoError(e.t, e.s.Export(&b))
	return b.String()
}

// refused runs fn, expects the error code, and checks that state and
// journal are exactly as before.
func (e *env) refused(code string, fn func() error) {
	e.t.Helper()
	before, n := e.export(), e.j.Len()
	err := fn()
	require.Error(e.t, err)
	assert.Equal(e.t, code, p.ErrorCode(err), "%v", err)
	assert.NotEmpty(e.t, p.ErrorMessage(err))
	assert.Equal(e.t, before, e.export(), "a refused command changed the state")
	assert.Equal(e.t, n, e.j.Len(), "a refused command reached the journal")
}

func codes(c panel.Composition) []panel.ReasonCode {
	var out []panel.ReasonCode
	for _, r := range c.Reasons {
		out = append(out, r.Code)
	}
	return out
}

func TestComposition(t *testing.T) {
	two := []string{"sosiaalinen_kuntoutus", "paihdepalvelut"}
	cases := []struct {
		name      string
		policy    panel.PanelInput
		members   int
		staff     int
		services  []string
		chair     bool
		secretary bool
		want      []panel.ReasonCode
		missing   int
	}{
		{name: "PANEL-1_Constituted", members: 10, services: two, chair: true, secretary: true},
		{name: "PANEL-1_NineMembers_OneMissing", members: 9, services: two, chair: true, secretary: true, want: []panel.ReasonCode{panel.ReasonTooFewMembers}, missing: 1},
		{name: "PANEL-1_TenWithoutSecretary", members: 10, services: two, chair: true, want: []panel.ReasonCode{panel.ReasonNoSecretary}},
		{name: "PANEL-1_TenWithoutChair", members: 10, services: two, secretary: true, want: []panel.ReasonCode{panel.ReasonNoChair}},
		{name: "PANEL-1_FacilitatorsDoNotCount", members: 9, staff: 3, services: two, chair: true, secretary: true, want: []panel.ReasonCode{panel.ReasonTooFewMembers}, missing: 1},
		{name: "PANEL-1_PolicyRaisesMinimum", policy: panel.PanelInput{MinMembers: 12}, members: 10, services: two, chair: true, secretary: true, want: []panel.ReasonCode{panel.ReasonTooFewMembers}, missing: 2},
		{name: "PANEL-1_EmptyPanelEveryReason", members: 0, services: two, want: []panel.ReasonCode{panel.ReasonTooFewMembers, panel.ReasonNoChair, panel.ReasonNoSecretary, panel.ReasonTooFewServices}, missing: 10},
		{name: "PANEL-3_AllFromOneService", members: 10, services: []string{"paihdepalvelut"}, chair: true, secretary: true, want: []panel.ReasonCode{panel.ReasonTooFewServices}},
		{name: "PANEL-3_PolicyRaisesServices", policy: panel.PanelInput{MinServices: 3}, members: 10, services: two, chair: true, secretary: true, want: []panel.ReasonCode{panel.ReasonTooFewServices}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			x := e.create(tc.policy)
			ms := e.add(x, 0, tc.members, tc.services...)
			for i := 0; i < tc.staff; i++ {
				_, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(500 + i).ID,
					Type: panel.MemberStaff, Service: "ohjaus", Name: "Ohjaaja"})
				require.NoError(t, err)
			}
			if tc.chair {
				require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[0].ID))
			}
			if tc.secretary {
				require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Secretary, ms[1].ID))
			}
			c := e.status(x)
			assert.Equal(t, len(tc.want) == 0, c.Constituted)
			assert.Equal(t, tc.want, codes(c))
			assert.Equal(t, tc.missing, c.Missing)
			assert.Equal(t, tc.staff, c.Facilitators)
		})
	}
	t.Run("PANEL-1_ReasonSaysHowManyAreMissing", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		e.add(x, 0, 9, two...)
		r := e.status(x).Reasons[0]
		assert.Equal(t, "1 member missing: the panel has 9 and needs at least 10", r.Text(p.English))
		assert.Equal(t, "1 jäsen(tä) puuttuu: jäseniä on 9, vähintään 10 tarvitaan", r.Text(p.Finnish))
		assert.Contains(t, r.Text(p.Swedish), "1 medlem(mar) saknas")
	})
	t.Run("PANEL-1_PolicyCannotLowerMinimum", func(t *testing.T) {
		e := newEnv(t)
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.Create(e.ctx, coordinator, panel.PanelInput{Name: "Pieni raati", Kind: panel.KindClientPanel, Unit: "u",
				Coordinator: coordinator.ID, AnsweringParty: "johto", MinMembers: 8})
			return err
		})
	})
	t.Run("PANEL-3_PolicyCannotLowerServices", func(t *testing.T) {
		e := newEnv(t)
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.Create(e.ctx, coordinator, panel.PanelInput{Name: "Raati", Kind: panel.KindClientPanel, Unit: "u",
				Coordinator: coordinator.ID, AnsweringParty: "johto", MinServices: 1})
			return err
		})
	})
	t.Run("PANEL-4_ResponsiblePartyAndAnsweringParty", func(t *testing.T) {
		e := newEnv(t)
		for name, in := range map[string]panel.PanelInput{
			"no coordinator":     {Name: "Raati", Kind: panel.KindClientPanel, Unit: "u", AnsweringParty: "johto"},
			"no answering party": {Name: "Raati", Kind: panel.KindClientPanel, Unit: "u", Coordinator: coordinator.ID},
			"no unit":            {Name: "Raati", Kind: panel.KindClientPanel, Coordinator: coordinator.ID, AnsweringParty: "johto"},
			"bad kind":           {Name: "Raati", Kind: "club", Unit: "u", Coordinator: coordinator.ID, AnsweringParty: "johto"},
		} {
			t.Run(name, func(t *testing.T) {
				e.refused(p.EINVALID, func() error { _, err := e.panels.Create(e.ctx, coordinator, in); return err })
			})
		}
		x := e.create(panel.PanelInput{})
		assert.Equal(t, coordinator.ID, x.Coordinator)
		assert.Equal(t, "Aikuissosiaalityön palvelujohto", x.AnsweringParty)
	})
	t.Run("PANEL-4_CouncilKindsHaveLabels", func(t *testing.T) {
		assert.Equal(t, "Vanhusneuvosto", panel.KindOlderPeople.Label(p.Finnish))
		assert.Equal(t, "Äldreråd", panel.KindOlderPeople.Label(p.Swedish))
		assert.Equal(t, "Disability council", panel.KindDisabilityCouncil.Label(p.English))
	})
}

func TestPositions(t *testing.T) {
	t.Run("PANEL-2_ChairCannotBeSecretary", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		ms := e.add(x, 0, 10, "a", "b")
		require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[0].ID))
		e.refused(p.ECONFLICT, func() error { return e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Secretary, ms[0].ID) })
		e.refused(p.ECONFLICT, func() error { return e.panels.Appoint(e.ctx, coordinator, x.ID, panel.ViceChair, ms[0].ID) })
	})
	t.Run("PANEL-2_FilledPositionMustBeVacatedFirst", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		e.refused(p.ECONFLICT, func() error { return e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[5].ID) })
		require.NoError(t, e.panels.Vacate(e.ctx, coordinator, x.ID, panel.Chair, "chair resigned the position"))
		require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[5].ID))
		assert.True(t, e.status(x).Constituted)
	})
	t.Run("PANEL-2_StaffHoldNoPosition", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		m, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: worker.ID, Type: panel.MemberStaff, Service: "ohjaus", Name: "Ohjaaja"})
		require.NoError(t, err)
		e.refused(p.ECONFLICT, func() error { return e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Secretary, m.ID) })
	})
	t.Run("PANEL-2_OnlyTheCoordinatorAppoints", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		ms := e.add(x, 0, 1, "a")
		e.refused(p.EFORBIDDEN, func() error { return e.panels.Appoint(e.ctx, person(0), x.ID, panel.Chair, ms[0].ID) })
	})
	t.Run("PANEL-2_VacantVicechairIsFine", func(t *testing.T) {
		e := newEnv(t)
		x, _ := e.constituted()
		require.NoError(t, e.panels.Vacate(e.ctx, coordinator, x.ID, panel.ViceChair, "moved away"))
		assert.True(t, e.status(x).Constituted)
	})
	t.Run("PANEL-2_UnknownPosition", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		e.refused(p.EINVALID, func() error { return e.panels.Appoint(e.ctx, coordinator, x.ID, "treasurer", ms[4].ID) })
	})
}

func TestMembership(t *testing.T) {
	t.Run("PANEL-8_MemberLeavingDropsConstitutedWithReason", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		require.True(t, e.status(x).Constituted)
		e.clock.Advance(24 * time.Hour)
		require.NoError(t, e.panels.EndMembership(e.ctx, person(7), ms[7].ID, "moved to another town"))
		c := e.status(x)
		assert.False(t, c.Constituted)
		assert.Equal(t, []panel.ReasonCode{panel.ReasonTooFewMembers}, codes(c))
		assert.Equal(t, "1 member missing: the panel has 9 and needs at least 10", c.Reasons[0].Text(p.English))

		st, err := panel.GetStatus(e.s.View(), x.ID, e.clock.Now())
		require.NoError(t, err)
		h := st.Panel.History
		require.Len(t, h, 2, "history keeps entering and leaving the constituted state")
		assert.True(t, h[0].Constituted)
		assert.False(t, h[1].Constituted)
		assert.Equal(t, "member_left", h[1].Cause)
		assert.Equal(t, []panel.Reason{{Code: panel.ReasonTooFewMembers, Have: 9, Need: 10}}, h[1].Reasons)

		views, err := panel.Members(e.s.View(), e.s.Vault(), x.ID, e.clock.Now())
		require.NoError(t, err)
		assert.Len(t, views, 10, "a member who left stays in the history")
		assert.False(t, views[7].Active)
		assert.Equal(t, "moved to another town", views[7].LeftReason)
	})
	t.Run("PANEL-8_ChairLeavingVacatesThePosition", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		e.add(x, 100, 1, "a")
		require.NoError(t, e.panels.EndMembership(e.ctx, coordinator, ms[0].ID, "illness"))
		c := e.status(x)
		assert.Equal(t, []panel.ReasonCode{panel.ReasonNoChair}, codes(c))
		st, _ := panel.GetStatus(e.s.View(), x.ID, e.clock.Now())
		assert.Equal(t, "position_vacated", st.Panel.History[len(st.Panel.History)-1].Cause)
	})
	t.Run("PANEL-8_TermEnds", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		for i := 0; i < 10; i++ {
			_, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(i).ID, Type: panel.MemberClient,
				Service: []string{"a", "b"}[i%2], Name: "x", End: t0.AddDate(2, 0, 0)})
			require.NoError(t, err)
		}
		ms, _ := panel.Members(e.s.View(), e.s.Vault(), x.ID, t0)
		require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[0].ID))
		require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Secretary, ms[1].ID))
		assert.True(t, e.status(x).Constituted)
		st, err := panel.GetStatus(e.s.View(), x.ID, t0.AddDate(2, 0, 1))
		require.NoError(t, err)
		assert.False(t, st.Composition.Constituted)
		assert.Contains(t, codes(st.Composition), panel.ReasonHolderInactive)
		assert.Equal(t, 10, st.Composition.Missing)
	})
	t.Run("PANEL-8_OnlyOwnMembershipOrCoordinator", func(t *testing.T) {
		e := newEnv(t)
		_, ms := e.constituted()
		e.refused(p.EFORBIDDEN, func() error { return e.panels.EndMembership(e.ctx, person(3), ms[4].ID, "x") })
		e.refused(p.EINVALID, func() error { return e.panels.EndMembership(e.ctx, person(4), ms[4].ID, " ") })
		require.NoError(t, e.panels.EndMembership(e.ctx, person(4), ms[4].ID, "own choice"))
		e.refused(p.ECONFLICT, func() error { return e.panels.EndMembership(e.ctx, coordinator, ms[4].ID, "again") })
	})
	t.Run("PANEL-3_MemberNeedsService", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(1).ID, Type: panel.MemberClient, Name: "x"})
			return err
		})
		e.add(x, 1, 1, "a")
		e.refused(p.ECONFLICT, func() error {
			_, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(1).ID, Type: panel.MemberClient, Service: "b", Name: "x"})
			return err
		})
	})
	t.Run("ErasedNameShowsAsErased", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		ms := e.add(x, 0, 2, "a")
		admin := p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000ad"), Role: p.RoleAdmin}
		require.NoError(t, e.s.EraseSubject(e.ctx, admin, ms[0].Person, "consent withdrawn"))
		views, err := panel.Members(e.s.View(), e.s.Vault(), x.ID, e.clock.Now())
		require.NoError(t, err)
		assert.True(t, views[0].Erased)
		assert.Empty(t, views[0].DisplayName)
		assert.Equal(t, "Jäsen 1", views[1].DisplayName)
	})
}

func TestTopics(t *testing.T) {
	e := newEnv(t)
	x, _ := e.constituted()
	mine, err := e.panels.RaiseTopic(e.ctx, person(3), panel.TopicInput{Panel: x.ID, Title: "Jonotusajat", Description: "Ensikäynnille pääsee vasta kuukauden päästä"})
	require.NoError(t, err)
	org, err := e.panels.RaiseTopic(e.ctx, worker, panel.TopicInput{Panel: x.ID, Title: "Uusi ajanvarausjärjestelmä"})
	require.NoError(t, err)
	t.Run("PANEL-5_TopicsRecordTheirSource", func(t *testing.T) {
		assert.Equal(t, panel.FromMember, mine.Source)
		assert.Equal(t, panel.FromOrganisation, org.Source)
		c, err := p.GetContribution(e.s.View(), mine.Contribution)
		require.NoError(t, err)
		assert.Equal(t, p.OriginClient, c.Origin)
		assert.Equal(t, p.SourcePanelTopic, c.Source.Key())
		assert.Equal(t, []p.ID{person(3).ID}, c.Contributors)
		share, err := panel.MemberTopicShare(e.s.View(), x.ID)
		require.NoError(t, err)
		assert.Equal(t, panel.TopicShare{FromMembers: 1, Total: 2}, share)
	})
	t.Run("PANEL-5_OnlyMembersRaiseAsMembers", func(t *testing.T) {
		e.refused(p.EFORBIDDEN, func() error {
			_, err := e.panels.RaiseTopic(e.ctx, person(99), panel.TopicInput{Panel: x.ID, Title: "x"})
			return err
		})
	})
	t.Run("PANEL-5_AgendaFromOpenTopics", func(t *testing.T) {
		third, err := e.panels.RaiseTopic(e.ctx, person(4), panel.TopicInput{Panel: x.ID, Title: "Kesän retki"})
		require.NoError(t, err)
		require.NoError(t, e.panels.CloseTopic(e.ctx, coordinator, third.ID))
		m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, x.ID, t0.AddDate(0, 0, 14), nil)
		require.NoError(t, err)
		assert.Equal(t, []p.ID{mine.ID, org.ID}, m.Agenda)
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.ScheduleMeeting(e.ctx, coordinator, x.ID, t0.AddDate(0, 0, 14), []p.ID{third.ID})
			return err
		})
		e.refused(p.ECONFLICT, func() error { return e.panels.CloseTopic(e.ctx, coordinator, third.ID) })
	})
}

// meet schedules and holds a meeting with the given members present.
func (e *env) meet(x *panel.Panel, present ...*panel.Member) *panel.Meeting {
	e.t.Helper()
	m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, x.ID, e.clock.Now(), nil)
	require.NoError(e.t, err)
	var ids []p.ID
	for _, pm := range present {
		ids = append(ids, pm.ID)
	}
	m, err = e.panels.HoldMeeting(e.ctx, coordinator, m.ID, ids)
	require.NoError(e.t, err)
	return m
}

func TestMeetings(t *testing.T) {
	cases := []struct {
		name    string
		present func(ms []*panel.Member) []*panel.Member
		want    []panel.ReasonCode
	}{
		{"PANEL-6_SixOfTenWithChair_Official", func(ms []*panel.Member) []*panel.Member { return ms[:6] }, nil},
		{"PANEL-6_FiveOfTen_NoQuorum", func(ms []*panel.Member) []*panel.Member { return ms[:5] }, []panel.ReasonCode{panel.ReasonNoQuorum}},
		{"PANEL-6_ViceChairStandsIn", func(ms []*panel.Member) []*panel.Member { return ms[1:7] }, nil},
		{"PANEL-6_NeitherChairNorVice", func(ms []*panel.Member) []*panel.Member { return ms[3:10] }, []panel.ReasonCode{panel.ReasonNoChairPresent}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			x, ms := e.constituted()
			m := e.meet(x, tc.present(ms)...)
			assert.Equal(t, len(tc.want) == 0, m.Official)
			var got []panel.ReasonCode
			for _, r := range m.NotOfficial {
				got = append(got, r.Code)
			}
			assert.Equal(t, tc.want, got)
		})
	}
	t.Run("PANEL-6_NotConstitutedMeansNotOfficial", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		ms := e.add(x, 0, 9, "a", "b")
		require.NoError(t, e.panels.Appoint(e.ctx, coordinator, x.ID, panel.Chair, ms[0].ID))
		m := e.meet(x, ms...)
		assert.False(t, m.Official)
		assert.Equal(t, panel.ReasonNotConstituted, m.NotOfficial[0].Code)
	})
	t.Run("PANEL-6_FacilitatorsDoNotMakeQuorum", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		var staff []*panel.Member
		for i := 0; i < 3; i++ {
			m, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: person(300 + i).ID, Type: panel.MemberStaff, Service: "ohjaus", Name: "o"})
			require.NoError(t, err)
			staff = append(staff, m)
		}
		m := e.meet(x, append(ms[:5], staff...)...)
		assert.False(t, m.Official)
	})
	t.Run("PANEL-6_MinutesBySecretaryApprovedByChair", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		m := e.meet(x, ms[:8]...)
		e.refused(p.EFORBIDDEN, func() error { return e.panels.WriteMinutes(e.ctx, person(0), m.ID, "Pöytäkirja") })
		e.refused(p.ECONFLICT, func() error { return e.panels.ApproveMinutes(e.ctx, person(0), m.ID) })
		require.NoError(t, e.panels.WriteMinutes(e.ctx, person(1), m.ID, "Pöytäkirja: käsiteltiin jonotusajat."))
		e.refused(p.EFORBIDDEN, func() error { return e.panels.ApproveMinutes(e.ctx, person(1), m.ID) })
		e.refused(p.EFORBIDDEN, func() error { return e.panels.ApproveMinutes(e.ctx, person(2), m.ID) })
		e.refused(p.EFORBIDDEN, func() error { return e.panels.ApproveMinutes(e.ctx, coordinator, m.ID) })
		require.NoError(t, e.panels.ApproveMinutes(e.ctx, person(0), m.ID))
		ms2, err := panel.Meetings(e.s.View(), x.ID)
		require.NoError(t, err)
		assert.Equal(t, person(0).ID, ms2[0].ApprovedBy)
		assert.Equal(t, person(1).ID, ms2[0].MinutesBy)
		e.refused(p.ECONFLICT, func() error { return e.panels.ApproveMinutes(e.ctx, person(0), m.ID) })
	})
	t.Run("PANEL-6_AttendanceOnceByCoordinatorOrSecretary", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, x.ID, t0, nil)
		require.NoError(t, err)
		e.refused(p.EFORBIDDEN, func() error { _, err := e.panels.HoldMeeting(e.ctx, person(5), m.ID, []p.ID{ms[0].ID}); return err })
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.HoldMeeting(e.ctx, person(1), m.ID, []p.ID{ms[0].ID, ms[0].ID})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.HoldMeeting(e.ctx, person(1), m.ID, []p.ID{person(77).ID})
			return err
		})
		_, err = e.panels.HoldMeeting(e.ctx, person(1), m.ID, []p.ID{ms[0].ID})
		require.NoError(t, err)
		e.refused(p.ECONFLICT, func() error { _, err := e.panels.HoldMeeting(e.ctx, coordinator, m.ID, nil); return err })
	})
}

func TestStatements(t *testing.T) {
	t.Run("PANEL-7_UnofficialMeetingCannotAdopt", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		m := e.meet(x, ms[:4]...)
		require.False(t, m.Official)
		e.refused(panel.ENOTOFFICIAL, func() error {
			_, err := e.panels.AdoptStatement(e.ctx, coordinator, panel.StatementInput{Meeting: m.ID, Text: "Raati esittää iltavastaanottoa."})
			return err
		})
	})
	t.Run("PANEL-7_StatementIsSentAnsweredAndSeen", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		topic, err := e.panels.RaiseTopic(e.ctx, person(4), panel.TopicInput{Panel: x.ID, Title: "Iltavastaanotto"})
		require.NoError(t, err)
		m := e.meet(x, ms[:7]...)
		st, err := e.panels.AdoptStatement(e.ctx, person(1), panel.StatementInput{Meeting: m.ID, Topic: topic.ID, Text: "Raati esittää iltavastaanottoa kerran viikossa."})
		require.NoError(t, err)
		assert.Equal(t, "Aikuissosiaalityön palvelujohto", st.AnsweringParty)

		c, err := p.GetContribution(e.s.View(), st.Contribution)
		require.NoError(t, err)
		assert.Equal(t, p.StateReceived, c.State)
		assert.Equal(t, "statement", c.Source.Kind)
		assert.Len(t, c.Contributors, 7, "the members present are its contributors")

		e.refused(p.EFORBIDDEN, func() error {
			_, err := e.panels.AnswerStatement(e.ctx, worker, st.ID, p.Adopted, "", "Kyllä")
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.AnswerStatement(e.ctx, manager, st.ID, p.NotAdopted, "", "Ei")
			return err
		})
		e.clock.Advance(20 * 24 * time.Hour)
		st, err = e.panels.AnswerStatement(e.ctx, manager, st.ID, p.PartlyAdopted, "Kokeilu yhdessä toimipisteessä", "Iltavastaanottoa kokeillaan keväällä Hervannassa.")
		require.NoError(t, err)
		require.NotNil(t, st.Answer)
		assert.Equal(t, p.PartlyAdopted, st.Answer.Decision)

		views, err := panel.Statements(e.s.View(), x.ID)
		require.NoError(t, err)
		require.Len(t, views, 1)
		assert.Equal(t, p.StateReportedBack, views[0].Loop.State)
		mine, err := p.ContributionsOf(e.s.View(), person(6).ID)
		require.NoError(t, err)
		require.Len(t, mine, 1, "a member present sees the answer in their own list")
		assert.Equal(t, "Iltavastaanottoa kokeillaan keväällä Hervannassa.", mine[0].Response)
		e.refused(p.ECONFLICT, func() error {
			_, err := e.panels.AnswerStatement(e.ctx, manager, st.ID, p.Adopted, "", "uudestaan")
			return err
		})
	})
	t.Run("PANEL-7_OnlyChairSecretaryOrCoordinatorRecords", func(t *testing.T) {
		e := newEnv(t)
		x, ms := e.constituted()
		m := e.meet(x, ms[:7]...)
		e.refused(p.EFORBIDDEN, func() error {
			_, err := e.panels.AdoptStatement(e.ctx, person(5), panel.StatementInput{Meeting: m.ID, Text: "x"})
			return err
		})
	})
}

func TestReplay(t *testing.T) {
	e := newEnv(t)
	x, ms := e.constituted()
	topic, err := e.panels.RaiseTopic(e.ctx, person(2), panel.TopicInput{Panel: x.ID, Title: "Aihe"})
	require.NoError(t, err)
	m := e.meet(x, ms[:8]...)
	st, err := e.panels.AdoptStatement(e.ctx, coordinator, panel.StatementInput{Meeting: m.ID, Topic: topic.ID, Text: "Kannanotto"})
	require.NoError(t, err)
	_, err = e.panels.AnswerStatement(e.ctx, manager, st.ID, p.Adopted, "", "Toteutetaan")
	require.NoError(t, err)
	require.NoError(t, e.panels.EndMembership(e.ctx, coordinator, ms[9].ID, "left"))
	_, err = e.panels.DrawLot(e.ctx, coordinator, panel.LotInput{Panel: x.ID, Seats: 2, Seed: 7, Volunteers: []panel.LotVolunteer{
		{Volunteer: panel.Volunteer{Person: person(50).ID, Service: "a", Type: panel.MemberClient}, Name: "A"},
		{Volunteer: panel.Volunteer{Person: person(51).ID, Service: "b", Type: panel.MemberClient}, Name: "B"},
		{Volunteer: panel.Volunteer{Person: person(52).ID, Service: "b", Type: panel.MemberClient}, Name: "C"},
	}})
	require.NoError(t, err)
	// The replay reads the same keys: sealed texts open as they did.
	s2, err := p.Open(e.ctx, &p.Config{Journal: e.j, Keys: e.keys, Modules: []p.Module{panel.Module()}})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, s2.Export(&b))
	assert.Equal(t, e.export(), b.String())
}
