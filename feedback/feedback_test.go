package feedback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/internal/policydoc"
	p "github.com/osallisuus/osallisuus/participation"
)

var t0 = time.Date(2026, 3, 2, 9, 17, 42, 0, time.UTC)

var (
	coordinator = p.Actor{ID: p.MustParseID("0190c000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190c000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190c000-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
)

type env struct {
	t     *testing.T
	s     *p.Store
	j     p.Journal
	clock *p.ManualClock
	fb    *feedback.Service
	ctx   context.Context
}

func newEnv(t *testing.T, cfg *feedback.Config, j p.Journal) *env {
	t.Helper()
	if j == nil {
		j = p.NewMemoryJournal()
	}
	clock := p.NewManualClock(t0)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Clock: clock, Modules: []p.Module{feedback.Module(cfg)}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	e := &env{t: t, s: s, j: j, clock: clock, fb: feedback.New(s), ctx: context.Background()}
	for _, th := range []feedback.Theme{
		{Code: "waiting", Labels: p.Labels{Fi: "Jonotus", Sv: "Köer", En: "Waiting"}, Task: feedback.TaskKnowledge},
		{Code: "housing", Labels: p.Labels{Fi: "Asuminen", Sv: "Boende", En: "Housing"}, Task: feedback.TaskMeasures},
		{Code: "money", Labels: p.Labels{Fi: "Toimeentulo", Sv: "Utkomst", En: "Income"}, Task: feedback.TaskPlanning},
	} {
		require.NoError(t, e.fb.DefineTheme(e.ctx, coordinator, th))
	}
	return e
}

// endHour moves the clock to the start of the next hour and releases the
// anonymous commands held until then (PRIV-1).
func (e *env) endHour() {
	e.t.Helper()
	e.clock.Set(e.clock.Now().Truncate(time.Hour).Add(time.Hour))
	require.NoError(e.t, e.s.Release(e.ctx))
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
	assert.Equal(e.t, before, e.export(), "a refused command changed the state")
	after, _ := e.s.Head()
	assert.Equal(e.t, head, after, "a refused command reached the journal")
}

func (e *env) device() *feedback.DeviceInfo {
	e.t.Helper()
	d, err := e.fb.RegisterDevice(e.ctx, coordinator, feedback.DeviceInput{Service: "aikuissosiaalityo", Point: "Hervannan toimisto",
		FollowUp: &feedback.FollowUp{Question: feedback.Text{"fi": "Mikä vaikutti eniten?", "en": "What mattered most?"},
			Options: []feedback.Text{{"fi": "Odotusaika"}, {"fi": "Kohtaaminen"}, {"fi": "Tila"}}}})
	require.NoError(e.t, err)
	return d
}

func deviceActor(d *feedback.DeviceInfo) p.Actor { return p.Actor{ID: d.ID, Role: p.RoleDevice} }

func events(t *testing.T, j p.Journal, typ string) []p.Event {
	var out []p.Event
	require.NoError(t, j.Read(context.Background(), 1, func(e p.Event) error {
		if e.Type == typ {
			out = append(out, e)
		}
		return nil
	}))
	return out
}

// TestAnonymity is FB-1: anonymous items hold no person, no device user,
// no address, and no time finer than the hour, in the event, the stored
// item or its types.
func TestAnonymity(t *testing.T) {
	e := newEnv(t, nil, nil)
	d := e.device()
	_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo", Rating: 2, Text: "Jonotin pitkään", Themes: []string{"waiting"}})
	require.NoError(t, err)
	_, err = e.fb.Submit(e.ctx, worker, feedback.Submission{Channel: feedback.InPerson, Service: "yhteisoneuvonta", Text: "Kirjastossa neuvottu"})
	require.NoError(t, err)
	_, err = e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3})
	require.NoError(t, err)
	e.endHour()

	t.Run("FB-1_EventsKeepHourAndRoleOnly", func(t *testing.T) {
		for _, typ := range []string{"feedback.submitted", "feedback.pressed"} {
			for _, ev := range events(t, e.j, typ) {
				assert.Equal(t, t0.Truncate(time.Hour), ev.Time, typ)
				assert.True(t, ev.Actor.ID.IsZero(), "%s records no actor id", typ)
				var m map[string]any
				require.NoError(t, json.Unmarshal(ev.Data, &m))
				for k := range m {
					assert.Contains(t, []string{"item", "channel", "service", "themes", "rating", "text", "redactions", "receipt", "contribution", "device", "presses"}, k, "%s has field %s", typ, k)
				}
			}
		}
	})
	t.Run("FB-1_TypesHaveNoPersonField", func(t *testing.T) {
		forbidden := []string{"person", "name", "user", "userid", "ip", "ipaddress", "address", "session", "sessionid", "contact", "actor", "email", "phone", "minute", "second", "deviceuser", "useragent"}
		for _, v := range []any{feedback.Item{}, feedback.Submitted{}, feedback.Pressed{}, feedback.PressRecord{}, feedback.SurveyAnswered{}, feedback.Answer{}} {
			rt := reflect.TypeOf(v)
			for i := 0; i < rt.NumField(); i++ {
				f := rt.Field(i)
				assert.NotContains(t, forbidden, strings.ToLower(f.Name), "%s.%s", rt.Name(), f.Name)
				assert.NotEqual(t, reflect.TypeOf(p.Actor{}), f.Type, "%s.%s", rt.Name(), f.Name)
				assert.NotEqual(t, reflect.TypeOf(p.Sealed{}), f.Type, "%s.%s", rt.Name(), f.Name)
			}
		}
	})
	t.Run("FB-1_StoredItemsKeepTheHour", func(t *testing.T) {
		var dump struct {
			Modules struct {
				Feedback struct {
					Items []feedback.Item `json:"items"`
				} `json:"feedback"`
			} `json:"modules"`
		}
		require.NoError(t, json.Unmarshal([]byte(e.export()), &dump))
		require.Len(t, dump.Modules.Feedback.Items, 3)
		for _, it := range dump.Modules.Feedback.Items {
			assert.Equal(t, t0.Truncate(time.Hour), it.Hour)
		}
	})
}

func TestScrubOnSubmit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	e := newEnv(t, nil, j)
	res, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo",
		Text: "Minun hetu 131052-308T ja puhelin 040 123 4567, kiitos."})
	require.NoError(t, err)
	assert.Equal(t, "Minun hetu [hetu] ja puhelin [puhelin], kiitos.", res.Text)
	assert.Equal(t, 2, res.Redactions)
	require.NoError(t, e.s.Close())
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.False(t, bytes.Contains(raw, []byte("131052-308T")), "FB-2: the original never reaches the journal")
	assert.False(t, bytes.Contains(raw, []byte("123 4567")))
}

func TestChannels(t *testing.T) {
	e := newEnv(t, nil, nil)
	t.Run("FB-3_SubmitTakesEFormOrInPerson", func(t *testing.T) {
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.Device, Service: "x", Rating: 3})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.InPerson, Service: "x", Rating: 3})
			return err
		})
	})
	t.Run("FB-3_ServiceAndDefinedThemes", func(t *testing.T) {
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Rating: 3})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "x", Rating: 3, Themes: []string{"weather"}})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "x"})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "x", Rating: 5})
			return err
		})
	})
	t.Run("FB-3_NamedClientsCannotSubmitUnderTheirName", func(t *testing.T) {
		client := p.Actor{ID: p.MustParseID("0190c000-0000-7000-8000-0000000000d1"), Role: p.RoleClient}
		e.refused(p.EFORBIDDEN, func() error {
			_, err := e.fb.Submit(e.ctx, client, feedback.Submission{Channel: feedback.EForm, Service: "x", Rating: 3})
			return err
		})
	})
}

func TestDevices(t *testing.T) {
	t.Run("FB-4_RepeatsWithinIntervalCountOnce", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		d := e.device()
		a := deviceActor(d)
		res, err := e.fb.Press(e.ctx, a, d.ID, feedback.Press{Rating: 4, At: t0})
		require.NoError(t, err)
		assert.Equal(t, feedback.PressResult{Counted: 1}, res)
		res, err = e.fb.Press(e.ctx, a, d.ID, feedback.Press{Rating: 4, At: t0.Add(2 * time.Second)})
		require.NoError(t, err)
		assert.Equal(t, feedback.PressResult{Filtered: 1}, res, "a repeat within 5 s")
		res, err = e.fb.Press(e.ctx, a, d.ID, feedback.Press{Rating: 1, At: t0.Add(9 * time.Second)})
		require.NoError(t, err)
		assert.Equal(t, feedback.PressResult{Counted: 1}, res)
		assert.Equal(t, 0, e.fb.Count(), "PRIV-1: presses count once their hour is over")
		e.endHour()
		assert.Equal(t, 2, e.fb.Count())
	})
	t.Run("FB-4_ConfigurableInterval", func(t *testing.T) {
		e := newEnv(t, &feedback.Config{PressInterval: 30 * time.Second}, nil)
		d := e.device()
		_, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 4, At: t0})
		require.NoError(t, err)
		res, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 4, At: t0.Add(20 * time.Second)})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Filtered)
	})
	t.Run("FB-4_OfflineBatch", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		d := e.device()
		base := t0.Add(-3 * time.Hour)
		batch := []feedback.Press{
			{Rating: 3, At: base.Add(10 * time.Second)}, {Rating: 3, At: base}, // out of order: sorted first
			{Rating: 2, At: base.Add(12 * time.Second), Answer: 2},
			{Rating: 4, At: base.Add(time.Hour)}, {Rating: 4, At: base.Add(time.Hour + time.Second)},
		}
		res, err := e.fb.PressBatch(e.ctx, deviceActor(d), d.ID, batch)
		require.NoError(t, err)
		assert.Equal(t, feedback.PressResult{Counted: 3, Filtered: 2}, res)
		e.endHour()
		rep, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: t0.Add(-24 * time.Hour), To: t0.Add(24 * time.Hour)})
		require.NoError(t, err)
		assert.Equal(t, 2, rep.Filtered)
	})
	t.Run("FB-4_PressInAnotherCommand", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		d := e.device()
		// An edge's own command records presses with a record of its own;
		// the press policy still holds, and a refusal emits nothing.
		e.refused(p.EFORBIDDEN, func() error {
			return e.s.Exec(e.ctx, worker, feedback.ActionSubmit, func(tx *p.Tx) error {
				_, err := e.fb.PressIn(tx, d.ID, []feedback.Press{{Rating: 3}})
				return err
			})
		})
		var res feedback.PressResult
		require.NoError(t, e.s.Exec(e.ctx, deviceActor(d), feedback.ActionPress, func(tx *p.Tx) error {
			var err error
			res, err = e.fb.PressIn(tx, d.ID, []feedback.Press{{Rating: 3, At: t0}})
			return err
		}))
		assert.Equal(t, feedback.PressResult{Counted: 1}, res)
		// The next press of the hour sees the held one (Tx.Pending).
		res, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3, At: t0.Add(time.Second)})
		require.NoError(t, err)
		assert.Equal(t, feedback.PressResult{Filtered: 1}, res)
		e.endHour()
		assert.Len(t, events(t, e.j, "feedback.pressed"), 2)
	})
	t.Run("FB-4_Refusals", func(t *testing.T) {
		e := newEnv(t, nil, nil)
		d := e.device()
		other := e.device()
		e.refused(p.EFORBIDDEN, func() error {
			_, err := e.fb.Press(e.ctx, deviceActor(other), d.ID, feedback.Press{Rating: 3})
			return err
		})
		e.refused(p.EINVALID, func() error { _, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 5}); return err })
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3, Answer: 4})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3, At: t0.Add(time.Hour)})
			return err
		})
		e.refused(p.EFORBIDDEN, func() error { _, err := e.fb.Press(e.ctx, p.Anonymous, d.ID, feedback.Press{Rating: 3}); return err })
		require.NoError(t, e.fb.RetireDevice(e.ctx, coordinator, d.ID))
		e.refused(p.ECONFLICT, func() error { _, err := e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3}); return err })
	})
}

func TestReceipts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	e := newEnv(t, nil, j)
	res, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo",
		Text: "Toivon iltavastaanottoa", WantReceipt: true})
	require.NoError(t, err)
	t.Run("FB-6_PRIV-1_TheCodeFindsNothingUntilTheHourIsOver", func(t *testing.T) {
		_, err := feedback.LookupReceipt(e.s.View(), res.Receipt)
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(err))
	})
	e.endHour()
	t.Run("FB-6_CodeIsLongAndEasyToType", func(t *testing.T) {
		assert.Regexp(t, `^[2-9A-HJKMNP-TV-Z]{4}(-[2-9A-HJKMNP-TV-Z]{4}){4}$`, res.Receipt)
		other, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "x", Rating: 3, WantReceipt: true})
		require.NoError(t, err)
		assert.NotEqual(t, res.Receipt, other.Receipt)
	})
	t.Run("FB-6_ShowsLoopStateAndResponseOnly", func(t *testing.T) {
		v, err := feedback.LookupReceipt(e.s.View(), strings.ToLower(strings.ReplaceAll(res.Receipt, "-", " ")))
		require.NoError(t, err)
		assert.Equal(t, p.StateReceived, v.State)
		_, err = e.s.Decide(e.ctx, manager, res.Contribution, p.Adopted, "")
		require.NoError(t, err)
		_, err = e.s.ReportBack(e.ctx, manager, res.Contribution, "Kokeilemme iltavastaanottoa keväällä.")
		require.NoError(t, err)
		v, err = feedback.LookupReceipt(e.s.View(), res.Receipt)
		require.NoError(t, err)
		// Events name the journal events a proof is of, in order: the
		// item's, the decision's and the response's (LOOP-2), also
		// without a verifiable history to prove them.
		types := map[uint64]string{}
		require.NoError(t, j.Read(e.ctx, 1, func(ev p.Event) error { types[ev.Seq] = ev.Type; return nil }))
		require.Len(t, v.Events, 3)
		assert.Equal(t, "feedback.submitted", types[v.Events[0]])
		assert.Equal(t, "contribution.decided", types[v.Events[1]])
		assert.Equal(t, "contribution.reported_back", types[v.Events[2]])
		v.Events = nil
		assert.Equal(t, feedback.ReceiptView{State: p.StateReportedBack, Decision: p.Adopted, Response: "Kokeilemme iltavastaanottoa keväällä.", Updated: "2026-03-02"}, v)
		b, _ := json.Marshal(v)
		assert.NotContains(t, string(b), "iltavastaanottoa\"", "the receipt shows the response, not the feedback")
		assert.NotContains(t, string(b), "Toivon")
	})
	t.Run("FB-6_EveryCodeThatFindsNothingAnswersAlike", func(t *testing.T) {
		// A look-up tells nothing about a code but whether it finds
		// feedback: malformed, unknown and over-long codes get the same
		// code and the same message.
		_, err := feedback.LookupReceipt(e.s.View(), "2222-2222-2222-2222-2222")
		require.Equal(t, p.ENOTFOUND, p.ErrorCode(err))
		want := p.ErrorMessage(err)
		for _, code := range []string{"not a code", "0000-2222-2222-2222-2222", "", "2222", strings.Repeat("2", 21), strings.Repeat("A", 100), "2222-2222-2222-2222-222\x00", "ÄÄÄÄ-2222-2222-2222-2222", "\xff\xfe"} {
			_, err := feedback.LookupReceipt(e.s.View(), code)
			assert.Equal(t, p.ENOTFOUND, p.ErrorCode(err), "%q", code)
			assert.Equal(t, want, p.ErrorMessage(err), "%q", code)
		}
	})
	t.Run("FB-6_OnlyTheHashIsStored", func(t *testing.T) {
		require.NoError(t, e.s.Close())
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		norm, _ := feedback.NormalizeReceipt(res.Receipt)
		assert.False(t, bytes.Contains(raw, []byte(norm)))
		assert.False(t, bytes.Contains(raw, []byte(res.Receipt)))
	})
}

func TestReplies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	e := newEnv(t, nil, j)
	const contact = "vastaus.minulle@example.fi"
	res, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo",
		Text: "Miksi hakemukseni kestää?", Reply: &feedback.ReplyRequest{Contact: contact}})
	require.NoError(t, err)
	require.False(t, res.Contribution.IsZero())
	e.endHour()
	t.Run("FB-7_ContactApartAndSealed", func(t *testing.T) {
		got, err := e.fb.ContactFor(worker, res.Item)
		require.NoError(t, err)
		assert.Equal(t, contact, got)
		_, err = e.fb.ContactFor(p.Anonymous, res.Item)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err))
	})
	t.Run("FB-7_ErasedOnceReplied", func(t *testing.T) {
		e.refused(p.EINVALID, func() error { return e.fb.Reply(e.ctx, worker, res.Item, p.NotAdopted, "", "x") })
		require.NoError(t, e.fb.Reply(e.ctx, worker, res.Item, p.Adopted, "", "Käsittelyaika on nyt kaksi viikkoa."))
		_, err := e.fb.ContactFor(worker, res.Item)
		assert.Equal(t, p.EERASED, p.ErrorCode(err))
		c, err := p.GetContribution(e.s.View(), res.Contribution)
		require.NoError(t, err)
		assert.Equal(t, p.StateReportedBack, c.State)
		e.refused(p.ECONFLICT, func() error { return e.fb.Reply(e.ctx, worker, res.Item, p.Adopted, "", "again") })
	})
	t.Run("FB-7_ContactNeverInJournal", func(t *testing.T) {
		require.NoError(t, e.s.Close())
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.False(t, bytes.Contains(raw, []byte(contact)))
	})
}

func TestThemeBecomesContribution(t *testing.T) {
	e := newEnv(t, &feedback.Config{ThemeThreshold: 3}, nil)
	for i := 0; i < 4; i++ {
		_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "asumispalvelut", Rating: 1, Themes: []string{"housing"}})
		require.NoError(t, err)
	}
	e.endHour()
	src := "feedback/theme"
	cs, total, err := p.FindContributions(e.s.View(), p.ContributionFilter{Source: &src})
	require.NoError(t, err)
	require.Equal(t, 1, total, "the third item makes one contribution, the fourth none")
	assert.Equal(t, "Asuminen: 3 palautetta kuussa 2026-03", cs[0].Title)
	assert.Equal(t, p.LevelFeedback, cs[0].Level)
}

func TestReplayAndFailedCommands(t *testing.T) {
	e := newEnv(t, nil, nil)
	d := e.device()
	for i := 0; i < 30; i++ {
		_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: []string{"a", "b"}[i%2],
			Rating: feedback.Rating(1 + i%4), Themes: [][]string{nil, {"waiting"}, {"housing", "money"}}[i%3], Text: []string{"", "teksti"}[i%2]})
		require.NoError(t, err)
		_, err = e.fb.Press(e.ctx, deviceActor(d), d.ID, feedback.Press{Rating: 3, At: t0.Add(time.Duration(i*6) * time.Second)})
		require.NoError(t, err)
	}
	e.endHour()
	// A command that fails after its item was staged leaves no item.
	before := e.export()
	boom := errors.New("late failure")
	err := e.s.Exec(e.ctx, p.Anonymous, feedback.ActionSubmit, func(tx *p.Tx) error {
		if err := tx.Emit(feedback.Submitted{Channel: feedback.EForm, Service: "a", Rating: 3}); err != nil {
			return err
		}
		return boom
	})
	assert.ErrorIs(t, err, boom)
	assert.Equal(t, before, e.export())

	s2, err := p.Open(e.ctx, &p.Config{Journal: e.j, Modules: []p.Module{feedback.Module(nil)}})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, s2.Export(&b))
	assert.Equal(t, before, b.String(), "replay rebuilds items and aggregates exactly")
	assert.Equal(t, 60, feedback.New(s2).Count(), "30 submissions and 30 presses six seconds apart")
}

func TestPolicyTableInREADME(t *testing.T) {
	e := newEnv(t, nil, nil)
	policydoc.Check(t, e.s.Policy(), "feedback.")
}
