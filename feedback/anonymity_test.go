package feedback_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestNoReportGivesAwayASmallCount fills the module with random, skewed
// feedback — many small services, e-forms, in-person notes and device
// presses over two months — and checks every social report and every
// survey's results the library produces from it (FB-5, FB-8): no number
// from 1 to K-1 is shown anywhere, the exact attacker of Recoverable pins
// down no suppressed cell from everything published together, and no
// mean, index or excerpt is shown beside a table with hidden cells.
func TestNoReportGivesAwayASmallCount(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	themes := []string{"waiting", "housing", "money"}
	feb := time.Date(2026, 2, 2, 10, 0, 0, 0, time.UTC)
	mar := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	reports, surveys := 0, 0
	for round := 0; round < 30; round++ {
		e := newEnv(t, &feedback.Config{ThemeThreshold: -1}, nil)
		services := make([]string, 1+r.IntN(7))
		for i := range services {
			services[i] = fmt.Sprintf("palvelu_%d", i)
		}
		devices := map[string]p.ID{}
		for _, s := range services[:1+r.IntN(len(services))] {
			d, err := e.fb.RegisterDevice(e.ctx, coordinator, feedback.DeviceInput{Service: s, Point: "aula"})
			require.NoError(t, err)
			devices[s] = d.ID
		}
		for _, month := range []time.Time{feb, mar} {
			for si, s := range services {
				// Skewed sizes: most services get a handful of items.
				n := r.IntN(4 + 30*(si%3/2))
				for i := 0; i < n; i++ {
					e.clock.Set(month.Add(time.Duration(r.IntN(20*24)) * time.Hour))
					rating := feedback.Rating(1 + r.IntN(4))
					if d, ok := devices[s]; ok && r.IntN(3) == 0 {
						_, err := e.fb.Press(e.ctx, p.Actor{ID: d, Role: p.RoleDevice}, d, feedback.Press{Rating: rating})
						require.NoError(t, err)
						continue
					}
					sub := feedback.Submission{Channel: []feedback.Channel{feedback.EForm, feedback.InPerson}[r.IntN(2)], Service: s, Rating: rating}
					if r.IntN(5) == 0 {
						sub.Rating, sub.Text = 0, "Kiitos avusta"
					}
					for _, th := range themes {
						if r.IntN(3) == 0 {
							sub.Themes = append(sub.Themes, th)
						}
					}
					by := p.Anonymous
					if sub.Channel == feedback.InPerson {
						by = worker
					}
					_, err := e.fb.Submit(e.ctx, by, sub)
					require.NoError(t, err)
				}
			}
		}
		t.Run(fmt.Sprintf("FB-5_FB-9_Reports/%d", round), func(t *testing.T) {
			for _, q := range []feedback.ReportQuery{
				{From: mar.AddDate(0, 0, -1), To: mar.AddDate(0, 1, -1)},
				{From: mar.AddDate(0, 0, -1), To: mar.AddDate(0, 0, 13)},
				{From: mar.AddDate(0, 0, -1), To: mar.AddDate(0, 1, -1), Services: services[:1]},
			} {
				rep, err := e.fb.Report(e.s.View(), q)
				require.NoError(t, err)
				checkReport(t, rep)
				reports++
			}
		})
		t.Run(fmt.Sprintf("FB-5_FB-8_SurveyResults/%d", round), func(t *testing.T) {
			checkSurvey(t, e, r)
			surveys++
		})
	}
	t.Logf("%d reports and %d surveys' results checked", reports, surveys)
}

// hiddenSmall checks that a published count is shown only from K up.
func hiddenSmall(t *testing.T, what string, c feedback.Cell, k int) {
	t.Helper()
	if c.Suppressed {
		assert.Zero(t, c.Value, "FB-5: %s: a hidden count shows no number", what)
		return
	}
	assert.False(t, c.Value > 0 && c.Value < k, "FB-5: %s shows %d, below %d", what, c.Value, k)
}

func eachCell(tab *feedback.Table, fn func(what string, c feedback.Cell)) {
	for i := range tab.Cells {
		for j := range tab.Cells[i] {
			fn(fmt.Sprintf("cell %d,%d", i, j), tab.Cells[i][j])
		}
		fn(fmt.Sprintf("row total %d", i), tab.RowTotals[i])
	}
	for j := range tab.ColTotals {
		fn(fmt.Sprintf("column total %d", j), tab.ColTotals[j])
	}
	fn("grand total", tab.GrandTotal)
}

func checkReport(t *testing.T, rep *feedback.Report) {
	t.Helper()
	k := rep.K
	for name, tab := range map[string]*feedback.Table{"ratings": &rep.Ratings, "channels": &rep.Channels, "mentions": &rep.Mentions, "prior": &rep.Prior} {
		eachCell(tab, func(what string, c feedback.Cell) { hiddenSmall(t, name+" "+what, c, k) })
	}
	// Ratings and channels share their row totals and are published
	// together; the other two stand alone.
	assert.Zero(t, feedback.Recoverable(&rep.Ratings, &rep.Channels), "FB-5: ratings with channels")
	assert.Zero(t, feedback.Recoverable(&rep.Mentions), "FB-5: mentions")
	assert.Zero(t, feedback.Recoverable(&rep.Prior), "FB-5: previous period")
	hiddenSmall(t, "total", rep.Total, k)
	hiddenSmall(t, "previous total", rep.PreviousTotal, k)
	for i, s := range rep.Services {
		hiddenSmall(t, s.Service+" count", s.Count, k)
		hiddenSmall(t, s.Service+" previous", s.Previous, k)
		assert.Equal(t, rep.Channels.RowTotals[i], s.Count, "a service's count is its row of the tables")
		if s.HappyIndex != nil {
			for j, c := range rep.Ratings.Cells[i][:4] {
				assert.False(t, c.Suppressed, "FB-9: %s shows a happy index beside hidden smiley %d", s.Service, j+1)
			}
		}
		if s.Change != nil {
			assert.False(t, s.Count.Suppressed || s.Previous.Suppressed, "a change needs both counts shown")
		}
	}
	if rep.HappyIndex != nil {
		for _, c := range rep.Ratings.ColTotals[:4] {
			assert.False(t, c.Suppressed, "FB-9: happy index beside a hidden smiley total")
		}
	}
	for _, th := range rep.Themes {
		hiddenSmall(t, th.Theme+" mentions", th.Count, k)
		hiddenSmall(t, th.Theme+" previous mentions", th.Previous, k)
	}
	for _, g := range rep.Tasks {
		hiddenSmall(t, string(g.Task)+" mentions", g.Count, k)
	}
}

// checkSurvey runs a survey with a random, skewed set of responses and
// checks its results.
func checkSurvey(t *testing.T, e *env, r *rand.Rand) {
	t.Helper()
	e.clock.Set(time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC))
	s, err := e.fb.CreateSurvey(e.ctx, coordinator, feedback.SurveyInput{
		Title: feedback.Text{"fi": "Kysely"}, Service: "palvelu_0",
		Questions: []feedback.Question{
			{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}},
			{Key: "asteikko", Type: feedback.Scale, Text: feedback.Text{"fi": "Arvio"}, Min: 1, Max: 5},
			{Key: "valinta", Type: feedback.SingleChoice, Text: feedback.Text{"fi": "Mikä auttoi?"}, Options: []feedback.Text{{"fi": "Neuvonta"}, {"fi": "Aika"}, {"fi": "Muu"}}},
			{Key: "monivalinta", Type: feedback.MultipleChoice, Text: feedback.Text{"fi": "Mitä käytit?"}, Options: []feedback.Text{{"fi": "Puhelin"}, {"fi": "Chat"}, {"fi": "Käynti"}}},
			{Key: "terveiset", Type: feedback.FreeText, Text: feedback.Text{"fi": "Terveiset"}},
		},
		Closes: e.clock.Now().Add(30 * 24 * time.Hour)})
	require.NoError(t, err)
	n := r.IntN(40)
	for i := 0; i < n; i++ {
		var answers []feedback.Answer
		if r.IntN(4) > 0 {
			v := []int{10, 9, 9, 8, 2, 10}[r.IntN(6)]
			answers = append(answers, feedback.Answer{Question: "suositus", Value: &v})
		}
		if r.IntN(3) > 0 {
			v := 1 + r.IntN(5)
			answers = append(answers, feedback.Answer{Question: "asteikko", Value: &v})
		}
		if r.IntN(2) > 0 {
			v := r.IntN(3)
			answers = append(answers, feedback.Answer{Question: "valinta", Value: &v})
		}
		if r.IntN(2) > 0 {
			answers = append(answers, feedback.Answer{Question: "monivalinta", Choices: []int{r.IntN(3)}})
		}
		if r.IntN(3) == 0 || len(answers) == 0 {
			answers = append(answers, feedback.Answer{Question: "terveiset", Text: "Hyvä"})
		}
		require.NoError(t, e.fb.AnswerSurvey(e.ctx, p.Anonymous, s.ID, answers))
	}
	res, err := e.fb.Results(s.ID)
	require.NoError(t, err)
	k := feedback.DefaultK
	hiddenSmall(t, "responses", res.Responses, k)
	for _, q := range res.Questions {
		hiddenSmall(t, q.Key+" answered", q.Answered, k)
		if q.Distribution == nil {
			continue
		}
		eachCell(q.Distribution, func(what string, c feedback.Cell) { hiddenSmall(t, q.Key+" "+what, c, k) })
		assert.Zero(t, feedback.Recoverable(q.Distribution), "FB-5: %s", q.Key)
		hidden := false
		eachCell(q.Distribution, func(_ string, c feedback.Cell) { hidden = hidden || c.Suppressed })
		if hidden {
			assert.Nil(t, q.Mean, "FB-8: %s: a mean beside hidden counts gives them away", q.Key)
			assert.Nil(t, q.NPS, "FB-8: %s: an index beside hidden counts gives them away", q.Key)
		}
	}
	if open := res.Questions[4]; len(open.Excerpts) > 0 {
		assert.GreaterOrEqual(t, open.Answered.Value, feedback.DefaultTextK, "FB-8: excerpts only from TextK answers")
	}
}
