package panel

import (
	"time"

	"github.com/hashicorp/go-memdb"

	p "github.com/osallisuus/osallisuus/participation"
)

// Tables of the panel module.
const (
	tablePanels     = "panels"
	tableMembers    = "panel_members"
	tableTopics     = "panel_topics"
	tableMeetings   = "panel_meetings"
	tableStatements = "panel_statements"
	tableLots       = "panel_lots"
)

// Actions of the panel module (PART-7).
const (
	ActionCreate          p.Action = "panel.create"
	ActionAddMember       p.Action = "panel.add_member"
	ActionEndMembership   p.Action = "panel.end_membership"
	ActionAppoint         p.Action = "panel.appoint"
	ActionVacate          p.Action = "panel.vacate"
	ActionRaiseTopic      p.Action = "panel.raise_topic"
	ActionCloseTopic      p.Action = "panel.close_topic"
	ActionScheduleMeeting p.Action = "panel.schedule_meeting"
	ActionHoldMeeting     p.Action = "panel.hold_meeting"
	ActionWriteMinutes    p.Action = "panel.write_minutes"
	ActionApproveMinutes  p.Action = "panel.approve_minutes"
	ActionAdoptStatement  p.Action = "panel.adopt_statement"
	ActionAnswerStatement p.Action = "panel.answer_statement"
	ActionDrawLot         p.Action = "panel.draw_lot"
)

// Events of the panel module.
type (
	// Created: a panel was set up.
	Created struct {
		Panel          p.ID   `json:"panel"`
		Name           string `json:"name"`
		Kind           Kind   `json:"kind"`
		Unit           string `json:"unit"`
		Coordinator    p.ID   `json:"coordinator"`
		AnsweringParty string `json:"answeringParty"`
		MinMembers     int    `json:"minMembers"`
		MinServices    int    `json:"minServices"`
	}
	// MemberAdded: a person joined for a term.
	MemberAdded struct {
		Member  p.ID       `json:"member"`
		Panel   p.ID       `json:"panel"`
		Person  p.ID       `json:"person"`
		Type    MemberType `json:"type"`
		Service string     `json:"service"`
		Start   time.Time  `json:"start"`
		End     time.Time  `json:"end,omitzero"`
		Name    p.Sealed   `json:"name"`
		Lot     p.ID       `json:"lot,omitzero"`
	}
	// MembershipEnded: a member left before the term ended.
	MembershipEnded struct {
		Member p.ID `json:"member"`
		Panel  p.ID `json:"panel"`
		// Reason is about the member: sealed under their key (PRIV-2).
		Reason p.Sealed `json:"reason"`
	}
	// PositionFilled: a member took a position.
	PositionFilled struct {
		Panel    p.ID     `json:"panel"`
		Position Position `json:"position"`
		Member   p.ID     `json:"member"`
	}
	// PositionVacated: a position fell vacant.
	PositionVacated struct {
		Panel    p.ID     `json:"panel"`
		Position Position `json:"position"`
		// Reason is about the member who held the position: sealed under
		// their key (PRIV-2).
		Reason p.Sealed `json:"reason"`
	}
	// TopicRaised: a topic was brought to the panel.
	TopicRaised struct {
		Topic        p.ID        `json:"topic"`
		Panel        p.ID        `json:"panel"`
		Title        string      `json:"title"`
		Description  string      `json:"description,omitempty"`
		Source       TopicSource `json:"source"`
		RaisedBy     p.ID        `json:"raisedBy"`
		Contribution p.ID        `json:"contribution"`
		// A member's topic is in their own words: its title and
		// description are sealed under their key (PRIV-2), and Title and
		// Description are empty. The organisation's topics are plain.
		SealedTitle       p.Sealed `json:"sealedTitle,omitzero"`
		SealedDescription p.Sealed `json:"sealedDescription,omitzero"`
	}
	// TopicClosed: the panel is done with a topic.
	TopicClosed struct {
		Topic p.ID `json:"topic"`
	}
	// MeetingScheduled: a meeting with its agenda.
	MeetingScheduled struct {
		Meeting p.ID      `json:"meeting"`
		Panel   p.ID      `json:"panel"`
		Date    time.Time `json:"date"`
		Agenda  []p.ID    `json:"agenda"`
	}
	// MeetingHeld: attendance and whether the meeting was official.
	MeetingHeld struct {
		Meeting     p.ID     `json:"meeting"`
		Present     []p.ID   `json:"present"`
		Official    bool     `json:"official"`
		NotOfficial []Reason `json:"notOfficial,omitempty"`
	}
	// MinutesWritten: the secretary's minutes.
	MinutesWritten struct {
		Meeting p.ID   `json:"meeting"`
		Text    string `json:"text"`
	}
	// MinutesApproved: the chair approved the minutes.
	MinutesApproved struct {
		Meeting p.ID `json:"meeting"`
	}
	// StatementAdopted: an official meeting adopted a statement, now sent
	// to the answering party.
	StatementAdopted struct {
		Statement      p.ID   `json:"statement"`
		Panel          p.ID   `json:"panel"`
		Meeting        p.ID   `json:"meeting"`
		Topic          p.ID   `json:"topic,omitzero"`
		Text           string `json:"text"`
		AnsweringParty string `json:"answeringParty"`
		Contribution   p.ID   `json:"contribution"`
	}
	// StatementAnswered: the answering party's answer came back.
	StatementAnswered struct {
		Statement p.ID       `json:"statement"`
		Decision  p.Decision `json:"decision"`
		Reason    string     `json:"reason,omitempty"`
		Response  string     `json:"response"`
	}
	// LotDrawn: members were drawn by stratified lot; the volunteers, the
	// seed and the outcome are all here, so anyone can redo the draw.
	LotDrawn struct {
		Lot        p.ID           `json:"lot"`
		Panel      p.ID           `json:"panel"`
		Seed       uint64         `json:"seed"`
		Seats      int            `json:"seats"`
		Volunteers []Volunteer    `json:"volunteers"`
		Chosen     []int          `json:"chosen"`
		Allocation map[string]int `json:"allocation"`
	}
)

// EventType implements participation.EventData.
func (Created) EventType() string { return "panel.created" }

// EventType implements participation.EventData.
func (MemberAdded) EventType() string { return "panel.member_added" }

// EventType implements participation.EventData.
func (MembershipEnded) EventType() string { return "panel.membership_ended" }

// EventType implements participation.EventData.
func (PositionFilled) EventType() string { return "panel.position_filled" }

// EventType implements participation.EventData.
func (PositionVacated) EventType() string { return "panel.position_vacated" }

// EventType implements participation.EventData.
func (TopicRaised) EventType() string { return "panel.topic_raised" }

// EventType implements participation.EventData.
func (TopicClosed) EventType() string { return "panel.topic_closed" }

// EventType implements participation.EventData.
func (MeetingScheduled) EventType() string { return "panel.meeting_scheduled" }

// EventType implements participation.EventData.
func (MeetingHeld) EventType() string { return "panel.meeting_held" }

// EventType implements participation.EventData.
func (MinutesWritten) EventType() string { return "panel.minutes_written" }

// EventType implements participation.EventData.
func (MinutesApproved) EventType() string { return "panel.minutes_approved" }

// EventType implements participation.EventData.
func (StatementAdopted) EventType() string { return "panel.statement_adopted" }

// EventType implements participation.EventData.
func (StatementAnswered) EventType() string { return "panel.statement_answered" }

// EventType implements participation.EventData.
func (LotDrawn) EventType() string { return "panel.lot_drawn" }

// fields classifies the panel events' fields (PRIV-2). Minutes and
// statements are the panel's record, written in office by its secretary
// or chair and adopted by the panel, like a council's minutes: they are
// organisation text and stay when a member is erased; members appear in
// them by id only. A member's own topic, and reasons about one member,
// are sealed under that member's key.
var fields = []p.FieldRule{
	{Event: "panel.created", Path: "name", Class: p.FieldOrganisation},
	{Event: "panel.created", Path: "kind", Class: p.FieldCode},
	{Event: "panel.created", Path: "unit", Class: p.FieldCode},
	{Event: "panel.created", Path: "answeringParty", Class: p.FieldOrganisation},
	{Event: "panel.member_added", Path: "type", Class: p.FieldCode},
	{Event: "panel.member_added", Path: "service", Class: p.FieldCode},
	{Event: "panel.member_added", Path: "name", Class: p.FieldSealed, Key: "person"},
	{Event: "panel.membership_ended", Path: "reason", Class: p.FieldSealed, Key: "the member's person"},
	{Event: "panel.position_filled", Path: "position", Class: p.FieldCode},
	{Event: "panel.position_vacated", Path: "position", Class: p.FieldCode},
	{Event: "panel.position_vacated", Path: "reason", Class: p.FieldSealed, Key: "the person who held the position"},
	{Event: "panel.topic_raised", Path: "title", Class: p.FieldOrganisation},
	{Event: "panel.topic_raised", Path: "description", Class: p.FieldOrganisation},
	{Event: "panel.topic_raised", Path: "sealedTitle", Class: p.FieldSealed, Key: "raisedBy (a member)"},
	{Event: "panel.topic_raised", Path: "sealedDescription", Class: p.FieldSealed, Key: "raisedBy (a member)"},
	{Event: "panel.topic_raised", Path: "source", Class: p.FieldCode},
	{Event: "panel.meeting_held", Path: "notOfficial[].code", Class: p.FieldCode},
	{Event: "panel.meeting_held", Path: "notOfficial[].position", Class: p.FieldCode},
	{Event: "panel.minutes_written", Path: "text", Class: p.FieldOrganisation},
	{Event: "panel.statement_adopted", Path: "text", Class: p.FieldOrganisation},
	{Event: "panel.statement_adopted", Path: "answeringParty", Class: p.FieldOrganisation},
	{Event: "panel.statement_answered", Path: "decision", Class: p.FieldCode},
	{Event: "panel.statement_answered", Path: "reason", Class: p.FieldOrganisation},
	{Event: "panel.statement_answered", Path: "response", Class: p.FieldOrganisation},
	{Event: "panel.lot_drawn", Path: "volunteers[].service", Class: p.FieldCode},
	{Event: "panel.lot_drawn", Path: "volunteers[].type", Class: p.FieldCode},
	{Event: "panel.lot_drawn", Path: "allocation{key}", Class: p.FieldCode},
}

// erase writes [p.ErasedText] over what the panel's rows hold in the
// erased person's words or about them: the reason they left, and the
// topics they raised as a member.
func erase(tx *p.Tx, subject p.ID) error {
	members, err := p.Collect[*Member](tx, tableMembers, "person", nil, subject)
	if err != nil {
		return err
	}
	for _, old := range members {
		if old.LeftReason == "" {
			continue
		}
		cp := *old
		cp.LeftReason = p.Erased(cp.LeftReason)
		if err := tx.Insert(tableMembers, &cp); err != nil {
			return err
		}
	}
	topics, err := p.Collect[*Topic](tx, tableTopics, "member", nil, subject)
	if err != nil {
		return err
	}
	for _, old := range topics {
		cp := *old
		cp.Title, cp.Description = p.Erased(cp.Title), p.Erased(cp.Description)
		if err := tx.Insert(tableTopics, &cp); err != nil {
			return err
		}
	}
	return nil
}

// Lot is the record of one stratified draw.
type Lot struct {
	ID         p.ID           `json:"id"`
	Panel      p.ID           `json:"panel"`
	Seed       uint64         `json:"seed"`
	Seats      int            `json:"seats"`
	Volunteers []Volunteer    `json:"volunteers"`
	Chosen     []int          `json:"chosen"`
	Allocation map[string]int `json:"allocation"`
	DrawnAt    time.Time      `json:"drawnAt"`
}

// Module returns the panel module, to pass to participation.Open.
func Module() p.Module {
	member := []p.Role{p.RoleClient, p.RoleFamilyMember, p.RoleExpert, p.RoleDeveloperClient}
	with := func(roles []p.Role, more ...p.Role) []p.Role { return append(append([]p.Role(nil), roles...), more...) }
	return p.Module{
		Name: "panel",
		Tables: []*memdb.TableSchema{
			{Name: tablePanels, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Panel) p.ID { return x.ID })},
			}},
			{Name: tableMembers, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Member) p.ID { return x.ID })},
				// panel: the composition check reads one panel's members only.
				"panel": {Name: "panel", Indexer: p.IndexID(func(x *Member) p.ID { return x.Panel })},
				// person: a person's memberships, and erasure.
				"person": {Name: "person", Indexer: p.IndexID(func(x *Member) p.ID { return x.Person })},
			}},
			{Name: tableTopics, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Topic) p.ID { return x.ID })},
				// panel: a panel's topics, for agendas and the topic share.
				"panel": {Name: "panel", Indexer: p.IndexID(func(x *Topic) p.ID { return x.Panel })},
				// member: topics raised by a member in their own words, for erasure.
				"member": {Name: "member", AllowMissing: true, Indexer: p.IndexID(func(x *Topic) p.ID {
					if x.Source != FromMember {
						return p.ID{}
					}
					return x.RaisedBy
				})},
			}},
			{Name: tableMeetings, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Meeting) p.ID { return x.ID })},
				// panel: a panel's meetings.
				"panel": {Name: "panel", Indexer: p.IndexID(func(x *Meeting) p.ID { return x.Panel })},
			}},
			{Name: tableStatements, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Statement) p.ID { return x.ID })},
				// panel: a panel's statements with their answers.
				"panel": {Name: "panel", Indexer: p.IndexID(func(x *Statement) p.ID { return x.Panel })},
			}},
			{Name: tableLots, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(x *Lot) p.ID { return x.ID })},
			}},
		},
		Events: []p.EventType{
			p.Handle(applyCreated),
			p.Handle(applyMemberAdded),
			p.Handle(applyMembershipEnded),
			p.Handle(applyPositionFilled),
			p.Handle(applyPositionVacated),
			p.Handle(applyTopicRaised),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d TopicClosed) error {
				return update(tx, tableTopics, d.Topic, func(t *Topic) { t.State = TopicHandled })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d MeetingScheduled) error {
				return tx.Insert(tableMeetings, &Meeting{ID: d.Meeting, Panel: d.Panel, Date: d.Date, Agenda: d.Agenda})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d MeetingHeld) error {
				mt, err := get[Meeting](tx, tableMeetings, "meeting", d.Meeting)
				if err != nil {
					return err
				}
				x, err := getPanel(tx, mt.Panel)
				if err != nil {
					return err
				}
				var people []p.ID
				for _, id := range d.Present {
					if mb, err := get[Member](tx, tableMembers, "member", id); err == nil {
						people = append(people, mb.Person)
					}
				}
				p.RecordActivity(tx, m.Time, p.Activity{Level: p.LevelDialogue, Unit: x.Unit, People: people})
				return update(tx, tableMeetings, d.Meeting, func(x *Meeting) {
					x.Held, x.Present, x.Official, x.NotOfficial = true, d.Present, d.Official, d.NotOfficial
				})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d MinutesWritten) error {
				return update(tx, tableMeetings, d.Meeting, func(x *Meeting) {
					x.Minutes, x.MinutesBy, x.MinutesApproved, x.ApprovedBy = d.Text, m.Actor.ID, time.Time{}, p.ID{}
				})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d MinutesApproved) error {
				return update(tx, tableMeetings, d.Meeting, func(x *Meeting) { x.MinutesApproved, x.ApprovedBy = m.Time, m.Actor.ID })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d StatementAdopted) error {
				return tx.Insert(tableStatements, &Statement{
					ID: d.Statement, Panel: d.Panel, Meeting: d.Meeting, Topic: d.Topic, Text: d.Text,
					AnsweringParty: d.AnsweringParty, Contribution: d.Contribution, AdoptedAt: m.Time,
				})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d StatementAnswered) error {
				return update(tx, tableStatements, d.Statement, func(x *Statement) {
					x.Answer = &Answer{Decision: d.Decision, Reason: d.Reason, Response: d.Response, By: m.Actor.ID, At: m.Time}
				})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d LotDrawn) error {
				return tx.Insert(tableLots, &Lot{ID: d.Lot, Panel: d.Panel, Seed: d.Seed, Seats: d.Seats,
					Volunteers: d.Volunteers, Chosen: d.Chosen, Allocation: d.Allocation, DrawnAt: m.Time})
			}),
		},
		Fields: fields,
		Erase:  erase,
		Actions: []p.ActionRule{
			{Action: ActionCreate, Roles: []p.Role{p.RoleCoordinator, p.RoleManager, p.RoleAdmin}, Doc: "set up a panel"},
			{Action: ActionAddMember, Roles: []p.Role{p.RoleCoordinator}, Doc: "add a member for a term"},
			{Action: ActionEndMembership, Roles: with(member, p.RoleStaff, p.RoleCoordinator), Doc: "end a membership (the coordinator, or members their own)"},
			{Action: ActionAppoint, Roles: []p.Role{p.RoleCoordinator}, Doc: "appoint a member to a position"},
			{Action: ActionVacate, Roles: []p.Role{p.RoleCoordinator}, Doc: "declare a position vacant"},
			{Action: ActionRaiseTopic, Roles: with(member, p.RoleStaff, p.RoleCoordinator, p.RoleManager), Doc: "raise a topic (members as members, staff for the organisation)"},
			{Action: ActionCloseTopic, Roles: []p.Role{p.RoleCoordinator}, Doc: "mark a topic handled"},
			{Action: ActionScheduleMeeting, Roles: []p.Role{p.RoleCoordinator}, Doc: "schedule a meeting with its agenda"},
			{Action: ActionHoldMeeting, Roles: with(member, p.RoleCoordinator), Doc: "record attendance (the coordinator or the secretary)"},
			{Action: ActionWriteMinutes, Roles: member, Doc: "write the minutes (the secretary)"},
			{Action: ActionApproveMinutes, Roles: member, Doc: "approve the minutes (the chair)"},
			{Action: ActionAdoptStatement, Roles: with(member, p.RoleCoordinator), Doc: "record a statement adopted at an official meeting (the coordinator, the chair or the secretary)"},
			{Action: ActionAnswerStatement, Roles: []p.Role{p.RoleManager}, Doc: "answer a statement for the answering party"},
			{Action: ActionDrawLot, Roles: []p.Role{p.RoleCoordinator}, Doc: "draw members by stratified lot"},
		},
	}
}

// update copies a row, changes the copy and writes it back: rows in memdb
// are never changed in place.
func update[T any](tx *p.Tx, table string, id p.ID, change func(*T)) error {
	old, ok, err := p.Lookup[*T](tx, table, "id", id)
	if err != nil {
		return err
	}
	if !ok {
		return p.Errorf(p.ENOTFOUND, "%s: %s not found", table, id)
	}
	cp := *old
	change(&cp)
	return tx.Insert(table, &cp)
}

func applyCreated(tx *p.Tx, m p.EventMeta, d Created) error {
	x := &Panel{
		ID: d.Panel, Name: d.Name, Kind: d.Kind, Unit: d.Unit, Coordinator: d.Coordinator, AnsweringParty: d.AnsweringParty,
		MinMembers: d.MinMembers, MinServices: d.MinServices, Offices: map[Position]p.ID{}, CreatedAt: m.Time,
	}
	return tx.Insert(tablePanels, x)
}

func applyMemberAdded(tx *p.Tx, m p.EventMeta, d MemberAdded) error {
	if x, err := getPanel(tx, d.Panel); err == nil {
		p.RecordActivity(tx, m.Time, p.Activity{Level: p.LevelDialogue, Unit: x.Unit, People: []p.ID{d.Person}})
	}
	err := tx.Insert(tableMembers, &Member{ID: d.Member, Panel: d.Panel, Person: d.Person, Type: d.Type,
		Service: d.Service, Start: d.Start, End: d.End, Name: d.Name})
	if err != nil {
		return err
	}
	return refreshStatus(tx, d.Panel, m.Time, "member_added")
}

func applyMembershipEnded(tx *p.Tx, m p.EventMeta, d MembershipEnded) error {
	reason, err := p.OpenText(tx.Vault(), d.Reason)
	if err != nil {
		return err
	}
	err = update(tx, tableMembers, d.Member, func(x *Member) { x.Left, x.LeftReason = m.Time, reason })
	if err != nil {
		return err
	}
	return refreshStatus(tx, d.Panel, m.Time, "member_left")
}

func applyPositionFilled(tx *p.Tx, m p.EventMeta, d PositionFilled) error {
	return setOffice(tx, m, d.Panel, d.Position, d.Member, "position_filled")
}

func applyPositionVacated(tx *p.Tx, m p.EventMeta, d PositionVacated) error {
	return setOffice(tx, m, d.Panel, d.Position, p.ID{}, "position_vacated")
}

// setOffice puts member in a position, or vacates it for the zero id, and
// re-runs the composition check.
func setOffice(tx *p.Tx, m p.EventMeta, panelID p.ID, pos Position, member p.ID, cause string) error {
	x, err := getPanel(tx, panelID)
	if err != nil {
		return err
	}
	x = x.clone()
	if member.IsZero() {
		delete(x.Offices, pos)
	} else {
		x.Offices[pos] = member
	}
	if err := tx.Insert(tablePanels, x); err != nil {
		return err
	}
	return refreshStatus(tx, panelID, m.Time, cause)
}

func applyTopicRaised(tx *p.Tx, m p.EventMeta, d TopicRaised) error {
	if !d.SealedTitle.IsZero() {
		var err error
		if d.Title, err = p.OpenText(tx.Vault(), d.SealedTitle); err != nil {
			return err
		}
		if d.Description, err = p.OpenText(tx.Vault(), d.SealedDescription); err != nil {
			return err
		}
	}
	return tx.Insert(tableTopics, &Topic{ID: d.Topic, Panel: d.Panel, Title: d.Title, Description: d.Description,
		Source: d.Source, RaisedBy: d.RaisedBy, State: TopicOpen, Contribution: d.Contribution, RaisedAt: m.Time})
}

// refreshStatus re-runs the composition check after a change and, when
// the panel enters or leaves the constituted state, records it with the
// reasons (PANEL-8).
func refreshStatus(tx *p.Tx, panelID p.ID, at time.Time, cause string) error {
	x, err := getPanel(tx, panelID)
	if err != nil {
		return err
	}
	members, err := panelMembers(tx, panelID)
	if err != nil {
		return err
	}
	c := Check(x, members, at)
	if c.Constituted == x.Constituted {
		return nil
	}
	x = x.clone()
	x.Constituted = c.Constituted
	ch := StatusChange{At: at, Constituted: c.Constituted, Cause: cause}
	if !c.Constituted {
		ch.Reasons = c.Reasons
	}
	x.History = append(x.History, ch)
	return tx.Insert(tablePanels, x)
}
