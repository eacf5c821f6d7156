package participation

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/go-memdb"
)

// Phase is where a co-development process stands (PART-3).
type Phase string

// The phases, in order, and closed.
const (
	PhasePlanning       Phase = "planning"
	PhaseImplementation Phase = "implementation"
	PhaseEvaluation     Phase = "evaluation"
	PhaseClosed         Phase = "closed"
)

// Phases lists the phases in order.
var Phases = []Phase{PhasePlanning, PhaseImplementation, PhaseEvaluation, PhaseClosed}

var phaseLabels = EnumLabels[Phase]{
	PhasePlanning:       {Fi: "Suunnittelu", Sv: "Planering", En: "Planning"},
	PhaseImplementation: {Fi: "Toteutus", Sv: "Genomförande", En: "Implementation"},
	PhaseEvaluation:     {Fi: "Arviointi", Sv: "Utvärdering", En: "Evaluation"},
	PhaseClosed:         {Fi: "Päättynyt", Sv: "Avslutad", En: "Closed"},
}

// Label returns the phase's name in lang.
func (p Phase) Label(lang Lang) string { return phaseLabels.Label(p, lang) }

// ProcessRole is a participant's role in a co-development process.
type ProcessRole string

// The roles in a process.
const (
	ProcessClient          ProcessRole = "client"
	ProcessFamily          ProcessRole = "family_member"
	ProcessExpert          ProcessRole = "experience_expert"
	ProcessDeveloperClient ProcessRole = "developer_client"
	ProcessStaff           ProcessRole = "staff"
	ProcessManagement      ProcessRole = "management"
)

var processRoleLabels = EnumLabels[ProcessRole]{
	ProcessClient:          {Fi: "Asiakas", Sv: "Klient", En: "Client"},
	ProcessFamily:          {Fi: "Omainen", Sv: "Anhörig", En: "Family member"},
	ProcessExpert:          {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	ProcessDeveloperClient: {Fi: "Kehittäjäasiakas", Sv: "Utvecklarklient", En: "Developer client"},
	ProcessStaff:           {Fi: "Työntekijä", Sv: "Anställd", En: "Staff"},
	ProcessManagement:      {Fi: "Johto", Sv: "Ledning", En: "Management"},
}

// Label returns the role's name in lang.
func (r ProcessRole) Label(lang Lang) string { return processRoleLabels.Label(r, lang) }

// Valid reports whether r is a process role.
func (r ProcessRole) Valid() bool { return processRoleLabels.Has(r) }

// Participant is a person in a process, with their role.
type Participant struct {
	Person ID          `json:"person"`
	Role   ProcessRole `json:"role"`
}

// LogEntry is one line of a process's documentation: what was decided, by
// whom, why.
type LogEntry struct {
	At       time.Time `json:"at"`
	By       Actor     `json:"by"`
	Decision string    `json:"decision"`
	Why      string    `json:"why"`
}

// PhaseStart records when a phase began.
type PhaseStart struct {
	Phase Phase     `json:"phase"`
	At    time.Time `json:"at"`
}

// Process is a co-development process (PART-3).
type Process struct {
	ID            ID            `json:"id"`
	Title         string        `json:"title"`
	Level         Level         `json:"level"`
	Scope         Scope         `json:"scope"`
	Unit          string        `json:"unit,omitempty"`
	Service       string        `json:"service,omitempty"`
	Phase         Phase         `json:"phase"`
	Phases        []PhaseStart  `json:"phases"`
	Participants  []Participant `json:"participants"`
	Log           []LogEntry    `json:"log"`
	Contributions []ID          `json:"contributions"` // linked in, and raised in it
	Summary       string        `json:"summary,omitempty"`
}

// Events of co-development.
type (
	// ProcessStarted: a process in planning.
	ProcessStarted struct {
		Process ID     `json:"process"`
		Title   string `json:"title"`
		Level   Level  `json:"level"`
		Scope   Scope  `json:"scope"`
		Unit    string `json:"unit,omitempty"`
		Service string `json:"service,omitempty"`
	}
	// ProcessJoined: a participant joined.
	ProcessJoined struct {
		Process     ID          `json:"process"`
		Participant Participant `json:"participant"`
	}
	// ProcessAdvanced: the next phase began.
	ProcessAdvanced struct {
		Process ID    `json:"process"`
		Phase   Phase `json:"phase"`
	}
	// ProcessLogged: a decision documented. Its texts are the author's
	// words, scrubbed and sealed under the author's (the actor's) key
	// (PRIV-2).
	ProcessLogged struct {
		Process  ID     `json:"process"`
		Decision Sealed `json:"decision"`
		Why      Sealed `json:"why"`
	}
	// ProcessLinked: a contribution linked to the process.
	ProcessLinked struct {
		Process      ID `json:"process"`
		Contribution ID `json:"contribution"`
	}
	// ProcessClosed: closed with its results summary, which every linked
	// contribution receives as its response in the same command.
	ProcessClosed struct {
		Process ID     `json:"process"`
		Summary string `json:"summary"`
	}
)

// EventType implements [EventData].
func (ProcessStarted) EventType() string { return "codev.started" }

// EventType implements [EventData].
func (ProcessJoined) EventType() string { return "codev.joined" }

// EventType implements [EventData].
func (ProcessAdvanced) EventType() string { return "codev.advanced" }

// EventType implements [EventData].
func (ProcessLogged) EventType() string { return "codev.logged" }

// EventType implements [EventData].
func (ProcessLinked) EventType() string { return "codev.linked" }

// EventType implements [EventData].
func (ProcessClosed) EventType() string { return "codev.closed" }

// Actions of co-development.
const (
	ActionProcessStart   Action = "codev.start"
	ActionProcessJoin    Action = "codev.join"
	ActionProcessAdvance Action = "codev.advance"
	ActionProcessLog     Action = "codev.log"
	ActionProcessLink    Action = "codev.link"
	ActionProcessIdea    Action = "codev.raise_idea"
	ActionProcessClose   Action = "codev.close"
)

const tableProcesses = "codev_processes"

func codevTables() []*memdb.TableSchema {
	return []*memdb.TableSchema{{Name: tableProcesses, Indexes: map[string]*memdb.IndexSchema{
		"id": {Name: "id", Unique: true, Indexer: IndexID(func(x *Process) ID { return x.ID })},
		// log_by: the authors of log entries, for erasure.
		"log_by": {Name: "log_by", AllowMissing: true, Indexer: IndexIDs(func(x *Process) []ID {
			var out []ID
			for _, e := range x.Log {
				if !slices.Contains(out, e.By.ID) {
					out = append(out, e.By.ID)
				}
			}
			return out
		})},
	}}}
}

func updateProcess(tx *Tx, m EventMeta, id ID, fn func(*Process) []ID) error {
	old, ok, err := Lookup[*Process](tx, tableProcesses, "id", id)
	if err != nil || !ok {
		return Errorf(ENOTFOUND, "process %s not found", id)
	}
	cp := *old
	cp.Phases = slices.Clone(old.Phases)
	cp.Participants = slices.Clone(old.Participants)
	cp.Log = slices.Clone(old.Log)
	cp.Contributions = slices.Clone(old.Contributions)
	people := fn(&cp)
	RecordActivity(tx, m.Time, Activity{Level: cp.Level, Unit: cp.Unit, Service: cp.Service, People: people})
	return tx.Insert(tableProcesses, &cp)
}

func codevEvents() []EventType {
	return []EventType{
		Handle(func(tx *Tx, m EventMeta, d ProcessStarted) error {
			x := &Process{ID: d.Process, Title: d.Title, Level: d.Level, Scope: d.Scope, Unit: d.Unit, Service: d.Service,
				Phase: PhasePlanning, Phases: []PhaseStart{{PhasePlanning, m.Time}}}
			RecordActivity(tx, m.Time, Activity{Level: x.Level, Unit: x.Unit, Service: x.Service})
			return tx.Insert(tableProcesses, x)
		}),
		Handle(func(tx *Tx, m EventMeta, d ProcessJoined) error {
			return updateProcess(tx, m, d.Process, func(x *Process) []ID {
				x.Participants = append(x.Participants, d.Participant)
				return []ID{d.Participant.Person}
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d ProcessAdvanced) error {
			return updateProcess(tx, m, d.Process, func(x *Process) []ID {
				x.Phase = d.Phase
				x.Phases = append(x.Phases, PhaseStart{d.Phase, m.Time})
				return nil
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d ProcessLogged) error {
			texts, err := openTexts(tx, d.Decision, d.Why)
			if err != nil {
				return err
			}
			return updateProcess(tx, m, d.Process, func(x *Process) []ID {
				x.Log = append(x.Log, LogEntry{At: m.Time, By: m.Actor, Decision: texts[0], Why: texts[1]})
				if m.Actor.ID.IsZero() {
					return nil
				}
				return []ID{m.Actor.ID}
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d ProcessLinked) error {
			return updateProcess(tx, m, d.Process, func(x *Process) []ID {
				x.Contributions = append(x.Contributions, d.Contribution)
				return nil
			})
		}),
		Handle(func(tx *Tx, m EventMeta, d ProcessClosed) error {
			return updateProcess(tx, m, d.Process, func(x *Process) []ID {
				x.Phase, x.Summary = PhaseClosed, d.Summary
				x.Phases = append(x.Phases, PhaseStart{PhaseClosed, m.Time})
				return nil
			})
		}),
	}
}

// codevFields classifies the co-development events' fields (PRIV-2).
var codevFields = []FieldRule{
	{"codev.started", "title", FieldOrganisation, ""},
	{"codev.started", "level", FieldCode, ""},
	{"codev.started", "scope", FieldCode, ""},
	{"codev.started", "unit", FieldCode, ""},
	{"codev.started", "service", FieldCode, ""},
	{"codev.joined", "participant.role", FieldCode, ""},
	{"codev.advanced", "phase", FieldCode, ""},
	{"codev.logged", "decision", FieldSealed, "the author (the event's actor)"},
	{"codev.logged", "why", FieldSealed, "the author (the event's actor)"},
	{"codev.closed", "summary", FieldOrganisation, ""},
}

// eraseLogEntries writes [ErasedText] over the log entries subject wrote,
// which were sealed under their key.
func eraseLogEntries(tx *Tx, subject ID) error {
	xs, err := Collect[*Process](tx, tableProcesses, "log_by", nil, subject)
	if err != nil {
		return err
	}
	for _, old := range xs {
		x := *old
		x.Log = slices.Clone(old.Log)
		for i := range x.Log {
			if x.Log[i].By.ID == subject {
				x.Log[i].Decision, x.Log[i].Why = Erased(x.Log[i].Decision), Erased(x.Log[i].Why)
			}
		}
		if err := tx.Insert(tableProcesses, &x); err != nil {
			return err
		}
	}
	return nil
}

func getProcess(r Reader, id ID) (*Process, error) {
	x, ok, err := Lookup[*Process](r, tableProcesses, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "process %s not found", id)
	}
	return x, nil
}

// GetProcess returns a co-development process.
func GetProcess(r Reader, id ID) (*Process, error) { return getProcess(r, id) }

// ProcessInput starts a process.
type ProcessInput struct {
	Title   string
	Level   Level // LevelDevelopment or LevelCoProduction
	Scope   Scope
	Unit    string
	Service string
}

// StartProcess starts a co-development process in planning (PART-3).
func (s *Store) StartProcess(ctx context.Context, actor Actor, in ProcessInput) (*Process, error) {
	var out *Process
	err := s.Exec(ctx, actor, ActionProcessStart, func(tx *Tx) error {
		var err error
		if in.Title, err = CheckText("title", in.Title, MaxTitleLen, true); err != nil {
			return err
		}
		if !in.Level.NeedsScope() {
			return Invalid("level", "co-development is development or co_production")
		}
		if err := ValidateTag(in.Level, in.Scope); err != nil {
			return err
		}
		if in.Unit, err = CheckName("unit", in.Unit, MaxCodeLen, false); err != nil {
			return err
		}
		if in.Service, err = CheckName("service", in.Service, MaxCodeLen, false); err != nil {
			return err
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(ProcessStarted{Process: id, Title: in.Title, Level: in.Level, Scope: in.Scope, Unit: in.Unit, Service: in.Service}); err != nil {
			return err
		}
		out, err = getProcess(tx, id)
		return err
	})
	return out, err
}

func openProcess(tx *Tx, id ID) (*Process, error) {
	x, err := getProcess(tx, id)
	if err != nil {
		return nil, err
	}
	if x.Phase == PhaseClosed {
		return nil, Errorf(ECONFLICT, "process %s is closed", id)
	}
	return x, nil
}

// JoinProcess adds a participant with a role.
func (s *Store) JoinProcess(ctx context.Context, actor Actor, process ID, participant Participant) error {
	return s.Exec(ctx, actor, ActionProcessJoin, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		if participant.Person.IsZero() {
			return Invalid("participant.person", "a participant is a person: give their id")
		}
		if !participant.Role.Valid() {
			return Invalid("participant.role", "%q is not a role in a process; use %s", participant.Role, processRoleLabels.OneOf())
		}
		if slices.ContainsFunc(x.Participants, func(q Participant) bool { return q.Person == participant.Person }) {
			return Errorf(ECONFLICT, "the person already takes part")
		}
		if len(x.Participants) >= MaxContributors {
			return Invalid("participant", "a process has at most %d participants", MaxContributors)
		}
		return tx.Emit(ProcessJoined{Process: process, Participant: participant})
	})
}

// AdvanceProcess moves a process to its next phase: planning →
// implementation → evaluation. Closing is [Store.CloseProcess].
func (s *Store) AdvanceProcess(ctx context.Context, actor Actor, process ID) error {
	return s.Exec(ctx, actor, ActionProcessAdvance, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		next := map[Phase]Phase{PhasePlanning: PhaseImplementation, PhaseImplementation: PhaseEvaluation}[x.Phase]
		if next == "" {
			return Errorf(ECONFLICT, "process %s is in evaluation; close it with a results summary", process)
		}
		return tx.Emit(ProcessAdvanced{Process: process, Phase: next})
	})
}

// LogDecision documents what was decided and why; participants and staff
// may.
func (s *Store) LogDecision(ctx context.Context, actor Actor, process ID, decision, why string) error {
	return s.Exec(ctx, actor, ActionProcessLog, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		if actor.Role.IsClientSide() && !slices.ContainsFunc(x.Participants, func(q Participant) bool { return q.Person == actor.ID }) {
			return Errorf(EFORBIDDEN, "only participants document the process")
		}
		if decision, err = CheckText("decision", decision, MaxTextLen, true); err != nil {
			return err
		}
		if why, err = CheckText("why", why, MaxTextLen, true); err != nil {
			return err
		}
		texts, err := sealTexts(tx, actor.ID, decision, why)
		if err != nil {
			return err
		}
		return tx.Emit(ProcessLogged{Process: process, Decision: texts[0], Why: texts[1]})
	})
}

// LinkContribution links an existing contribution — a panel statement, a
// piece of feedback — into the process, whose results will answer it.
func (s *Store) LinkContribution(ctx context.Context, actor Actor, process, contribution ID) error {
	return s.Exec(ctx, actor, ActionProcessLink, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		c, err := GetContribution(tx, contribution)
		if err != nil {
			return err
		}
		if c.State == StateReportedBack {
			return Errorf(ECONFLICT, "contribution %s was already reported back", contribution)
		}
		if slices.Contains(x.Contributions, contribution) {
			return Errorf(ECONFLICT, "contribution %s is already linked", contribution)
		}
		return tx.Emit(ProcessLinked{Process: process, Contribution: contribution})
	})
}

// RaiseIdea starts a contribution inside a process — an idea of its
// participants — and links it.
func (s *Store) RaiseIdea(ctx context.Context, actor Actor, process ID, title string) (*Contribution, error) {
	var out *Contribution
	err := s.Exec(ctx, actor, ActionProcessIdea, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		origin := OriginOrganisation
		var contributors []ID
		var writer ID
		if actor.Role.IsClientSide() {
			if !slices.ContainsFunc(x.Participants, func(q Participant) bool { return q.Person == actor.ID }) {
				return Errorf(EFORBIDDEN, "only participants raise ideas in the process")
			}
			origin, contributors, writer = OriginClient, []ID{actor.ID}, actor.ID
		}
		out, err = SubmitContribution(tx, ContributionInput{Source: Source{Module: "codev", Kind: "idea", Ref: process}, Level: x.Level, Scope: x.Scope,
			Origin: origin, Unit: x.Unit, Service: x.Service, Title: title, Contributors: contributors, Group: process, Writer: writer})
		if err != nil {
			return err
		}
		return tx.Emit(ProcessLinked{Process: process, Contribution: out.ID})
	})
	return out, err
}

// CloseProcess closes a process with a results summary addressed to its
// participants (PART-3). The summary becomes the response on every linked
// contribution not yet reported back, in the same command; those not yet
// decided are decided with decision and reason first. Without a summary
// the process does not close. Every participant, and every contributor
// the summary answers, gets one outbox message of the close (LOOP-1).
func (s *Store) CloseProcess(ctx context.Context, actor Actor, process ID, summary string, decision Decision, reason string) error {
	return s.Exec(ctx, actor, ActionProcessClose, func(tx *Tx) error {
		x, err := openProcess(tx, process)
		if err != nil {
			return err
		}
		if summary, err = CheckText("summary", summary, MaxTextLen, false); err != nil {
			return err
		}
		if summary == "" {
			return Invalid("summary", "a process closes only with a results summary to its participants (PART-3)")
		}
		if decision != "" && !decision.Valid() {
			return Invalid("decision", "%q is not a decision; use %s", decision, decisionLabels.OneOf())
		}
		if reason, err = CheckText("reason", reason, MaxTextLen, false); err != nil {
			return err
		}
		if x.Phase != PhaseEvaluation {
			return Errorf(ECONFLICT, "process %s is in %s; evaluate it before closing", process, x.Phase)
		}
		// Every participant, and every contributor the summary answers,
		// hears of the close once (LOOP-1).
		recipients := participantIDs(x)
		err = HoldMessages(tx, func() error {
			for _, id := range x.Contributions {
				c, err := GetContribution(tx, id)
				if err != nil {
					return err
				}
				if c.State == StateReportedBack {
					continue
				}
				recipients = append(recipients, c.Contributors...)
				if !c.Reached(StateDecided) {
					if _, err := AdvanceContribution(tx, id, StateDecided, decision, reason); err != nil {
						return err
					}
				}
				if _, err := AdvanceContribution(tx, id, StateReportedBack, "", summary); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.Emit(ProcessClosed{Process: process, Summary: summary}); err != nil {
			return err
		}
		return Notify(tx, Notice{Kind: MessageProcessClosed, Ref: process, Recipients: recipients,
			Title: Labels{Fi: x.Title, Sv: x.Title, En: x.Title}, Text: summary})
	})
}

func participantIDs(x *Process) []ID {
	out := make([]ID, 0, len(x.Participants))
	for _, q := range x.Participants {
		out = append(out, q.Person)
	}
	return out
}
