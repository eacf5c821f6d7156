package panel

import (
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Kind is the kind of panel. Counties run the statutory councils of Act
// 611/2021 s. 32 the same way as client panels, so they are kinds here.
type Kind string

// The kinds of panel.
const (
	KindClientPanel       Kind = "client_panel"
	KindOlderPeople       Kind = "older_people_council"
	KindDisabilityCouncil Kind = "disability_council"
	KindYouthCouncil      Kind = "youth_council"
)

// Kinds lists the kinds of panel.
var Kinds = []Kind{KindClientPanel, KindOlderPeople, KindDisabilityCouncil, KindYouthCouncil}

var kindLabels = p.EnumLabels[Kind]{
	KindClientPanel:       {Fi: "Asiakasraati", Sv: "Klientråd", En: "Client panel"},
	KindOlderPeople:       {Fi: "Vanhusneuvosto", Sv: "Äldreråd", En: "Older people's council"},
	KindDisabilityCouncil: {Fi: "Vammaisneuvosto", Sv: "Råd för personer med funktionsnedsättning", En: "Disability council"},
	KindYouthCouncil:      {Fi: "Nuorisovaltuusto", Sv: "Ungdomsfullmäktige", En: "Youth council"},
}

// Label returns the kind's name in lang.
func (k Kind) Label(lang p.Lang) string { return kindLabels.Label(k, lang) }

// Valid reports whether k is one of [Kinds].
func (k Kind) Valid() bool { return kindLabels.Has(k) }

// MemberType is who a member is. Staff take part as facilitators: they are
// recorded but do not count towards the panel's minimum, hold no position
// and do not count for the quorum.
type MemberType string

// The member types.
const (
	MemberClient          MemberType = "client"
	MemberFamily          MemberType = "family_member"
	MemberExpert          MemberType = "experience_expert"
	MemberDeveloperClient MemberType = "developer_client"
	MemberStaff           MemberType = "staff"
)

// MemberTypes lists the member types.
var MemberTypes = []MemberType{MemberClient, MemberFamily, MemberExpert, MemberDeveloperClient, MemberStaff}

var memberTypeLabels = p.EnumLabels[MemberType]{
	MemberClient:          {Fi: "Asiakas", Sv: "Klient", En: "Client"},
	MemberFamily:          {Fi: "Omainen", Sv: "Anhörig", En: "Family member"},
	MemberExpert:          {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	MemberDeveloperClient: {Fi: "Kehittäjäasiakas", Sv: "Utvecklarklient", En: "Developer client"},
	MemberStaff:           {Fi: "Työntekijä (fasilitaattori)", Sv: "Anställd (facilitator)", En: "Staff (facilitator)"},
}

// Label returns the member type's name in lang.
func (t MemberType) Label(lang p.Lang) string { return memberTypeLabels.Label(t, lang) }

// Valid reports whether t is one of [MemberTypes].
func (t MemberType) Valid() bool { return memberTypeLabels.Has(t) }

// Counts reports whether members of this type count towards the minimum,
// the services and the quorum: everyone but staff.
func (t MemberType) Counts() bool { return t != MemberStaff }

// Position is an office on the panel (PANEL-2).
type Position string

// The positions.
const (
	Chair     Position = "chair"
	ViceChair Position = "vice_chair"
	Secretary Position = "secretary"
)

// Positions lists the positions.
var Positions = []Position{Chair, ViceChair, Secretary}

var positionLabels = p.EnumLabels[Position]{
	Chair:     {Fi: "Puheenjohtaja", Sv: "Ordförande", En: "Chair"},
	ViceChair: {Fi: "Varapuheenjohtaja", Sv: "Vice ordförande", En: "Vice chair"},
	Secretary: {Fi: "Sihteeri", Sv: "Sekreterare", En: "Secretary"},
}

// Label returns the position's name in lang.
func (x Position) Label(lang p.Lang) string { return positionLabels.Label(x, lang) }

// Valid reports whether x is one of [Positions].
func (x Position) Valid() bool { return positionLabels.Has(x) }

// TopicSource says who raised a topic (PANEL-5).
type TopicSource string

// The sources of topics.
const (
	FromMember       TopicSource = "member"
	FromOrganisation TopicSource = "organisation"
)

var topicSourceLabels = p.EnumLabels[TopicSource]{
	FromMember:       {Fi: "Raatilainen", Sv: "Medlem", En: "Member"},
	FromOrganisation: {Fi: "Organisaatio", Sv: "Organisationen", En: "Organisation"},
}

// Label returns the source's name in lang.
func (s TopicSource) Label(lang p.Lang) string { return topicSourceLabels.Label(s, lang) }

// TopicState is whether a topic still waits for the panel.
type TopicState string

// The topic states.
const (
	TopicOpen    TopicState = "open"
	TopicHandled TopicState = "handled"
)

var topicStateLabels = p.EnumLabels[TopicState]{
	TopicOpen:    {Fi: "Avoin", Sv: "Öppen", En: "Open"},
	TopicHandled: {Fi: "Käsitelty", Sv: "Behandlad", En: "Handled"},
}

// Label returns the state's name in lang.
func (s TopicState) Label(lang p.Lang) string { return topicStateLabels.Label(s, lang) }

// Panel is a standing group of clients who discuss topics and give
// statements to the organisation.
type Panel struct {
	ID   p.ID   `json:"id"`
	Name string `json:"name"`
	Kind Kind   `json:"kind"`
	// Unit is the organisation unit the panel belongs to.
	Unit string `json:"unit"`
	// Coordinator is the responsible party: the person who runs the
	// panel for the organisation (PANEL-4).
	Coordinator p.ID `json:"coordinator"`
	// AnsweringParty is the service management that answers the panel's
	// statements (PANEL-4).
	AnsweringParty string `json:"answeringParty"`
	// MinMembers and MinServices are the panel's policy: at least 10
	// members and 2 services, higher if the county so decides.
	MinMembers  int `json:"minMembers"`
	MinServices int `json:"minServices"`
	// Offices holds the member id in each position; missing when vacant.
	Offices map[Position]p.ID `json:"offices"`
	// Constituted is the composition at the last change, and History
	// every change of it with its reasons (PANEL-8).
	Constituted bool           `json:"constituted"`
	History     []StatusChange `json:"history"`
	CreatedAt   time.Time      `json:"createdAt"`
}

// StatusChange records the panel entering or leaving the constituted
// state, why, and what caused it.
type StatusChange struct {
	At          time.Time `json:"at"`
	Constituted bool      `json:"constituted"`
	Reasons     []Reason  `json:"reasons,omitempty"`
	Cause       string    `json:"cause"`
}

func (x *Panel) clone() *Panel {
	cp := *x
	cp.Offices = make(map[Position]p.ID, len(x.Offices))
	for k, v := range x.Offices {
		cp.Offices[k] = v
	}
	cp.History = append([]StatusChange(nil), x.History...)
	return &cp
}

// Member is one membership: a person on a panel for a term, representing
// a service.
type Member struct {
	ID     p.ID       `json:"id"`
	Panel  p.ID       `json:"panel"`
	Person p.ID       `json:"person"`
	Type   MemberType `json:"type"`
	// Service is the service the member represents (PANEL-3).
	Service string `json:"service"`
	// Start and End are the term; a zero End is open.
	Start time.Time `json:"start"`
	End   time.Time `json:"end,omitzero"`
	// Left is when the member left before the term ended, and why.
	Left       time.Time `json:"left,omitzero"`
	LeftReason string    `json:"leftReason,omitempty"`
	// Name is sealed under the person's key.
	Name p.Sealed `json:"name"`
}

// ActiveAt reports whether the membership is in force at t.
func (m *Member) ActiveAt(t time.Time) bool {
	if t.Before(m.Start) {
		return false
	}
	if !m.End.IsZero() && !t.Before(m.End) {
		return false
	}
	return m.Left.IsZero() || t.Before(m.Left)
}

// Topic is a matter for the panel, raised by a member or the
// organisation (PANEL-5). Each topic is also a contribution in the loop.
type Topic struct {
	ID           p.ID        `json:"id"`
	Panel        p.ID        `json:"panel"`
	Title        string      `json:"title"`
	Description  string      `json:"description,omitempty"`
	Source       TopicSource `json:"source"`
	RaisedBy     p.ID        `json:"raisedBy"`
	State        TopicState  `json:"state"`
	Contribution p.ID        `json:"contribution"`
	RaisedAt     time.Time   `json:"raisedAt"`
}

// Meeting is a meeting of the panel with its agenda, attendance and
// minutes (PANEL-6).
type Meeting struct {
	ID     p.ID      `json:"id"`
	Panel  p.ID      `json:"panel"`
	Date   time.Time `json:"date"`
	Agenda []p.ID    `json:"agenda"`
	// Held is set when attendance is recorded; Present are member ids.
	Held    bool   `json:"held"`
	Present []p.ID `json:"present,omitempty"`
	// Official says whether the meeting could adopt statements, and
	// NotOfficial why not.
	Official    bool     `json:"official"`
	NotOfficial []Reason `json:"notOfficial,omitempty"`
	// Minutes are written by the secretary and approved by the chair.
	Minutes         string    `json:"minutes,omitempty"`
	MinutesBy       p.ID      `json:"minutesBy,omitzero"`
	MinutesApproved time.Time `json:"minutesApproved,omitzero"`
	ApprovedBy      p.ID      `json:"approvedBy,omitzero"`
}

// Statement is the panel's position on a matter, adopted at an official
// meeting, sent to the answering party and tracked in the loop (PANEL-7).
type Statement struct {
	ID             p.ID      `json:"id"`
	Panel          p.ID      `json:"panel"`
	Meeting        p.ID      `json:"meeting"`
	Topic          p.ID      `json:"topic,omitzero"`
	Text           string    `json:"text"`
	AnsweringParty string    `json:"answeringParty"`
	Contribution   p.ID      `json:"contribution"`
	AdoptedAt      time.Time `json:"adoptedAt"`
	// Answer is the organisation's answer, once given.
	Answer *Answer `json:"answer,omitempty"`
}

// Answer is the answering party's reply to a statement.
type Answer struct {
	Decision p.Decision `json:"decision"`
	Reason   string     `json:"reason,omitempty"`
	Response string     `json:"response"`
	By       p.ID       `json:"by"`
	At       time.Time  `json:"at"`
}
