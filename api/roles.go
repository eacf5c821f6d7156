package api

import (
	"slices"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// The roles the page can act in. Panel member, chair and secretary are
// clients who hold a membership or a position in the first panel; the
// others are the library's roles. The page picks one with the method
// session.role, and every change the page asks for is made as that
// role's actor, so the library's policy decides what it may do.
const (
	RoleClient       = "client"
	RolePanelMember  = "panel_member"
	RoleChair        = "chair"
	RoleSecretary    = "secretary"
	RoleExpert       = "experience_expert"
	RoleFamilyMember = "family_member"
	RoleStaff        = "staff"
	RoleCoordinator  = "coordinator"
	RoleManager      = "manager"
	RoleDevice       = "device"
)

// Roles lists the page's roles in the order the switcher shows them.
var Roles = []string{RoleClient, RolePanelMember, RoleChair, RoleSecretary, RoleExpert, RoleFamilyMember, RoleStaff, RoleCoordinator, RoleManager, RoleDevice}

var roleLabels = map[string]p.Labels{
	RoleClient:       {Fi: "Asiakas", Sv: "Klient", En: "Client"},
	RolePanelMember:  {Fi: "Asiakasraadin jäsen", Sv: "Medlem i klientrådet", En: "Panel member"},
	RoleChair:        {Fi: "Asiakasraadin puheenjohtaja", Sv: "Klientrådets ordförande", En: "Panel chair"},
	RoleSecretary:    {Fi: "Asiakasraadin sihteeri", Sv: "Klientrådets sekreterare", En: "Panel secretary"},
	RoleExpert:       {Fi: "Kokemusasiantuntija", Sv: "Erfarenhetsexpert", En: "Experience expert"},
	RoleFamilyMember: {Fi: "Omainen", Sv: "Anhörig", En: "Family member"},
	RoleStaff:        {Fi: "Työntekijä", Sv: "Anställd", En: "Staff member"},
	RoleCoordinator:  {Fi: "Osallisuuskoordinaattori", Sv: "Delaktighetskoordinator", En: "Participation coordinator"},
	RoleManager:      {Fi: "Palvelujohto", Sv: "Serviceledningen", En: "Service management"},
	RoleDevice:       {Fi: "Palautelaite", Sv: "Responsenhet", En: "Feedback device"},
}

// Fixed ids of the demo's people who are not found in the state.
var (
	demoClient = p.MustParseID("0190de00-0000-7000-8000-0000000000c4")
	demoFamily = p.MustParseID("0190de00-0000-7000-8000-0000000000c5")
	demoNobody = p.MustParseID("0190de00-0000-7000-8000-0000000000c6")
)

// actor returns the actor of the page's role for action, and notes the
// action so that a refusal can name it.
func (a *App) actor(action p.Action) p.Actor {
	a.action = action
	if a.caller.Role != "" {
		return a.caller
	}
	switch a.role {
	case RoleClient:
		return p.Actor{ID: demoClient, Role: p.RoleClient}
	case RoleFamilyMember:
		return p.Actor{ID: demoFamily, Role: p.RoleFamilyMember}
	case RoleStaff:
		return Worker
	case RoleManager:
		return Manager
	case RolePanelMember, RoleChair, RoleSecretary:
		return a.panelActor()
	case RoleExpert:
		// The expert with an assignment waiting for their answer, so that
		// the page can accept it; otherwise the first one registered.
		as, _ := p.Collect[*expert.Assignment](a.store.View(), "expert_assignments", "id", nil)
		for i := len(as) - 1; i >= 0; i-- {
			if as[i].State == expert.Offered {
				return p.Actor{ID: as[i].Expert, Role: p.RoleExpert}
			}
		}
		xs, _ := p.Collect[*expert.Expert](a.store.View(), "experts", "id", nil)
		for _, x := range xs {
			if x.Withdrawn.IsZero() {
				return p.Actor{ID: x.ID, Role: p.RoleExpert}
			}
		}
		return p.Actor{ID: demoNobody, Role: p.RoleExpert}
	case RoleDevice:
		ds, _ := feedback.Devices(a.store.View())
		if len(ds) > 0 {
			return p.Actor{ID: ds[0].ID, Role: p.RoleDevice}
		}
		return p.Actor{ID: demoNobody, Role: p.RoleDevice}
	}
	return Coordinator
}

// me is the caller, or in the demo the page's role's actor, for reading
// their own things.
func (a *App) me() p.Actor {
	action := a.action
	defer func() { a.action = action }()
	return a.actor("")
}

// client is the client whose goals and family consents the call is about:
// the caller, or in the demo its client.
func (a *App) client() p.ID {
	if a.caller.Role != "" {
		return a.caller.ID
	}
	return demoClient
}

// panelActor is the person behind a member, the chair or the secretary of
// the first panel, in the role of their member type. Without one, a
// client who is not a member stands in, and the library refuses what
// only a member may do.
func (a *App) panelActor() p.Actor {
	v := a.store.View()
	all, _ := p.Collect[*panel.Panel](v, "panels", "id", nil)
	if len(all) > 0 {
		ms, _ := panel.Members(v, a.store.Vault(), all[0].ID, a.clock.Now())
		for _, m := range ms {
			if !m.Active || m.Type == panel.MemberStaff {
				continue
			}
			holds := func(pos panel.Position) bool { return slices.Contains(m.Positions, pos) }
			if (a.role == RoleChair && holds(panel.Chair)) || (a.role == RoleSecretary && holds(panel.Secretary)) ||
				(a.role == RolePanelMember && len(m.Positions) == 0) {
				return p.Actor{ID: m.Person, Role: p.Role(m.Type)}
			}
		}
	}
	return p.Actor{ID: demoNobody, Role: p.RoleClient}
}

func init() {
	method("session", func(a *App, _ none) (sessionView, error) { return a.session(), nil })
	// policy is the store's role policy: each action with the roles
	// allowed it (PART-7), for the page to show what a role may do.
	method("policy", func(a *App, _ none) (map[p.Action][]p.Role, error) {
		pol := a.store.Policy()
		out := map[p.Action][]p.Role{}
		for _, act := range pol.Actions() {
			out[act] = pol.Roles(act)
		}
		return out, nil
	})
	method("session.role", func(a *App, in struct{ Role string }) (sessionView, error) {
		if _, ok := roleLabels[in.Role]; !ok {
			return sessionView{}, p.Invalid("role", "%q is not a role of the demo; use one of %v", in.Role, Roles)
		}
		a.role = in.Role
		return a.session(), nil
	})
}

// sessionView is the page's role and the roles it can switch to.
type sessionView struct {
	Role  string     `json:"role"`
	Roles []roleView `json:"roles"`
}

type roleView struct {
	Role   string   `json:"role"`
	Labels p.Labels `json:"labels"`
}

// session is the page's role and the roles it can switch to, with
// labels.
func (a *App) session() sessionView {
	list := make([]roleView, 0, len(Roles))
	for _, r := range Roles {
		list = append(list, roleView{r, roleLabels[r]})
	}
	return sessionView{Role: a.role, Roles: list}
}
