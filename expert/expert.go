package expert

import (
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Kind is how a person takes part.
type Kind string

// The kinds of people who take part.
const (
	// KindExpert: an experience expert (kokemusasiantuntija), usually
	// trained.
	KindExpert Kind = "experience_expert"
	// KindLivedExperience: a lived-experience participant (kokemustoimija),
	// without training; the title is not official.
	KindLivedExperience Kind = "lived_experience"
	// KindDeveloperClient: a developer client (kehittäjäasiakas).
	KindDeveloperClient Kind = "developer_client"
)

// Kinds lists the kinds.
var Kinds = []Kind{KindExpert, KindLivedExperience, KindDeveloperClient}

var kindLabels = p.EnumLabels[Kind]{
	KindExpert:          {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	KindLivedExperience: {Fi: "Kokemustoimija", Sv: "Erfarenhetsaktör", En: "Lived-experience participant"},
	KindDeveloperClient: {Fi: "Kehittäjäasiakas", Sv: "Utvecklarklient", En: "Developer client"},
}

// Label returns the kind's name in lang.
func (k Kind) Label(lang p.Lang) string { return kindLabels.Label(k, lang) }

// Valid reports whether k is one of [Kinds].
func (k Kind) Valid() bool { return kindLabels.Has(k) }

// Background is the kind of lived experience (EXP-1).
type Background string

// The backgrounds.
const (
	OwnCondition   Background = "own_condition"
	Rehabilitation Background = "rehabilitation"
	ServiceUse     Background = "service_use"
	FamilyMember   Background = "family_member"
)

// Backgrounds lists the backgrounds.
var Backgrounds = []Background{OwnCondition, Rehabilitation, ServiceUse, FamilyMember}

var backgroundLabels = p.EnumLabels[Background]{
	OwnCondition:   {Fi: "Oma sairaus tai tila", Sv: "Egen sjukdom eller tillstånd", En: "Own illness or condition"},
	Rehabilitation: {Fi: "Kuntoutuminen", Sv: "Rehabilitering", En: "Rehabilitation"},
	ServiceUse:     {Fi: "Palvelujen käyttö", Sv: "Användning av tjänster", En: "Service use"},
	FamilyMember:   {Fi: "Omaisena", Sv: "Som anhörig", En: "Family member"},
}

// Label returns the background's name in lang.
func (b Background) Label(lang p.Lang) string { return backgroundLabels.Label(b, lang) }

// Valid reports whether b is one of [Backgrounds].
func (b Background) Valid() bool { return backgroundLabels.Has(b) }

// Areas with labels; counties may add their own codes.
var areaLabels = p.EnumLabels[string]{
	"mental_health": {Fi: "Mielenterveys", Sv: "Psykisk hälsa", En: "Mental health"},
	"substance_use": {Fi: "Päihteet", Sv: "Missbruk", En: "Substance use"},
	"homelessness":  {Fi: "Asunnottomuus", Sv: "Bostadslöshet", En: "Homelessness"},
	"disability":    {Fi: "Vammaisuus", Sv: "Funktionsnedsättning", En: "Disability"},
	"elderly_care":  {Fi: "Ikääntyneiden palvelut", Sv: "Äldreomsorg", En: "Elderly care"},
	"child_welfare": {Fi: "Lastensuojelu", Sv: "Barnskydd", En: "Child welfare"},
}

// AreaLabel returns an area's name in lang, or its code for a county's
// own area.
func AreaLabel(area string, lang p.Lang) string { return areaLabels.Label(area, lang) }

// AssignmentType is the kind of work an assignment is (EXP-4).
type AssignmentType string

// The assignment types.
const (
	IndividualMeeting     AssignmentType = "individual_meeting"
	GroupActivity         AssignmentType = "group_activity"
	TrainingProfessionals AssignmentType = "training_professionals"
	Outreach              AssignmentType = "outreach"
	DevelopmentWork       AssignmentType = "development_work"
	PanelWork             AssignmentType = "panel_work"
	CommunityCounselling  AssignmentType = "community_counselling"
)

// AssignmentTypes lists the assignment types.
var AssignmentTypes = []AssignmentType{IndividualMeeting, GroupActivity, TrainingProfessionals, Outreach, DevelopmentWork, PanelWork, CommunityCounselling}

var typeLabels = p.EnumLabels[AssignmentType]{
	IndividualMeeting:     {Fi: "Yksilötapaaminen", Sv: "Individuellt möte", En: "Individual meeting"},
	GroupActivity:         {Fi: "Ryhmätoiminta", Sv: "Gruppverksamhet", En: "Group activity"},
	TrainingProfessionals: {Fi: "Ammattilaisten koulutus", Sv: "Utbildning av yrkesfolk", En: "Training of professionals"},
	Outreach:              {Fi: "Jalkautuminen", Sv: "Uppsökande arbete", En: "Outreach"},
	DevelopmentWork:       {Fi: "Kehittämistyö", Sv: "Utvecklingsarbete", En: "Development work"},
	PanelWork:             {Fi: "Raatityö", Sv: "Rådsarbete", En: "Panel work"},
	CommunityCounselling:  {Fi: "Yhteisöneuvonta", Sv: "Samhällsrådgivning", En: "Community counselling"},
}

// Label returns the type's name in lang.
func (t AssignmentType) Label(lang p.Lang) string { return typeLabels.Label(t, lang) }

// Valid reports whether t is one of [AssignmentTypes].
func (t AssignmentType) Valid() bool { return typeLabels.Has(t) }

// Tag returns the floor of the house of participation and the scope an
// assignment of this type lives on by default (PART-1).
func (t AssignmentType) Tag() (p.Level, p.Scope) {
	switch t {
	case PanelWork:
		return p.LevelDialogue, ""
	case DevelopmentWork:
		return p.LevelDevelopment, p.ScopeServices
	case TrainingProfessionals:
		return p.LevelDevelopment, p.ScopeOrganisation
	case IndividualMeeting, GroupActivity:
		return p.LevelCoProduction, p.ScopeClientProcess
	default: // outreach, community counselling
		return p.LevelCoProduction, p.ScopeServices
	}
}

// State is where an assignment stands (EXP-4).
type State string

// The assignment states.
const (
	Requested State = "requested"
	Offered   State = "offered"
	Accepted  State = "accepted"
	Completed State = "completed"
	Paid      State = "paid"
	Cancelled State = "cancelled"
)

var stateLabels = p.EnumLabels[State]{
	Requested: {Fi: "Pyydetty", Sv: "Begärd", En: "Requested"},
	Offered:   {Fi: "Tarjottu", Sv: "Erbjuden", En: "Offered"},
	Accepted:  {Fi: "Hyväksytty", Sv: "Accepterad", En: "Accepted"},
	Completed: {Fi: "Tehty", Sv: "Utförd", En: "Completed"},
	Paid:      {Fi: "Maksettu", Sv: "Betald", En: "Paid"},
	Cancelled: {Fi: "Peruttu", Sv: "Inställd", En: "Cancelled"},
}

// Label returns the state's name in lang.
func (s State) Label(lang p.Lang) string { return stateLabels.Label(s, lang) }

// Step is a step on the pathway from participant to work (EXP-6).
type Step string

// The pathway, in order.
const (
	StepParticipant     Step = "participant"
	StepDeveloperClient Step = "developer_client"
	StepExpert          Step = "experience_expert"
	StepPaid            Step = "paid_assignments"
	StepEmployment      Step = "employment"
)

// Steps lists the pathway in order.
var Steps = []Step{StepParticipant, StepDeveloperClient, StepExpert, StepPaid, StepEmployment}

var stepLabels = p.EnumLabels[Step]{
	StepParticipant:     {Fi: "Osallistuja", Sv: "Deltagare", En: "Participant"},
	StepDeveloperClient: {Fi: "Kehittäjäasiakas", Sv: "Utvecklarklient", En: "Developer client"},
	StepExpert:          {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	StepPaid:            {Fi: "Palkkiolliset tehtävät", Sv: "Arvoderade uppdrag", En: "Paid assignments"},
	StepEmployment:      {Fi: "Työsuhde", Sv: "Anställning", En: "Employment"},
}

// Label returns the step's name in lang.
func (s Step) Label(lang p.Lang) string { return stepLabels.Label(s, lang) }

func (s Step) rank() int {
	for i, v := range Steps {
		if v == s {
			return i
		}
	}
	return -1
}

// Course is training an expert completed (EXP-2).
type Course struct {
	Name      string    `json:"name"`
	Provider  string    `json:"provider"`
	Completed time.Time `json:"completed"`
}

// Consent is the recorded consent under which backgrounds and contact
// details are kept (EXP-3).
type Consent struct {
	Purpose string    `json:"purpose"`
	Given   time.Time `json:"given"`
}

// PathwayEntry is a step reached, with its date.
type PathwayEntry struct {
	Step Step      `json:"step"`
	At   time.Time `json:"at"`
}

// Expert is a person who takes part with lived experience. Backgrounds,
// areas, name and contact details are sealed in Profile under the
// person's key; everything else here is not special-category data.
type Expert struct {
	ID        p.ID           `json:"id"`
	Kind      Kind           `json:"kind"`
	Languages []string       `json:"languages"`
	Courses   []Course       `json:"courses,omitempty"`
	Consent   *Consent       `json:"consent,omitempty"`
	Withdrawn time.Time      `json:"withdrawn,omitzero"`
	Available bool           `json:"available"`
	Pathway   []PathwayEntry `json:"pathway,omitempty"`
	Profile   p.Sealed       `json:"profile"`
}

// Trained reports whether the expert has completed training (EXP-2).
func (e *Expert) Trained() bool { return len(e.Courses) > 0 }

// Profile is the sealed part of an expert: special-category data.
type Profile struct {
	Name        string       `json:"name"`
	Backgrounds []Background `json:"backgrounds"`
	Areas       []string     `json:"areas"`
	Phone       string       `json:"phone,omitempty"`
	Email       string       `json:"email,omitempty"`
}

// Assignment is a piece of work for an expert (EXP-4, EXP-7).
type Assignment struct {
	ID      p.ID           `json:"id"`
	Type    AssignmentType `json:"type"`
	Level   p.Level        `json:"level"`
	Scope   p.Scope        `json:"scope,omitempty"`
	Unit    string         `json:"unit,omitempty"`
	Date    time.Time      `json:"date"`
	Need    Need           `json:"need"`
	Expert  p.ID           `json:"expert,omitzero"`
	State   State          `json:"state"`
	Hours   float64        `json:"hours,omitempty"`
	Travel  int            `json:"travel,omitempty"` // cents
	Fee     int            `json:"fee,omitempty"`    // cents
	Reason  string         `json:"reason,omitempty"` // of a cancellation
	History []Change       `json:"history"`
}

// Change is one step of an assignment.
type Change struct {
	State State     `json:"state"`
	At    time.Time `json:"at"`
	By    p.Actor   `json:"by"`
}

// Need is what a request asks of an expert (EXP-5).
type Need struct {
	Background     Background `json:"background,omitempty"`
	Area           string     `json:"area,omitempty"`
	Language       string     `json:"language,omitempty"`
	RequireTrained bool       `json:"requireTrained,omitempty"`
}
