package feedback

import (
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Channel is how feedback arrives (FB-3).
type Channel string

// The channels.
const (
	// EForm: the social reporting e-form, anonymous.
	EForm Channel = "e_form"
	// Device: a feedback device (kiosk) in a service point.
	Device Channel = "device"
	// Survey: a client survey.
	Survey Channel = "survey"
	// InPerson: given face to face, for example in community counselling,
	// and entered by a worker.
	InPerson Channel = "in_person"
)

// Channels lists the channels.
var Channels = []Channel{EForm, Device, Survey, InPerson}

var channelLabels = p.EnumLabels[Channel]{
	EForm:    {Fi: "Sähköinen lomake", Sv: "Elektronisk blankett", En: "E-form"},
	Device:   {Fi: "Palautelaite", Sv: "Responsenhet", En: "Feedback device"},
	Survey:   {Fi: "Kysely", Sv: "Enkät", En: "Survey"},
	InPerson: {Fi: "Kasvokkain", Sv: "Personligen", En: "In person"},
}

// Label returns the channel's name in lang.
func (c Channel) Label(lang p.Lang) string { return channelLabels.Label(c, lang) }

// Valid reports whether c is one of [Channels].
func (c Channel) Valid() bool { return channelLabels.Has(c) }

func (c Channel) index() uint8 {
	for i, v := range Channels {
		if v == c {
			return uint8(i)
		}
	}
	return 0
}

// Rating is a press on the 4-point smiley scale (FB-4); 0 means none.
type Rating int

// The smileys, from the saddest to the happiest.
const (
	VeryUnhappy Rating = 1
	Unhappy     Rating = 2
	Happy       Rating = 3
	VeryHappy   Rating = 4
)

// Ratings lists the smiley scale.
var Ratings = []Rating{VeryUnhappy, Unhappy, Happy, VeryHappy}

var ratingLabels = map[Rating]p.Labels{
	VeryUnhappy: {Fi: "Erittäin tyytymätön", Sv: "Mycket missnöjd", En: "Very unhappy"},
	Unhappy:     {Fi: "Tyytymätön", Sv: "Missnöjd", En: "Unhappy"},
	Happy:       {Fi: "Tyytyväinen", Sv: "Nöjd", En: "Happy"},
	VeryHappy:   {Fi: "Erittäin tyytyväinen", Sv: "Mycket nöjd", En: "Very happy"},
}

// Label returns the smiley's name in lang.
func (r Rating) Label(lang p.Lang) string { return ratingLabels[r].In(lang) }

// Valid reports whether r is on the scale.
func (r Rating) Valid() bool { return r >= VeryUnhappy && r <= VeryHappy }

// Task is one of the three tasks of structural social work in section 7
// of the Social Welfare Act, under which social reports group themes.
type Task string

// The tasks.
const (
	// TaskKnowledge: knowledge of social welfare and social problems,
	// produced from client work and reported.
	TaskKnowledge Task = "knowledge"
	// TaskMeasures: measures and proposals to remove social problems and
	// promote wellbeing.
	TaskMeasures Task = "measures"
	// TaskPlanning: social welfare expertise in the planning and
	// cooperation of the county and its partners.
	TaskPlanning Task = "planning"
)

// Tasks lists the tasks.
var Tasks = []Task{TaskKnowledge, TaskMeasures, TaskPlanning}

var taskLabels = p.EnumLabels[Task]{
	TaskKnowledge: {Fi: "Tieto sosiaalisesta hyvinvoinnista ja ongelmista", Sv: "Kunskap om social välfärd och sociala problem", En: "Knowledge of social welfare and problems"},
	TaskMeasures:  {Fi: "Toimenpiteet ja ehdotukset", Sv: "Åtgärder och förslag", En: "Measures and proposals"},
	TaskPlanning:  {Fi: "Asiantuntemus suunnitteluun ja yhteistyöhön", Sv: "Sakkunskap i planering och samarbete", En: "Expertise in planning and cooperation"},
}

// Label returns the task's name in lang.
func (t Task) Label(lang p.Lang) string { return taskLabels.Label(t, lang) }

// Valid reports whether t is one of [Tasks].
func (t Task) Valid() bool { return taskLabels.Has(t) }

// Text is a text in several languages, keyed by language tag: fi, sv, en,
// the Sámi languages se, smn, sms, or any other two- or three-letter tag.
// Question texts are data: the library ships structures, not wording.
type Text map[string]string

// validate checks the tags and lengths; at least one text is required.
func (t Text) validate(field string, max int) (Text, error) {
	if len(t) == 0 {
		return nil, p.Invalid(field, "needs a text in at least one language")
	}
	if len(t) > 12 {
		return nil, p.Invalid(field, "has %d languages; the limit is 12", len(t))
	}
	out := Text{}
	for tag, s := range t {
		if len(tag) < 2 || len(tag) > 3 || !lower(tag) {
			return nil, p.Invalid(field, "language tag %q must be two or three lower-case letters (fi, sv, en, se, smn, sms)", tag)
		}
		v, err := p.CheckText(field+"."+tag, s, max, true)
		if err != nil {
			return nil, err
		}
		out[tag] = v
	}
	return out, nil
}

func lower(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// In returns the text in lang, else Finnish, else any.
func (t Text) In(lang string) string {
	if s, ok := t[lang]; ok {
		return s
	}
	if s, ok := t["fi"]; ok {
		return s
	}
	for _, s := range t {
		return s
	}
	return ""
}

// Config tunes the feedback module. A nil *Config means the defaults.
type Config struct {
	// K is the smallest count a report shows (FB-5); zero means 5.
	K int
	// TextK is the smallest group whose free-text excerpts a report
	// shows; zero means 10.
	TextK int
	// PressInterval is how close two presses on one device must be to
	// count once (FB-4); zero means 5 s.
	PressInterval time.Duration
	// ThemeThreshold is how many items on one theme in one service in a
	// calendar month make the theme a contribution in the loop; zero
	// means 20, negative never.
	ThemeThreshold int
	// Location sets the calendar of reports' days and months; nil means
	// UTC. Counties pass Europe/Helsinki.
	Location *time.Location
}

func (c *Config) withDefaults() Config {
	out := Config{}
	if c != nil {
		out = *c
	}
	if out.K <= 0 {
		out.K = DefaultK
	}
	if out.TextK <= 0 {
		out.TextK = DefaultTextK
	}
	if out.TextK < out.K {
		out.TextK = out.K
	}
	if out.PressInterval <= 0 {
		out.PressInterval = 5 * time.Second
	}
	if out.ThemeThreshold == 0 {
		out.ThemeThreshold = 20
	}
	if out.Location == nil {
		out.Location = time.UTC
	}
	return out
}

// Theme is a subject feedback can be about, defined by the county, with
// the task of section 7 its reports fall under.
type Theme struct {
	Code   string   `json:"code"`
	Labels p.Labels `json:"labels"`
	Task   Task     `json:"task"`
}

// FollowUp is a device's optional follow-up question, asked after a
// smiley press, with its answer options.
type FollowUp struct {
	Question Text   `json:"question"`
	Options  []Text `json:"options"`
}

// DeviceInfo is a registered feedback device in a service point.
type DeviceInfo struct {
	ID      p.ID   `json:"id"`
	Service string `json:"service"`
	// Point names the service point, as "Hervannan sosiaalitoimisto".
	Point    string    `json:"point"`
	FollowUp *FollowUp `json:"followUp,omitempty"`
	Retired  bool      `json:"retired,omitempty"`
}

// Item is one piece of feedback as stored: no person, no device user, no
// address, and a time kept to the hour (FB-1).
type Item struct {
	Channel Channel   `json:"channel"`
	Service string    `json:"service"`
	Themes  []string  `json:"themes,omitempty"`
	Hour    time.Time `json:"hour"`
	// Rating is the smiley, 0 for none; Score the 0–10 recommendation of
	// a survey, -1 for none.
	Rating Rating `json:"rating,omitempty"`
	Score  int    `json:"score"`
	// Device is the device pressed, for device items.
	Device p.ID `json:"device,omitzero"`
	// Answer is the follow-up option chosen, from 1; 0 for none.
	Answer int `json:"answer,omitempty"`
}
