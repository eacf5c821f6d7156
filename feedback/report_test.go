package feedback_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// reportFixture: in March 2026, service a has 20 items, five of each
// smiley, all on "waiting"; service b has 3 items and service d 2 (smiley
// 4, "housing"); service c has 20 items rated 3, ten of them on "money"
// with text. In February, service a had 8 items rated 2. Two small
// services protect each other, so no other count needs to be hidden.
func reportFixture(t *testing.T) *env {
	e := newEnv(t, &feedback.Config{ThemeThreshold: -1}, nil)
	submit := func(at time.Time, s feedback.Submission) {
		e.clock.Set(at)
		s.Channel = feedback.EForm
		_, err := e.fb.Submit(e.ctx, p.Anonymous, s)
		require.NoError(t, err)
	}
	feb := time.Date(2026, 2, 10, 12, 0, 0, 0, time.UTC)
	for i := 0; i < 8; i++ {
		submit(feb, feedback.Submission{Service: "a", Rating: 2})
	}
	mar := time.Date(2026, 3, 3, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 20; i++ {
		submit(mar.Add(time.Duration(i)*time.Hour), feedback.Submission{Service: "a", Rating: feedback.Rating(1 + i%4), Themes: []string{"waiting"}})
	}
	for i := 0; i < 5; i++ {
		submit(mar, feedback.Submission{Service: []string{"b", "d"}[i/3], Rating: 4, Themes: []string{"housing"}})
	}
	for i := 0; i < 20; i++ {
		s := feedback.Submission{Service: "c", Rating: 3}
		if i < 10 {
			s.Themes = []string{"money"}
			s.Text = fmt.Sprintf("Toimeentulotuki viivästyi %d päivää", i+1)
		}
		submit(mar.Add(48*time.Hour), s)
	}
	e.endHour()
	return e
}

func TestSocialReport(t *testing.T) {
	e := reportFixture(t)
	rep, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)

	t.Run("FB-9_CountsAndChange", func(t *testing.T) {
		assert.Equal(t, time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), rep.Previous.From, "the previous period is as long and ends where this begins")
		require.Len(t, rep.Services, 4)
		a, b, c, d := rep.Services[0], rep.Services[1], rep.Services[2], rep.Services[3]
		assert.True(t, d.Count.Suppressed)
		assert.Equal(t, feedback.Cell{Value: 45}, rep.Total)
		assert.Equal(t, feedback.Cell{Value: 8}, rep.PreviousTotal)
		require.NotNil(t, rep.Change)
		assert.Equal(t, 37, *rep.Change)
		assert.Equal(t, feedback.Cell{Value: 20}, a.Count)
		assert.Equal(t, feedback.Cell{Value: 8}, a.Previous)
		require.NotNil(t, a.Change)
		assert.Equal(t, 12, *a.Change)
		assert.True(t, b.Count.Suppressed, "FB-5: three items are too few to show")
		assert.Nil(t, b.Change, "no change from a suppressed count")
		assert.Equal(t, feedback.Cell{Value: 20}, c.Count)
	})
	t.Run("FB-9_HappyIndexOnlyWithoutSuppression", func(t *testing.T) {
		a, c := rep.Services[0], rep.Services[2]
		require.NotNil(t, a.HappyIndex)
		assert.Equal(t, 2.5, *a.HappyIndex, "five each of 1, 2, 3 and 4")
		require.NotNil(t, c.HappyIndex)
		assert.Equal(t, 3.0, *c.HappyIndex)
		assert.Nil(t, rep.Services[1].HappyIndex)
	})
	t.Run("FB-9_ThemesTasksAndExcerpts", func(t *testing.T) {
		assert.Equal(t, []string{"waiting"}, rep.Services[0].TopThemes)
		assert.Equal(t, []string{"money"}, rep.Services[2].TopThemes)
		assert.Len(t, rep.Services[2].Excerpts, 3, "ten texts reach TextK")
		assert.Empty(t, rep.Services[0].Excerpts)
		tasks := map[feedback.Task]feedback.TaskGroup{}
		for _, g := range rep.Tasks {
			tasks[g.Task] = g
		}
		assert.Equal(t, []string{"waiting"}, tasks[feedback.TaskKnowledge].Themes)
		assert.Equal(t, feedback.Cell{Value: 20}, tasks[feedback.TaskKnowledge].Count)
		assert.Equal(t, []string{"money"}, tasks[feedback.TaskPlanning].Themes)
		assert.Equal(t, feedback.Cell{Value: 5}, tasks[feedback.TaskMeasures].Count, "housing: 3 + 2 mentions, shown as a total")
		assert.Equal(t, "Tieto sosiaalisesta hyvinvoinnista ja ongelmista", tasks[feedback.TaskKnowledge].Labels.Fi)
	})
	t.Run("FB-5_ReportCannotBeUndone", func(t *testing.T) {
		assert.Equal(t, 0, feedback.Recoverable(&rep.Ratings, &rep.Channels))
		assert.Equal(t, 0, feedback.Recoverable(&rep.Mentions))
		assert.Equal(t, 0, feedback.Recoverable(&rep.Prior))
		// Every count under K is hidden wherever it appears.
		for _, tab := range []*feedback.Table{&rep.Ratings, &rep.Channels, &rep.Mentions, &rep.Prior} {
			for i := range tab.Cells {
				for j, c := range tab.Cells[i] {
					assert.False(t, !c.Suppressed && c.Value > 0 && c.Value < 5, "%v[%d][%d]", tab.Cols, i, j)
				}
			}
		}
	})
	t.Run("FB-9_CSV", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, feedback.WriteCSV(&b, rep))
		recs, err := csv.NewReader(&b).ReadAll()
		require.NoError(t, err)
		assert.Equal(t, []string{"table", "row", "column", "value", "status"}, recs[0])
		assert.Contains(t, recs, []string{"ratings", "b", "4", "", "suppressed"}, "FB-5: marked, never a zero")
		assert.Contains(t, recs, []string{"ratings", "c", "3", "20", "shown"})
	})
	t.Run("FB-9_Filters", func(t *testing.T) {
		only, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: rep.Period.From, To: rep.Period.To, Services: []string{"c"}})
		require.NoError(t, err)
		alone, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: rep.Period.From, To: rep.Period.To, Services: []string{"a", "b", "c"}})
		require.NoError(t, err)
		assert.True(t, alone.Services[1].Count.Suppressed)
		assert.True(t, alone.Services[0].Count.Suppressed || alone.Services[2].Count.Suppressed || alone.Total.Suppressed,
			"FB-5: with b alone small, the total would give b away, so another count is hidden")
		assert.Equal(t, 0, feedback.Recoverable(&alone.Ratings, &alone.Channels))
		require.NoError(t, err)
		require.Len(t, only.Services, 1)
		assert.Equal(t, 20, only.Total.Value)
		_, err = e.fb.Report(e.s.View(), feedback.ReportQuery{From: rep.Period.To, To: rep.Period.From})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})
	t.Run("FB-9_DaysAndMonthsAgree", func(t *testing.T) {
		// A period that is not whole months is read from day buckets.
		days, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 31, 0, 0, 0, 0, time.UTC)})
		require.NoError(t, err)
		assert.Equal(t, rep.Services[2].Count, days.Services[2].Count)
		assert.Equal(t, rep.Services[0].Count, days.Services[0].Count)
	})
}

func TestSurveys(t *testing.T) {
	e := newEnv(t, nil, nil)
	basic := map[feedback.Category]feedback.Text{
		feedback.CategoryAccess: {"fi": "Sain palvelua riittävän nopeasti", "se": "Ožžon bálvalusa doarvái jođánit"},
		feedback.CategoryMet:    {"fi": "Minua kohdeltiin arvostavasti"},
		feedback.CategorySafety: {"fi": "Palvelu oli turvallista"},
	}
	national := feedback.SurveyInput{
		Title: feedback.Text{"fi": "Asiakaspalaute", "sv": "Kundrespons"}, Service: "aikuissosiaalityo", National: true,
		Questions: feedback.NationalQuestions(feedback.NationalInput{
			Recommendation: feedback.Text{"fi": "Kuinka todennäköisesti suosittelisit palvelua?"},
			Basic:          basic, Own: []feedback.Text{{"fi": "Sain tietoa raadista"}}, Open: feedback.Text{"fi": "Terveiset"},
		}),
		Closes: t0.Add(30 * 24 * time.Hour),
	}
	s, err := e.fb.CreateSurvey(e.ctx, coordinator, national)
	require.NoError(t, err)
	t.Run("FB-8_NationalShape", func(t *testing.T) {
		keys := []string{}
		for _, q := range s.Questions {
			keys = append(keys, q.Key)
		}
		assert.Equal(t, []string{"recommendation", "basic_access", "basic_met_and_part", "basic_safety", "own_1", "open"}, keys)
		bad := national
		bad.Questions = feedback.NationalQuestions(feedback.NationalInput{Recommendation: feedback.Text{"fi": "x"},
			Basic: map[feedback.Category]feedback.Text{feedback.CategoryAccess: {"fi": "x"}}, Open: feedback.Text{"fi": "x"}})
		e.refused(p.EINVALID, func() error { _, err := e.fb.CreateSurvey(e.ctx, coordinator, bad); return err })
		noNPS := national
		noNPS.Questions = national.Questions[1:]
		e.refused(p.EINVALID, func() error { _, err := e.fb.CreateSurvey(e.ctx, coordinator, noNPS); return err })
	})
	answer := func(nps, access int, text string) error {
		return e.fb.AnswerSurvey(e.ctx, p.Anonymous, s.ID, []feedback.Answer{
			{Question: "recommendation", Value: &nps}, {Question: "basic_access", Value: &access}, {Question: "open", Text: text},
		})
	}
	t.Run("FB-8_AnswersChecked", func(t *testing.T) {
		e.refused(p.EINVALID, func() error { return answer(11, 3, "") })
		e.refused(p.EINVALID, func() error { return answer(5, 0, "") })
		e.refused(p.EINVALID, func() error {
			v := 1
			return e.fb.AnswerSurvey(e.ctx, p.Anonymous, s.ID, []feedback.Answer{{Question: "nope", Value: &v}})
		})
	})
	t.Run("FB-8_ResultsSuppressed", func(t *testing.T) {
		for i := 0; i < 12; i++ {
			require.NoError(t, answer([]int{10, 9, 8, 3}[i%4], 4+i%2, fmt.Sprintf("Kiitos %d, soita 040 123 45%02d", i, i)))
		}
		e.endHour()
		res, err := e.fb.Results(s.ID)
		require.NoError(t, err)
		assert.Equal(t, feedback.Cell{Value: 12}, res.Responses)
		rec := res.Questions[0]
		assert.Nil(t, rec.NPS, "FB-5: 3 answers each of 10, 9, 8, 3 are suppressed cells, so no NPS")
		acc := res.Questions[1]
		assert.Equal(t, feedback.Cell{Value: 6}, acc.Distribution.Cells[0][3])
		require.NotNil(t, acc.Mean)
		assert.Equal(t, 4.5, *acc.Mean)
		open := res.Questions[5]
		require.Len(t, open.Excerpts, 5)
		assert.Contains(t, open.Excerpts[0], "[puhelin]", "FB-2: survey text is scrubbed")
		assert.Equal(t, 0, feedback.Recoverable(rec.Distribution))
	})
	t.Run("FB-8_ClosedSurveyRefuses", func(t *testing.T) {
		e.clock.Advance(31 * 24 * time.Hour)
		e.refused(p.ECONFLICT, func() error { return answer(9, 4, "") })
	})
}

// TestReportExcerptsFromSamples: excerpts come from bounded per-day
// samples, and they are still the newest texts of the service within the
// period, over days with more texts than a sample keeps and texts just
// outside the period.
func TestReportExcerptsFromSamples(t *testing.T) {
	e := newEnv(t, &feedback.Config{ThemeThreshold: -1}, nil)
	n := 0
	submit := func(at time.Time) {
		n++
		e.clock.Set(at)
		_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "c", Rating: 3, Text: fmt.Sprintf("teksti %d", n)})
		require.NoError(t, err)
	}
	submit(time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)) // 1: before the period
	for d := 1; d <= 4; d++ {                             // 2–21: five texts a day
		for h := range 5 {
			submit(time.Date(2026, 3, d*5, 8+h, 0, 0, 0, time.UTC))
		}
	}
	submit(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)) // 22: after it
	rep, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	require.Len(t, rep.Services, 1)
	t.Run("FB-9_excerpts_are_the_newest_texts_of_the_period", func(t *testing.T) {
		assert.Equal(t, []string{"teksti 21", "teksti 20", "teksti 19"}, rep.Services[0].Excerpts)
	})
	rep, err = e.fb.Report(e.s.View(), feedback.ReportQuery{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 16, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	t.Run("FB-9_excerpts_end_with_the_period", func(t *testing.T) {
		assert.Equal(t, []string{"teksti 16", "teksti 15", "teksti 14"}, rep.Services[0].Excerpts)
	})
}
