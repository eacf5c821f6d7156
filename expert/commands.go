package expert

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Config sets the module's policy. A nil *Config means the defaults.
type Config struct {
	// Fees are the fees per hour by assignment type, in cents; a type
	// missing here gets DefaultFee. Nil means 30 € an hour for training
	// professionals and DefaultFee for the rest.
	Fees map[AssignmentType]int
	// DefaultFee is the fee per hour, in cents, of the other types; zero
	// means 2,000 (20 €).
	DefaultFee int
	// LoadWindow is how far around a request's date matching counts an
	// expert's assignments as recent load; zero means 90 days.
	LoadWindow time.Duration
}

func (c *Config) withDefaults() Config {
	out := Config{}
	if c != nil {
		out = *c
	}
	if out.DefaultFee <= 0 {
		out.DefaultFee = 2000
	}
	if out.LoadWindow <= 0 {
		out.LoadWindow = 90 * 24 * time.Hour
	}
	fees := map[AssignmentType]int{}
	if out.Fees == nil {
		fees[TrainingProfessionals] = 3000
	}
	for t, f := range out.Fees {
		fees[t] = f
	}
	out.Fees = fees
	return out
}

// Fee returns the fee per hour of an assignment type, in cents.
func (c Config) Fee(t AssignmentType) int {
	if f, ok := c.Fees[t]; ok {
		return f
	}
	return c.DefaultFee
}

// Limits on input.
const (
	MaxLanguages = 10
	MaxAreas     = 20
	maxTravel    = 100000 // cents
	maxCourses   = 100
)

// Domain error code for callers that must branch.
const (
	// ENOTMATCHABLE: the expert may not take this assignment: withdrawn,
	// unavailable, untrained where training is required, or booked.
	ENOTMATCHABLE = "not_matchable"
)

// Service runs the expert module's commands and queries on a store
// opened with [Module].
type Service struct {
	s  *p.Store
	ix *index
}

// New returns the expert service over s.
func New(s *p.Store) *Service {
	ix, _ := s.State("expert").(*index)
	return &Service{s: s, ix: ix}
}

func openProfile(v *p.Vault, s p.Sealed) (Profile, error) {
	b, err := v.Open(s)
	if err != nil {
		return Profile{}, err
	}
	var prof Profile
	if err := json.Unmarshal(b, &prof); err != nil {
		return Profile{}, p.Errorf(p.ECORRUPT, "a sealed profile does not decode")
	}
	return prof, nil
}

// Registration registers a person with lived experience.
type Registration struct {
	Person    p.ID
	Kind      Kind
	Languages []string
	Profile   Profile
	// Consent is required: backgrounds and contact details are kept only
	// under a recorded consent that names its purpose (EXP-3).
	Consent Consent
}

// Register records a person with lived experience and their profile,
// sealed under their own key, under their consent (EXP-1, EXP-3).
func (s *Service) Register(ctx context.Context, actor p.Actor, in Registration) (*Expert, error) {
	var out *Expert
	err := s.s.Exec(ctx, actor, ActionRegister, func(tx *p.Tx) error {
		if in.Person.IsZero() {
			return p.Invalid("person", "give the person's id")
		}
		if !in.Kind.Valid() {
			return p.Invalid("kind", "%q is not a kind; use experience_expert, lived_experience or developer_client", in.Kind)
		}
		var err error
		if in.Consent.Purpose, err = p.CheckRequiredText("consent.purpose", in.Consent.Purpose, p.MaxTitleLen, "backgrounds are kept only under a consent that names its purpose (EXP-3)"); err != nil {
			return err
		}
		if in.Consent.Given.IsZero() {
			in.Consent.Given = tx.Now()
		}
		if in.Consent.Given.After(tx.Now()) {
			return p.Invalid("consent.given", "a consent cannot be dated in the future")
		}
		langs, err := codes("languages", in.Languages, MaxLanguages, true)
		if err != nil {
			return err
		}
		prof := in.Profile
		if prof.Name, err = p.CheckName("profile.name", prof.Name, p.MaxTitleLen, true); err != nil {
			return err
		}
		if err := backgroundLabels.CheckChoices("profile.backgrounds", prof.Backgrounds, "name at least one background of lived experience (EXP-1)"); err != nil {
			return err
		}
		if prof.Areas, err = codes("profile.areas", prof.Areas, MaxAreas, false); err != nil {
			return err
		}
		if prof.Phone, err = p.CheckName("profile.phone", prof.Phone, 40, false); err != nil {
			return err
		}
		if prof.Email, err = p.CheckName("profile.email", prof.Email, 200, false); err != nil {
			return err
		}
		if _, ok, err := p.Lookup[*Expert](tx, tableExperts, "id", in.Person); err != nil {
			return err
		} else if ok {
			return p.Errorf(p.ECONFLICT, "person %s is already registered", in.Person)
		}
		plain, err := json.Marshal(prof)
		if err != nil {
			return p.Internal(err, "encoding a profile")
		}
		sealed, err := tx.Seal(in.Person, plain)
		if err != nil {
			return err
		}
		if err := tx.Emit(Registered{Expert: in.Person, Kind: in.Kind, Languages: langs, Consent: in.Consent, Profile: sealed}); err != nil {
			return err
		}
		out, _, err = p.Lookup[*Expert](tx, tableExperts, "id", in.Person)
		return err
	})
	return out, err
}

// codes checks a list of lower-case codes (languages, areas).
// maxCodeLen is the longest code of an area or a language, in bytes.
const maxCodeLen = 40

func codes(field string, in []string, max int, required bool) ([]string, error) {
	if required && len(in) == 0 {
		return nil, p.Invalid(field, "give at least one")
	}
	if len(in) > max {
		return nil, p.Invalid(field, "at most %d", max)
	}
	out := make([]string, 0, len(in))
	for _, c := range in {
		if c == "" || len(c) > maxCodeLen || strings.Trim(c, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
			return nil, p.Invalid(field, "%q must be 1 to %d lower-case letters, digits and underscores", c, maxCodeLen)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

func getExpert(r p.Reader, id p.ID) (*Expert, error) {
	e, ok, err := p.Lookup[*Expert](r, tableExperts, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "expert %s not found", id)
	}
	return e, nil
}

func self(actor p.Actor, expert p.ID) bool {
	return actor.Role == p.RoleCoordinator || actor.Role == p.RoleAdmin || actor.ID == expert
}

// AddCourse records completed training (EXP-2); an expert with a course
// is trained.
func (s *Service) AddCourse(ctx context.Context, actor p.Actor, expert p.ID, c Course) error {
	return s.s.Exec(ctx, actor, ActionAddCourse, func(tx *p.Tx) error {
		e, err := getExpert(tx, expert)
		if err != nil {
			return err
		}
		if !e.Withdrawn.IsZero() {
			return p.Errorf(p.ECONFLICT, "expert %s withdrew their consent", expert)
		}
		if len(e.Courses) >= maxCourses {
			return p.Invalid("course", "at most %d courses", maxCourses)
		}
		if c.Name, err = p.CheckName("course.name", c.Name, p.MaxTitleLen, true); err != nil {
			return err
		}
		if c.Provider, err = p.CheckName("course.provider", c.Provider, p.MaxTitleLen, true); err != nil {
			return err
		}
		if c.Completed.IsZero() || c.Completed.After(tx.Now()) {
			return p.Invalid("course.completed", "a course counts once it is completed: give a date not in the future")
		}
		return tx.Emit(CourseAdded{Expert: expert, Course: c})
	})
}

// SetAvailability says whether the expert takes assignments.
func (s *Service) SetAvailability(ctx context.Context, actor p.Actor, expert p.ID, available bool) error {
	return s.s.Exec(ctx, actor, ActionSetAvailability, func(tx *p.Tx) error {
		if !self(actor, expert) {
			return p.Errorf(p.EFORBIDDEN, "an expert sets only their own availability")
		}
		e, err := getExpert(tx, expert)
		if err != nil {
			return err
		}
		if !e.Withdrawn.IsZero() {
			return p.Errorf(p.ECONFLICT, "expert %s withdrew their consent", expert)
		}
		return tx.Emit(AvailabilitySet{Expert: expert, Available: available})
	})
}

// WithdrawConsent withdraws the expert's consent (EXP-3): the sealed
// profile's key is destroyed in the same command, so backgrounds, name
// and contact details are gone from every replay; the person is never
// matched again; the event says only that consent was withdrawn.
func (s *Service) WithdrawConsent(ctx context.Context, actor p.Actor, expert p.ID) error {
	return s.s.Exec(ctx, actor, ActionWithdrawConsent, func(tx *p.Tx) error {
		if !self(actor, expert) {
			return p.Errorf(p.EFORBIDDEN, "a person withdraws only their own consent")
		}
		e, err := getExpert(tx, expert)
		if err != nil {
			return err
		}
		if !e.Withdrawn.IsZero() {
			return p.Errorf(p.ECONFLICT, "expert %s already withdrew their consent", expert)
		}
		if err := tx.Emit(ConsentWithdrawn{Expert: expert}); err != nil {
			return err
		}
		return p.EraseSubjectTx(tx, expert, "consent withdrawn")
	})
}

// RecordPathway records a step the person reached on the pathway from
// participant to work (EXP-6). Steps go forward; each is recorded once.
func (s *Service) RecordPathway(ctx context.Context, actor p.Actor, expert p.ID, step Step, at time.Time) error {
	return s.s.Exec(ctx, actor, ActionRecordPathway, func(tx *p.Tx) error {
		e, err := getExpert(tx, expert)
		if err != nil {
			return err
		}
		if step.rank() < 0 {
			return p.Invalid("step", "%q is not a step of the pathway; use %s", step, stepLabels.OneOf())
		}
		if at.IsZero() {
			at = tx.Now()
		}
		for _, pe := range e.Pathway {
			if pe.Step.rank() >= step.rank() {
				return p.Errorf(p.ECONFLICT, "the person already reached %s; the pathway goes forward", pe.Step)
			}
			if at.Before(pe.At) {
				return p.Invalid("at", "a later step cannot be dated before an earlier one")
			}
		}
		return tx.Emit(PathwayReached{Expert: expert, Step: step, At: at.UTC()})
	})
}

// Request asks for an expert for an assignment (EXP-4). Level and scope
// default to the type's place in the house of participation.
type Request struct {
	Type  AssignmentType
	Unit  string
	Date  time.Time
	Need  Need
	Level p.Level
	Scope p.Scope
}

// RequestAssignment records a request.
func (s *Service) RequestAssignment(ctx context.Context, actor p.Actor, in Request) (*Assignment, error) {
	var out *Assignment
	err := s.s.Exec(ctx, actor, ActionRequest, func(tx *p.Tx) error {
		if !in.Type.Valid() {
			return p.Invalid("type", "%q is not an assignment type; use %s", in.Type, typeLabels.OneOf())
		}
		if in.Level == "" {
			in.Level, in.Scope = in.Type.Tag()
		}
		if err := p.ValidateTag(in.Level, in.Scope); err != nil {
			return err
		}
		if in.Date.IsZero() {
			return p.Invalid("date", "an assignment needs a date")
		}
		if err := in.Need.validate(); err != nil {
			return err
		}
		var err error
		if in.Unit, err = p.CheckName("unit", in.Unit, p.MaxCodeLen, false); err != nil {
			return err
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(AssignmentRequested{Assignment: id, Type: in.Type, Level: in.Level, Scope: in.Scope, Unit: in.Unit,
			Date: day(in.Date), Need: in.Need}); err != nil {
			return err
		}
		out, err = getAssignment(tx, id)
		return err
	})
	return out, err
}

func (n Need) validate() error {
	if n.Background != "" && !n.Background.Valid() {
		return p.Invalid("need.background", "%q is not a background; use %s", n.Background, backgroundLabels.OneOf())
	}
	if n.Area != "" {
		if _, err := codes("need.area", []string{n.Area}, 1, true); err != nil {
			return err
		}
	}
	if n.Language != "" {
		if _, err := codes("need.language", []string{n.Language}, 1, true); err != nil {
			return err
		}
	}
	return nil
}

func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func getAssignment(r p.Reader, id p.ID) (*Assignment, error) {
	a, ok, err := p.Lookup[*Assignment](r, tableAssignments, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "assignment %s not found", id)
	}
	return a, nil
}

// Offer offers a requested assignment to an expert. A withdrawn or
// unavailable expert, an untrained one where training is required, or
// one booked that day, is refused with ENOTMATCHABLE (EXP-2, EXP-3,
// EXP-5). The expert gets an outbox message of the offer in the same
// command (LOOP-1).
func (s *Service) Offer(ctx context.Context, actor p.Actor, assignment, expert p.ID) error {
	return s.s.Exec(ctx, actor, ActionOffer, func(tx *p.Tx) error {
		a, err := getAssignment(tx, assignment)
		if err != nil {
			return err
		}
		if a.State != Requested {
			return p.Errorf(p.ECONFLICT, "assignment %s is %s; only a requested one is offered", assignment, a.State)
		}
		e, err := getExpert(tx, expert)
		if err != nil {
			return err
		}
		switch {
		case !e.Withdrawn.IsZero():
			return &p.Error{Code: ENOTMATCHABLE, Message: "the expert withdrew their consent"}
		case !e.Available:
			return &p.Error{Code: ENOTMATCHABLE, Message: "the expert is not available"}
		case a.Need.RequireTrained && !e.Trained():
			return &p.Error{Code: ENOTMATCHABLE, Message: "the assignment requires a trained expert (EXP-2)"}
		}
		booked, err := p.Collect(tx, tableAssignments, "expert", func(x *Assignment) bool {
			return x.Date.Equal(a.Date) && x.State != Cancelled
		}, expert)
		if err != nil {
			return err
		}
		if len(booked) > 0 {
			return &p.Error{Code: ENOTMATCHABLE, Message: "the expert already has an assignment that day"}
		}
		if err := tx.Emit(AssignmentOffered{Assignment: assignment, Expert: expert}); err != nil {
			return err
		}
		// The expert hears of the offer in the same command (LOOP-1).
		return p.Notify(tx, p.Notice{Kind: p.MessageAssignmentOffered, Ref: assignment, Recipients: []p.ID{expert}, Title: offerTitle(a)})
	})
}

// offerTitle names an assignment in an offer's message: its type, its
// day and its unit (codes and the organisation's labels only).
func offerTitle(a *Assignment) p.Labels {
	day := a.Date.UTC().Format("2.1.2006")
	name := func(lang p.Lang) string {
		s := a.Type.Label(lang) + " " + day
		if a.Unit != "" {
			s += " (" + a.Unit + ")"
		}
		return s
	}
	return p.Labels{Fi: name(p.Finnish), Sv: name(p.Swedish), En: name(p.English)}
}

// Accept records that the expert accepted; only the expert offered may.
func (s *Service) Accept(ctx context.Context, actor p.Actor, assignment p.ID) error {
	return s.s.Exec(ctx, actor, ActionAccept, func(tx *p.Tx) error {
		a, err := getAssignment(tx, assignment)
		if err != nil {
			return err
		}
		if a.State != Offered {
			return p.Errorf(p.ECONFLICT, "assignment %s is %s; only an offered one is accepted", assignment, a.State)
		}
		if actor.ID != a.Expert {
			return p.Errorf(p.EFORBIDDEN, "only the expert it was offered to accepts an assignment")
		}
		return tx.Emit(AssignmentAccepted{Assignment: assignment})
	})
}

// Complete records an accepted assignment done, with its hours and travel
// costs (EXP-7): hours must be more than 0 and at most 24, the day being
// one day; the fee is the hours at the type's rate.
func (s *Service) Complete(ctx context.Context, actor p.Actor, assignment p.ID, hours float64, travelCents int) error {
	return s.s.Exec(ctx, actor, ActionComplete, func(tx *p.Tx) error {
		a, err := getAssignment(tx, assignment)
		if err != nil {
			return err
		}
		if a.State != Accepted {
			return p.Errorf(p.ECONFLICT, "assignment %s is %s; only an accepted one is completed", assignment, a.State)
		}
		if math.IsNaN(hours) || hours <= 0 || hours > 24 {
			return p.Invalid("hours", "give the hours worked, more than 0 and at most 24 in the day")
		}
		hours = math.Round(hours*100) / 100
		if travelCents < 0 || travelCents > maxTravel {
			return p.Invalid("travelCents", "travel costs are from 0 to %d cents", maxTravel)
		}
		fee := int(math.Round(hours * float64(s.ix.cfg.Fee(a.Type))))
		return tx.Emit(AssignmentCompleted{Assignment: assignment, Hours: hours, Travel: travelCents, Fee: fee})
	})
}

// Pay records the fee paid; only a completed assignment is paid (EXP-4).
func (s *Service) Pay(ctx context.Context, actor p.Actor, assignment p.ID) error {
	return s.s.Exec(ctx, actor, ActionPay, func(tx *p.Tx) error {
		a, err := getAssignment(tx, assignment)
		if err != nil {
			return err
		}
		if a.State != Completed {
			return p.Errorf(p.ECONFLICT, "assignment %s is %s; only a completed assignment is paid", assignment, a.State)
		}
		return tx.Emit(AssignmentPaid{Assignment: assignment})
	})
}

// Cancel cancels an assignment not yet completed, with the reason.
func (s *Service) Cancel(ctx context.Context, actor p.Actor, assignment p.ID, reason string) error {
	return s.s.Exec(ctx, actor, ActionCancel, func(tx *p.Tx) error {
		a, err := getAssignment(tx, assignment)
		if err != nil {
			return err
		}
		if actor.Role.IsClientSide() && actor.ID != a.Expert {
			return p.Errorf(p.EFORBIDDEN, "an expert cancels only their own assignments")
		}
		if a.State == Completed || a.State == Paid || a.State == Cancelled {
			return p.Errorf(p.ECONFLICT, "assignment %s is %s and can no longer be cancelled", assignment, a.State)
		}
		if reason, err = p.CheckRequiredText("reason", reason, p.MaxTextLen, "a cancellation gives its reason"); err != nil {
			return err
		}
		ev := AssignmentCancelled{Assignment: assignment, Reason: reason}
		if !a.Expert.IsZero() {
			ev.Reason = ""
			if ev.SealedReason, err = p.SealText(tx, a.Expert, reason); err != nil {
				return err
			}
		}
		return tx.Emit(ev)
	})
}

// Reason says why a candidate ranks where it does.
type Reason struct {
	Code   string   `json:"code"` // background, area, language, trained, load
	Labels p.Labels `json:"labels"`
}

// Candidate is one expert proposed for a request, with the reasons.
type Candidate struct {
	Expert  p.ID     `json:"expert"`
	Kind    Kind     `json:"kind"`
	Score   int      `json:"score"`
	Load    int      `json:"load"`
	Reasons []Reason `json:"reasons"`
}

// Match ranks the experts who may take an assignment on date with need
// (EXP-5): never a withdrawn or unavailable expert, never an untrained one
// where training is required, never one booked that day. A matching
// background or area scores 3, the language 2, training 1; among equal
// scores, the expert with fewer assignments around the date comes first,
// so work spreads fairly; then the id decides. It reads the matching
// index, never the sealed profiles.
func (s *Service) Match(need Need, date time.Time, limit int) ([]Candidate, error) {
	if err := need.validate(); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 100 {
		limit = 10
	}
	date = day(date)
	window := s.ix.cfg.LoadWindow
	s.ix.mu.RLock()
	defer s.ix.mu.RUnlock()
	type scored struct {
		e     *entry
		score int
		load  int
	}
	best := make([]scored, 0, limit+1)
	better := func(a, b scored) bool {
		if a.score != b.score {
			return a.score > b.score
		}
		if a.load != b.load {
			return a.load < b.load
		}
		return idLess(a.e.id, b.e.id)
	}
	for _, e := range s.ix.sorted {
		if !e.available || need.RequireTrained && !e.trained {
			continue
		}
		lo, _ := slices.BinarySearchFunc(e.dates, date.Add(-window), func(a, b time.Time) int { return a.Compare(b) })
		hi, _ := slices.BinarySearchFunc(e.dates, date.Add(window+1), func(a, b time.Time) int { return a.Compare(b) })
		if _, booked := slices.BinarySearchFunc(e.dates, date, func(a, b time.Time) int { return a.Compare(b) }); booked {
			continue
		}
		c := scored{e: e, load: hi - lo}
		if need.Background != "" && slices.Contains(e.backgrounds, need.Background) {
			c.score += 3
		}
		if need.Area != "" && slices.Contains(e.areas, need.Area) {
			c.score += 3
		}
		if need.Language != "" && slices.Contains(e.languages, need.Language) {
			c.score += 2
		}
		if e.trained {
			c.score++
		}
		if len(best) == limit && !better(c, best[limit-1]) {
			continue
		}
		i := len(best)
		for i > 0 && better(c, best[i-1]) {
			i--
		}
		best = slices.Insert(best, i, c)
		if len(best) > limit {
			best = best[:limit]
		}
	}
	out := make([]Candidate, len(best))
	for i, c := range best {
		cand := Candidate{Expert: c.e.id, Kind: c.e.kind, Score: c.score, Load: c.load}
		if need.Background != "" && slices.Contains(c.e.backgrounds, need.Background) {
			cand.Reasons = append(cand.Reasons, Reason{"background", p.Labels{Fi: "Kokemustausta: " + need.Background.Label(p.Finnish), Sv: "Erfarenhet: " + need.Background.Label(p.Swedish), En: "Background: " + need.Background.Label(p.English)}})
		}
		if need.Area != "" && slices.Contains(c.e.areas, need.Area) {
			cand.Reasons = append(cand.Reasons, Reason{"area", p.Labels{Fi: "Alue: " + AreaLabel(need.Area, p.Finnish), Sv: "Område: " + AreaLabel(need.Area, p.Swedish), En: "Area: " + AreaLabel(need.Area, p.English)}})
		}
		if need.Language != "" && slices.Contains(c.e.languages, need.Language) {
			cand.Reasons = append(cand.Reasons, Reason{"language", p.Labels{Fi: "Kieli: " + need.Language, Sv: "Språk: " + need.Language, En: "Language: " + need.Language}})
		}
		if c.e.trained {
			cand.Reasons = append(cand.Reasons, Reason{"trained", p.Labels{Fi: "Koulutettu", Sv: "Utbildad", En: "Trained"}})
		}
		cand.Reasons = append(cand.Reasons, Reason{"load", p.Labels{
			Fi: fmt.Sprintf("%d tehtävää lähiaikoina", c.load), Sv: fmt.Sprintf("%d uppdrag nyligen", c.load), En: fmt.Sprintf("%d assignments around the date", c.load)}})
		out[i] = cand
	}
	return out, nil
}

// Total is one expert's work in a period (EXP-7).
type Total struct {
	Expert      p.ID    `json:"expert"`
	Name        string  `json:"name"` // empty when erased
	Assignments int     `json:"assignments"`
	Hours       float64 `json:"hours"`
	Fees        int     `json:"fees"`   // cents
	Travel      int     `json:"travel"` // cents
}

// Totals sums completed and paid assignments dated in the period, per
// expert, for payroll. Names come from the vault; an erased one is empty.
func Totals(r p.Reader, vault *p.Vault, period p.Period) ([]Total, error) {
	if err := period.Validate(); err != nil {
		return nil, err
	}
	it, err := r.LowerBound(tableAssignments, "date", period.From)
	if err != nil {
		return nil, p.Internal(err, "reading assignments")
	}
	byExpert := map[p.ID]*Total{}
	var order []p.ID
	for obj := it.Next(); obj != nil; obj = it.Next() {
		a := obj.(*Assignment)
		if !period.To.IsZero() && !a.Date.Before(period.To) {
			break
		}
		if a.State != Completed && a.State != Paid {
			continue
		}
		t := byExpert[a.Expert]
		if t == nil {
			t = &Total{Expert: a.Expert}
			byExpert[a.Expert] = t
			order = append(order, a.Expert)
		}
		t.Assignments++
		t.Hours += a.Hours
		t.Fees += a.Fee
		t.Travel += a.Travel
	}
	sort.Slice(order, func(i, j int) bool { return order[i].String() < order[j].String() })
	out := make([]Total, 0, len(order))
	for _, id := range order {
		t := *byExpert[id]
		t.Hours = math.Round(t.Hours*100) / 100
		if e, err := getExpert(r, id); err == nil {
			if prof, err := openProfile(vault, e.Profile); err == nil {
				t.Name = prof.Name
			}
		}
		out = append(out, t)
	}
	return out, nil
}

// WritePayroll writes totals as CSV for payroll: expert, name,
// assignments, hours, fees, travel and total in euros. A cell that a
// spreadsheet would take for a formula is quoted (PRIV-4).
func WritePayroll(w io.Writer, totals []Total) error {
	cw := p.NewCSVWriter(w)
	euros := func(c int) string { return strconv.FormatFloat(float64(c)/100, 'f', 2, 64) }
	rows := [][]string{{"expert", "name", "assignments", "hours", "fees_eur", "travel_eur", "total_eur"}}
	for _, t := range totals {
		rows = append(rows, []string{t.Expert.String(), t.Name, strconv.Itoa(t.Assignments),
			strconv.FormatFloat(t.Hours, 'f', 2, 64), euros(t.Fees), euros(t.Travel), euros(t.Fees + t.Travel)})
	}
	for _, row := range rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return cw.Flush()
}

// StepCount is how many people reached a pathway step in a period.
type StepCount struct {
	Step    Step     `json:"step"`
	Labels  p.Labels `json:"labels"`
	Reached int      `json:"reached"`
}

// PathwayReport counts, per step, the people who reached it in the period
// (EXP-6): the evaluation the model itself reports.
func PathwayReport(r p.Reader, period p.Period) ([]StepCount, error) {
	if err := period.Validate(); err != nil {
		return nil, err
	}
	counts := map[Step]int{}
	experts, err := p.Collect[*Expert](r, tableExperts, "id", nil)
	if err != nil {
		return nil, err
	}
	for _, e := range experts {
		for _, pe := range e.Pathway {
			if period.Contains(pe.At) {
				counts[pe.Step]++
			}
		}
	}
	out := make([]StepCount, len(Steps))
	for i, s := range Steps {
		out[i] = StepCount{Step: s, Labels: stepLabels[s], Reached: counts[s]}
	}
	return out, nil
}

// Get returns an expert.
func Get(r p.Reader, id p.ID) (*Expert, error) { return getExpert(r, id) }

// GetAssignment returns an assignment.
func GetAssignment(r p.Reader, id p.ID) (*Assignment, error) { return getAssignment(r, id) }

// OpenProfile opens an expert's sealed profile; it fails with EERASED
// once consent was withdrawn.
func OpenProfile(v *p.Vault, e *Expert) (Profile, error) { return openProfile(v, e.Profile) }
