package participation

import (
	"slices"
	"sort"
)

// Role is what an actor is in the organisation's eyes. The role policy
// decides what each role may do (PART-7).
type Role string

// The roles the library knows.
const (
	// RoleClient: a client of the services (asiakas).
	RoleClient Role = "client"
	// RoleFamilyMember: a relative or close person (omainen).
	RoleFamilyMember Role = "family_member"
	// RoleExpert: an experience expert (kokemusasiantuntija).
	RoleExpert Role = "experience_expert"
	// RoleDeveloperClient: a client taking part in development work.
	RoleDeveloperClient Role = "developer_client"
	// RoleStaff: a professional in client work.
	RoleStaff Role = "staff"
	// RoleCoordinator: the person responsible for a participation activity.
	RoleCoordinator Role = "coordinator"
	// RoleManager: service management, who decides on and answers inputs.
	RoleManager Role = "manager"
	// RoleAdmin: the system's administrator (erasure, policy).
	RoleAdmin Role = "admin"
	// RoleDevice: a feedback device in a service point.
	RoleDevice Role = "device"
	// RoleAnonymous: an anonymous sender; carries no id.
	RoleAnonymous Role = "anonymous"
	// RoleSystem: an integration acting for the organisation (imports).
	RoleSystem Role = "system"
)

// Roles lists every role.
var Roles = []Role{RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleStaff, RoleCoordinator, RoleManager, RoleAdmin, RoleDevice, RoleAnonymous, RoleSystem}

var roleLabels = EnumLabels[Role]{
	RoleClient:          {Fi: "Asiakas", Sv: "Klient", En: "Client"},
	RoleFamilyMember:    {Fi: "Omainen", Sv: "Anhörig", En: "Family member"},
	RoleExpert:          {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	RoleDeveloperClient: {Fi: "Kehittäjäasiakas", Sv: "Utvecklarklient", En: "Developer client"},
	RoleStaff:           {Fi: "Työntekijä", Sv: "Anställd", En: "Staff member"},
	RoleCoordinator:     {Fi: "Koordinaattori", Sv: "Koordinator", En: "Coordinator"},
	RoleManager:         {Fi: "Palvelujohto", Sv: "Serviceledning", En: "Service management"},
	RoleAdmin:           {Fi: "Ylläpitäjä", Sv: "Administratör", En: "Administrator"},
	RoleDevice:          {Fi: "Palautelaite", Sv: "Responsenhet", En: "Feedback device"},
	RoleAnonymous:       {Fi: "Nimetön", Sv: "Anonym", En: "Anonymous"},
	RoleSystem:          {Fi: "Järjestelmä", Sv: "System", En: "System"},
}

// Label returns the role's name in lang.
func (r Role) Label(lang Lang) string { return roleLabels.Label(r, lang) }

// Valid reports whether r is one of [Roles].
func (r Role) Valid() bool { return roleLabels.Has(r) }

// IsClientSide reports whether the role speaks for clients rather than the
// organisation: client, family member, experience expert, developer client
// and anonymous senders.
func (r Role) IsClientSide() bool {
	switch r {
	case RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleAnonymous, RoleDevice:
		return true
	}
	return false
}

// Actor names who makes a change (PART-7). It holds an id and a role and
// never a name: names are personal data and live sealed, not in events.
// An anonymous actor has the zero ID.
type Actor struct {
	ID   ID   `json:"id,omitzero"`
	Role Role `json:"role"`
}

// Anonymous is the actor of an anonymous sender.
var Anonymous = Actor{Role: RoleAnonymous}

// Validate checks that the role is known and that every role but
// anonymous carries an id, and anonymous none.
func (a Actor) Validate() error {
	if !a.Role.Valid() {
		return Invalid("actor.role", "%q is not a role; every change must name its actor's role", a.Role)
	}
	if a.Role == RoleAnonymous {
		if !a.ID.IsZero() {
			return Invalid("actor.id", "an anonymous actor carries no id")
		}
		return nil
	}
	if a.ID.IsZero() {
		return Invalid("actor.id", "a %s actor must have an id", a.Role)
	}
	return nil
}

// Action names a mutating command, as "module.verb" (for example
// "contribution.decide"). Every command checks its action against the
// [Policy] before it runs.
type Action string

// ActionRule is a module's default for one action: which roles may run it,
// and what it does (for the README's policy table and the authorization
// matrix test).
type ActionRule struct {
	Action Action
	Roles  []Role
	Doc    string
}

// Policy decides which roles may run which actions (PART-7). The store
// builds it from the modules' defaults and the overrides in [Config].
type Policy struct {
	rules     map[Action][]Role
	docs      map[Action]string
	anonymous map[Action]bool
}

func newPolicy() *Policy {
	return &Policy{rules: map[Action][]Role{}, docs: map[Action]string{}, anonymous: map[Action]bool{}}
}

// Anonymous reports whether every command of action is anonymous, whoever
// runs it (PRIV-1, [Module].Anonymous).
func (p *Policy) Anonymous(action Action) bool { return p.anonymous[action] }

// Allowed reports whether role may run action.
func (p *Policy) Allowed(role Role, action Action) bool {
	return slices.Contains(p.rules[action], role)
}

// Roles returns the roles that may run action, in the order of [Roles].
func (p *Policy) Roles(action Action) []Role {
	out := slices.Clone(p.rules[action])
	sort.Slice(out, func(i, j int) bool { return slices.Index(Roles, out[i]) < slices.Index(Roles, out[j]) })
	return out
}

// Actions lists every registered action, sorted.
func (p *Policy) Actions() []Action {
	out := make([]Action, 0, len(p.rules))
	for a := range p.rules {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// Doc returns the description of action.
func (p *Policy) Doc(action Action) string { return p.docs[action] }

// Authorize returns nil if actor is valid and its role may run action, and
// an EFORBIDDEN error that says who may otherwise.
func (p *Policy) Authorize(actor Actor, action Action) error {
	if err := actor.Validate(); err != nil {
		return err
	}
	roles, ok := p.rules[action]
	if !ok {
		return Errorf(EINTERNAL, "action %q is not registered with the store", action)
	}
	if !slices.Contains(roles, actor.Role) {
		return Errorf(EFORBIDDEN, "role %s may not %s; allowed roles: %v", actor.Role, action, roles)
	}
	return nil
}
