package panel

import (
	"context"
	"slices"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Domain error codes of the panel module, for callers that must branch.
const (
	// ENOTCONSTITUTED: the panel lacks members or positions for this.
	ENOTCONSTITUTED = "not_constituted"
	// ENOTOFFICIAL: the meeting was not official, so it cannot adopt.
	ENOTOFFICIAL = "not_official"
)

// Limits on input.
const (
	MaxNameLen       = 200
	MaxMinutesLen    = 20000
	MaxVolunteers    = 2000
	MaxAgenda        = 100
	maxTermYears     = 10
	sourceModuleName = "panel"
)

// Panels runs the panel module's commands on a store opened with
// [Module].
type Panels struct {
	s *p.Store
}

// New returns the panel service over s.
func New(s *p.Store) *Panels { return &Panels{s: s} }

// PanelInput sets up a panel.
type PanelInput struct {
	Name           string
	Kind           Kind
	Unit           string
	Coordinator    p.ID
	AnsweringParty string
	// MinMembers and MinServices raise the minimums; zero means the
	// defaults, 10 and 2. Lower values are refused.
	MinMembers  int
	MinServices int
}

// Create sets up a panel with its responsible party and the service
// management that answers it (PANEL-4).
func (ps *Panels) Create(ctx context.Context, actor p.Actor, in PanelInput) (*Panel, error) {
	var out *Panel
	err := ps.s.Exec(ctx, actor, ActionCreate, func(tx *p.Tx) error {
		var err error
		if in.Name, err = p.CheckName("name", in.Name, MaxNameLen, true); err != nil {
			return err
		}
		if !in.Kind.Valid() {
			return p.Invalid("kind", "%q is not a kind of panel; use client_panel, older_people_council, disability_council or youth_council", in.Kind)
		}
		if in.Unit, err = p.CheckName("unit", in.Unit, p.MaxCodeLen, true); err != nil {
			return err
		}
		if in.Coordinator.IsZero() {
			return p.Invalid("coordinator", "a panel needs a named responsible coordinator (PANEL-4)")
		}
		if in.AnsweringParty, err = p.CheckRequiredName("answeringParty", in.AnsweringParty, MaxNameLen, "name the service management that answers the panel (PANEL-4)"); err != nil {
			return err
		}
		if in.MinMembers == 0 {
			in.MinMembers = MinMembers
		}
		if in.MinMembers < MinMembers || in.MinMembers > MaxMembers {
			return p.Invalid("minMembers", "must be between %d and %d: policy may raise the minimum of %d, never lower it (PANEL-1)", MinMembers, MaxMembers, MinMembers)
		}
		if in.MinServices == 0 {
			in.MinServices = MinServices
		}
		if in.MinServices < MinServices || in.MinServices > in.MinMembers {
			return p.Invalid("minServices", "must be between %d and the minimum of members (PANEL-3)", MinServices)
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(Created{Panel: id, Name: in.Name, Kind: in.Kind, Unit: in.Unit, Coordinator: in.Coordinator,
			AnsweringParty: in.AnsweringParty, MinMembers: in.MinMembers, MinServices: in.MinServices}); err != nil {
			return err
		}
		out, err = getPanel(tx, id)
		return err
	})
	return out, err
}

// MemberInput adds a member.
type MemberInput struct {
	Panel   p.ID
	Person  p.ID
	Type    MemberType
	Service string
	// Start and End are the term; a zero Start means now, a zero End an
	// open term.
	Start time.Time
	End   time.Time
	// Name is sealed under the person's key.
	Name string
}

func (in *MemberInput) validate(now time.Time) error {
	if in.Person.IsZero() {
		return p.Invalid("person", "a member needs the person's id")
	}
	if !in.Type.Valid() {
		return p.Invalid("type", "%q is not a member type; use client, family_member, experience_expert, developer_client or staff", in.Type)
	}
	var err error
	if in.Service, err = p.CheckRequiredName("service", in.Service, p.MaxCodeLen, "name the service the member represents (PANEL-3)"); err != nil {
		return err
	}
	if in.Name, err = p.CheckName("name", in.Name, MaxNameLen, true); err != nil {
		return err
	}
	if in.Start.IsZero() {
		in.Start = now
	}
	in.Start = in.Start.UTC()
	if !in.End.IsZero() {
		in.End = in.End.UTC()
		if !in.End.After(in.Start) {
			return p.Invalid("end", "the term must end after it starts")
		}
		if in.End.After(in.Start.AddDate(maxTermYears, 0, 0)) {
			return p.Invalid("end", "a term may last at most %d years", maxTermYears)
		}
	}
	return nil
}

// addMemberTx checks and emits one membership.
func addMemberTx(tx *p.Tx, in MemberInput, lot p.ID) (p.ID, error) {
	if err := in.validate(tx.Now()); err != nil {
		return p.ID{}, err
	}
	if _, err := getPanel(tx, in.Panel); err != nil {
		return p.ID{}, err
	}
	members, err := panelMembers(tx, in.Panel)
	if err != nil {
		return p.ID{}, err
	}
	active := 0
	for _, m := range members {
		if m.ActiveAt(tx.Now()) {
			active++
		}
	}
	if active >= MaxMembers {
		return p.ID{}, p.Invalid("panel", "a panel has at most %d members in force", MaxMembers)
	}
	for _, m := range members {
		if m.Person == in.Person && (m.ActiveAt(in.Start) || m.ActiveAt(tx.Now())) {
			return p.ID{}, p.Errorf(p.ECONFLICT, "person %s is already a member of this panel", in.Person)
		}
	}
	id, err := tx.NewID()
	if err != nil {
		return p.ID{}, err
	}
	name, err := tx.Seal(in.Person, []byte(in.Name))
	if err != nil {
		return p.ID{}, err
	}
	return id, tx.Emit(MemberAdded{Member: id, Panel: in.Panel, Person: in.Person, Type: in.Type, Service: in.Service,
		Start: in.Start, End: in.End, Name: name, Lot: lot})
}

// AddMember adds a member for a term, representing a service.
func (ps *Panels) AddMember(ctx context.Context, actor p.Actor, in MemberInput) (*Member, error) {
	var out *Member
	err := ps.s.Exec(ctx, actor, ActionAddMember, func(tx *p.Tx) error {
		id, err := addMemberTx(tx, in, p.ID{})
		if err != nil {
			return err
		}
		out, err = get[Member](tx, tableMembers, "member", id)
		return err
	})
	return out, err
}

// EndMembership ends a membership before its term (PANEL-8): any position
// the member held falls vacant, and if the panel drops out of the
// constituted state its history says why. Members may end their own.
func (ps *Panels) EndMembership(ctx context.Context, actor p.Actor, memberID p.ID, reason string) error {
	return ps.s.Exec(ctx, actor, ActionEndMembership, func(tx *p.Tx) error {
		m, err := get[Member](tx, tableMembers, "member", memberID)
		if err != nil {
			return err
		}
		if actor.Role != p.RoleCoordinator && actor.ID != m.Person {
			return p.Errorf(p.EFORBIDDEN, "only the coordinator or the member may end a membership")
		}
		if reason, err = p.CheckText("reason", reason, p.MaxTextLen, true); err != nil {
			return err
		}
		if !m.ActiveAt(tx.Now()) {
			return p.Errorf(p.ECONFLICT, "membership %s is not in force", memberID)
		}
		x, err := getPanel(tx, m.Panel)
		if err != nil {
			return err
		}
		for _, pos := range Positions {
			if id, ok := x.Offices[pos]; ok && id == memberID {
				sealed, err := p.SealText(tx, m.Person, "member left: "+reason)
				if err != nil {
					return err
				}
				if err := tx.Emit(PositionVacated{Panel: m.Panel, Position: pos, Reason: sealed}); err != nil {
					return err
				}
			}
		}
		sealed, err := p.SealText(tx, m.Person, reason)
		if err != nil {
			return err
		}
		return tx.Emit(MembershipEnded{Member: memberID, Panel: m.Panel, Reason: sealed})
	})
}

// Appoint puts an active member in a vacant position (PANEL-2): chair and
// secretary are counting members, nobody holds two positions, and a
// filled position must be vacated first.
func (ps *Panels) Appoint(ctx context.Context, actor p.Actor, panelID p.ID, pos Position, memberID p.ID) error {
	return ps.s.Exec(ctx, actor, ActionAppoint, func(tx *p.Tx) error {
		if err := checkPosition(pos); err != nil {
			return err
		}
		x, err := getPanel(tx, panelID)
		if err != nil {
			return err
		}
		m, err := get[Member](tx, tableMembers, "member", memberID)
		if err != nil {
			return err
		}
		if m.Panel != panelID {
			return p.Invalid("member", "membership %s is on another panel", memberID)
		}
		if !m.ActiveAt(tx.Now()) {
			return p.Errorf(p.ECONFLICT, "membership %s is not in force, so it cannot hold a position", memberID)
		}
		if !m.Type.Counts() {
			return p.Errorf(p.ECONFLICT, "staff take part as facilitators and hold no position (PANEL-2)")
		}
		if holder, ok := x.Offices[pos]; ok {
			if holder == memberID {
				return p.Errorf(p.ECONFLICT, "the member already is %s", pos)
			}
			return p.Errorf(p.ECONFLICT, "the %s position is held; vacate it first", pos)
		}
		for other, holder := range x.Offices {
			h, err := get[Member](tx, tableMembers, "member", holder)
			if err != nil {
				return err
			}
			if h.Person == m.Person {
				return p.Errorf(p.ECONFLICT, "the member is already %s; nobody holds two positions (PANEL-2)", other)
			}
		}
		return tx.Emit(PositionFilled{Panel: panelID, Position: pos, Member: memberID})
	})
}

// Vacate declares a position vacant, with the reason (PANEL-8).
func (ps *Panels) Vacate(ctx context.Context, actor p.Actor, panelID p.ID, pos Position, reason string) error {
	return ps.s.Exec(ctx, actor, ActionVacate, func(tx *p.Tx) error {
		if err := checkPosition(pos); err != nil {
			return err
		}
		reason, err := p.CheckText("reason", reason, p.MaxTextLen, true)
		if err != nil {
			return err
		}
		x, err := getPanel(tx, panelID)
		if err != nil {
			return err
		}
		holder, ok := x.Offices[pos]
		if !ok {
			return p.Errorf(p.ECONFLICT, "the %s position is already vacant", pos)
		}
		h, err := get[Member](tx, tableMembers, "member", holder)
		if err != nil {
			return err
		}
		sealed, err := p.SealText(tx, h.Person, reason)
		if err != nil {
			return err
		}
		return tx.Emit(PositionVacated{Panel: panelID, Position: pos, Reason: sealed})
	})
}

// TopicInput raises a topic.
type TopicInput struct {
	Panel       p.ID
	Title       string
	Description string
}

// RaiseTopic brings a topic to the panel (PANEL-5). A member raises it as
// a member — the actor must hold an active membership —, staff raise it
// for the organisation. The topic also enters the contribution loop.
func (ps *Panels) RaiseTopic(ctx context.Context, actor p.Actor, in TopicInput) (*Topic, error) {
	var out *Topic
	err := ps.s.Exec(ctx, actor, ActionRaiseTopic, func(tx *p.Tx) error {
		x, err := getPanel(tx, in.Panel)
		if err != nil {
			return err
		}
		if in.Title, err = p.CheckText("title", in.Title, p.MaxTitleLen, true); err != nil {
			return err
		}
		if in.Description, err = p.CheckText("description", in.Description, p.MaxTextLen, false); err != nil {
			return err
		}
		source, origin := FromOrganisation, p.OriginOrganisation
		var contributors []p.ID
		var writer p.ID
		if actor.Role.IsClientSide() {
			members, err := panelMembers(tx, in.Panel)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(members, func(m *Member) bool { return m.Person == actor.ID && m.ActiveAt(tx.Now()) }) {
				return p.Errorf(p.EFORBIDDEN, "only members of the panel raise topics as members")
			}
			source, origin, contributors, writer = FromMember, p.OriginClient, []p.ID{actor.ID}, actor.ID
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		c, err := p.SubmitContribution(tx, p.ContributionInput{
			Source: p.Source{Module: sourceModuleName, Kind: "topic", Ref: id}, Level: p.LevelDialogue,
			Origin: origin, Unit: x.Unit, Title: in.Title, Contributors: contributors, Group: x.ID, Writer: writer,
		})
		if err != nil {
			return err
		}
		ev := TopicRaised{Topic: id, Panel: in.Panel, Title: in.Title, Description: in.Description,
			Source: source, RaisedBy: actor.ID, Contribution: c.ID}
		if !writer.IsZero() {
			// A member's topic is their own words (PRIV-2).
			ev.Title, ev.Description = "", ""
			if ev.SealedTitle, err = p.SealText(tx, writer, in.Title); err != nil {
				return err
			}
			if ev.SealedDescription, err = p.SealText(tx, writer, in.Description); err != nil {
				return err
			}
		}
		if err := tx.Emit(ev); err != nil {
			return err
		}
		out, err = get[Topic](tx, tableTopics, "topic", id)
		return err
	})
	return out, err
}

// CloseTopic marks a topic handled; it leaves the agenda pool.
func (ps *Panels) CloseTopic(ctx context.Context, actor p.Actor, topicID p.ID) error {
	return ps.s.Exec(ctx, actor, ActionCloseTopic, func(tx *p.Tx) error {
		t, err := get[Topic](tx, tableTopics, "topic", topicID)
		if err != nil {
			return err
		}
		if t.State != TopicOpen {
			return p.Errorf(p.ECONFLICT, "topic %s is already handled", topicID)
		}
		return tx.Emit(TopicClosed{Topic: topicID})
	})
}

// ScheduleMeeting plans a meeting. Its agenda is built from the panel's
// open topics: agenda names some of them, nil takes them all (PANEL-5).
func (ps *Panels) ScheduleMeeting(ctx context.Context, actor p.Actor, panelID p.ID, date time.Time, agenda []p.ID) (*Meeting, error) {
	var out *Meeting
	err := ps.s.Exec(ctx, actor, ActionScheduleMeeting, func(tx *p.Tx) error {
		if _, err := getPanel(tx, panelID); err != nil {
			return err
		}
		if date.IsZero() {
			return p.Invalid("date", "a meeting needs a date")
		}
		open, err := Topics(tx, panelID, true)
		if err != nil {
			return err
		}
		if agenda == nil {
			for _, t := range open {
				agenda = append(agenda, t.ID)
			}
		}
		if len(agenda) > MaxAgenda {
			return p.Invalid("agenda", "holds %d topics; the limit is %d", len(agenda), MaxAgenda)
		}
		for _, id := range agenda {
			if !slices.ContainsFunc(open, func(t *Topic) bool { return t.ID == id }) {
				return p.Invalid("agenda", "topic %s is not an open topic of this panel", id)
			}
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(MeetingScheduled{Meeting: id, Panel: panelID, Date: date.UTC(), Agenda: slices.Clone(agenda)}); err != nil {
			return err
		}
		out, err = get[Meeting](tx, tableMeetings, "meeting", id)
		return err
	})
	return out, err
}

// officeHolder reports whether actor is the person holding pos on x.
func officeHolder(tx *p.Tx, x *Panel, actor p.Actor, pos Position) (bool, error) {
	id, ok := x.Offices[pos]
	if !ok {
		return false, nil
	}
	m, err := get[Member](tx, tableMembers, "member", id)
	if err != nil {
		return false, err
	}
	return m.Person == actor.ID, nil
}

// HoldMeeting records who attended and whether the meeting was official
// (PANEL-6): the panel constituted, more than half of its members
// present, the chair or the vice chair among them. The coordinator or the
// secretary records it. An unofficial meeting is recorded too, with why.
func (ps *Panels) HoldMeeting(ctx context.Context, actor p.Actor, meetingID p.ID, present []p.ID) (*Meeting, error) {
	var out *Meeting
	err := ps.s.Exec(ctx, actor, ActionHoldMeeting, func(tx *p.Tx) error {
		mt, err := get[Meeting](tx, tableMeetings, "meeting", meetingID)
		if err != nil {
			return err
		}
		if mt.Held {
			return p.Errorf(p.ECONFLICT, "the attendance of meeting %s is already recorded", meetingID)
		}
		x, err := getPanel(tx, mt.Panel)
		if err != nil {
			return err
		}
		if actor.Role != p.RoleCoordinator {
			if ok, err := officeHolder(tx, x, actor, Secretary); err != nil || !ok {
				return orForbidden(err, "only the coordinator or the secretary records attendance")
			}
		}
		members, err := panelMembers(tx, mt.Panel)
		if err != nil {
			return err
		}
		seen := map[p.ID]bool{}
		for _, id := range present {
			if seen[id] {
				return p.Invalid("present", "member %s is listed twice", id)
			}
			seen[id] = true
			if !slices.ContainsFunc(members, func(m *Member) bool { return m.ID == id && m.ActiveAt(tx.Now()) }) {
				return p.Invalid("present", "%s is not an active member of the panel", id)
			}
		}
		official, reasons := CheckMeeting(x, members, present, tx.Now())
		if err := tx.Emit(MeetingHeld{Meeting: meetingID, Present: slices.Clone(present), Official: official, NotOfficial: reasons}); err != nil {
			return err
		}
		out, err = get[Meeting](tx, tableMeetings, "meeting", meetingID)
		return err
	})
	return out, err
}

// checkPosition refuses a value that is not one of the positions.
func checkPosition(pos Position) error {
	if !pos.Valid() {
		return p.Invalid("position", "%q is not a position; use %s", pos, positionLabels.OneOf())
	}
	return nil
}

func orForbidden(err error, msg string) error {
	if err != nil {
		return err
	}
	return p.Errorf(p.EFORBIDDEN, "%s", msg)
}

// meetingFor returns a meeting if actor holds pos on its panel, and an
// EFORBIDDEN error saying refusal otherwise.
func meetingFor(tx *p.Tx, meetingID p.ID, actor p.Actor, pos Position, refusal string) (*Meeting, error) {
	mt, err := get[Meeting](tx, tableMeetings, "meeting", meetingID)
	if err != nil {
		return nil, err
	}
	x, err := getPanel(tx, mt.Panel)
	if err != nil {
		return nil, err
	}
	if ok, err := officeHolder(tx, x, actor, pos); err != nil || !ok {
		return nil, orForbidden(err, refusal)
	}
	return mt, nil
}

// WriteMinutes records the minutes of a held meeting; only the secretary
// writes them (PANEL-6). Rewriting withdraws an earlier approval.
func (ps *Panels) WriteMinutes(ctx context.Context, actor p.Actor, meetingID p.ID, minutes string) error {
	return ps.s.Exec(ctx, actor, ActionWriteMinutes, func(tx *p.Tx) error {
		mt, err := meetingFor(tx, meetingID, actor, Secretary, "only the secretary writes the minutes (PANEL-6)")
		if err != nil {
			return err
		}
		if !mt.Held {
			return p.Errorf(p.ECONFLICT, "record the meeting's attendance before its minutes")
		}
		if minutes, err = p.CheckText("minutes", minutes, MaxMinutesLen, true); err != nil {
			return err
		}
		return tx.Emit(MinutesWritten{Meeting: meetingID, Text: minutes})
	})
}

// ApproveMinutes approves the minutes; only the chair may (PANEL-6).
func (ps *Panels) ApproveMinutes(ctx context.Context, actor p.Actor, meetingID p.ID) error {
	return ps.s.Exec(ctx, actor, ActionApproveMinutes, func(tx *p.Tx) error {
		mt, err := meetingFor(tx, meetingID, actor, Chair, "only the chair approves the minutes (PANEL-6)")
		if err != nil {
			return err
		}
		if mt.Minutes == "" {
			return p.Errorf(p.ECONFLICT, "there are no minutes to approve yet")
		}
		if !mt.MinutesApproved.IsZero() {
			return p.Errorf(p.ECONFLICT, "the minutes are already approved")
		}
		return tx.Emit(MinutesApproved{Meeting: meetingID})
	})
}

// StatementInput records a statement.
type StatementInput struct {
	Meeting p.ID
	// Topic is the topic the statement answers, if any; it must be on the
	// meeting's agenda.
	Topic p.ID
	Text  string
}

// AdoptStatement records a statement adopted at an official meeting
// (PANEL-7). It is sent to the panel's answering party and enters the
// contribution loop with the members present as its contributors. An
// unofficial meeting cannot adopt: the error has code ENOTOFFICIAL.
func (ps *Panels) AdoptStatement(ctx context.Context, actor p.Actor, in StatementInput) (*Statement, error) {
	var out *Statement
	err := ps.s.Exec(ctx, actor, ActionAdoptStatement, func(tx *p.Tx) error {
		mt, err := get[Meeting](tx, tableMeetings, "meeting", in.Meeting)
		if err != nil {
			return err
		}
		x, err := getPanel(tx, mt.Panel)
		if err != nil {
			return err
		}
		if actor.Role != p.RoleCoordinator {
			chair, err := officeHolder(tx, x, actor, Chair)
			if err != nil {
				return err
			}
			secretary, err := officeHolder(tx, x, actor, Secretary)
			if err != nil {
				return err
			}
			if !chair && !secretary {
				return p.Errorf(p.EFORBIDDEN, "only the coordinator, the chair or the secretary records a statement")
			}
		}
		if !mt.Held {
			return &p.Error{Code: ENOTOFFICIAL, Message: "the meeting has not been held: record its attendance first"}
		}
		if !mt.Official {
			return &p.Error{Code: ENOTOFFICIAL, Message: "the meeting was not official, so it cannot adopt statements (PANEL-6, PANEL-7)"}
		}
		if in.Text, err = p.CheckText("text", in.Text, p.MaxTextLen, true); err != nil {
			return err
		}
		if !in.Topic.IsZero() && !slices.Contains(mt.Agenda, in.Topic) {
			return p.Invalid("topic", "topic %s was not on the meeting's agenda", in.Topic)
		}
		members, err := panelMembers(tx, mt.Panel)
		if err != nil {
			return err
		}
		var contributors []p.ID
		for _, m := range members {
			if slices.Contains(mt.Present, m.ID) && m.Type.Counts() {
				contributors = append(contributors, m.Person)
			}
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		c, err := p.SubmitContribution(tx, p.ContributionInput{
			Source: p.Source{Module: sourceModuleName, Kind: "statement", Ref: id}, Level: p.LevelDialogue,
			Origin: p.OriginClient, Unit: x.Unit, Title: firstLine(x.Name+": "+in.Text, p.MaxTitleLen),
			Contributors: contributors, Group: x.ID,
		})
		if err != nil {
			return err
		}
		if err := tx.Emit(StatementAdopted{Statement: id, Panel: x.ID, Meeting: mt.ID, Topic: in.Topic, Text: in.Text,
			AnsweringParty: x.AnsweringParty, Contribution: c.ID}); err != nil {
			return err
		}
		out, err = get[Statement](tx, tableStatements, "statement", id)
		return err
	})
	return out, err
}

func firstLine(s string, max int) string {
	for i, r := range s {
		if r == '\n' {
			s = s[:i]
			break
		}
	}
	if rs := []rune(s); len(rs) > max {
		return string(rs[:max-1]) + "…"
	}
	return s
}

// AnswerStatement brings the answering party's answer back to the panel
// (PANEL-7): the statement's contribution is decided and reported back
// in the same command, and the answer shows on the statement. Each
// member who adopted it gets one outbox message of the answer (LOOP-1).
func (ps *Panels) AnswerStatement(ctx context.Context, actor p.Actor, statementID p.ID, decision p.Decision, reason, response string) (*Statement, error) {
	var out *Statement
	err := ps.s.Exec(ctx, actor, ActionAnswerStatement, func(tx *p.Tx) error {
		st, err := get[Statement](tx, tableStatements, "statement", statementID)
		if err != nil {
			return err
		}
		if st.Answer != nil {
			return p.Errorf(p.ECONFLICT, "statement %s is already answered", statementID)
		}
		c, err := p.GetContribution(tx, st.Contribution)
		if err != nil {
			return err
		}
		// The members hear of the answer once, not of each step (LOOP-1).
		err = p.HoldMessages(tx, func() (err error) {
			if !c.Reached(p.StateDecided) {
				if c, err = p.AdvanceContribution(tx, st.Contribution, p.StateDecided, decision, reason); err != nil {
					return err
				}
			}
			c, err = p.AdvanceContribution(tx, st.Contribution, p.StateReportedBack, "", response)
			return err
		})
		if err != nil {
			return err
		}
		if err := tx.Emit(StatementAnswered{Statement: statementID, Decision: c.Decision, Reason: c.Reason, Response: c.Response}); err != nil {
			return err
		}
		if err := p.Notify(tx, p.Notice{Kind: p.MessageStatementAnswered, Ref: statementID, Recipients: c.Contributors, Contribution: c.ID,
			Decision: c.Decision, Reason: c.Reason, Text: c.Response}); err != nil {
			return err
		}
		out, err = get[Statement](tx, tableStatements, "statement", statementID)
		return err
	})
	return out, err
}

// LotVolunteer is a volunteer for the lot with their name, which is
// sealed for those chosen and not kept for the others.
type LotVolunteer struct {
	Volunteer
	Name string
}

// LotInput draws members by lot.
type LotInput struct {
	Panel      p.ID
	Volunteers []LotVolunteer
	Seats      int
	// Seed makes the draw reproducible; it is recorded in the event.
	Seed uint64
	// Start and End are the chosen members' term.
	Start, End time.Time
}

// DrawLot draws members by stratified lot across services (PANEL-9) and
// adds those chosen as members. The draw, its seed and every volunteer's
// id and service are recorded in one event, so it can be audited and
// redone with [Draw].
func (ps *Panels) DrawLot(ctx context.Context, actor p.Actor, in LotInput) (*Lot, error) {
	var out *Lot
	err := ps.s.Exec(ctx, actor, ActionDrawLot, func(tx *p.Tx) error {
		if _, err := getPanel(tx, in.Panel); err != nil {
			return err
		}
		if len(in.Volunteers) == 0 || len(in.Volunteers) > MaxVolunteers {
			return p.Invalid("volunteers", "give between 1 and %d volunteers", MaxVolunteers)
		}
		if in.Seats < 1 || in.Seats > MaxMembers {
			return p.Invalid("seats", "must be between 1 and %d", MaxMembers)
		}
		vols := make([]Volunteer, len(in.Volunteers))
		seen := map[p.ID]bool{}
		for i, v := range in.Volunteers {
			if seen[v.Person] {
				return p.Invalid("volunteers", "person %s volunteers twice", v.Person)
			}
			seen[v.Person] = true
			probe := MemberInput{Panel: in.Panel, Person: v.Person, Type: v.Type, Service: v.Service, Name: v.Name, Start: in.Start, End: in.End}
			if err := probe.validate(tx.Now()); err != nil {
				return err
			}
			vols[i] = Volunteer{Person: v.Person, Service: probe.Service, Type: v.Type}
		}
		chosen, alloc := Draw(vols, in.Seats, in.Seed)
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(LotDrawn{Lot: id, Panel: in.Panel, Seed: in.Seed, Seats: in.Seats, Volunteers: vols, Chosen: chosen, Allocation: alloc}); err != nil {
			return err
		}
		for _, i := range chosen {
			v := in.Volunteers[i]
			if _, err := addMemberTx(tx, MemberInput{Panel: in.Panel, Person: v.Person, Type: v.Type, Service: v.Service,
				Name: v.Name, Start: in.Start, End: in.End}, id); err != nil {
				return err
			}
		}
		out, err = GetLot(tx, id)
		return err
	})
	return out, err
}
