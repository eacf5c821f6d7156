package api

import (
	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// A survey in the shape of THL's national client feedback (FB-8): the
// library gives the structure (one recommendation question 0–10, the
// basic statements on a 1–5 agreement scale, the organisation's own, an
// open question); the demo gives the texts. Results are suppressed like
// the social report (FB-5).

func init() {
	method("survey.list", func(a *App, _ none) (surveysView, error) {
		ss, err := p.Collect[*feedback.SurveyInfo](a.store.View(), "feedback_surveys", "id", nil)
		if err != nil {
			return surveysView{}, err
		}
		out := []feedback.SurveyResults{}
		for _, s := range ss {
			r, err := a.fb.Results(s.ID)
			if err != nil {
				return surveysView{}, err
			}
			out = append(out, r)
		}
		cats := labelSet{}
		for _, c := range []feedback.Category{feedback.CategoryAccess, feedback.CategoryMet, feedback.CategorySafety, feedback.CategoryInformation, feedback.CategoryUsefulness, feedback.CategoryOwn} {
			cats[string(c)] = p.Labels{Fi: c.Label(p.Finnish), Sv: c.Label(p.Swedish), En: c.Label(p.English)}
		}
		return surveysView{Surveys: out, Categories: cats}, nil
	})
	method("survey.createNational", func(a *App, _ none) (*feedback.SurveyInfo, error) {
		return a.fb.CreateSurvey(a.ctx(), a.actor(feedback.ActionCreateSurvey), feedback.SurveyInput{
			Title:     feedback.Text{"fi": "Asiakaspalaute: aikuissosiaalityö", "sv": "Klientrespons: socialt arbete för vuxna", "en": "Client feedback: adult social work"},
			Service:   "aikuissosiaalityo",
			National:  true,
			Questions: feedback.NationalQuestions(nationalTexts)})
	})
	// survey.answer answers anonymously, whatever the page's role: the
	// library keeps no one's identity with an answer.
	method("survey.answer", func(a *App, in struct {
		Survey  p.ID
		Answers []feedback.Answer
	}) (Null, error) {
		return Null{}, a.fb.AnswerSurvey(a.ctx(), p.Anonymous, in.Survey, in.Answers)
	})
}

// surveysView is every survey with its results, and the labels of the
// statements' categories.
type surveysView struct {
	Categories labelSet                 `json:"categories"`
	Surveys    []feedback.SurveyResults `json:"surveys"`
}

// nationalTexts are the demo's wordings of the national shape's questions.
var nationalTexts = feedback.NationalInput{
	Recommendation: feedback.Text{"fi": "Kuinka todennäköisesti suosittelisit palvelua läheisellesi?", "sv": "Hur sannolikt är det att du skulle rekommendera tjänsten till en närstående?", "en": "How likely are you to recommend the service to someone close to you?"},
	Basic: map[feedback.Category]feedback.Text{
		feedback.CategoryAccess:      {"fi": "Sain palvelua silloin, kun tarvitsin.", "sv": "Jag fick service när jag behövde den.", "en": "I got the service when I needed it."},
		feedback.CategoryMet:         {"fi": "Minua kuunneltiin ja sain osallistua omiin asioihini.", "sv": "Jag blev lyssnad på och fick delta i mina egna ärenden.", "en": "I was listened to and took part in my own matters."},
		feedback.CategorySafety:      {"fi": "Tunsin oloni turvalliseksi.", "sv": "Jag kände mig trygg.", "en": "I felt safe."},
		feedback.CategoryInformation: {"fi": "Sain tarvitsemani tiedon ymmärrettävästi.", "sv": "Jag fick den information jag behövde på ett begripligt sätt.", "en": "I got the information I needed in a way I understood."},
		feedback.CategoryUsefulness:  {"fi": "Palvelusta oli minulle hyötyä.", "sv": "Tjänsten var till nytta för mig.", "en": "The service was useful to me."},
	},
	Own:  []feedback.Text{{"fi": "Asiointi iltavastaanotolla sopi minulle.", "sv": "Kvällsmottagningen passade mig.", "en": "The evening hours suited me."}},
	Open: feedback.Text{"fi": "Mitä muuta haluaisit kertoa?", "sv": "Vad mer vill du berätta?", "en": "What else would you like to tell us?"},
}
