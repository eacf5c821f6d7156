package feedback

import (
	"time"

	"github.com/hashicorp/go-memdb"

	p "github.com/osallisuus/osallisuus/participation"
)

// Tables of the feedback module. Items themselves are not rows; see the
// compact store.
const (
	tableDevices  = "feedback_devices"
	tableThemes   = "feedback_themes"
	tableSurveys  = "feedback_surveys"
	tableReceipts = "feedback_receipts"
	tableReplies  = "feedback_replies"
)

// Actions of the feedback module (PART-7).
const (
	ActionDefineTheme    p.Action = "feedback.define_theme"
	ActionRegisterDevice p.Action = "feedback.register_device"
	ActionRetireDevice   p.Action = "feedback.retire_device"
	ActionPress          p.Action = "feedback.press"
	ActionSubmit         p.Action = "feedback.submit"
	ActionCreateSurvey   p.Action = "feedback.create_survey"
	ActionAnswerSurvey   p.Action = "feedback.answer_survey"
	ActionReadContact    p.Action = "feedback.read_contact"
	ActionReply          p.Action = "feedback.reply"
)

// Events of the feedback module. Submitted, Pressed, SurveyAnswered and
// ReplyRequested are anonymous: their time is kept to the hour and they
// record only their actor's role (FB-1).
type (
	// ThemeDefined: a theme and the task it reports under.
	ThemeDefined struct {
		Code   string   `json:"code"`
		Labels p.Labels `json:"labels"`
		Task   Task     `json:"task"`
	}
	// DeviceRegistered: a feedback device in a service point.
	DeviceRegistered struct {
		Device   p.ID      `json:"device"`
		Service  string    `json:"service"`
		Point    string    `json:"point"`
		FollowUp *FollowUp `json:"followUp,omitempty"`
	}
	// DeviceRetired: a device taken out of use.
	DeviceRetired struct {
		Device p.ID `json:"device"`
	}
	// Submitted: feedback from an e-form or given in person. Item is set
	// only when the item needs an identity: free text, a receipt or a
	// reply.
	Submitted struct {
		Item         p.ID     `json:"item,omitzero"`
		Channel      Channel  `json:"channel"`
		Service      string   `json:"service"`
		Themes       []string `json:"themes,omitempty"`
		Rating       Rating   `json:"rating,omitempty"`
		Text         string   `json:"text,omitempty"`
		Redactions   int      `json:"redactions,omitempty"`
		Receipt      string   `json:"receipt,omitempty"` // SHA-256 of the code, hex
		Contribution p.ID     `json:"contribution,omitzero"`
	}
	// Pressed: presses on a device, one or a synced batch. Each press
	// keeps its hour; filtered repeats are marked and counted.
	Pressed struct {
		Device  p.ID          `json:"device"`
		Service string        `json:"service"`
		Presses []PressRecord `json:"presses"`
	}
	// SurveyCreated: a survey and its questions.
	SurveyCreated struct {
		Survey SurveyInfo `json:"survey"`
	}
	// SurveyAnswered: one anonymous response.
	SurveyAnswered struct {
		Survey     p.ID     `json:"survey"`
		Answers    []Answer `json:"answers"`
		Redactions int      `json:"redactions,omitempty"`
	}
	// ReplyRequested: the sender of an item asked for a reply; the
	// contact is sealed under a key of its own (FB-7).
	ReplyRequested struct {
		Item    p.ID     `json:"item"`
		Subject p.ID     `json:"subject"`
		Contact p.Sealed `json:"contact"`
	}
	// Replied: the reply was sent; the contact's key is erased in the
	// same command.
	Replied struct {
		Item p.ID `json:"item"`
	}
)

// PressRecord is one press in a [Pressed] event.
type PressRecord struct {
	// H is the hour of the press, in hours since the Unix epoch.
	H uint32 `json:"h"`
	// R is the smiley; A the follow-up option from 1, 0 for none.
	R Rating `json:"r,omitempty"`
	A int    `json:"a,omitempty"`
	// F marks a repeat filtered out (FB-4): counted, not an item.
	F bool `json:"f,omitempty"`
}

// EventType implements participation.EventData.
func (ThemeDefined) EventType() string { return "feedback.theme_defined" }

// EventType implements participation.EventData.
func (DeviceRegistered) EventType() string { return "feedback.device_registered" }

// EventType implements participation.EventData.
func (DeviceRetired) EventType() string { return "feedback.device_retired" }

// EventType implements participation.EventData.
func (Submitted) EventType() string { return "feedback.submitted" }

// EventType implements participation.EventData.
func (Pressed) EventType() string { return "feedback.pressed" }

// EventType implements participation.EventData.
func (SurveyCreated) EventType() string { return "feedback.survey_created" }

// EventType implements participation.EventData.
func (SurveyAnswered) EventType() string { return "feedback.survey_answered" }

// EventType implements participation.EventData.
func (ReplyRequested) EventType() string { return "feedback.reply_requested" }

// EventType implements participation.EventData.
func (Replied) EventType() string { return "feedback.replied" }

// fields classifies the feedback events' fields (PRIV-2). Senders are
// anonymous: their texts are scrubbed (FB-2) and name no one; a contact
// for a reply is sealed under a subject id of its own (FB-7).
var fields = []p.FieldRule{
	{Event: "feedback.theme_defined", Path: "code", Class: p.FieldCode},
	{Event: "feedback.theme_defined", Path: "labels.fi", Class: p.FieldOrganisation},
	{Event: "feedback.theme_defined", Path: "labels.sv", Class: p.FieldOrganisation},
	{Event: "feedback.theme_defined", Path: "labels.en", Class: p.FieldOrganisation},
	{Event: "feedback.theme_defined", Path: "task", Class: p.FieldCode},
	{Event: "feedback.device_registered", Path: "service", Class: p.FieldCode},
	{Event: "feedback.device_registered", Path: "point", Class: p.FieldOrganisation},
	{Event: "feedback.device_registered", Path: "followUp.question{key}", Class: p.FieldCode},
	{Event: "feedback.device_registered", Path: "followUp.question{}", Class: p.FieldOrganisation},
	{Event: "feedback.device_registered", Path: "followUp.options[]{key}", Class: p.FieldCode},
	{Event: "feedback.device_registered", Path: "followUp.options[]{}", Class: p.FieldOrganisation},
	{Event: "feedback.pressed", Path: "service", Class: p.FieldCode},
	{Event: "feedback.submitted", Path: "channel", Class: p.FieldCode},
	{Event: "feedback.submitted", Path: "service", Class: p.FieldCode},
	{Event: "feedback.submitted", Path: "themes[]", Class: p.FieldCode},
	{Event: "feedback.submitted", Path: "text", Class: p.FieldScrubbed},
	{Event: "feedback.submitted", Path: "receipt", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.title{key}", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.title{}", Class: p.FieldOrganisation},
	{Event: "feedback.survey_created", Path: "survey.service", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.themes[]", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.questions[].key", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.questions[].type", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.questions[].text{key}", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.questions[].text{}", Class: p.FieldOrganisation},
	{Event: "feedback.survey_created", Path: "survey.questions[].options[]{key}", Class: p.FieldCode},
	{Event: "feedback.survey_created", Path: "survey.questions[].options[]{}", Class: p.FieldOrganisation},
	{Event: "feedback.survey_created", Path: "survey.questions[].category", Class: p.FieldCode},
	{Event: "feedback.survey_answered", Path: "answers[].question", Class: p.FieldCode},
	{Event: "feedback.survey_answered", Path: "answers[].text", Class: p.FieldScrubbed},
	{Event: "feedback.reply_requested", Path: "contact", Class: p.FieldSealed, Key: "subject (an id of the contact's own, erased once replied)"},
}

// receiptRow maps a receipt's hash to its item.
type receiptRow struct {
	Hash         string `json:"hash"`
	Item         p.ID   `json:"item"`
	Contribution p.ID   `json:"contribution"`
	// Seq is the journal event that recorded the item, for proving it
	// (LOOP-2). It stays out of JSON: a sequence number orders the item
	// within its hour (PRIV-1).
	Seq uint64 `json:"-"`
}

// replyRow holds a sealed contact apart from the item (FB-7).
type replyRow struct {
	Item         p.ID     `json:"item"`
	Subject      p.ID     `json:"subject"`
	Contact      p.Sealed `json:"contact"`
	Contribution p.ID     `json:"contribution"`
	Replied      bool     `json:"replied"`
}

// Module returns the feedback module with its configuration, to pass to
// participation.Open.
func Module(cfg *Config) p.Module {
	c := cfg.withDefaults()
	anyone := []p.Role{p.RoleAnonymous, p.RoleStaff, p.RoleCoordinator, p.RoleSystem}
	staff := []p.Role{p.RoleStaff, p.RoleCoordinator, p.RoleManager}
	state := func(tx *p.Tx) *live { return tx.State("feedback").(*live) }
	return p.Module{
		Name:     "feedback",
		NewState: func() any { return newLive(c) },
		Dump:     dumpLive,
		Tables: []*memdb.TableSchema{
			{Name: tableDevices, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(d *DeviceInfo) p.ID { return d.ID })},
			}},
			{Name: tableThemes, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexString(func(t *Theme) string { return t.Code })},
			}},
			{Name: tableSurveys, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(s *SurveyInfo) p.ID { return s.ID })},
			}},
			{Name: tableReceipts, Indexes: map[string]*memdb.IndexSchema{
				// id: the hash of the code is the only way in.
				"id": {Name: "id", Unique: true, Indexer: p.IndexString(func(r *receiptRow) string { return r.Hash })},
			}},
			{Name: tableReplies, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(r *replyRow) p.ID { return r.Item })},
			}},
		},
		Events: []p.EventType{
			p.Handle(func(tx *p.Tx, m p.EventMeta, d ThemeDefined) error {
				l := state(tx)
				tx.OnCommit(func() {
					l.mu.Lock()
					l.defined[d.Code] = true
					l.mu.Unlock()
				})
				return tx.Insert(tableThemes, &Theme{Code: d.Code, Labels: d.Labels, Task: d.Task})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d DeviceRegistered) error {
				return tx.Insert(tableDevices, &DeviceInfo{ID: d.Device, Service: d.Service, Point: d.Point, FollowUp: d.FollowUp})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d DeviceRetired) error {
				old, ok, err := p.Lookup[*DeviceInfo](tx, tableDevices, "id", d.Device)
				if err != nil || !ok {
					return p.Errorf(p.ENOTFOUND, "device %s not found", d.Device)
				}
				cp := *old
				cp.Retired = true
				return tx.Insert(tableDevices, &cp)
			}),
			p.SelfEncoding(p.AnonymousEvent(p.Handle(func(tx *p.Tx, m p.EventMeta, d Submitted) error {
				l := state(tx)
				it := pending{channel: d.Channel, service: d.Service, themes: d.Themes, hour: unixHour(m.Time), rating: int8(d.Rating), score: -1}
				if !d.Item.IsZero() && d.Text != "" {
					it.text = &textItem{ID: d.Item, Hour: m.Time, Channel: d.Channel, Service: d.Service, Themes: d.Themes,
						Text: d.Text, Redactions: d.Redactions, Contribution: d.Contribution}
				}
				st := l.stage(tx)
				st.items = append(st.items, it)
				activity(tx, m.Time, d.Service)
				if d.Receipt != "" {
					return tx.Insert(tableReceipts, &receiptRow{Hash: d.Receipt, Item: d.Item, Contribution: d.Contribution, Seq: m.Seq})
				}
				return nil
			}))),
			p.SelfEncoding(p.AnonymousEvent(p.Handle(func(tx *p.Tx, m p.EventMeta, d Pressed) error {
				st := state(tx).stage(tx)
				for _, pr := range d.Presses {
					if pr.F {
						st.filtered = append(st.filtered, pendingFiltered{device: d.Device, service: d.Service, hour: pr.H, n: 1})
						continue
					}
					st.items = append(st.items, pending{channel: Device, service: d.Service, hour: pr.H, device: d.Device,
						rating: int8(pr.R), score: -1, answer: int8(pr.A)})
					activity(tx, time.Unix(int64(pr.H)*3600, 0), d.Service)
				}
				return nil
			}))),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d SurveyCreated) error {
				s := d.Survey
				return tx.Insert(tableSurveys, &s)
			}),
			p.AnonymousEvent(p.Handle(func(tx *p.Tx, m p.EventMeta, d SurveyAnswered) error {
				s, ok, err := p.Lookup[*SurveyInfo](tx, tableSurveys, "id", d.Survey)
				if err != nil || !ok {
					return p.Errorf(p.ENOTFOUND, "survey %s not found", d.Survey)
				}
				st := state(tx).stage(tx)
				st.answers = append(st.answers, pendingAnswer{survey: s.ID, questions: s.Questions, answers: d.Answers})
				it := pending{channel: Survey, service: s.Service, themes: s.Themes, hour: unixHour(m.Time), score: -1}
				for i, q := range s.Questions {
					if q.Type != NPS {
						continue
					}
					for _, a := range d.Answers {
						if a.Question == s.Questions[i].Key && a.Value != nil {
							it.score = int8(*a.Value)
						}
					}
					break
				}
				st.items = append(st.items, it)
				activity(tx, m.Time, s.Service)
				return nil
			})),
			p.AnonymousEvent(p.Handle(func(tx *p.Tx, m p.EventMeta, d ReplyRequested) error {
				c, err := p.ContributionFrom(tx, d.Item)
				if err != nil {
					return err
				}
				return tx.Insert(tableReplies, &replyRow{Item: d.Item, Subject: d.Subject, Contact: d.Contact, Contribution: c.ID})
			})),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d Replied) error {
				old, ok, err := p.Lookup[*replyRow](tx, tableReplies, "id", d.Item)
				if err != nil || !ok {
					return p.Errorf(p.ENOTFOUND, "no reply was asked for item %s", d.Item)
				}
				cp := *old
				cp.Replied = true
				return tx.Insert(tableReplies, &cp)
			}),
		},
		// Feedback is anonymous whoever gives it or types it in (PRIV-1).
		Anonymous: []p.Action{ActionSubmit, ActionPress, ActionAnswerSurvey},
		Fields:    fields,
		Actions: []p.ActionRule{
			{Action: ActionDefineTheme, Roles: []p.Role{p.RoleCoordinator, p.RoleManager, p.RoleAdmin}, Doc: "define a theme and its task"},
			{Action: ActionRegisterDevice, Roles: []p.Role{p.RoleCoordinator, p.RoleAdmin}, Doc: "register a feedback device"},
			{Action: ActionRetireDevice, Roles: []p.Role{p.RoleCoordinator, p.RoleAdmin}, Doc: "retire a feedback device"},
			{Action: ActionPress, Roles: []p.Role{p.RoleDevice, p.RoleSystem}, Doc: "record presses (the device itself, or a sync service)"},
			{Action: ActionSubmit, Roles: anyone, Doc: "give feedback (anonymously, or entered by a worker)"},
			{Action: ActionCreateSurvey, Roles: []p.Role{p.RoleCoordinator, p.RoleManager, p.RoleAdmin}, Doc: "create a survey"},
			{Action: ActionAnswerSurvey, Roles: []p.Role{p.RoleAnonymous, p.RoleSystem}, Doc: "answer a survey anonymously"},
			{Action: ActionReadContact, Roles: staff, Doc: "read the contact of a sender who asked for a reply"},
			{Action: ActionReply, Roles: staff, Doc: "record the reply sent, erasing the contact"},
		},
	}
}

func unixHour(t time.Time) uint32 { return uint32(t.Unix() / 3600) }
