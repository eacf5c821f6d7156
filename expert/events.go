package expert

import (
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/go-memdb"

	p "github.com/osallisuus/osallisuus/participation"
)

const (
	tableExperts     = "experts"
	tableAssignments = "expert_assignments"
)

// Actions of the expert module (PART-7).
const (
	ActionRegister        p.Action = "expert.register"
	ActionAddCourse       p.Action = "expert.add_course"
	ActionSetAvailability p.Action = "expert.set_availability"
	ActionWithdrawConsent p.Action = "expert.withdraw_consent"
	ActionRecordPathway   p.Action = "expert.record_pathway"
	ActionRequest         p.Action = "expert.request"
	ActionOffer           p.Action = "expert.offer"
	ActionAccept          p.Action = "expert.accept"
	ActionComplete        p.Action = "expert.complete"
	ActionPay             p.Action = "expert.pay"
	ActionCancel          p.Action = "expert.cancel"
)

// Events of the expert module.
type (
	// Registered: a person with lived experience, under consent.
	Registered struct {
		Expert    p.ID     `json:"expert"`
		Kind      Kind     `json:"kind"`
		Languages []string `json:"languages"`
		Consent   Consent  `json:"consent"`
		Profile   p.Sealed `json:"profile"`
	}
	// CourseAdded: training completed.
	CourseAdded struct {
		Expert p.ID   `json:"expert"`
		Course Course `json:"course"`
	}
	// AvailabilitySet: the expert takes assignments, or not.
	AvailabilitySet struct {
		Expert    p.ID `json:"expert"`
		Available bool `json:"available"`
	}
	// ConsentWithdrawn: the consent is withdrawn; the sealed profile's key
	// is erased in the same command. The event holds no personal data.
	ConsentWithdrawn struct {
		Expert p.ID `json:"expert"`
	}
	// PathwayReached: a step on the pathway.
	PathwayReached struct {
		Expert p.ID      `json:"expert"`
		Step   Step      `json:"step"`
		At     time.Time `json:"at"`
	}
	// AssignmentRequested: a unit asks for an expert.
	AssignmentRequested struct {
		Assignment p.ID           `json:"assignment"`
		Type       AssignmentType `json:"type"`
		Level      p.Level        `json:"level"`
		Scope      p.Scope        `json:"scope,omitempty"`
		Unit       string         `json:"unit,omitempty"`
		Date       time.Time      `json:"date"`
		Need       Need           `json:"need"`
	}
	// AssignmentOffered: the assignment is offered to an expert.
	AssignmentOffered struct {
		Assignment p.ID `json:"assignment"`
		Expert     p.ID `json:"expert"`
	}
	// AssignmentAccepted: the expert accepted.
	AssignmentAccepted struct {
		Assignment p.ID `json:"assignment"`
	}
	// AssignmentCompleted: done, with hours, travel and the fee.
	AssignmentCompleted struct {
		Assignment p.ID    `json:"assignment"`
		Hours      float64 `json:"hours"`
		Travel     int     `json:"travel"`
		Fee        int     `json:"fee"`
	}
	// AssignmentPaid: the fee was paid.
	AssignmentPaid struct {
		Assignment p.ID `json:"assignment"`
	}
	// AssignmentCancelled: cancelled, with the reason.
	AssignmentCancelled struct {
		Assignment p.ID   `json:"assignment"`
		Reason     string `json:"reason"`
		// SealedReason is the reason when an expert holds the assignment:
		// their words, or words about them, sealed under their key
		// (PRIV-2); Reason is then empty.
		SealedReason p.Sealed `json:"sealedReason,omitzero"`
	}
)

// EventType implements participation.EventData.
func (Registered) EventType() string { return "expert.registered" }

// EventType implements participation.EventData.
func (CourseAdded) EventType() string { return "expert.course_added" }

// EventType implements participation.EventData.
func (AvailabilitySet) EventType() string { return "expert.availability_set" }

// EventType implements participation.EventData.
func (ConsentWithdrawn) EventType() string { return "expert.consent_withdrawn" }

// EventType implements participation.EventData.
func (PathwayReached) EventType() string { return "expert.pathway_reached" }

// EventType implements participation.EventData.
func (AssignmentRequested) EventType() string { return "expert.assignment_requested" }

// EventType implements participation.EventData.
func (AssignmentOffered) EventType() string { return "expert.assignment_offered" }

// EventType implements participation.EventData.
func (AssignmentAccepted) EventType() string { return "expert.assignment_accepted" }

// EventType implements participation.EventData.
func (AssignmentCompleted) EventType() string { return "expert.assignment_completed" }

// EventType implements participation.EventData.
func (AssignmentPaid) EventType() string { return "expert.assignment_paid" }

// EventType implements participation.EventData.
func (AssignmentCancelled) EventType() string { return "expert.assignment_cancelled" }

// fields classifies the expert events' fields (PRIV-2). The profile —
// name, contact details, backgrounds (health data) — is sealed under the
// expert's key; the rest are codes and the organisation's texts.
var fields = []p.FieldRule{
	{Event: "expert.registered", Path: "kind", Class: p.FieldCode},
	{Event: "expert.registered", Path: "languages[]", Class: p.FieldCode},
	{Event: "expert.registered", Path: "consent.purpose", Class: p.FieldOrganisation},
	{Event: "expert.registered", Path: "profile", Class: p.FieldSealed, Key: "expert"},
	{Event: "expert.course_added", Path: "course.name", Class: p.FieldOrganisation},
	{Event: "expert.course_added", Path: "course.provider", Class: p.FieldOrganisation},
	{Event: "expert.pathway_reached", Path: "step", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "type", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "level", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "scope", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "unit", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "need.background", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "need.area", Class: p.FieldCode},
	{Event: "expert.assignment_requested", Path: "need.language", Class: p.FieldCode},
	{Event: "expert.assignment_cancelled", Path: "reason", Class: p.FieldOrganisation},
	{Event: "expert.assignment_cancelled", Path: "sealedReason", Class: p.FieldSealed, Key: "the assignment's expert"},
}

// erase writes [p.ErasedText] over the reasons given when the erased
// expert's assignments were cancelled, sealed under their key, and drops
// the erased person from the matching index: the backgrounds and areas
// it holds were opened from their profile, which no longer opens.
func erase(tx *p.Tx, subject p.ID) error {
	ix := tx.State("expert").(*index)
	tx.OnCommit(func() {
		ix.mu.Lock()
		ix.drop(subject)
		ix.mu.Unlock()
	})
	as, err := p.Collect(tx, tableAssignments, "expert", func(a *Assignment) bool { return a.Reason != "" }, subject)
	if err != nil {
		return err
	}
	for _, old := range as {
		cp := *old
		cp.Reason = p.Erased(cp.Reason)
		if err := tx.Insert(tableAssignments, &cp); err != nil {
			return err
		}
	}
	return nil
}

// index is the module's matching index: for each expert under consent,
// what matching needs, with the sealed backgrounds and areas opened once
// instead of on every request. It is derived state: built by commit
// hooks, dropped for a person the moment their consent is withdrawn.
type index struct {
	mu      sync.RWMutex
	entries map[p.ID]*entry
	sorted  []*entry // by id, for deterministic ties
	cfg     Config   `snapshot:"config"`
}

type entry struct {
	id          p.ID
	kind        Kind
	languages   []string
	trained     bool
	available   bool
	backgrounds []Background
	areas       []string
	dates       []time.Time // dates of offered, accepted, completed and paid assignments, sorted
}

func (ix *index) put(e *entry) {
	if _, ok := ix.entries[e.id]; !ok {
		i := sort.Search(len(ix.sorted), func(i int) bool { return !idLess(ix.sorted[i].id, e.id) })
		ix.sorted = append(ix.sorted, nil)
		copy(ix.sorted[i+1:], ix.sorted[i:])
		ix.sorted[i] = e
	} else {
		for i, x := range ix.sorted {
			if x.id == e.id {
				ix.sorted[i] = e
			}
		}
	}
	ix.entries[e.id] = e
}

func (ix *index) drop(id p.ID) {
	delete(ix.entries, id)
	for i, x := range ix.sorted {
		if x.id == id {
			ix.sorted = append(ix.sorted[:i], ix.sorted[i+1:]...)
			return
		}
	}
}

func idLess(a, b p.ID) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// change runs fn on an expert's entry after the command commits.
func change(tx *p.Tx, id p.ID, fn func(*entry)) {
	ix := tx.State("expert").(*index)
	tx.OnCommit(func() {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		if e, ok := ix.entries[id]; ok {
			fn(e)
		}
	})
}

func addDate(e *entry, d time.Time) {
	i := sort.Search(len(e.dates), func(i int) bool { return !e.dates[i].Before(d) })
	e.dates = append(e.dates, time.Time{})
	copy(e.dates[i+1:], e.dates[i:])
	e.dates[i] = d
}

func removeDate(e *entry, d time.Time) {
	for i, x := range e.dates {
		if x.Equal(d) {
			e.dates = append(e.dates[:i], e.dates[i+1:]...)
			return
		}
	}
}

func updateExpert(tx *p.Tx, id p.ID, fn func(*Expert)) error {
	old, ok, err := p.Lookup[*Expert](tx, tableExperts, "id", id)
	if err != nil {
		return err
	}
	if !ok {
		return p.Errorf(p.ENOTFOUND, "expert %s not found", id)
	}
	cp := *old
	cp.Languages = append([]string(nil), old.Languages...)
	cp.Courses = append([]Course(nil), old.Courses...)
	cp.Pathway = append([]PathwayEntry(nil), old.Pathway...)
	fn(&cp)
	return tx.Insert(tableExperts, &cp)
}

func updateAssignment(tx *p.Tx, m p.EventMeta, id p.ID, to State, fn func(*Assignment)) (*Assignment, error) {
	old, ok, err := p.Lookup[*Assignment](tx, tableAssignments, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "assignment %s not found", id)
	}
	cp := *old
	cp.History = append(append([]Change(nil), old.History...), Change{State: to, At: m.Time, By: m.Actor})
	cp.State = to
	if fn != nil {
		fn(&cp)
	}
	return &cp, tx.Insert(tableAssignments, &cp)
}

// Module returns the expert module, to pass to participation.Open.
func Module(cfg *Config) p.Module {
	c := cfg.withDefaults()
	self := []p.Role{p.RoleClient, p.RoleExpert, p.RoleDeveloperClient}
	with := func(roles []p.Role, more ...p.Role) []p.Role { return append(append([]p.Role(nil), roles...), more...) }
	return p.Module{
		Name:     "expert",
		NewState: func() any { return &index{entries: map[p.ID]*entry{}, cfg: c} },
		Dump:     dumpIndex,
		Tables: []*memdb.TableSchema{
			{Name: tableExperts, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(e *Expert) p.ID { return e.ID })},
			}},
			{Name: tableAssignments, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexID(func(a *Assignment) p.ID { return a.ID })},
				// expert: an expert's assignments, for totals and payroll.
				"expert": {Name: "expert", AllowMissing: true, Indexer: p.IndexID(func(a *Assignment) p.ID { return a.Expert })},
				// date: assignments in a period.
				"date": {Name: "date", Indexer: p.IndexTime(func(a *Assignment) time.Time { return a.Date })},
			}},
		},
		Events: []p.EventType{
			p.Handle(func(tx *p.Tx, m p.EventMeta, d Registered) error {
				consent := d.Consent
				if err := tx.Insert(tableExperts, &Expert{ID: d.Expert, Kind: d.Kind, Languages: d.Languages, Consent: &consent,
					Available: true, Profile: d.Profile}); err != nil {
					return err
				}
				ix, vault := tx.State("expert").(*index), tx.Vault()
				tx.OnCommit(func() {
					e := &entry{id: d.Expert, kind: d.Kind, languages: d.Languages, available: true}
					if prof, err := openProfile(vault, d.Profile); err == nil {
						e.backgrounds, e.areas = prof.Backgrounds, prof.Areas
					} else {
						return // erased: never matched again
					}
					ix.mu.Lock()
					ix.put(e)
					ix.mu.Unlock()
				})
				return nil
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d CourseAdded) error {
				change(tx, d.Expert, func(e *entry) { e.trained = true })
				return updateExpert(tx, d.Expert, func(e *Expert) { e.Courses = append(e.Courses, d.Course) })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AvailabilitySet) error {
				change(tx, d.Expert, func(e *entry) { e.available = d.Available })
				return updateExpert(tx, d.Expert, func(e *Expert) { e.Available = d.Available })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d ConsentWithdrawn) error {
				ix := tx.State("expert").(*index)
				tx.OnCommit(func() {
					ix.mu.Lock()
					ix.drop(d.Expert)
					ix.mu.Unlock()
				})
				return updateExpert(tx, d.Expert, func(e *Expert) { e.Withdrawn, e.Available, e.Consent = m.Time, false, nil })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d PathwayReached) error {
				return updateExpert(tx, d.Expert, func(e *Expert) { e.Pathway = append(e.Pathway, PathwayEntry{Step: d.Step, At: d.At}) })
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentRequested) error {
				return tx.Insert(tableAssignments, &Assignment{ID: d.Assignment, Type: d.Type, Level: d.Level, Scope: d.Scope, Unit: d.Unit,
					Date: d.Date, Need: d.Need, State: Requested, History: []Change{{State: Requested, At: m.Time, By: m.Actor}}})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentOffered) error {
				a, err := updateAssignment(tx, m, d.Assignment, Offered, func(a *Assignment) { a.Expert = d.Expert })
				if err == nil {
					change(tx, d.Expert, func(e *entry) { addDate(e, a.Date) })
				}
				return err
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentAccepted) error {
				_, err := updateAssignment(tx, m, d.Assignment, Accepted, nil)
				return err
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentCompleted) error {
				a, err := updateAssignment(tx, m, d.Assignment, Completed, func(a *Assignment) { a.Hours, a.Travel, a.Fee = d.Hours, d.Travel, d.Fee })
				if err == nil {
					p.RecordActivity(tx, m.Time, p.Activity{Level: a.Level, Unit: a.Unit, People: []p.ID{a.Expert}})
				}
				return err
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentPaid) error {
				_, err := updateAssignment(tx, m, d.Assignment, Paid, nil)
				return err
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d AssignmentCancelled) error {
				reason := d.Reason
				if !d.SealedReason.IsZero() {
					var err error
					if reason, err = p.OpenText(tx.Vault(), d.SealedReason); err != nil {
						return err
					}
				}
				a, err := updateAssignment(tx, m, d.Assignment, Cancelled, func(a *Assignment) { a.Reason = reason })
				if err == nil && !a.Expert.IsZero() {
					change(tx, a.Expert, func(e *entry) { removeDate(e, a.Date) })
				}
				return err
			}),
		},
		Fields: fields,
		Erase:  erase,
		Actions: []p.ActionRule{
			{Action: ActionRegister, Roles: []p.Role{p.RoleCoordinator}, Doc: "register a person with lived experience, under consent"},
			{Action: ActionAddCourse, Roles: []p.Role{p.RoleCoordinator}, Doc: "record completed training"},
			{Action: ActionSetAvailability, Roles: with(self, p.RoleCoordinator), Doc: "set availability (the coordinator, or the expert their own)"},
			{Action: ActionWithdrawConsent, Roles: with(self, p.RoleCoordinator, p.RoleAdmin), Doc: "withdraw consent, erasing the sealed profile (the expert their own, or staff on their word)"},
			{Action: ActionRecordPathway, Roles: []p.Role{p.RoleCoordinator}, Doc: "record a step on the pathway"},
			{Action: ActionRequest, Roles: []p.Role{p.RoleStaff, p.RoleCoordinator, p.RoleManager}, Doc: "request an expert for an assignment"},
			{Action: ActionOffer, Roles: []p.Role{p.RoleCoordinator}, Doc: "offer an assignment to an expert"},
			{Action: ActionAccept, Roles: self, Doc: "accept an assignment (the expert it was offered to)"},
			{Action: ActionComplete, Roles: []p.Role{p.RoleStaff, p.RoleCoordinator}, Doc: "record an assignment done, with hours and travel"},
			{Action: ActionPay, Roles: []p.Role{p.RoleManager}, Doc: "record the fee paid"},
			{Action: ActionCancel, Roles: with(self, p.RoleStaff, p.RoleCoordinator, p.RoleManager), Doc: "cancel an assignment, with the reason"},
		},
	}
}
