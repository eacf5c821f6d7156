package participation_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

var coordinator = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000c9"), Role: p.RoleCoordinator}

func TestCoDevelopment(t *testing.T) {
	ctx := context.Background()
	j := p.NewMemoryJournal()
	s, clock := MustOpen(t, j, nil)
	refused := func(code string, fn func() error) {
		t.Helper()
		before, n := export(t, s), j.Len()
		err := fn()
		assert.Equal(t, code, p.ErrorCode(err), "%v", err)
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, n, j.Len())
	}
	expert := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000e1"), Role: p.RoleExpert}
	x, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "Yhteinen vastaanottomalli", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	require.NoError(t, err)
	t.Run("PART-3_NeedsScopeAndCoDevelopmentLevel", func(t *testing.T) {
		refused(p.EINVALID, func() error {
			_, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "x", Level: p.LevelDevelopment})
			return err
		})
		refused(p.EINVALID, func() error {
			_, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "x", Level: p.LevelDialogue, Scope: p.ScopeServices})
			return err
		})
	})
	require.NoError(t, s.JoinProcess(ctx, coordinator, x.ID, p.Participant{Person: client.ID, Role: p.ProcessClient}))
	require.NoError(t, s.JoinProcess(ctx, coordinator, x.ID, p.Participant{Person: expert.ID, Role: p.ProcessExpert}))
	statement, err := s.Submit(ctx, client, input("Raadin kannanotto: iltavastaanotto"))
	require.NoError(t, err)
	decided, err := s.Submit(ctx, client, input("Palaute: ajanvaraus vaikea"))
	require.NoError(t, err)
	_, err = s.Decide(ctx, manager, decided.ID, p.Adopted, "")
	require.NoError(t, err)
	require.NoError(t, s.LinkContribution(ctx, staff, x.ID, statement.ID))
	require.NoError(t, s.LinkContribution(ctx, staff, x.ID, decided.ID))
	idea, err := s.RaiseIdea(ctx, expert, x.ID, "Vertaistuki odotustilaan")
	require.NoError(t, err)
	assert.Equal(t, p.OriginClient, idea.Origin)
	assert.Equal(t, x.ID, idea.Group)

	t.Run("PART-3_OnlyParticipantsDocument", func(t *testing.T) {
		outsider := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000e2"), Role: p.RoleClient}
		refused(p.EFORBIDDEN, func() error { return s.LogDecision(ctx, outsider, x.ID, "x", "y") })
		require.NoError(t, s.LogDecision(ctx, client, x.ID, "Kokeillaan iltavastaanottoa Hervannassa", "Työssäkäyvät asiakkaat eivät pääse päivisin"))
	})
	t.Run("PART-3_PhasesInOrder", func(t *testing.T) {
		refused(p.ECONFLICT, func() error { return s.CloseProcess(ctx, manager, x.ID, "Tulokset", p.Adopted, "") })
		clock.Advance(30 * 24 * time.Hour)
		require.NoError(t, s.AdvanceProcess(ctx, staff, x.ID))
		clock.Advance(60 * 24 * time.Hour)
		require.NoError(t, s.AdvanceProcess(ctx, staff, x.ID))
		refused(p.ECONFLICT, func() error { return s.AdvanceProcess(ctx, staff, x.ID) })
		got, err := p.GetProcess(s.View(), x.ID)
		require.NoError(t, err)
		assert.Equal(t, []p.PhaseStart{{p.PhasePlanning, t0}, {p.PhaseImplementation, t0.Add(30 * 24 * time.Hour)}, {p.PhaseEvaluation, t0.Add(90 * 24 * time.Hour)}}, got.Phases)
	})
	t.Run("PART-3_NoCloseWithoutSummary", func(t *testing.T) {
		refused(p.EINVALID, func() error { return s.CloseProcess(ctx, manager, x.ID, "  ", p.Adopted, "") })
		refused(p.EINVALID, func() error { return s.CloseProcess(ctx, manager, x.ID, "Tulokset", p.NotAdopted, "") })
	})
	t.Run("PART-3_ClosingReportsBackEveryLinkedContribution", func(t *testing.T) {
		const summary = "Iltavastaanotto jatkuu tiistaisin; vertaistuki alkaa syksyllä."
		require.NoError(t, s.CloseProcess(ctx, manager, x.ID, summary, p.PartlyAdopted, "Yksi toimipiste ensin"))
		for _, id := range []p.ID{statement.ID, decided.ID, idea.ID} {
			c, err := p.GetContribution(s.View(), id)
			require.NoError(t, err)
			assert.Equal(t, p.StateReportedBack, c.State)
			assert.Equal(t, summary, c.Response)
		}
		c, _ := p.GetContribution(s.View(), decided.ID)
		assert.Equal(t, p.Adopted, c.Decision, "an earlier decision stands")
		c, _ = p.GetContribution(s.View(), statement.ID)
		assert.Equal(t, p.PartlyAdopted, c.Decision)
		mine, err := p.ContributionsOf(s.View(), client.ID)
		require.NoError(t, err)
		assert.Equal(t, summary, mine[0].Response, "the participant sees the results in their own list")
		refused(p.ECONFLICT, func() error { return s.LogDecision(ctx, staff, x.ID, "x", "y") })
	})
}

func TestOwnGoals(t *testing.T) {
	ctx := context.Background()
	j := p.NewMemoryJournal()
	s, _ := MustOpen(t, j, nil)
	refused := func(code string, fn func() error) {
		t.Helper()
		before, n := export(t, s), j.Len()
		err := fn()
		assert.Equal(t, code, p.ErrorCode(err), "%v", err)
		assert.Equal(t, before, export(t, s))
		assert.Equal(t, n, j.Len())
	}
	t.Run("PART-4_ProfessionalCannotAuthor", func(t *testing.T) {
		refused(p.EFORBIDDEN, func() error { _, err := s.WriteGoal(ctx, staff, "Asiakas hakee töitä", "x"); return err })
	})
	g, err := s.WriteGoal(ctx, client, "Pääsen työkokeiluun syksyllä", "Käyn ryhmässä joka viikko ja haen kahta paikkaa")
	require.NoError(t, err)
	assert.Equal(t, client.ID, g.Client)
	t.Run("PART-4_OnlyTheClientRewords", func(t *testing.T) {
		other := p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000e3"), Role: p.RoleClient}
		refused(p.EFORBIDDEN, func() error { return s.ReplanGoal(ctx, other, g.ID, "x", "y", "z") })
		refused(p.EFORBIDDEN, func() error { return s.ReplanGoal(ctx, staff, g.ID, "x", "y", "z") })
		refused(p.EFORBIDDEN, func() error { return s.NoteProgress(ctx, other, g.ID, "x") })
	})
	t.Run("PART-4_ProgressAndReplanningWithoutFailure", func(t *testing.T) {
		require.NoError(t, s.SupportGoal(ctx, staff, g.ID, "Ohjaaja soittaa kahteen paikkaan"))
		require.NoError(t, s.NoteProgress(ctx, client, g.ID, "Kävin ryhmässä kolme kertaa"))
		require.NoError(t, s.ReplanGoal(ctx, client, g.ID, "Pääsen työkokeiluun keväällä", "Käyn ryhmässä", "Terveys ensin"))
		goals, err := p.GoalsOf(s.View(), client.ID)
		require.NoError(t, err)
		require.Len(t, goals, 1)
		got := goals[0]
		assert.Equal(t, p.GoalActive, got.State)
		assert.Equal(t, "Pääsen työkokeiluun keväällä", got.Text)
		require.Len(t, got.Plans, 1, "replanning keeps the earlier wording")
		assert.Equal(t, "Pääsen työkokeiluun syksyllä", got.Plans[0].Text)
		assert.Equal(t, "Terveys ensin", got.Plans[0].Why)
		assert.Equal(t, "Ohjaaja soittaa kahteen paikkaan", got.Support)
		require.NoError(t, s.ReachGoal(ctx, client, g.ID))
		refused(p.ECONFLICT, func() error { return s.ReachGoal(ctx, client, g.ID) })
	})
}

// TestHouseAndWarnings works out by hand a house profile, the new
// indicators and the pseudo-participation rules.
func TestHouseAndWarnings(t *testing.T) {
	ctx := context.Background()
	s, clock := MustOpen(t, nil, nil)
	panelID := p.MustParseID("0190a000-0000-7000-8000-0000000000aa")
	u1, u2 := "u1", "u2"
	// u1: six panel topics in one panel, one from a member, none answered.
	for i := 0; i < 6; i++ {
		in := p.ContributionInput{Source: p.Source{Module: "panel", Kind: "topic"}, Level: p.LevelDialogue, Origin: p.OriginOrganisation,
			Unit: u1, Title: "Aihe", Group: panelID}
		if i == 0 {
			in.Origin, in.Contributors = p.OriginClient, []p.ID{client.ID}
		}
		// Panel topics enter only through a module's command (PRIV-3);
		// the test module's command stands in for the panel's.
		err := s.Exec(ctx, staff, actRegister, func(tx *p.Tx) error {
			_, err := p.SubmitContribution(tx, in)
			return err
		})
		require.NoError(t, err)
	}
	// u2: five feedback replies, acknowledged after 2, 4, 6, 8 and 30 days
	// and all answered on day 10 or 40.
	var replies []*p.Contribution
	for i := 0; i < 5; i++ {
		c, err := s.Submit(ctx, staff, p.ContributionInput{Source: p.Source{Module: "feedback", Kind: "reply"}, Level: p.LevelFeedback,
			Origin: p.OriginClient, Unit: u2, Title: "Palaute"})
		require.NoError(t, err)
		replies = append(replies, c)
	}
	for i, d := range []int{2, 4, 6, 8, 30} {
		clock.Set(t0.Add(time.Duration(d) * 24 * time.Hour))
		_, err := s.Acknowledge(ctx, staff, replies[i].ID, "")
		require.NoError(t, err)
	}
	for i, d := range []int{10, 10, 10, 40, 40} {
		clock.Set(t0.Add(time.Duration(d) * 24 * time.Hour))
		_, err := s.Decide(ctx, manager, replies[i].ID, p.Adopted, "")
		require.NoError(t, err)
		_, err = s.ReportBack(ctx, staff, replies[i].ID, "Vastaus")
		require.NoError(t, err)
	}
	goal, err := s.WriteGoal(ctx, client, "Tavoite", "Oma osuus")
	require.NoError(t, err)
	_ = goal
	period := p.Period{From: t0.Truncate(24 * time.Hour), To: t0.AddDate(0, 3, 0)}

	t.Run("PART-6_HouseProfile", func(t *testing.T) {
		h, err := p.HouseProfile(s.View(), p.HouseFilter{Period: period})
		require.NoError(t, err)
		by := map[p.Level]p.FloorActivity{}
		for _, f := range h.Floors {
			by[f.Level] = f
		}
		assert.Equal(t, p.FloorActivity{Level: p.LevelDialogue, Labels: by[p.LevelDialogue].Labels, Events: 6, People: 1, Contributions: 6}, by[p.LevelDialogue])
		assert.Equal(t, 5, by[p.LevelFeedback].Events)
		assert.Equal(t, 0, by[p.LevelFeedback].People, "anonymous feedback names nobody")
		assert.Equal(t, 1, by[p.LevelOwnService].Events, "the goal")
		assert.Equal(t, []p.Level{p.LevelDevelopment, p.LevelCoProduction}, h.Empty)
		only := u2
		h2, err := p.HouseProfile(s.View(), p.HouseFilter{Period: period, Unit: &only})
		require.NoError(t, err)
		assert.Equal(t, 0, h2.Floors[2].Events, "u2 has no dialogue")
	})
	t.Run("PART-6_IndicatorsByHand", func(t *testing.T) {
		ins, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: period, At: t0.AddDate(0, 4, 0)})
		require.NoError(t, err)
		by := map[string]p.Indicator{}
		for _, in := range ins {
			by[in.Key] = in
		}
		v := func(k string) float64 { require.NotNil(t, by[k].Value, k); return *by[k].Value }
		assert.Equal(t, 5.0/11, v(p.IndicatorReportedBack))
		assert.Equal(t, 10.0, v(p.IndicatorMedianResponse), "10, 10, 10, 40, 40")
		assert.Equal(t, 40.0, v(p.IndicatorP90Response))
		assert.Equal(t, 6.0, v(p.IndicatorMedianAck), "2, 4, 6, 8, 30")
		assert.Equal(t, 30.0, v(p.IndicatorP90Ack))
		assert.Equal(t, 1.0/6, v(p.IndicatorMemberTopics))
		assert.Equal(t, 1.0, v(p.IndicatorReplies), "five of five who asked got a reply")
		assert.Equal(t, "5 of 5 senders who asked for a reply got one", by[p.IndicatorReplies].Reading.En)
	})
	t.Run("PART-6_PseudoParticipationWarnings", func(t *testing.T) {
		ws, err := p.PseudoParticipation(s.View(), p.WarningFilter{Period: period, At: t0.AddDate(0, 4, 0)})
		require.NoError(t, err)
		require.Len(t, ws, 2, "unit u1 and its panel; u2 answered everyone")
		assert.Equal(t, "u1", ws[0].Unit)
		var rules []string
		for _, r := range ws[0].Rules {
			rules = append(rules, r.Rule)
		}
		assert.Equal(t, []string{p.RuleUnanswered, p.RuleOrganisationLed}, rules)
		assert.Equal(t, 0, ws[0].Rules[0].Evidence.Numerator)
		assert.Equal(t, 6, ws[0].Rules[0].Evidence.Denominator)
		assert.Equal(t, panelID, ws[1].Group)
	})
}
