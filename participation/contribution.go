package participation

import (
	"strings"
	"time"
	"unicode/utf8"
)

// State is where a contribution stands in the loop (PART-2):
// received → acknowledged → under consideration → decided → implemented →
// reported back. Implemented applies only to adopted or partly adopted
// contributions; a decision may be reported back before it is implemented.
type State string

// The states of the contribution loop, in order.
const (
	StateReceived           State = "received"
	StateAcknowledged       State = "acknowledged"
	StateUnderConsideration State = "under_consideration"
	StateDecided            State = "decided"
	StateImplemented        State = "implemented"
	StateReportedBack       State = "reported_back"
)

// States lists the loop's states in order.
var States = []State{StateReceived, StateAcknowledged, StateUnderConsideration, StateDecided, StateImplemented, StateReportedBack}

var stateLabels = EnumLabels[State]{
	StateReceived:           {Fi: "Vastaanotettu", Sv: "Mottagen", En: "Received"},
	StateAcknowledged:       {Fi: "Kuitattu", Sv: "Kvitterad", En: "Acknowledged"},
	StateUnderConsideration: {Fi: "Käsittelyssä", Sv: "Under behandling", En: "Under consideration"},
	StateDecided:            {Fi: "Päätetty", Sv: "Beslutad", En: "Decided"},
	StateImplemented:        {Fi: "Toteutettu", Sv: "Genomförd", En: "Implemented"},
	StateReportedBack:       {Fi: "Vastattu osallistujille", Sv: "Återrapporterad", En: "Reported back"},
}

// Label returns the state's name in lang.
func (s State) Label(lang Lang) string { return stateLabels.Label(s, lang) }

// Valid reports whether s is one of [States].
func (s State) Valid() bool { return stateLabels.Has(s) }

func (s State) rank() int {
	for i, v := range States {
		if v == s {
			return i
		}
	}
	return -1
}

// Decision is what the organisation decided about a contribution.
type Decision string

// The decisions. PartlyAdopted and NotAdopted need a reason.
const (
	Adopted       Decision = "adopted"
	PartlyAdopted Decision = "partly_adopted"
	NotAdopted    Decision = "not_adopted"
)

// Decisions lists the decisions.
var Decisions = []Decision{Adopted, PartlyAdopted, NotAdopted}

var decisionLabels = EnumLabels[Decision]{
	Adopted:       {Fi: "Otettu käyttöön", Sv: "Genomförs", En: "Adopted"},
	PartlyAdopted: {Fi: "Otettu osittain käyttöön", Sv: "Genomförs delvis", En: "Partly adopted"},
	NotAdopted:    {Fi: "Ei toteuteta", Sv: "Genomförs inte", En: "Not adopted"},
}

// Label returns the decision's name in lang.
func (d Decision) Label(lang Lang) string { return decisionLabels.Label(d, lang) }

// Valid reports whether d is one of [Decisions].
func (d Decision) Valid() bool { return decisionLabels.Has(d) }

// NeedsReason reports whether the decision must give a reason (PART-2).
func (d Decision) NeedsReason() bool { return d == PartlyAdopted || d == NotAdopted }

// Origin says who raised a contribution: clients or the organisation.
// The share raised by clients is an integrity indicator.
type Origin string

// The origins.
const (
	OriginClient       Origin = "client"
	OriginOrganisation Origin = "organisation"
)

var originLabels = EnumLabels[Origin]{
	OriginClient:       {Fi: "Asiakkaat", Sv: "Klienter", En: "Clients"},
	OriginOrganisation: {Fi: "Organisaatio", Sv: "Organisationen", En: "Organisation"},
}

// Label returns the origin's name in lang.
func (o Origin) Label(lang Lang) string { return originLabels.Label(o, lang) }

// Valid reports whether o is a known origin.
func (o Origin) Valid() bool { return originLabels.Has(o) }

// Source says which module and which of its things a contribution came
// from, for example {Module: "panel", Kind: "statement", Ref: statementID}.
type Source struct {
	Module string `json:"module"`
	Kind   string `json:"kind"`
	Ref    ID     `json:"ref,omitzero"`
}

// Key returns "module/kind".
func (s Source) Key() string { return s.Module + "/" + s.Kind }

// SourcePanelTopic is the source key of panel topics, which the
// member-raised-topics indicator counts.
const SourcePanelTopic = "panel/topic"

// Step is one move of a contribution in the loop: who, when and why.
// Implicit steps were passed over by a later step in the same command
// (deciding straight away acknowledges and considers, too).
type Step struct {
	State    State     `json:"state"`
	At       time.Time `json:"at"`
	By       Actor     `json:"by"`
	Note     string    `json:"note,omitempty"`
	Implicit bool      `json:"implicit,omitempty"`
	// Seq is the sequence number of the journal event that recorded the
	// step, for proving it (LOOP-2, [ProveEvents]). It stays out of JSON:
	// a sequence number orders events within the hour, which rows of
	// anonymous contributions must not (PRIV-1).
	Seq uint64 `json:"-"`
}

// Contribution is a client's input on its way through the loop: a
// feedback item, a panel topic or statement, an experience expert's
// input, an idea in a co-development process.
type Contribution struct {
	ID      ID     `json:"id"`
	Source  Source `json:"source"`
	Level   Level  `json:"level"`
	Scope   Scope  `json:"scope,omitempty"`
	Origin  Origin `json:"origin"`
	Unit    string `json:"unit,omitempty"`
	Service string `json:"service,omitempty"`
	Title   string `json:"title"`
	// TitleBy is whose key the title was sealed under, zero when it is no
	// one's own words (PRIV-2); erasing that person erases the title.
	TitleBy ID `json:"-"`
	// Contributors are the named participants who follow the contribution
	// in their own list; anonymous contributions have none.
	Contributors []ID `json:"contributors,omitempty"`
	// Group is the panel, process or other body the contribution came
	// through, if any, so indicators can speak of one panel.
	Group ID `json:"group,omitzero"`
	// RecordedBy is the role of the worker or integration who entered the
	// contribution on behalf of clients (PRIV-3); empty when the
	// contributors submitted it themselves or a module's command made it.
	RecordedBy Role `json:"recordedBy,omitempty"`

	State    State    `json:"state"`
	Decision Decision `json:"decision,omitempty"`
	Reason   string   `json:"reason,omitempty"`
	Response string   `json:"response,omitempty"`

	ReceivedAt     time.Time `json:"receivedAt"`
	AcknowledgeBy  time.Time `json:"acknowledgeBy"`
	RespondBy      time.Time `json:"respondBy"`
	AcknowledgedAt time.Time `json:"acknowledgedAt,omitzero"`
	DecidedAt      time.Time `json:"decidedAt,omitzero"`
	ImplementedAt  time.Time `json:"implementedAt,omitzero"`
	ReportedAt     time.Time `json:"reportedAt,omitzero"`

	History []Step `json:"history"`
}

// Reached reports whether the contribution has reached state s.
func (c *Contribution) Reached(s State) bool {
	if s == StateImplemented {
		return !c.ImplementedAt.IsZero()
	}
	return c.State.rank() >= s.rank()
}

// OverdueAt reports which deadline, if any, the contribution has missed at
// time at: "acknowledge" or "respond" (the latter wins), or "".
func (c *Contribution) OverdueAt(at time.Time) string {
	if c.State != StateReportedBack && at.After(c.RespondBy) {
		return "respond"
	}
	if c.State == StateReceived && at.After(c.AcknowledgeBy) {
		return "acknowledge"
	}
	return ""
}

func (c *Contribution) clone() *Contribution {
	cp := *c
	cp.Contributors = append([]ID(nil), c.Contributors...)
	cp.History = append([]Step(nil), c.History...)
	return &cp
}

// LoopPolicy holds the loop's deadlines.
type LoopPolicy struct {
	// AcknowledgeWithin is the time to acknowledge a contribution.
	AcknowledgeWithin time.Duration `json:"acknowledgeWithin"`
	// RespondWithin is the time to report back to its contributors.
	RespondWithin time.Duration `json:"respondWithin"`
}

// DefaultLoopPolicy returns 14 days to acknowledge and 90 to respond.
func DefaultLoopPolicy() LoopPolicy {
	return LoopPolicy{AcknowledgeWithin: 14 * 24 * time.Hour, RespondWithin: 90 * 24 * time.Hour}
}

// Validate checks that both deadlines are positive and the acknowledgement
// comes no later than the response.
func (p LoopPolicy) Validate() error {
	if p.AcknowledgeWithin <= 0 || p.RespondWithin <= 0 {
		return Invalid("loop", "deadlines must be positive")
	}
	if p.AcknowledgeWithin > p.RespondWithin {
		return Invalid("loop", "the deadline to acknowledge (%s) must not be later than the deadline to respond (%s)", p.AcknowledgeWithin, p.RespondWithin)
	}
	return nil
}

// Input limits of the kernel.
const (
	MaxTitleLen        = 200  // runes in a title
	MaxTextLen         = 4000 // runes in a note, reason or response
	MaxCodeLen         = 100  // runes in a unit or service code
	MaxContributors    = 200  // named contributors on one contribution
	MaxSourceFieldLen  = 40   // bytes in a source module or kind
	maxErasureReason   = 200
	implicitStepRemark = "passed over by a later step"
)

// CheckRequiredText is [CheckText] for a required field whose absence
// deserves its own explanation: a blank value is refused with the message
// why, any other fault as CheckText refuses it.
func CheckRequiredText(field, s string, max int, why string) (string, error) {
	if utf8.ValidString(s) && strings.TrimSpace(s) == "" {
		return "", Invalid(field, "%s", why)
	}
	return CheckText(field, s, max, true)
}

// CheckText validates a free-text field: valid UTF-8, at most max runes,
// and, when required, not blank. It returns the text trimmed.
func CheckText(field, s string, max int, required bool) (string, error) {
	if !utf8.ValidString(s) {
		return "", Invalid(field, "is not valid UTF-8 text")
	}
	s = strings.TrimSpace(s)
	if required && s == "" {
		return "", Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return "", Invalid(field, "is %d characters long; the limit is %d", n, max)
	}
	return s, nil
}

// CheckRequiredName is [CheckName] for a required field whose absence
// deserves its own explanation, as [CheckRequiredText].
func CheckRequiredName(field, s string, max int, why string) (string, error) {
	if utf8.ValidString(s) && strings.TrimSpace(s) == "" {
		return "", Invalid(field, "%s", why)
	}
	return CheckName(field, s, max, true)
}

// CheckName validates a name, a code, a service or a contact detail as
// [CheckText] does, and refuses control characters (C0, DEL and C1) and
// bidirectional formatting characters (the embeddings and overrides
// U+202A–U+202E, the isolates U+2066–U+2069, the marks U+200E, U+200F and
// U+061C), which make a name read differently from what it is (PRIV-4).
func CheckName(field, s string, max int, required bool) (string, error) {
	s, err := CheckText(field, s, max, required)
	if err != nil {
		return "", err
	}
	for i, r := range s {
		if IsControlOrBidi(r) {
			return "", Invalid(field, "holds the control or bidirectional formatting character U+%04X at byte %d; names and codes take none", r, i)
		}
	}
	return s, nil
}

// IsControlOrBidi reports whether r is a control character (C0, DEL, C1)
// or a bidirectional formatting character, which [CheckName] refuses.
func IsControlOrBidi(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
