package participation

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/go-memdb"

	"github.com/osallisuus/osallisuus/internal/scrub"
)

// Actions of the contribution loop and of erasure (PART-7).
const (
	ActionSubmit      Action = "contribution.submit"
	ActionAcknowledge Action = "contribution.acknowledge"
	ActionConsider    Action = "contribution.consider"
	ActionDecide      Action = "contribution.decide"
	ActionImplement   Action = "contribution.implement"
	ActionReportBack  Action = "contribution.report_back"
	ActionErase       Action = "subject.erase"
)

// Tables of the kernel.
const (
	TableContributions = "contributions"
	tableErasures      = "erasures"
)

// Events of the contribution loop. Each carries what its applier needs,
// so replay rebuilds the same rows.
type (
	// ContributionReceived starts a contribution's life.
	ContributionReceived struct {
		Contribution ID     `json:"contribution"`
		Source       Source `json:"source"`
		Level        Level  `json:"level"`
		Scope        Scope  `json:"scope,omitempty"`
		Origin       Origin `json:"origin"`
		Unit         string `json:"unit,omitempty"`
		Service      string `json:"service,omitempty"`
		// Title is a title in no one's own words: the organisation's, or
		// made from scrubbed anonymous feedback; scrubbed again.
		Title string `json:"title"`
		// SealedTitle is a title in a named person's own words, scrubbed
		// and sealed under their key (PRIV-2); Title is then empty.
		SealedTitle  Sealed `json:"sealedTitle,omitzero"`
		Contributors []ID   `json:"contributors,omitempty"`
		Group        ID     `json:"group,omitzero"`
		// The deadlines, fixed when the contribution arrives.
		AcknowledgeBy time.Time `json:"acknowledgeBy"`
		RespondBy     time.Time `json:"respondBy"`
		// RecordedBy is the role of the worker or integration who
		// entered the contribution through contribution.submit on behalf
		// of clients (PRIV-3); empty when the contributors submitted it
		// themselves or a module's command made it.
		RecordedBy Role `json:"recordedBy,omitempty"`
	}
	// ContributionAcknowledged records that someone has taken it up.
	ContributionAcknowledged struct {
		Contribution ID     `json:"contribution"`
		Note         string `json:"note,omitempty"`
		Implicit     bool   `json:"implicit,omitempty"`
	}
	// ContributionConsidered records that it is being considered.
	ContributionConsidered struct {
		Contribution ID     `json:"contribution"`
		Note         string `json:"note,omitempty"`
		Implicit     bool   `json:"implicit,omitempty"`
	}
	// ContributionDecided records the decision and its reason.
	ContributionDecided struct {
		Contribution ID       `json:"contribution"`
		Decision     Decision `json:"decision"`
		Reason       string   `json:"reason,omitempty"`
	}
	// ContributionImplemented records that an adopted input was put into
	// practice.
	ContributionImplemented struct {
		Contribution ID     `json:"contribution"`
		Note         string `json:"note,omitempty"`
	}
	// ContributionReportedBack records the response written to the
	// contributors; the loop is closed.
	ContributionReportedBack struct {
		Contribution ID     `json:"contribution"`
		Response     string `json:"response"`
	}
	// SubjectErased records that a person's sealed data was erased. It
	// holds the person's id and a reason, never the data.
	SubjectErased struct {
		Subject ID     `json:"subject"`
		Reason  string `json:"reason"`
	}
)

// EventType implements [EventData].
func (ContributionReceived) EventType() string { return "contribution.received" }

// EventType implements [EventData].
func (ContributionAcknowledged) EventType() string { return "contribution.acknowledged" }

// EventType implements [EventData].
func (ContributionConsidered) EventType() string { return "contribution.considered" }

// EventType implements [EventData].
func (ContributionDecided) EventType() string { return "contribution.decided" }

// EventType implements [EventData].
func (ContributionImplemented) EventType() string { return "contribution.implemented" }

// EventType implements [EventData].
func (ContributionReportedBack) EventType() string { return "contribution.reported_back" }

// EventType implements [EventData].
func (SubjectErased) EventType() string { return "subject.erased" }

// Erasure is the row that remembers an erased subject.
type Erasure struct {
	Subject ID        `json:"subject"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
}

func kernelModule() Module {
	staff := []Role{RoleStaff, RoleCoordinator, RoleManager}
	return Module{
		Name:     "participation",
		NewState: func() any { return newAggregates() },
		Dump:     dumpAggregates,
		Tables: append([]*memdb.TableSchema{
			{
				Name: tableErasures,
				Indexes: map[string]*memdb.IndexSchema{
					// id: one row per erased subject.
					"id": {Name: "id", Unique: true, Indexer: IndexID(func(e *Erasure) ID { return e.Subject })},
				},
			},
		}, slices.Concat(familyTables(), codevTables(), goalTables(), outboxTables(), releasedTables())...),
		Events: append([]EventType{
			Handle(applyReceived),
			Handle(func(tx *Tx, m EventMeta, d ContributionAcknowledged) error {
				return applyStep(tx, m, d.Contribution, StateAcknowledged, d.Note, d.Implicit, nil)
			}),
			Handle(func(tx *Tx, m EventMeta, d ContributionConsidered) error {
				return applyStep(tx, m, d.Contribution, StateUnderConsideration, d.Note, d.Implicit, nil)
			}),
			Handle(func(tx *Tx, m EventMeta, d ContributionDecided) error {
				return applyStep(tx, m, d.Contribution, StateDecided, d.Reason, false, func(c *Contribution) {
					c.Decision, c.Reason, c.DecidedAt = d.Decision, d.Reason, m.Time
				})
			}),
			Handle(func(tx *Tx, m EventMeta, d ContributionImplemented) error {
				return applyStep(tx, m, d.Contribution, StateImplemented, d.Note, false, func(c *Contribution) {
					c.ImplementedAt = m.Time
				})
			}),
			Handle(func(tx *Tx, m EventMeta, d ContributionReportedBack) error {
				return applyStep(tx, m, d.Contribution, StateReportedBack, "", false, func(c *Contribution) {
					c.Response, c.ReportedAt = d.Response, m.Time
				})
			}),
			AnonymousEvent(Handle(applyInboxReleased)),
			Handle(func(tx *Tx, m EventMeta, d SubjectErased) error {
				tx.erased = append(tx.erased, d.Subject)
				// Snapshots taken before the erasure hold the subject's
				// opened texts: they go once it is committed.
				s := tx.s
				tx.OnCommit(func() { snapshotsErased(s, m.Seq) })
				for _, erase := range tx.s.erasers {
					if err := erase(tx, d.Subject); err != nil {
						return err
					}
				}
				return tx.Insert(tableErasures, &Erasure{Subject: d.Subject, At: m.Time, Reason: d.Reason})
			}),
		}, slices.Concat(familyEvents(), codevEvents(), goalEvents(), outboxEvents())...),
		Fields: slices.Concat(loopFields, familyFields, codevFields, goalFields, outboxFields),
		Erase: func(tx *Tx, subject ID) error {
			for _, erase := range []func(*Tx, ID) error{eraseTitles, eraseGoals, eraseLogEntries, eraseOutbox} {
				if err := erase(tx, subject); err != nil {
					return err
				}
			}
			return nil
		},
		Actions: append([]ActionRule{
			{ActionSubmit, []Role{RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleStaff, RoleCoordinator, RoleManager, RoleSystem}, "submit a contribution directly (modules submit their own inside their commands)"},
			{ActionAcknowledge, append(slices.Clone(staff), RoleSystem), "acknowledge a contribution"},
			{ActionConsider, staff, "take a contribution under consideration"},
			{ActionDecide, []Role{RoleCoordinator, RoleManager}, "decide on a contribution"},
			{ActionImplement, staff, "mark an adopted contribution implemented"},
			{ActionReportBack, staff, "report back to the contributors"},
			{ActionErase, []Role{RoleAdmin, RoleSystem}, "erase a person's sealed data"},
			{ActionFamilyGrant, []Role{RoleClient, RoleStaff, RoleCoordinator}, "record a client's consent to a family member taking part"},
			{ActionFamilyWithdraw, []Role{RoleClient, RoleStaff, RoleCoordinator}, "withdraw a family consent"},
			{ActionFamilyTakePart, []Role{RoleFamilyMember}, "take part in a client's service as a family member"},
			{ActionProcessStart, staff, "start a co-development process"},
			{ActionProcessJoin, []Role{RoleStaff, RoleCoordinator}, "add a participant to a process"},
			{ActionProcessAdvance, []Role{RoleStaff, RoleCoordinator}, "move a process to its next phase"},
			{ActionProcessLog, []Role{RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleStaff, RoleCoordinator, RoleManager}, "document a decision (participants and staff)"},
			{ActionProcessLink, []Role{RoleStaff, RoleCoordinator}, "link a contribution into a process"},
			{ActionProcessIdea, []Role{RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleStaff, RoleCoordinator}, "raise an idea in a process (participants and staff)"},
			{ActionProcessClose, []Role{RoleCoordinator, RoleManager}, "close a process with its results summary"},
			{ActionGoalWrite, []Role{RoleClient}, "write one's own change goal"},
			{ActionGoalReplan, []Role{RoleClient}, "replan one's own goal"},
			{ActionGoalSupport, []Role{RoleStaff, RoleCoordinator}, "record a worker's support for a goal"},
			{ActionGoalProgress, []Role{RoleClient, RoleStaff, RoleCoordinator}, "note progress on a goal"},
			{ActionGoalReach, []Role{RoleClient, RoleStaff, RoleCoordinator}, "mark a goal reached"},
		}, outboxActions()...),
	}
}

// loopFields classifies the fields of the loop's and erasure's events
// (PRIV-2). Notes, reasons and responses are written by staff in the
// organisation's role.
var loopFields = []FieldRule{
	{"contribution.received", "source.module", FieldCode, ""},
	{"contribution.received", "source.kind", FieldCode, ""},
	{"contribution.received", "level", FieldCode, ""},
	{"contribution.received", "scope", FieldCode, ""},
	{"contribution.received", "origin", FieldCode, ""},
	{"contribution.received", "unit", FieldCode, ""},
	{"contribution.received", "service", FieldCode, ""},
	{"contribution.received", "title", FieldScrubbed, ""},
	{"contribution.received", "sealedTitle", FieldSealed, "the person whose words it is (ContributionInput.Writer)"},
	{"contribution.received", "recordedBy", FieldCode, ""},
	{"contribution.acknowledged", "note", FieldOrganisation, ""},
	{"contribution.considered", "note", FieldOrganisation, ""},
	{"contribution.decided", "decision", FieldCode, ""},
	{"contribution.decided", "reason", FieldOrganisation, ""},
	{"contribution.implemented", "note", FieldOrganisation, ""},
	{"contribution.reported_back", "response", FieldOrganisation, ""},
	{"subject.erased", "reason", FieldOrganisation, ""},
}

// eraseTitles writes [ErasedText] over the titles sealed under subject's
// key.
func eraseTitles(tx *Tx, subject ID) error {
	cs, err := Collect[*Contribution](tx, TableContributions, "title_by", nil, subject)
	if err != nil {
		return err
	}
	for _, old := range cs {
		c := ownRow(old)
		c.Title = Erased(c.Title)
		if err := tx.Insert(TableContributions, c); err != nil {
			return err
		}
	}
	return nil
}

func applyReceived(tx *Tx, m EventMeta, d ContributionReceived) error {
	title := d.Title
	if !d.SealedTitle.IsZero() {
		var err error
		if title, err = OpenText(tx.Vault(), d.SealedTitle); err != nil {
			return err
		}
	}
	a := tx.State("participation").(*aggregates)
	src := Source{Module: a.code(d.Source.Module), Kind: a.code(d.Source.Kind), Ref: d.Source.Ref}
	c := &Contribution{
		ID: d.Contribution, Source: src, Level: Level(a.code(string(d.Level))), Scope: Scope(a.code(string(d.Scope))), Origin: Origin(a.code(string(d.Origin))),
		Unit: a.code(d.Unit), Service: a.code(d.Service), Title: title, TitleBy: d.SealedTitle.Subject, Contributors: d.Contributors, Group: d.Group, RecordedBy: Role(a.code(string(d.RecordedBy))),
		State: StateReceived, ReceivedAt: m.Time, AcknowledgeBy: d.AcknowledgeBy, RespondBy: d.RespondBy,
		History: []Step{{State: StateReceived, At: m.Time, By: Actor{ID: m.Actor.ID, Role: Role(a.code(string(m.Actor.Role)))}, Seq: m.Seq}},
	}
	onLoop(tx, c, func(a *loopCell) {
		a.Received++
		if c.Origin == OriginClient {
			a.ClientOrigin++
		}
	})
	RecordActivity(tx, m.Time, Activity{Level: c.Level, Unit: c.Unit, Service: c.Service, People: c.Contributors, Contribution: true})
	return tx.Insert(TableContributions, c)
}

func applyStep(tx *Tx, m EventMeta, id ID, to State, note string, implicit bool, change func(*Contribution)) error {
	old, ok, err := Lookup[*Contribution](tx, TableContributions, "id", id)
	if err != nil {
		return err
	}
	if !ok {
		return Errorf(ENOTFOUND, "contribution %s not found", id)
	}
	c := ownRow(old)
	// The step is appended to a history of exactly the length it will
	// have: rows are kept for years, and append's growth would be spare.
	c.History = append(make([]Step, 0, len(old.History)+1), old.History...)
	if to != StateImplemented || c.State == StateDecided {
		c.State = to
	}
	if to == StateAcknowledged {
		c.AcknowledgedAt = m.Time
	}
	if change != nil {
		change(c)
	}
	by := Actor{ID: m.Actor.ID, Role: Role(tx.State("participation").(*aggregates).code(string(m.Actor.Role)))}
	c.History = append(c.History, Step{State: to, At: m.Time, By: by, Note: note, Implicit: implicit, Seq: m.Seq})
	days := int(m.Time.Sub(c.ReceivedAt) / (24 * time.Hour))
	switch to {
	case StateAcknowledged:
		onLoop(tx, c, func(a *loopCell) { a.Acked++; a.AckDays.add(days) })
	case StateDecided:
		adopted := c.Decision == Adopted || c.Decision == PartlyAdopted
		onLoop(tx, c, func(a *loopCell) {
			a.Decided++
			if adopted {
				a.Adopted++
			}
		})
	case StateReportedBack:
		inTime := !m.Time.After(c.RespondBy)
		onLoop(tx, c, func(a *loopCell) {
			a.Reported++
			a.RespDays.add(days)
			if inTime {
				a.ReportedInTime++
			}
		})
	}
	return tx.Insert(TableContributions, c)
}

// ContributionInput is what a module (or a direct submitter) gives to start
// a contribution.
type ContributionInput struct {
	Source       Source
	Level        Level
	Scope        Scope
	Origin       Origin
	Unit         string
	Service      string
	Title        string
	Contributors []ID
	// Group is the panel, process or other body it came through.
	Group ID
	// Writer is the named person whose own words the title is: the title
	// is then scrubbed and sealed under their key, so that erasing them
	// erases it (PRIV-2). Leave it zero for the organisation's titles and
	// for titles made from anonymous feedback.
	Writer ID

	recordedBy Role // set by Store.Submit for a worker submitting for clients
}

// SubmitContribution starts a contribution inside a module's command, so
// that the module's own event and the contribution commit together.
func SubmitContribution(tx *Tx, in ContributionInput) (*Contribution, error) {
	if err := ValidateTag(in.Level, in.Scope); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, value string }{{"source.module", in.Source.Module}, {"source.kind", in.Source.Kind}} {
		if f.value == "" || len(f.value) > MaxSourceFieldLen || !validEventName(f.value) {
			return nil, Invalid(f.name, "needs lower-case letters, digits, dots and underscores, up to %d characters", MaxSourceFieldLen)
		}
	}
	if !in.Origin.Valid() {
		return nil, Invalid("origin", "%q is not an origin; use client or organisation", in.Origin)
	}
	var err error
	if in.Title, err = CheckText("title", in.Title, MaxTitleLen, true); err != nil {
		return nil, err
	}
	if in.Unit, err = CheckName("unit", in.Unit, MaxCodeLen, false); err != nil {
		return nil, err
	}
	if in.Service, err = CheckName("service", in.Service, MaxCodeLen, false); err != nil {
		return nil, err
	}
	if len(in.Contributors) > MaxContributors {
		return nil, Invalid("contributors", "has %d names; the limit is %d", len(in.Contributors), MaxContributors)
	}
	contributors := make([]ID, 0, len(in.Contributors))
	for _, id := range in.Contributors {
		if id.IsZero() {
			return nil, Invalid("contributors", "holds an empty id")
		}
		if !slices.Contains(contributors, id) {
			contributors = append(contributors, id)
		}
	}
	if len(contributors) == 0 {
		contributors = nil
	}
	var title string
	var sealedTitle Sealed
	if in.Writer.IsZero() {
		title, _ = scrub.Scrub(in.Title)
	} else if sealedTitle, err = SealText(tx, in.Writer, in.Title); err != nil {
		return nil, err
	}
	id, err := tx.NewID()
	if err != nil {
		return nil, err
	}
	p := tx.Loop()
	err = tx.Emit(ContributionReceived{
		Contribution: id, Source: in.Source, Level: in.Level, Scope: in.Scope, Origin: in.Origin,
		Unit: in.Unit, Service: in.Service, Title: title, SealedTitle: sealedTitle, Contributors: contributors, Group: in.Group,
		AcknowledgeBy: tx.Stamp().Add(p.AcknowledgeWithin), RespondBy: tx.Stamp().Add(p.RespondWithin),
		RecordedBy: in.recordedBy,
	})
	if err != nil {
		return nil, err
	}
	c, _, err := Lookup[*Contribution](tx, TableContributions, "id", id)
	return c, err
}

// AdvanceContribution moves a contribution to state to inside a command
// (PART-2). Steps go only forward. Acknowledged and under consideration
// may be passed over; they are then recorded as implicit steps. Decided
// needs a valid decision, and a reason unless the decision is Adopted.
// Implemented follows only an adopted or partly adopted decision.
// Reported back follows a decision and needs a response (text) to the
// contributors. Text is the note of the step, the reason of a decision or
// the response. An acknowledgement, a decision or a report back writes
// an outbox message for each contributor with a contact preference, in
// the same command (LOOP-1, [Notify]), unless [HoldMessages] holds them.
func AdvanceContribution(tx *Tx, id ID, to State, decision Decision, text string) (*Contribution, error) {
	c, ok, err := Lookup[*Contribution](tx, TableContributions, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "contribution %s not found", id)
	}
	if !to.Valid() || to == StateReceived {
		return nil, Invalid("state", "%q is not a step a contribution can be moved to", to)
	}
	field := "note"
	switch to {
	case StateDecided:
		field = "reason"
	case StateReportedBack:
		field = "response"
	}
	if to == StateDecided {
		if !decision.Valid() {
			return nil, Invalid("decision", "%q is not a decision; use adopted, partly_adopted or not_adopted", decision)
		}
	} else if decision != "" {
		return nil, Invalid("decision", "a decision is given only when deciding")
	}
	if text, err = CheckText(field, text, MaxTextLen, false); err != nil {
		return nil, err
	}
	if text == "" && to == StateReportedBack {
		return nil, Invalid("response", "reporting back needs a response written to the contributors")
	}
	if text == "" && to == StateDecided && decision.NeedsReason() {
		return nil, Invalid("reason", "a decision of %s must give its reason", decision)
	}
	if c.Reached(to) || to != StateImplemented && c.State.rank() > to.rank() {
		return nil, Errorf(ECONFLICT, "contribution %s is already %s; steps go only forward", id, c.State)
	}
	switch to {
	case StateImplemented:
		if c.State != StateDecided {
			return nil, Errorf(ECONFLICT, "contribution %s is %s; only a decided contribution can be implemented, and not after it was reported back", id, c.State)
		}
		if c.Decision == NotAdopted {
			return nil, Errorf(ECONFLICT, "contribution %s was not adopted, so it cannot be implemented", id)
		}
	case StateReportedBack:
		if c.State.rank() < StateDecided.rank() {
			return nil, Errorf(ECONFLICT, "contribution %s is %s; decide on it before reporting back", id, c.State)
		}
	}
	// Pass over the earlier steps this one implies.
	if to.rank() > StateAcknowledged.rank() && c.State == StateReceived {
		if err := tx.Emit(ContributionAcknowledged{Contribution: id, Note: implicitStepRemark, Implicit: true}); err != nil {
			return nil, err
		}
	}
	if to.rank() > StateUnderConsideration.rank() && c.State.rank() < StateUnderConsideration.rank() {
		if err := tx.Emit(ContributionConsidered{Contribution: id, Note: implicitStepRemark, Implicit: true}); err != nil {
			return nil, err
		}
	}
	var ev EventData
	switch to {
	case StateAcknowledged:
		ev = ContributionAcknowledged{Contribution: id, Note: text}
	case StateUnderConsideration:
		ev = ContributionConsidered{Contribution: id, Note: text}
	case StateDecided:
		ev = ContributionDecided{Contribution: id, Decision: decision, Reason: text}
	case StateImplemented:
		ev = ContributionImplemented{Contribution: id, Note: text}
	case StateReportedBack:
		ev = ContributionReportedBack{Contribution: id, Response: text}
	}
	if err := tx.Emit(ev); err != nil {
		return nil, err
	}
	if c, _, err = Lookup[*Contribution](tx, TableContributions, "id", id); err != nil {
		return nil, err
	}
	// The contributors hear of it in the same command (LOOP-1).
	return c, notifyStep(tx, c, to)
}

// Submit starts a contribution directly, outside any module command.
// The actor acts only as themselves (PRIV-3): a client-side actor submits
// with no one but themselves among the contributors (none given means
// themselves), with the client origin and outside any group; things of a
// module (a panel's topics, a process's ideas) enter only through that
// module's commands. A worker or an integration submitting a
// client-origin contribution, or one with contributors, is recorded as
// having entered it on their behalf ([Contribution.RecordedBy]).
// A title from a client-side actor is theirs; one that staff record for
// clients (origin client, named contributors) is the first
// contributor's: either is sealed under that person's key (PRIV-2)
// unless in.Writer names someone else, which only staff may do.
func (s *Store) Submit(ctx context.Context, actor Actor, in ContributionInput) (*Contribution, error) {
	var out *Contribution
	if in.Writer.IsZero() {
		switch {
		case actor.Role.IsClientSide() && !actor.ID.IsZero():
			in.Writer = actor.ID
		case in.Origin == OriginClient && len(in.Contributors) > 0:
			in.Writer = in.Contributors[0]
		}
	}
	err := s.Exec(ctx, actor, ActionSubmit, func(tx *Tx) (err error) {
		if in, err = s.asSubmitter(actor, in); err != nil {
			return err
		}
		out, err = SubmitContribution(tx, in)
		return err
	})
	return out, err
}

// asSubmitter checks a direct submission against who submits it (PRIV-3)
// and returns the input as it is to be recorded.
func (s *Store) asSubmitter(actor Actor, in ContributionInput) (ContributionInput, error) {
	if s.reservedSource(in.Source) {
		return in, Errorf(EFORBIDDEN, "source %q belongs to a module: its contributions enter only through its own commands, not contribution.submit", in.Source.Key())
	}
	in.recordedBy = ""
	if !actor.Role.IsClientSide() {
		if in.Origin == OriginClient || len(in.Contributors) > 0 {
			in.recordedBy = actor.Role
		}
		return in, nil
	}
	for _, id := range in.Contributors {
		if id != actor.ID && !id.IsZero() {
			return in, Errorf(EFORBIDDEN, "a %s submits only as themselves: contributors may hold only the actor's own id", actor.Role)
		}
	}
	if !in.Writer.IsZero() && in.Writer != actor.ID {
		return in, Errorf(EFORBIDDEN, "a %s writes only their own titles: writer may hold only the actor's own id", actor.Role)
	}
	if len(in.Contributors) == 0 && !actor.ID.IsZero() {
		in.Contributors = []ID{actor.ID}
	}
	if in.Origin.Valid() && in.Origin != OriginClient {
		return in, Errorf(EFORBIDDEN, "a %s submits with the origin client, not %q", actor.Role, in.Origin)
	}
	if !in.Group.IsZero() {
		return in, Errorf(EFORBIDDEN, "a %s cannot submit into a group directly; a panel's or a process's contributions enter through its own commands", actor.Role)
	}
	return in, nil
}

// reservedSource reports whether a source is one that only a module's
// commands may use: any source of a registered module, the kernel's
// co-development ideas, and the panel topics its indicators count.
func (s *Store) reservedSource(src Source) bool {
	if _, ok := s.states[src.Module]; ok {
		return true
	}
	return src.Module == "codev" || src.Key() == SourcePanelTopic
}

func (s *Store) advance(ctx context.Context, actor Actor, action Action, id ID, to State, d Decision, text string) (*Contribution, error) {
	var out *Contribution
	err := s.Exec(ctx, actor, action, func(tx *Tx) (err error) {
		out, err = AdvanceContribution(tx, id, to, d, text)
		return err
	})
	return out, err
}

// Acknowledge records that the organisation has taken up a contribution.
func (s *Store) Acknowledge(ctx context.Context, actor Actor, id ID, note string) (*Contribution, error) {
	return s.advance(ctx, actor, ActionAcknowledge, id, StateAcknowledged, "", note)
}

// Consider records that a contribution is under consideration.
func (s *Store) Consider(ctx context.Context, actor Actor, id ID, note string) (*Contribution, error) {
	return s.advance(ctx, actor, ActionConsider, id, StateUnderConsideration, "", note)
}

// Decide records the decision on a contribution; PartlyAdopted and
// NotAdopted need a reason.
func (s *Store) Decide(ctx context.Context, actor Actor, id ID, d Decision, reason string) (*Contribution, error) {
	return s.advance(ctx, actor, ActionDecide, id, StateDecided, d, reason)
}

// Implement records that an adopted contribution was put into practice.
func (s *Store) Implement(ctx context.Context, actor Actor, id ID, note string) (*Contribution, error) {
	return s.advance(ctx, actor, ActionImplement, id, StateImplemented, "", note)
}

// ReportBack records the response written to the contributors, closing
// the loop.
func (s *Store) ReportBack(ctx context.Context, actor Actor, id ID, response string) (*Contribution, error) {
	return s.advance(ctx, actor, ActionReportBack, id, StateReportedBack, "", response)
}

// EraseSubjectTx erases a person's sealed data inside a command: the
// erasure is journalled, and the key is destroyed once the command
// commits. Modules call it, for example, when consent is withdrawn.
func EraseSubjectTx(tx *Tx, subject ID, reason string) error {
	if subject.IsZero() {
		return Invalid("subject", "name the person whose data is to be erased")
	}
	reason, err := CheckText("reason", reason, maxErasureReason, true)
	if err != nil {
		return err
	}
	if _, ok, err := Lookup[*Erasure](tx, tableErasures, "id", subject); err != nil {
		return err
	} else if ok {
		return Errorf(ECONFLICT, "the data of %s was already erased", subject)
	}
	return tx.Emit(SubjectErased{Subject: subject, Reason: reason})
}

// EraseSubject erases a person's sealed data: every sealed field about
// subject becomes unreadable in this store and every replay, and the
// journal still verifies.
func (s *Store) EraseSubject(ctx context.Context, actor Actor, subject ID, reason string) error {
	return s.Exec(ctx, actor, ActionErase, func(tx *Tx) error { return EraseSubjectTx(tx, subject, reason) })
}
