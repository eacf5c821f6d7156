package expert_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/internal/policydoc"
	p "github.com/osallisuus/osallisuus/participation"
)

var t0 = time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC)

var (
	coordinator = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
)

func person(n int) p.Actor {
	return p.Actor{ID: p.MustParseID(fmt.Sprintf("0190f000-0000-7000-8000-%012d", 1000+n)), Role: p.RoleExpert}
}

type env struct {
	t     *testing.T
	s     *p.Store
	j     p.Journal
	keys  p.KeyStore
	clock *p.ManualClock
	ex    *expert.Service
	ctx   context.Context
}

func newEnv(t *testing.T, j p.Journal, keys p.KeyStore) *env {
	t.Helper()
	if j == nil {
		j = p.NewMemoryJournal()
	}
	if keys == nil {
		keys = p.NewMemoryKeyStore()
	}
	clock := p.NewManualClock(t0)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Clock: clock, Modules: []p.Module{expert.Module(nil)}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return &env{t: t, s: s, j: j, keys: keys, clock: clock, ex: expert.New(s), ctx: context.Background()}
}

func (e *env) register(n int, prof expert.Profile, trained bool, langs ...string) p.ID {
	e.t.Helper()
	if prof.Name == "" {
		prof.Name = fmt.Sprintf("Henkilö %d", n)
	}
	if len(prof.Backgrounds) == 0 {
		prof.Backgrounds = []expert.Background{expert.ServiceUse}
	}
	if len(langs) == 0 {
		langs = []string{"fi"}
	}
	x, err := e.ex.Register(e.ctx, coordinator, expert.Registration{Person: person(n).ID, Kind: expert.KindExpert, Languages: langs,
		Profile: prof, Consent: expert.Consent{Purpose: "Kokemusasiantuntijatoiminta Tampereen aikuissosiaalityössä"}})
	require.NoError(e.t, err)
	if trained {
		require.NoError(e.t, e.ex.AddCourse(e.ctx, coordinator, x.ID, expert.Course{Name: "Kokemusasiantuntijakoulutus", Provider: "Kokemus ry", Completed: t0.AddDate(-1, 0, 0)}))
	}
	return x.ID
}

func (e *env) export() string {
	var b bytes.Buffer
	require.NoError(e.t, e.s.Export(&b))
	return b.String()
}

func (e *env) refused(code string, fn func() error) {
	e.t.Helper()
	before := e.export()
	head, _ := e.s.Head()
	err := fn()
	require.Error(e.t, err)
	assert.Equal(e.t, code, p.ErrorCode(err), "%v", err)
	assert.Equal(e.t, before, e.export())
	after, _ := e.s.Head()
	assert.Equal(e.t, head, after)
}

// assign requests, offers, accepts and returns an assignment.
func (e *env) assign(x p.ID, typ expert.AssignmentType, date time.Time, need expert.Need) p.ID {
	e.t.Helper()
	a, err := e.ex.RequestAssignment(e.ctx, worker, expert.Request{Type: typ, Date: date, Need: need, Unit: "aikuissosiaalityo"})
	require.NoError(e.t, err)
	require.NoError(e.t, e.ex.Offer(e.ctx, coordinator, a.ID, x))
	require.NoError(e.t, e.ex.Accept(e.ctx, p.Actor{ID: x, Role: p.RoleExpert}, a.ID))
	return a.ID
}

func TestRegistration(t *testing.T) {
	e := newEnv(t, nil, nil)
	t.Run("EXP-1_BackgroundsAndAreas", func(t *testing.T) {
		id := e.register(1, expert.Profile{Backgrounds: []expert.Background{expert.OwnCondition, expert.Rehabilitation}, Areas: []string{"mental_health", "tampere_own_area"}, Email: "a@example.fi"}, false)
		x, err := expert.Get(e.s.View(), id)
		require.NoError(t, err)
		prof, err := expert.OpenProfile(e.s.Vault(), x)
		require.NoError(t, err)
		assert.Equal(t, []string{"mental_health", "tampere_own_area"}, prof.Areas)
		assert.Equal(t, "Mielenterveys", expert.AreaLabel("mental_health", p.Finnish))
		e.refused(p.EINVALID, func() error {
			_, err := e.ex.Register(e.ctx, coordinator, expert.Registration{Person: person(2).ID, Kind: expert.KindExpert, Languages: []string{"fi"},
				Profile: expert.Profile{Name: "x"}, Consent: expert.Consent{Purpose: "x"}})
			return err
		})
	})
	t.Run("EXP-3_ConsentRequired", func(t *testing.T) {
		e.refused(p.EINVALID, func() error {
			_, err := e.ex.Register(e.ctx, coordinator, expert.Registration{Person: person(3).ID, Kind: expert.KindExpert, Languages: []string{"fi"},
				Profile: expert.Profile{Name: "x", Backgrounds: []expert.Background{expert.ServiceUse}}})
			return err
		})
	})
	t.Run("EXP-2_TrainingDerived", func(t *testing.T) {
		id := e.register(4, expert.Profile{}, false)
		x, _ := expert.Get(e.s.View(), id)
		assert.False(t, x.Trained())
		e.refused(p.EINVALID, func() error {
			return e.ex.AddCourse(e.ctx, coordinator, id, expert.Course{Name: "k", Provider: "p", Completed: t0.AddDate(0, 1, 0)})
		})
		require.NoError(t, e.ex.AddCourse(e.ctx, coordinator, id, expert.Course{Name: "k", Provider: "p", Completed: t0}))
		x, _ = expert.Get(e.s.View(), id)
		assert.True(t, x.Trained())
	})
}

func TestMatching(t *testing.T) {
	t.Run("EXP-5_RanksWithReasons", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		a := e.register(1, expert.Profile{Backgrounds: []expert.Background{expert.OwnCondition}, Areas: []string{"substance_use"}}, true, "fi", "sv")
		b := e.register(2, expert.Profile{Backgrounds: []expert.Background{expert.FamilyMember}, Areas: []string{"substance_use"}}, false)
		c := e.register(3, expert.Profile{Backgrounds: []expert.Background{expert.OwnCondition}, Areas: []string{"homelessness"}}, false)
		got, err := e.ex.Match(expert.Need{Background: expert.OwnCondition, Area: "substance_use", Language: "sv"}, t0, 10)
		require.NoError(t, err)
		require.Len(t, got, 3)
		assert.Equal(t, []p.ID{a, b, c}, []p.ID{got[0].Expert, got[1].Expert, got[2].Expert})
		assert.Equal(t, 9, got[0].Score, "background 3 + area 3 + language 2 + trained 1")
		var codes []string
		for _, r := range got[0].Reasons {
			codes = append(codes, r.Code)
		}
		assert.Equal(t, []string{"background", "area", "language", "trained", "load"}, codes)
		assert.Equal(t, "Area: Substance use", got[0].Reasons[1].Labels.En)
	})
	t.Run("EXP-5_NeverWithdrawnOrUntrainedWhereRequired", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		trained := e.register(1, expert.Profile{}, true)
		untrained := e.register(2, expert.Profile{}, false)
		gone := e.register(3, expert.Profile{}, true)
		away := e.register(4, expert.Profile{}, true)
		require.NoError(t, e.ex.WithdrawConsent(e.ctx, person(3), gone))
		require.NoError(t, e.ex.SetAvailability(e.ctx, person(4), away, false))
		got, err := e.ex.Match(expert.Need{RequireTrained: true}, t0, 10)
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, trained, got[0].Expert)
		all, err := e.ex.Match(expert.Need{}, t0, 10)
		require.NoError(t, err)
		assert.Len(t, all, 2, "the withdrawn and the unavailable are never offered")
		a, err := e.ex.RequestAssignment(e.ctx, worker, expert.Request{Type: expert.TrainingProfessionals, Date: t0, Need: expert.Need{RequireTrained: true}})
		require.NoError(t, err)
		for _, x := range []p.ID{untrained, gone, away} {
			e.refused(expert.ENOTMATCHABLE, func() error { return e.ex.Offer(e.ctx, coordinator, a.ID, x) })
		}
	})
	t.Run("EXP-5_FairnessTenRequestsFiveExperts", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		var ids []p.ID
		for i := 0; i < 5; i++ {
			ids = append(ids, e.register(i, expert.Profile{}, true))
		}
		count := map[p.ID]int{}
		for k := 0; k < 10; k++ {
			date := t0.AddDate(0, 0, k)
			got, err := e.ex.Match(expert.Need{}, date, 1)
			require.NoError(t, err)
			require.Len(t, got, 1)
			e.assign(got[0].Expert, expert.GroupActivity, date, expert.Need{})
			count[got[0].Expert]++
		}
		for _, id := range ids {
			assert.Equal(t, 2, count[id], "each of five equal experts gets two of ten")
		}
	})
	t.Run("EXP-5_BookedDayIsSkipped", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		x := e.register(1, expert.Profile{}, true)
		e.assign(x, expert.Outreach, t0, expert.Need{})
		got, err := e.ex.Match(expert.Need{}, t0, 10)
		require.NoError(t, err)
		assert.Empty(t, got)
	})
}

func TestAssignments(t *testing.T) {
	e := newEnv(t, nil, nil)
	x := e.register(1, expert.Profile{}, true)
	a := e.assign(x, expert.DevelopmentWork, t0, expert.Need{})
	t.Run("EXP-4_NotPaidBeforeCompleted", func(t *testing.T) {
		e.refused(p.ECONFLICT, func() error { return e.ex.Pay(e.ctx, manager, a) })
	})
	t.Run("EXP-7_HoursPositiveAndPlausible", func(t *testing.T) {
		for _, h := range []float64{0, -2, 24.5, 30} {
			e.refused(p.EINVALID, func() error { return e.ex.Complete(e.ctx, worker, a, h, 0) })
		}
		e.refused(p.EINVALID, func() error { return e.ex.Complete(e.ctx, worker, a, 3, -1) })
	})
	t.Run("EXP-4_Lifecycle", func(t *testing.T) {
		require.NoError(t, e.ex.Complete(e.ctx, worker, a, 3.5, 1240))
		require.NoError(t, e.ex.Pay(e.ctx, manager, a))
		got, err := expert.GetAssignment(e.s.View(), a)
		require.NoError(t, err)
		assert.Equal(t, expert.Paid, got.State)
		assert.Equal(t, 7000, got.Fee, "3.5 h at the default 20 €")
		assert.Equal(t, p.LevelDevelopment, got.Level)
		assert.Equal(t, p.ScopeServices, got.Scope)
		var states []expert.State
		for _, h := range got.History {
			states = append(states, h.State)
		}
		assert.Equal(t, []expert.State{expert.Requested, expert.Offered, expert.Accepted, expert.Completed, expert.Paid}, states)
		e.refused(p.ECONFLICT, func() error { return e.ex.Cancel(e.ctx, worker, a, "late") })
	})
	t.Run("EXP-4_CancelNeedsReasonAndOnlyOwn", func(t *testing.T) {
		b := e.assign(x, expert.PanelWork, t0.AddDate(0, 0, 1), expert.Need{})
		e.refused(p.EINVALID, func() error { return e.ex.Cancel(e.ctx, worker, b, " ") })
		e.refused(p.EFORBIDDEN, func() error { return e.ex.Cancel(e.ctx, person(9), b, "not mine") })
		require.NoError(t, e.ex.Cancel(e.ctx, p.Actor{ID: x, Role: p.RoleExpert}, b, "sairastuin"))
		got, err := e.ex.Match(expert.Need{}, t0.AddDate(0, 0, 1), 10)
		require.NoError(t, err)
		assert.Len(t, got, 1, "a cancelled day is free again")
	})
	t.Run("EXP-4_OnlyTheOfferedExpertAccepts", func(t *testing.T) {
		other := e.register(2, expert.Profile{}, true)
		r, err := e.ex.RequestAssignment(e.ctx, worker, expert.Request{Type: expert.IndividualMeeting, Date: t0.AddDate(0, 0, 5)})
		require.NoError(t, err)
		require.NoError(t, e.ex.Offer(e.ctx, coordinator, r.ID, x))
		e.refused(p.EFORBIDDEN, func() error { return e.ex.Accept(e.ctx, p.Actor{ID: other, Role: p.RoleExpert}, r.ID) })
	})
	t.Run("EXP-7_TotalsAndPayroll", func(t *testing.T) {
		c := e.assign(x, expert.TrainingProfessionals, t0.AddDate(0, 0, 10), expert.Need{})
		require.NoError(t, e.ex.Complete(e.ctx, worker, c, 2, 0))
		totals, err := expert.Totals(e.s.View(), e.s.Vault(), p.Period{From: t0.AddDate(0, 0, -1), To: t0.AddDate(0, 1, 0)})
		require.NoError(t, err)
		require.Len(t, totals, 1)
		assert.Equal(t, expert.Total{Expert: x, Name: "Henkilö 1", Assignments: 2, Hours: 5.5, Fees: 7000 + 6000, Travel: 1240}, totals[0], "3.5 h at 20 € and 2 h of training at 30 €")
		var b bytes.Buffer
		require.NoError(t, expert.WritePayroll(&b, totals))
		recs, err := csv.NewReader(&b).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, []string{x.String(), "Henkilö 1", "2", "5.50", "130.00", "12.40", "142.40"}, recs[1])
	})
}

func TestPathway(t *testing.T) {
	e := newEnv(t, nil, nil)
	a := e.register(1, expert.Profile{}, false)
	b := e.register(2, expert.Profile{}, false)
	require.NoError(t, e.ex.RecordPathway(e.ctx, coordinator, a, expert.StepParticipant, t0.AddDate(-1, 0, 0)))
	require.NoError(t, e.ex.RecordPathway(e.ctx, coordinator, a, expert.StepExpert, t0.AddDate(0, 0, -10)))
	require.NoError(t, e.ex.RecordPathway(e.ctx, coordinator, b, expert.StepDeveloperClient, t0.AddDate(0, 0, -5)))
	require.NoError(t, e.ex.RecordPathway(e.ctx, coordinator, b, expert.StepEmployment, t0))
	t.Run("EXP-6_ForwardOnly", func(t *testing.T) {
		e.refused(p.ECONFLICT, func() error { return e.ex.RecordPathway(e.ctx, coordinator, a, expert.StepDeveloperClient, t0) })
		e.refused(p.ECONFLICT, func() error { return e.ex.RecordPathway(e.ctx, coordinator, a, expert.StepExpert, t0) })
	})
	t.Run("EXP-6_Report", func(t *testing.T) {
		rep, err := expert.PathwayReport(e.s.View(), p.Period{From: t0.AddDate(0, -1, 0), To: t0.AddDate(0, 0, 1)})
		require.NoError(t, err)
		got := map[expert.Step]int{}
		for _, c := range rep {
			got[c.Step] = c.Reached
		}
		assert.Equal(t, map[expert.Step]int{expert.StepParticipant: 0, expert.StepDeveloperClient: 1, expert.StepExpert: 1, expert.StepPaid: 0, expert.StepEmployment: 1}, got)
		assert.Equal(t, "Työsuhde", rep[4].Labels.Fi)
	})
}

// TestConsentWithdrawal: after withdrawal, the background and contact
// details are neither in the journal file nor in replayed state, the
// person is not matched, and the journal verifies (EXP-3).
func TestConsentWithdrawal(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	keys, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	e := newEnv(t, j, keys)
	const phone, email, name = "+358 40 765 4321", "salainen.kokemus@example.fi", "Riikka Rehellinen"
	x := e.register(1, expert.Profile{Name: name, Backgrounds: []expert.Background{expert.OwnCondition}, Areas: []string{"substance_use"}, Phone: phone, Email: email}, true)
	stay := e.register(2, expert.Profile{Areas: []string{"substance_use"}}, true)
	e.refused(p.EFORBIDDEN, func() error { return e.ex.WithdrawConsent(e.ctx, person(2), x) })
	require.NoError(t, e.ex.WithdrawConsent(e.ctx, person(1), x))

	got, err := e.ex.Match(expert.Need{Area: "substance_use"}, t0, 10)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, stay, got[0].Expert)
	gone, err := expert.Get(e.s.View(), x)
	require.NoError(t, err)
	_, err = expert.OpenProfile(e.s.Vault(), gone)
	assert.Equal(t, p.EERASED, p.ErrorCode(err))
	require.NoError(t, e.s.Close())

	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, secret := range []string{phone, email, name, "own_condition", "substance_use"} {
		assert.False(t, bytes.Contains(raw, []byte(secret)), "EXP-3: %q in the journal file", secret)
	}
	j2, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	keys2, err := p.OpenDirKeyStore(filepath.Join(dir, "keys"))
	require.NoError(t, err)
	s2, err := p.Open(e.ctx, &p.Config{Journal: j2, Keys: keys2, Modules: []p.Module{expert.Module(nil)}})
	require.NoError(t, err)
	defer s2.Close()
	var b bytes.Buffer
	require.NoError(t, s2.Export(&b))
	for _, secret := range []string{phone, email, name} {
		assert.NotContains(t, b.String(), secret)
	}
	_, err = s2.Verify(e.ctx)
	assert.NoError(t, err, "the journal still verifies")
	again, err := expert.New(s2).Match(expert.Need{Area: "substance_use"}, t0, 10)
	require.NoError(t, err)
	require.Len(t, again, 1, "after replay the withdrawn person is still not matched")
	assert.Equal(t, stay, again[0].Expert)
}

func TestReplay(t *testing.T) {
	e := newEnv(t, nil, nil)
	x := e.register(1, expert.Profile{Areas: []string{"homelessness"}}, true)
	a := e.assign(x, expert.Outreach, t0, expert.Need{})
	require.NoError(t, e.ex.Complete(e.ctx, worker, a, 4, 0))
	s2, err := p.Open(e.ctx, &p.Config{Journal: e.j, Keys: e.keys, Modules: []p.Module{expert.Module(nil)}})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, s2.Export(&b))
	assert.Equal(t, e.export(), b.String())
	m1, _ := e.ex.Match(expert.Need{Area: "homelessness"}, t0.AddDate(0, 0, 1), 5)
	m2, _ := expert.New(s2).Match(expert.Need{Area: "homelessness"}, t0.AddDate(0, 0, 1), 5)
	assert.Equal(t, m1, m2, "the matching index is rebuilt the same")
}

func TestPolicyTableInREADME(t *testing.T) {
	e := newEnv(t, nil, nil)
	policydoc.Check(t, e.s.Policy(), "expert.")
}
