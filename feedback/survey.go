package feedback

import (
	"slices"
	"time"
	"unicode/utf8"

	p "github.com/osallisuus/osallisuus/participation"
)

// QuestionType is the kind of a survey question (FB-8).
type QuestionType string

// The question types.
const (
	Scale          QuestionType = "scale"
	SingleChoice   QuestionType = "single_choice"
	MultipleChoice QuestionType = "multiple_choice"
	FreeText       QuestionType = "free_text"
	NPS            QuestionType = "nps"
)

var questionTypeLabels = p.EnumLabels[QuestionType]{
	Scale:          {Fi: "Asteikko", Sv: "Skala", En: "Scale"},
	SingleChoice:   {Fi: "Yksi vaihtoehto", Sv: "Ett alternativ", En: "Single choice"},
	MultipleChoice: {Fi: "Monivalinta", Sv: "Flerval", En: "Multiple choice"},
	FreeText:       {Fi: "Avoin vastaus", Sv: "Fritt svar", En: "Free text"},
	NPS:            {Fi: "Suositteluindeksi 0–10", Sv: "Rekommendation 0–10", En: "Recommendation 0–10"},
}

// Label returns the type's name in lang.
func (q QuestionType) Label(lang p.Lang) string { return questionTypeLabels.Label(q, lang) }

// Valid reports whether q is a question type.
func (q QuestionType) Valid() bool { return questionTypeLabels.Has(q) }

// Category places a statement of a survey in the shape of THL's national
// client feedback: five basic statements, the organisation's own ones.
type Category string

// The categories.
const (
	CategoryAccess      Category = "access"
	CategoryMet         Category = "met_and_part" // being met and taking part
	CategorySafety      Category = "safety"
	CategoryInformation Category = "information"
	CategoryUsefulness  Category = "usefulness"
	CategoryOwn         Category = "own"
)

var categoryLabels = p.EnumLabels[Category]{
	CategoryAccess:      {Fi: "Palveluun pääsy", Sv: "Tillgång till service", En: "Access"},
	CategoryMet:         {Fi: "Kohtaaminen ja osallisuus", Sv: "Bemötande och delaktighet", En: "Being met and taking part"},
	CategorySafety:      {Fi: "Turvallisuus", Sv: "Trygghet", En: "Safety"},
	CategoryInformation: {Fi: "Tiedonsaanti", Sv: "Information", En: "Information"},
	CategoryUsefulness:  {Fi: "Hyödyllisyys", Sv: "Nytta", En: "Usefulness"},
	CategoryOwn:         {Fi: "Organisaation oma väittämä", Sv: "Organisationens eget påstående", En: "Organisation's own"},
}

// Label returns the category's name in lang.
func (c Category) Label(lang p.Lang) string { return categoryLabels.Label(c, lang) }

// Valid reports whether c is a category.
func (c Category) Valid() bool { return categoryLabels.Has(c) }

func (c Category) basic() bool { return c != "" && c != CategoryOwn && c.Valid() }

// Question is one question of a survey.
type Question struct {
	// Key names the question in answers, as "q1" or "basic_access".
	Key  string       `json:"key"`
	Type QuestionType `json:"type"`
	Text Text         `json:"text"`
	// Options are the choices of a single or multiple choice question.
	Options []Text `json:"options,omitempty"`
	// Min and Max bound a scale; zero means 1 to 5 (agreement).
	Min int `json:"min,omitempty"`
	Max int `json:"max,omitempty"`
	// Category places a statement in the national shape.
	Category Category `json:"category,omitempty"`
	Required bool     `json:"required,omitempty"`
}

// Limits of surveys.
const (
	MaxQuestions = 60
	MaxOptions   = 30
	maxScale     = 100
)

// SurveyInfo is a survey definition.
type SurveyInfo struct {
	ID        p.ID       `json:"id"`
	Title     Text       `json:"title"`
	Service   string     `json:"service"`
	Themes    []string   `json:"themes,omitempty"`
	Questions []Question `json:"questions"`
	Opens     time.Time  `json:"opens"`
	Closes    time.Time  `json:"closes,omitzero"`
	// National marks a survey in the shape of the national client
	// feedback, whose results compare across units and counties.
	National bool `json:"national,omitempty"`
}

// OpenAt reports whether the survey takes answers at t.
func (s *SurveyInfo) OpenAt(t time.Time) bool {
	return !t.Before(s.Opens) && (s.Closes.IsZero() || t.Before(s.Closes))
}

func (q *Question) bounds() (int, int) {
	switch q.Type {
	case NPS:
		return 0, 10
	case Scale:
		if q.Min == 0 && q.Max == 0 {
			return 1, 5
		}
		return q.Min, q.Max
	case SingleChoice, MultipleChoice:
		return 0, len(q.Options) - 1
	}
	return 0, -1
}

func validateQuestions(qs []Question, national bool) ([]Question, error) {
	if len(qs) == 0 || len(qs) > MaxQuestions {
		return nil, p.Invalid("questions", "a survey has 1 to %d questions", MaxQuestions)
	}
	out := make([]Question, len(qs))
	keys := map[string]bool{}
	for i, q := range qs {
		field := "questions[" + q.Key + "]"
		if q.Key == "" || len(q.Key) > 40 || !validKey(q.Key) {
			return nil, p.Invalid("questions["+itoa(i)+"].key", "question %d needs a key of lower-case letters, digits and underscores, up to 40", i+1)
		}
		if keys[q.Key] {
			return nil, p.Invalid(field, "the key is used twice")
		}
		keys[q.Key] = true
		if !q.Type.Valid() {
			return nil, p.Invalid(field+".type", "%q is not a question type; use scale, single_choice, multiple_choice, free_text or nps", q.Type)
		}
		var err error
		if q.Text, err = q.Text.validate(field+".text", p.MaxTextLen); err != nil {
			return nil, err
		}
		switch q.Type {
		case SingleChoice, MultipleChoice:
			if len(q.Options) < 2 || len(q.Options) > MaxOptions {
				return nil, p.Invalid(field+".options", "a choice question has 2 to %d options", MaxOptions)
			}
			opts := make([]Text, len(q.Options))
			for k, o := range q.Options {
				if opts[k], err = o.validate(field+".options", p.MaxTitleLen); err != nil {
					return nil, err
				}
			}
			q.Options = opts
		default:
			if len(q.Options) > 0 {
				return nil, p.Invalid(field+".options", "only single_choice or multiple_choice questions have options")
			}
		}
		if q.Type == Scale {
			lo, hi := q.bounds()
			if lo < 0 || hi > maxScale || hi-lo < 1 {
				return nil, p.Invalid(field, "a scale runs from a lower to a higher whole number between 0 and %d", maxScale)
			}
			q.Min, q.Max = lo, hi
		} else if q.Min != 0 || q.Max != 0 {
			return nil, p.Invalid(field, "only a scale has bounds")
		}
		if q.Category != "" && !q.Category.Valid() {
			return nil, p.Invalid(field+".category", "%q is not a category; use %s", q.Category, categoryLabels.OneOf())
		}
		out[i] = q
	}
	if national {
		if err := checkNational(out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func validKey(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// checkNational holds a survey to the shape of the national client
// feedback (FB-8): one recommendation question (NPS 0–10), two to seven
// basic statements on an agreement scale, each category once, any number
// of the organisation's own statements, and open text.
func checkNational(qs []Question) error {
	nps, basic, open := 0, 0, 0
	seen := map[Category]bool{}
	for _, q := range qs {
		switch {
		case q.Type == NPS:
			nps++
		case q.Type == FreeText:
			open++
		case q.Category.basic():
			if q.Type != Scale {
				return p.Invalid("questions", "basic statement %s must be on an agreement scale", q.Key)
			}
			if seen[q.Category] {
				return p.Invalid("questions", "basic statement %s repeats the category %s", q.Key, q.Category)
			}
			seen[q.Category] = true
			basic++
		case q.Category == CategoryOwn && q.Type == Scale:
		default:
			return p.Invalid("questions", "question %s does not fit the national shape: give it a basic category, or category own on a scale", q.Key)
		}
	}
	if nps != 1 {
		return p.Invalid("questions", "the national shape has exactly one recommendation question (nps), not %d", nps)
	}
	if basic < 2 || basic > 7 {
		return p.Invalid("questions", "the national shape has 2 to 7 basic statements, not %d", basic)
	}
	if open < 1 {
		return p.Invalid("questions", "the national shape ends with an open question")
	}
	return nil
}

// NationalInput gives the texts of a survey in the national shape; the
// library gives the structure.
type NationalInput struct {
	Recommendation Text
	// Basic holds two to seven statements by category.
	Basic map[Category]Text
	// Own are the organisation's own statements.
	Own  []Text
	Open Text
}

// NationalQuestions builds the questions of a survey in the national
// shape: "recommendation" (NPS), "basic_<category>" in the categories'
// fixed order, "own_1"…, and "open".
func NationalQuestions(in NationalInput) []Question {
	qs := []Question{{Key: "recommendation", Type: NPS, Text: in.Recommendation}}
	for _, c := range []Category{CategoryAccess, CategoryMet, CategorySafety, CategoryInformation, CategoryUsefulness} {
		if t, ok := in.Basic[c]; ok {
			qs = append(qs, Question{Key: "basic_" + string(c), Type: Scale, Min: 1, Max: 5, Text: t, Category: c})
		}
	}
	for i, t := range in.Own {
		qs = append(qs, Question{Key: "own_" + itoa(i+1), Type: Scale, Min: 1, Max: 5, Text: t, Category: CategoryOwn})
	}
	return append(qs, Question{Key: "open", Type: FreeText, Text: in.Open})
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// Answer is one answer of a survey response.
type Answer struct {
	Question string `json:"question"`
	// Value answers a scale, an NPS or a single choice (option index).
	Value *int `json:"value,omitempty"`
	// Choices answer a multiple choice (option indexes).
	Choices []int `json:"choices,omitempty"`
	// Text answers a free-text question; it is scrubbed before storage.
	Text string `json:"text,omitempty"`
}

// checkAnswers validates a response against the survey and scrubs its
// free text. It returns the answers in question order.
func checkAnswers(s *SurveyInfo, answers []Answer) ([]Answer, int, error) {
	if len(answers) > len(s.Questions) {
		return nil, 0, p.Invalid("answers", "a response has at most one answer to each of the survey's %d questions, not %d answers", len(s.Questions), len(answers))
	}
	byKey := map[string]Answer{}
	for i, a := range answers {
		if !utf8.ValidString(a.Question) {
			return nil, 0, p.Invalid("answers["+itoa(i)+"].question", "is not valid UTF-8 text")
		}
		if _, dup := byKey[a.Question]; dup {
			return nil, 0, p.Invalid("answers["+itoa(i)+"].question", "question %q is answered twice", a.Question)
		}
		if !slices.ContainsFunc(s.Questions, func(q Question) bool { return q.Key == a.Question }) {
			return nil, 0, p.Invalid("answers["+itoa(i)+"].question", "the survey has no question %q", a.Question)
		}
		byKey[a.Question] = a
	}
	var out []Answer
	redactions := 0
	for _, q := range s.Questions {
		a, ok := byKey[q.Key]
		if !ok {
			if q.Required {
				return nil, 0, p.Invalid("answers", "question %q needs an answer", q.Key)
			}
			continue
		}
		delete(byKey, q.Key)
		lo, hi := q.bounds()
		clean := Answer{Question: q.Key}
		switch q.Type {
		case Scale, NPS, SingleChoice:
			if len(a.Choices) > 0 {
				return nil, 0, p.Invalid("answers["+q.Key+"].choices", "question %q takes a value, not choices", q.Key)
			}
			if a.Text != "" {
				return nil, 0, p.Invalid("answers["+q.Key+"].text", "question %q takes a value, not text", q.Key)
			}
			if a.Value == nil || *a.Value < lo || *a.Value > hi {
				return nil, 0, p.Invalid("answers["+q.Key+"].value", "question %q takes one value from %d to %d", q.Key, lo, hi)
			}
			v := *a.Value
			clean.Value = &v
		case MultipleChoice:
			if a.Value != nil || a.Text != "" || len(a.Choices) == 0 || len(a.Choices) > len(q.Options) {
				return nil, 0, p.Invalid("answers["+q.Key+"].choices", "question %q takes 1 to %d of its options", q.Key, len(q.Options))
			}
			seen := map[int]bool{}
			for _, c := range a.Choices {
				if c < lo || c > hi || seen[c] {
					return nil, 0, p.Invalid("answers["+q.Key+"].choices", "question %q: option %d is not an option or is chosen twice", q.Key, c)
				}
				seen[c] = true
			}
			clean.Choices = append([]int(nil), a.Choices...)
		case FreeText:
			if a.Value != nil || len(a.Choices) > 0 {
				return nil, 0, p.Invalid("answers["+q.Key+"].text", "question %q takes text", q.Key)
			}
			text, err := p.CheckText("answers["+q.Key+"].text", a.Text, p.MaxTextLen, false)
			if err != nil {
				return nil, 0, err
			}
			if text == "" {
				continue
			}
			var n int
			clean.Text, n = Scrub(text)
			redactions += n
		}
		out = append(out, clean)
	}
	if len(out) == 0 {
		return nil, 0, p.Invalid("answers", "a response needs at least one answer")
	}
	return out, redactions, nil
}

// pendingAnswer is a survey response staged by an applier.
type pendingAnswer struct {
	survey    p.ID
	questions []Question
	answers   []Answer
}

// surveyAgg counts a survey's responses per question.
type surveyAgg struct {
	Survey    p.ID     `json:"survey"`
	Responses uint32   `json:"responses"`
	Questions []qAgg   `json:"questions"`
	keys      []string // question keys, in order
}

type qAgg struct {
	Key      string   `json:"key"`
	Answered uint32   `json:"answered"`
	Counts   []uint32 `json:"counts,omitempty"` // per value from the lower bound, or per option
	Texts    []string `json:"texts,omitempty"`
}

func (l *live) addAnswer(a *pendingAnswer) {
	sa, ok := l.surveys[a.survey]
	if !ok {
		sa = &surveyAgg{Survey: a.survey}
		for _, q := range a.questions {
			lo, hi := q.bounds()
			qa := qAgg{Key: q.Key}
			if hi >= lo {
				qa.Counts = make([]uint32, hi-lo+1)
			}
			sa.Questions = append(sa.Questions, qa)
			sa.keys = append(sa.keys, q.Key)
		}
		l.surveys[a.survey] = sa
	}
	sa.Responses++
	for _, ans := range a.answers {
		i := indexOf(sa.keys, ans.Question)
		if i < 0 {
			continue
		}
		q, qa := a.questions[i], &sa.Questions[i]
		lo, _ := q.bounds()
		qa.Answered++
		switch {
		case ans.Value != nil:
			qa.Counts[*ans.Value-lo]++
		case len(ans.Choices) > 0:
			for _, c := range ans.Choices {
				qa.Counts[c]++
			}
		case ans.Text != "":
			qa.Texts = append(qa.Texts, ans.Text)
		}
	}
}

func indexOf(keys []string, k string) int {
	for i, v := range keys {
		if v == k {
			return i
		}
	}
	return -1
}

// SkippedColumn is the last column of a question's distribution (but a
// multiple choice's): the respondents who left the question unanswered.
const SkippedColumn = "skipped"

// QuestionResult is one question's results, suppressed (FB-5, FB-8).
type QuestionResult struct {
	Key      string       `json:"key"`
	Type     QuestionType `json:"type"`
	Category Category     `json:"category,omitempty"`
	Answered Cell         `json:"answered"`
	// Distribution counts each value (from Min) or option; small counts
	// are suppressed.
	Distribution *Table `json:"distribution,omitempty"`
	// Mean of a scale, and NPS of a recommendation question, shown as the
	// one disclosure rule says: at least K answered, and the figure pins
	// no hidden count of the distribution down.
	Mean *float64 `json:"mean,omitempty"`
	NPS  *float64 `json:"nps,omitempty"`
	// Excerpts of free text, shown only when at least TextK answered.
	Excerpts []string `json:"excerpts,omitempty"`
}

// SurveyResults are a survey's per-question results.
type SurveyResults struct {
	Survey    *SurveyInfo      `json:"survey"`
	Responses Cell             `json:"responses"`
	Questions []QuestionResult `json:"questions"`
}

func (l *live) surveyResults(s *SurveyInfo) SurveyResults {
	l.mu.RLock()
	defer l.mu.RUnlock()
	k, textK := l.cfg.K, l.cfg.TextK
	out := SurveyResults{Survey: s}
	sa := l.surveys[s.ID]
	responses := 0
	if sa != nil {
		responses = int(sa.Responses)
	}
	out.Responses = shown(responses, k)
	for i, q := range s.Questions {
		var qa qAgg
		if sa != nil {
			qa = sa.Questions[i]
		}
		r := QuestionResult{Key: q.Key, Type: q.Type, Category: q.Category, Answered: shown(int(qa.Answered), k)}
		lo, hi := q.bounds()
		if hi >= lo {
			var cols []string
			counts := make([]int, hi-lo+1)
			for v := lo; v <= hi; v++ {
				cols = append(cols, itoa(v))
				if qa.Counts != nil {
					counts[v-lo] = int(qa.Counts[v-lo])
				}
			}
			values := len(counts)
			if q.Type != MultipleChoice {
				// Those who skipped the question are a cell of its own,
				// so that the responses beside the question's answers
				// cannot give away a small number of them (FB-5). A
				// multiple choice counts options, not people.
				cols = append(cols, SkippedColumn)
				counts = append(counts, max(responses-int(qa.Answered), 0))
			}
			t := NewTable([]string{q.Key}, cols, [][]int{counts}, k)
			r.Distribution = &t
			skippedHidden := false
			if q.Type != MultipleChoice {
				skippedHidden = t.Cells[0][values].Suppressed
				r.Answered = shown(int(qa.Answered), k)
				if skippedHidden || t.GrandTotal.Suppressed {
					r.Answered = Cell{Suppressed: true}
				}
			}
			// A mean or an NPS is shown by the one disclosure rule, the
			// social report's too; never beside a hidden number of those
			// who skipped, which the figure's denominator would give away.
			switch {
			case skippedHidden:
			case q.Type == NPS:
				r.NPS = disclose(figureNPS, lo, counts[:values], t.Cells[0][:values], k)
			case q.Type == Scale:
				r.Mean = disclose(figureMean, lo, counts[:values], t.Cells[0][:values], k)
			}
		}
		if q.Type == FreeText && len(qa.Texts) >= textK {
			r.Excerpts = latest(qa.Texts, 5)
		}
		out.Questions = append(out.Questions, r)
	}
	return out
}

func anySuppressed(t *Table) bool {
	found := false
	t.each(func(c *Cell) { found = found || c.Suppressed })
	return found
}

func shown(v, k int) Cell {
	if v > 0 && v < k {
		return Cell{Suppressed: true}
	}
	return Cell{Value: v}
}

func latest(texts []string, n int) []string {
	out := make([]string, 0, n)
	for i := len(texts) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, texts[i])
	}
	return out
}
