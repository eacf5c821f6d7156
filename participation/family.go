package participation

import (
	"context"
	"slices"
	"time"

	"github.com/hashicorp/go-memdb"
)

// FamilyScope is what a family member may take part in (PART-5).
type FamilyScope string

// The scopes of a family member's part in a client's service.
const (
	// FamilyPlanning: taking part in planning the client's service.
	FamilyPlanning FamilyScope = "planning"
	// FamilyMeetings: attending the client's meetings.
	FamilyMeetings FamilyScope = "meetings"
	// FamilyInformation: receiving information about the service.
	FamilyInformation FamilyScope = "information"
)

// FamilyScopes lists the scopes.
var FamilyScopes = []FamilyScope{FamilyPlanning, FamilyMeetings, FamilyInformation}

var familyScopeLabels = EnumLabels[FamilyScope]{
	FamilyPlanning:    {Fi: "Palvelun suunnittelu", Sv: "Planering av servicen", En: "Service planning"},
	FamilyMeetings:    {Fi: "Tapaamiset", Sv: "Möten", En: "Meetings"},
	FamilyInformation: {Fi: "Tiedonsaanti", Sv: "Information", En: "Information"},
}

// Label returns the scope's name in lang.
func (s FamilyScope) Label(lang Lang) string { return familyScopeLabels.Label(s, lang) }

// Valid reports whether s is one of [FamilyScopes].
func (s FamilyScope) Valid() bool { return familyScopeLabels.Has(s) }

// Who gives a family consent.
const (
	GivenByClient         = "client"
	GivenByRepresentative = "legal_representative"
)

// ENOCONSENT is the error code when a family member would take part
// without a consent in force for that scope (PART-5).
const ENOCONSENT = "no_consent"

// FamilyConsent lets a family member take part in a client's service,
// within its scopes and until it expires or is withdrawn (PART-5).
type FamilyConsent struct {
	ID      ID            `json:"id"`
	Client  ID            `json:"client"`
	Family  ID            `json:"family"`
	Scopes  []FamilyScope `json:"scopes"`
	GivenBy string        `json:"givenBy"`
	Given   time.Time     `json:"given"`
	Expires time.Time     `json:"expires"`
	// Withdrawn is when the consent was withdrawn, zero while in force.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
}

// InForce reports whether the consent covers scope at time at.
func (c *FamilyConsent) InForce(scope FamilyScope, at time.Time) bool {
	return c.Withdrawn.IsZero() && at.Before(c.Expires) && !at.Before(c.Given) && slices.Contains(c.Scopes, scope)
}

// Events of family consent.
type (
	// FamilyConsentGiven: a client (or their legal representative)
	// consented to a family member taking part.
	FamilyConsentGiven struct {
		Consent FamilyConsent `json:"consent"`
	}
	// FamilyConsentWithdrawn: the consent was withdrawn.
	FamilyConsentWithdrawn struct {
		Consent ID `json:"consent"`
	}
	// FamilyTookPart: a family member took part under a consent.
	FamilyTookPart struct {
		Consent ID          `json:"consent"`
		Scope   FamilyScope `json:"scope"`
	}
)

// EventType implements [EventData].
func (FamilyConsentGiven) EventType() string { return "family.consent_given" }

// EventType implements [EventData].
func (FamilyConsentWithdrawn) EventType() string { return "family.consent_withdrawn" }

// EventType implements [EventData].
func (FamilyTookPart) EventType() string { return "family.took_part" }

// Actions of family participation.
const (
	ActionFamilyGrant    Action = "family.grant"
	ActionFamilyWithdraw Action = "family.withdraw"
	ActionFamilyTakePart Action = "family.take_part"
)

const tableFamily = "family_consents"

// familyParticipation is the FamilyTookPart log as rows, for the house
// profile: who took part, when, on the own-service floor.
type familyParticipation struct {
	Event   ID          `json:"event"`
	Consent ID          `json:"consent"`
	Scope   FamilyScope `json:"scope"`
	At      time.Time   `json:"at"`
}

const tableFamilyParticipation = "family_participation"

func familyTables() []*memdb.TableSchema {
	return []*memdb.TableSchema{
		{Name: tableFamily, Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(c *FamilyConsent) ID { return c.ID })},
			// client: a client's consents, to check one before taking part.
			"client": {Name: "client", Indexer: IndexID(func(c *FamilyConsent) ID { return c.Client })},
		}},
		{Name: tableFamilyParticipation, Indexes: map[string]*memdb.IndexSchema{
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(f *familyParticipation) ID { return f.Event })},
		}},
	}
}

func familyEvents() []EventType {
	return []EventType{
		Handle(func(tx *Tx, m EventMeta, d FamilyConsentGiven) error {
			c := d.Consent
			return tx.Insert(tableFamily, &c)
		}),
		Handle(func(tx *Tx, m EventMeta, d FamilyConsentWithdrawn) error {
			old, ok, err := Lookup[*FamilyConsent](tx, tableFamily, "id", d.Consent)
			if err != nil || !ok {
				return Errorf(ENOTFOUND, "family consent %s not found", d.Consent)
			}
			cp := *old
			cp.Withdrawn = m.Time
			return tx.Insert(tableFamily, &cp)
		}),
		Handle(func(tx *Tx, m EventMeta, d FamilyTookPart) error {
			if c, ok, err := Lookup[*FamilyConsent](tx, tableFamily, "id", d.Consent); err == nil && ok {
				RecordActivity(tx, m.Time, Activity{Level: LevelOwnService, People: []ID{c.Family, c.Client}})
			}
			return tx.Insert(tableFamilyParticipation, &familyParticipation{Event: m.ID, Consent: d.Consent, Scope: d.Scope, At: m.Time})
		}),
	}
}

// familyFields classifies the family events' fields (PRIV-2): codes only.
var familyFields = []FieldRule{
	{"family.consent_given", "consent.scopes[]", FieldCode, ""},
	{"family.consent_given", "consent.givenBy", FieldCode, ""},
	{"family.took_part", "scope", FieldCode, ""},
}

// FamilyConsentInput records a consent.
type FamilyConsentInput struct {
	Client  ID
	Family  ID
	Scopes  []FamilyScope
	GivenBy string // GivenByClient or GivenByRepresentative
	Expires time.Time
}

// GrantFamilyConsent records a client's (or legal representative's)
// consent to a family member taking part (PART-5). The client records
// their own; a worker records one given to them, saying by whom.
func (s *Store) GrantFamilyConsent(ctx context.Context, actor Actor, in FamilyConsentInput) (*FamilyConsent, error) {
	var out *FamilyConsent
	err := s.Exec(ctx, actor, ActionFamilyGrant, func(tx *Tx) error {
		if in.Client.IsZero() || in.Family.IsZero() || in.Client == in.Family {
			return Invalid("family", "name the client and the family member, two different people")
		}
		if actor.Role.IsClientSide() && actor.ID != in.Client {
			return Errorf(EFORBIDDEN, "a client consents only for their own service")
		}
		if in.GivenBy != GivenByClient && in.GivenBy != GivenByRepresentative {
			return Invalid("givenBy", "say whether the client or their legal representative gave the consent")
		}
		if err := familyScopeLabels.CheckChoices("scopes", in.Scopes, "a consent names what the family member may take part in: planning, meetings, information"); err != nil {
			return err
		}
		if !in.Expires.After(tx.Now()) {
			return Invalid("expires", "a consent needs an expiry in the future")
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		c := FamilyConsent{ID: id, Client: in.Client, Family: in.Family, Scopes: slices.Clone(in.Scopes), GivenBy: in.GivenBy, Given: tx.Now(), Expires: in.Expires.UTC()}
		if err := tx.Emit(FamilyConsentGiven{Consent: c}); err != nil {
			return err
		}
		out, _, err = Lookup[*FamilyConsent](tx, tableFamily, "id", id)
		return err
	})
	return out, err
}

// WithdrawFamilyConsent withdraws a consent; the client withdraws their
// own, a worker one withdrawn in their presence.
func (s *Store) WithdrawFamilyConsent(ctx context.Context, actor Actor, consent ID) error {
	return s.Exec(ctx, actor, ActionFamilyWithdraw, func(tx *Tx) error {
		c, ok, err := Lookup[*FamilyConsent](tx, tableFamily, "id", consent)
		if err != nil {
			return err
		}
		if !ok {
			return Errorf(ENOTFOUND, "family consent %s not found", consent)
		}
		if actor.Role.IsClientSide() && actor.ID != c.Client {
			return Errorf(EFORBIDDEN, "a client withdraws only their own consents")
		}
		if !c.Withdrawn.IsZero() {
			return Errorf(ECONFLICT, "the consent is already withdrawn")
		}
		return tx.Emit(FamilyConsentWithdrawn{Consent: consent})
	})
}

// TakePart records a family member taking part in a client's service
// within scope. Without a consent in force — none, expired, withdrawn or
// of another scope — it is refused with ENOCONSENT (PART-5).
func (s *Store) TakePart(ctx context.Context, actor Actor, client ID, scope FamilyScope) error {
	return s.Exec(ctx, actor, ActionFamilyTakePart, func(tx *Tx) error {
		c, err := FamilyConsentFor(tx, client, actor.ID, scope, tx.Now())
		if err != nil {
			return err
		}
		return tx.Emit(FamilyTookPart{Consent: c.ID, Scope: scope})
	})
}

// FamilyConsentFor returns the consent in force that lets family take
// part in client's service within scope at time at, or an ENOCONSENT
// error that says why not.
func FamilyConsentFor(r Reader, client, family ID, scope FamilyScope, at time.Time) (*FamilyConsent, error) {
	if !scope.Valid() {
		return nil, Invalid("scope", "%q is not a scope; use %s", scope, familyScopeLabels.OneOf())
	}
	cs, err := Collect(r, tableFamily, "client", func(c *FamilyConsent) bool { return c.Family == family }, client)
	if err != nil {
		return nil, err
	}
	why := "the client has given no consent to this family member"
	if len(cs) > 0 {
		why = "the client's consent does not cover " + string(scope)
	}
	for _, c := range cs {
		switch {
		case c.InForce(scope, at):
			return c, nil
		case !slices.Contains(c.Scopes, scope):
		case !c.Withdrawn.IsZero():
			why = "the client's consent was withdrawn"
		case !at.Before(c.Expires):
			why = "the client's consent expired on " + c.Expires.Format(time.DateOnly)
		}
	}
	return nil, &Error{Code: ENOCONSENT, Message: why}
}
