package feedback_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestOneDisclosureRule gives the same survey answers — 200 in one unit —
// to survey Results and to the social report: both show the same NPS, or
// both hide it, because one rule decides (FB-5). An NPS is shown when at
// least K answered and every hidden count of its distribution falls in
// one of its groups (detractors 0–6, passives 7–8, promoters 9–10), so
// that the index with the total pins none of them down.
func TestOneDisclosureRule(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores map[int]int // score → answers, 200 in all
		nps    *float64
	}{
		// Hidden: 3 (2 answers) and 5 (3 answers), both detractors.
		{"FB-5_same_NPS_in_results_and_report", map[int]int{3: 2, 5: 3, 6: 20, 7: 25, 8: 20, 9: 60, 10: 70}, ptr(52.5)},
		// Hidden: 5 (2, a detractor) and 7 (3, a passive): the NPS with
		// the total would tell them apart, so neither shows it.
		{"FB-5_same_suppression_in_results_and_report", map[int]int{5: 2, 6: 20, 7: 3, 8: 45, 9: 60, 10: 70}, nil},
		// Nothing hidden.
		{"FB-5_nothing_hidden", map[int]int{0: 10, 6: 40, 8: 50, 10: 100}, ptr(25.0)},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, &feedback.Config{ThemeThreshold: -1}, nil)
			sv, err := e.fb.CreateSurvey(e.ctx, coordinator, feedback.SurveyInput{Title: feedback.Text{"fi": "Asiakaspalaute"}, Service: "neuvola",
				Questions: []feedback.Question{{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}}},
				Closes:    t0.Add(30 * 24 * time.Hour)})
			require.NoError(t, err)
			total := 0
			for score, n := range c.scores {
				for range n {
					v := score
					require.NoError(t, e.fb.AnswerSurvey(e.ctx, p.Anonymous, sv.ID, []feedback.Answer{{Question: "suositus", Value: &v}}))
					total++
				}
			}
			require.Equal(t, 200, total)
			e.endHour()
			res, err := e.fb.Results(sv.ID)
			require.NoError(t, err)
			require.Len(t, res.Questions, 1)
			rep, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: t0.Truncate(24 * time.Hour), To: t0.AddDate(0, 0, 1)})
			require.NoError(t, err)
			require.Len(t, rep.Services, 1)
			assert.Equal(t, c.nps, res.Questions[0].NPS, "survey results")
			assert.Equal(t, c.nps, rep.Services[0].NPS, "social report")
		})
	}
}

func ptr(v float64) *float64 { return &v }

// TestSkippedQuestionsStayHidden: of 12 respondents, 2 skip a sensitive
// question. Before, the responses (12) beside the question's answered
// count (10) told that 2 skipped it. Those who skip are now a cell of the
// question's distribution, suppressed with the rest (FB-5).
func TestSkippedQuestionsStayHidden(t *testing.T) {
	e := newEnv(t, &feedback.Config{ThemeThreshold: -1}, nil)
	sv, err := e.fb.CreateSurvey(e.ctx, coordinator, feedback.SurveyInput{Title: feedback.Text{"fi": "Turvallisuus"}, Service: "neuvola",
		Questions: []feedback.Question{
			{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}},
			{Key: "vakivalta", Type: feedback.Scale, Min: 1, Max: 5, Text: feedback.Text{"fi": "Koitko väkivaltaa?"}},
		},
		Closes: t0.Add(30 * 24 * time.Hour)})
	require.NoError(t, err)
	for i := range 12 {
		nps, scale := 9, 1+i%5
		answers := []feedback.Answer{{Question: "suositus", Value: &nps}}
		if i >= 2 {
			answers = append(answers, feedback.Answer{Question: "vakivalta", Value: &scale})
		}
		require.NoError(t, e.fb.AnswerSurvey(e.ctx, p.Anonymous, sv.ID, answers))
	}
	e.endHour()
	res, err := e.fb.Results(sv.ID)
	require.NoError(t, err)
	assert.Equal(t, feedback.Cell{Value: 12}, res.Responses)
	q := res.Questions[1]
	require.Equal(t, "vakivalta", q.Key)
	assert.True(t, q.Answered.Suppressed, "FB-5: the answered count would give away how many skipped: %+v", q.Answered)
	cols := q.Distribution.Cols
	require.Equal(t, feedback.SkippedColumn, cols[len(cols)-1])
	assert.True(t, q.Distribution.Cells[0][len(cols)-1].Suppressed, "FB-5: 2 skipped, below K")
	assert.Zero(t, feedback.Recoverable(q.Distribution), "FB-5: nothing hidden can be worked out")
	assert.Nil(t, q.Mean, "FB-5: the mean's denominator would give the skipped away")
	all := res.Questions[0]
	assert.Equal(t, feedback.Cell{Value: 12}, all.Answered, "a question everyone answered shows its count")
	require.NotNil(t, all.NPS)
	assert.Equal(t, 100.0, *all.NPS)
}
