package participation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

type step struct {
	to       p.State
	decision p.Decision
	text     string
}

var (
	ack       = step{to: p.StateAcknowledged, text: "otettu vastaan"}
	consider  = step{to: p.StateUnderConsideration, text: "käsittelyssä"}
	adopt     = step{to: p.StateDecided, decision: p.Adopted}
	partly    = step{to: p.StateDecided, decision: p.PartlyAdopted, text: "osa toteutetaan"}
	reject    = step{to: p.StateDecided, decision: p.NotAdopted, text: "ei rahoitusta"}
	implement = step{to: p.StateImplemented, text: "käytössä"}
	report    = step{to: p.StateReportedBack, text: "Kiitos, ehdotuksenne toteutui"}
)

func advance(s *p.Store, id p.ID, st step) (*p.Contribution, error) {
	var out *p.Contribution
	err := s.Exec(context.Background(), manager, p.ActionDecide, func(tx *p.Tx) (err error) {
		out, err = p.AdvanceContribution(tx, id, st.to, st.decision, st.text)
		return err
	})
	return out, err
}

// TestLoop checks every transition of the contribution loop, allowed and
// refused, from every state; refused ones leave state and journal as they
// were (PART-2).
func TestLoop(t *testing.T) {
	starts := map[string][]step{
		"received":                  nil,
		"acknowledged":              {ack},
		"under_consideration":       {ack, consider},
		"decided_adopted":           {adopt},
		"decided_partly":            {partly},
		"decided_not":               {reject},
		"implemented":               {adopt, implement},
		"reported_back":             {adopt, report},
		"reported_back_not":         {reject, report},
		"implemented_then_reported": {partly, implement, report},
	}
	targets := map[string]step{"acknowledge": ack, "consider": consider, "decide": adopt, "implement": implement, "report_back": report}
	allowed := map[string][]string{
		"received":            {"acknowledge", "consider", "decide"},
		"acknowledged":        {"consider", "decide"},
		"under_consideration": {"decide"},
		"decided_adopted":     {"implement", "report_back"},
		"decided_partly":      {"implement", "report_back"},
		"decided_not":         {"report_back"},
		"implemented":         {"report_back"},
	}
	for from, path := range starts {
		for name, target := range targets {
			ok := false
			for _, a := range allowed[from] {
				ok = ok || a == name
			}
			outcome := "Refused"
			if ok {
				outcome = "Allowed"
			}
			t.Run("PART-2_"+from+"_"+name+"_"+outcome, func(t *testing.T) {
				j := p.NewMemoryJournal()
				s, _ := MustOpen(t, j, nil)
				c, err := s.Submit(context.Background(), client, input("Ehdotus"))
				require.NoError(t, err)
				for _, st := range path {
					_, err := advance(s, c.ID, st)
					require.NoError(t, err)
				}
				before, n := export(t, s), j.Len()
				got, err := advance(s, c.ID, target)
				if !ok {
					assert.Equal(t, p.ECONFLICT, p.ErrorCode(err), "%v", err)
					assert.Equal(t, before, export(t, s), "a refused step changed the state")
					assert.Equal(t, n, j.Len(), "a refused step reached the journal")
					return
				}
				require.NoError(t, err)
				assert.Equal(t, target.to, got.State)
				last := got.History[len(got.History)-1]
				assert.Equal(t, target.to, last.State)
				assert.Equal(t, manager, last.By, "every step records who")
				assert.False(t, last.Implicit)
				// Steps passed over are recorded as implicit, in order.
				var states []p.State
				for _, h := range got.History {
					states = append(states, h.State)
				}
				assert.IsIncreasing(t, rankAll(states), "history goes only forward: %v", states)
			})
		}
	}
}

func rankAll(states []p.State) []int {
	out := make([]int, len(states))
	for i, s := range states {
		for k, v := range p.States {
			if v == s {
				out[i] = k
			}
		}
	}
	return out
}

func TestLoopValidation(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		st   step
		code string
	}{
		{"PART-2_NotAdoptedNeedsReason", step{to: p.StateDecided, decision: p.NotAdopted}, p.EINVALID},
		{"PART-2_PartlyAdoptedNeedsReason", step{to: p.StateDecided, decision: p.PartlyAdopted, text: "  "}, p.EINVALID},
		{"PART-2_UnknownDecision", step{to: p.StateDecided, decision: "maybe"}, p.EINVALID},
		{"PART-2_NoDecision", step{to: p.StateDecided}, p.EINVALID},
		{"PART-2_DecisionOnlyWhenDeciding", step{to: p.StateAcknowledged, decision: p.Adopted}, p.EINVALID},
		{"PART-2_BackToReceived", step{to: p.StateReceived}, p.EINVALID},
		{"PART-2_UnknownState", step{to: "archived"}, p.EINVALID},
		{"PART-2_NoteTooLong", step{to: p.StateAcknowledged, text: strings.Repeat("x", p.MaxTextLen+1)}, p.EINVALID},
		{"PART-2_NotUTF8", step{to: p.StateAcknowledged, text: "\xff\xfe"}, p.EINVALID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := p.NewMemoryJournal()
			s, _ := MustOpen(t, j, nil)
			c, err := s.Submit(ctx, client, input("Ehdotus"))
			require.NoError(t, err)
			before, n := export(t, s), j.Len()
			_, err = advance(s, c.ID, tc.st)
			assert.Equal(t, tc.code, p.ErrorCode(err), "%v", err)
			assert.NotEmpty(t, p.ErrorMessage(err))
			assert.Equal(t, before, export(t, s))
			assert.Equal(t, n, j.Len())
		})
	}
	t.Run("PART-2_ReportBackNeedsResponse", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		c, err := s.Submit(ctx, client, input("Ehdotus"))
		require.NoError(t, err)
		_, err = s.Decide(ctx, manager, c.ID, p.Adopted, "")
		require.NoError(t, err)
		_, err = s.ReportBack(ctx, staff, c.ID, " ")
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		assert.Contains(t, p.ErrorMessage(err), "response")
	})
	t.Run("PART-2_UnknownContribution", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		_, err := s.Acknowledge(ctx, staff, p.MustParseID("0190a000-0000-7000-8000-0000000000ff"), "")
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(err))
	})
}

// TestTagging is PART-1: every contribution has a level, and a scope when
// it is co-development.
func TestTagging(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		level p.Level
		scope p.Scope
		ok    bool
	}{
		{"PART-1_DialogueWithoutScope", p.LevelDialogue, "", true},
		{"PART-1_DevelopmentWithScope", p.LevelDevelopment, p.ScopeServices, true},
		{"PART-1_CoProductionWithoutScope", p.LevelCoProduction, "", false},
		{"PART-1_DevelopmentWithoutScope", p.LevelDevelopment, "", false},
		{"PART-1_NoLevel", "", "", false},
		{"PART-1_UnknownLevel", "penthouse", "", false},
		{"PART-1_UnknownScope", p.LevelFeedback, "galaxy", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := MustOpen(t, nil, nil)
			in := input("Idea")
			in.Level, in.Scope = tc.level, tc.scope
			c, err := s.Submit(ctx, client, in)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, tc.level, c.Level)
				return
			}
			assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		})
	}
	t.Run("PART-2_InputChecked", func(t *testing.T) {
		s, _ := MustOpen(t, nil, nil)
		for name, mutate := range map[string]func(*p.ContributionInput){
			"title":        func(in *p.ContributionInput) { in.Title = "" },
			"long title":   func(in *p.ContributionInput) { in.Title = strings.Repeat("å", p.MaxTitleLen+1) },
			"origin":       func(in *p.ContributionInput) { in.Origin = "alien" },
			"source":       func(in *p.ContributionInput) { in.Source = p.Source{Module: "Panel!", Kind: "x"} },
			"contributors": func(in *p.ContributionInput) { in.Contributors = []p.ID{{}} },
		} {
			in := input("Idea")
			mutate(&in)
			_, err := s.Submit(ctx, client, in)
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), name)
		}
	})
}

func TestDeadlinesAndOwnList(t *testing.T) {
	ctx := context.Background()
	s, clock := MustOpen(t, nil, nil)
	a, err := s.Submit(ctx, client, input("A"))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(14*24*time.Hour), a.AcknowledgeBy, "default: acknowledge in 14 days")
	assert.Equal(t, t0.Add(90*24*time.Hour), a.RespondBy, "default: respond in 90 days")
	clock.Advance(24 * time.Hour)
	b, err := s.Submit(ctx, staff, p.ContributionInput{Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelFeedback, Origin: p.OriginOrganisation, Title: "B"})
	require.NoError(t, err)
	clock.Advance(24 * time.Hour)
	c, err := s.Submit(ctx, client, input("C"))
	require.NoError(t, err)
	_, err = s.Acknowledge(ctx, staff, c.ID, "")
	require.NoError(t, err)

	over, err := p.FindOverdue(s.View(), t0.Add(14*24*time.Hour+2*time.Hour))
	require.NoError(t, err)
	require.Len(t, over, 1, "only A is past its acknowledgement deadline")
	assert.Equal(t, a.ID, over[0].Contribution.ID)
	assert.Equal(t, "acknowledge", over[0].Missed)
	assert.Equal(t, 0, over[0].DaysLate, "two hours late")

	over, err = p.FindOverdue(s.View(), t0.Add(100*24*time.Hour))
	require.NoError(t, err)
	require.Len(t, over, 3)
	for _, o := range over {
		assert.Equal(t, "respond", o.Missed, "a missed response wins over a missed acknowledgement")
	}
	assert.Equal(t, []p.ID{a.ID, b.ID, c.ID}, []p.ID{over[0].Contribution.ID, over[1].Contribution.ID, over[2].Contribution.ID})
	assert.Equal(t, "respond", a.OverdueAt(t0.Add(100*24*time.Hour)))

	_, err = s.Decide(ctx, manager, a.ID, p.Adopted, "")
	require.NoError(t, err)
	_, err = s.ReportBack(ctx, staff, a.ID, "Toteutetaan")
	require.NoError(t, err)
	over, err = p.FindOverdue(s.View(), t0.Add(100*24*time.Hour))
	require.NoError(t, err)
	assert.Len(t, over, 2, "a contribution reported back is no longer overdue")

	mine, err := p.ContributionsOf(s.View(), client.ID)
	require.NoError(t, err)
	require.Len(t, mine, 2, "the client follows A and C, not the organisation's B")
	assert.Equal(t, p.StateReportedBack, mine[0].State)
	assert.Equal(t, "Toteutetaan", mine[0].Response)

	t.Run("PolicyDeadlines", func(t *testing.T) {
		s, err := p.Open(ctx, &p.Config{Clock: p.NewManualClock(t0), Loop: &p.LoopPolicy{AcknowledgeWithin: 7 * 24 * time.Hour, RespondWithin: 30 * 24 * time.Hour}})
		require.NoError(t, err)
		c, err := s.Submit(ctx, client, input("x"))
		require.NoError(t, err)
		assert.Equal(t, t0.Add(30*24*time.Hour), c.RespondBy)
		_, err = p.Open(ctx, &p.Config{Loop: &p.LoopPolicy{AcknowledgeWithin: 40 * 24 * time.Hour, RespondWithin: 30 * 24 * time.Hour}})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})
}

// TestIndicators computes the loop's integrity indicators on a fixture
// whose answers are worked out by hand below.
func TestIndicators(t *testing.T) {
	ctx := context.Background()
	s, clock := MustOpen(t, nil, nil)
	topic := func(origin p.Origin) p.ContributionInput {
		in := input("Aihe")
		in.Source = p.Source{Module: "panel", Kind: "topic"}
		in.Origin = origin
		return in
	}
	// Ten contributions on day 0:
	//  - 4 panel topics (3 by members, 1 by the organisation), level dialogue
	//  - 6 ideas at level dialogue, one of them at level feedback
	var ids []p.ID
	for i := 0; i < 10; i++ {
		in := input("Idea")
		switch {
		case i < 3:
			in = topic(p.OriginClient)
		case i == 3:
			in = topic(p.OriginOrganisation)
		case i == 9:
			in.Level = p.LevelFeedback
		}
		var c *p.Contribution
		var err error
		if i <= 3 {
			// Panel topics enter only through a module's command
			// (PRIV-3); the test module's stands in for the panel's.
			err = s.Exec(ctx, staff, actRegister, func(tx *p.Tx) (err error) {
				c, err = p.SubmitContribution(tx, in)
				return err
			})
		} else {
			c, err = s.Submit(ctx, client, in)
		}
		require.NoError(t, err)
		ids = append(ids, c.ID)
	}
	// Decisions: 0 adopted, 1 partly, 2 not, 3 adopted → 3 of 4 decided adopted at least in part.
	for i, d := range []p.Decision{p.Adopted, p.PartlyAdopted, p.NotAdopted, p.Adopted} {
		_, err := s.Decide(ctx, manager, ids[i], d, "perustelu")
		require.NoError(t, err)
	}
	// Reported back: 0 after 10 days, 1 after 20, 2 after 100 (late).
	for i, days := range []int{10, 20, 100} {
		clock.Set(t0.Add(time.Duration(days) * 24 * time.Hour))
		_, err := s.ReportBack(ctx, staff, ids[i], "vastaus")
		require.NoError(t, err)
	}
	period := p.Period{From: t0.Add(-time.Hour), To: t0.Add(24 * time.Hour)}
	got, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: period, At: t0.Add(120 * 24 * time.Hour)})
	require.NoError(t, err)
	byKey := map[string]p.Indicator{}
	for _, in := range got {
		byKey[in.Key] = in
		assert.NotEmpty(t, in.Basis, in.Key)
		for _, l := range p.Langs {
			assert.NotEmpty(t, in.Reading.In(l), in.Key)
		}
	}
	check := func(key string, num, den int, value float64) {
		t.Helper()
		in := byKey[key]
		assert.Equal(t, num, in.Numerator, key)
		assert.Equal(t, den, in.Denominator, key)
		require.NotNil(t, in.Value, key)
		assert.InDelta(t, value, *in.Value, 1e-9, key)
	}
	check(p.IndicatorReportedBack, 3, 10, 0.3)
	check(p.IndicatorRespondedInTime, 2, 10, 0.2) // all ten are past day 90 at day 120; two answered in time
	check(p.IndicatorMedianResponse, 3, 3, 20)
	check(p.IndicatorAdopted, 3, 4, 0.75)
	check(p.IndicatorMemberTopics, 3, 4, 0.75)
	check(p.IndicatorEmptyFloors, 3, 5, 3)
	assert.Equal(t, []p.Level{p.LevelOwnService, p.LevelDevelopment, p.LevelCoProduction}, byKey[p.IndicatorEmptyFloors].Floors)
	assert.Equal(t, "3 of 10 contributions received in 2026-03-02–2026-03-03 were answered", byKey[p.IndicatorReportedBack].Reading.En)

	t.Run("EmptyPeriodHasNoValues", func(t *testing.T) {
		got, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: p.Period{From: t0.Add(-48 * time.Hour), To: t0.Add(-24 * time.Hour)}})
		require.NoError(t, err)
		for _, in := range got {
			if in.Key != p.IndicatorEmptyFloors {
				assert.Nil(t, in.Value, in.Key)
			}
		}
	})
	t.Run("BadPeriodRefused", func(t *testing.T) {
		_, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: p.Period{From: t0, To: t0.Add(-time.Hour)}})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})
}

func TestLabels(t *testing.T) {
	check := func(name string, values []p.Labeled) {
		for _, v := range values {
			for _, l := range p.Langs {
				assert.NotEmpty(t, v.Label(l), "%s %v in %s", name, v, l)
				assert.NotEqual(t, fmt.Sprint(v), v.Label(l), "%s %v has no label in %s", name, v, l)
			}
		}
	}
	var all []p.Labeled
	for _, v := range p.Levels {
		all = append(all, v)
	}
	for _, v := range p.Scopes {
		all = append(all, v)
	}
	for _, v := range p.Roles {
		all = append(all, v)
	}
	for _, v := range p.States {
		all = append(all, v)
	}
	for _, v := range p.Decisions {
		all = append(all, v)
	}
	all = append(all, p.OriginClient, p.OriginOrganisation)
	check("enum", all)
	assert.Equal(t, "Vuoropuhelu", p.LevelDialogue.Label(p.Finnish))
	assert.Equal(t, "Dialog", p.LevelDialogue.Label(p.Swedish))
	assert.Equal(t, "Dialogue", p.LevelDialogue.Label(p.English))
	assert.Equal(t, "Kokemusasiantuntija", p.RoleExpert.Label(p.Finnish))
	for _, v := range all {
		assert.Equal(t, v.Label(p.Finnish), v.Label("xx"), "an unknown language falls back to Finnish")
	}
}
