package api

import (
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// The methods of the page's views of co-development (PART-3), clients'
// own goals (PART-4), family consent (PART-5) and the journal. Each
// change is made as the page's role's actor, so the library's policy and
// its rules on whose goal or consent it is decide.

// linkedView is a contribution linked into a process, with the answer
// its senders got.
type linkedView struct {
	ID       p.ID       `json:"id"`
	Title    string     `json:"title"`
	Source   p.Source   `json:"source"`
	State    p.State    `json:"state"`
	Decision p.Decision `json:"decision,omitempty"`
	Response string     `json:"response,omitempty"`
}

type processView struct {
	*p.Process
	Linked []linkedView `json:"linked"`
}

// codevView is every co-development process with its linked
// contributions, and the labels of phases and roles.
type codevView struct {
	Phases    labelSet      `json:"phases"`
	Processes []processView `json:"processes"`
	Roles     labelSet      `json:"roles"`
}

// goalView is a client's goal, and whether it is the caller's own.
type goalView struct {
	*p.Goal
	Own bool `json:"own"`
}

// goalsView is the goals, the caller's own first, and the labels of
// their states.
type goalsView struct {
	Goals  []goalView `json:"goals"`
	States labelSet   `json:"states"`
}

// familyView is the client's family consents, which scopes are in force
// for the demo's family member, and the labels of the scopes.
type familyView struct {
	Consents []*p.FamilyConsent     `json:"consents"`
	InForce  map[p.FamilyScope]bool `json:"inForce"`
	Scopes   labelSet               `json:"scopes"`
}

// verifyView is what replaying the journal found: verified, or the error;
// the head reached, and the events counted by type.
type verifyView struct {
	Error    string         `json:"error,omitempty"`
	Events   uint64         `json:"events"`
	Head     string         `json:"head"`
	Types    map[string]int `json:"types"`
	Verified bool           `json:"verified"`
}

func labelsOfPhases() labelSet { return labelsOf(p.Phases) }

func init() {
	method("codev.list", func(a *App, _ none) (codevView, error) {
		v := a.store.View()
		xs, err := p.Collect[*p.Process](v, "codev_processes", "id", nil)
		if err != nil {
			return codevView{}, err
		}
		out := []processView{}
		for _, x := range xs {
			pv := processView{Process: x, Linked: []linkedView{}}
			for _, id := range x.Contributions {
				c, err := p.GetContribution(v, id)
				if err != nil {
					return codevView{}, err
				}
				pv.Linked = append(pv.Linked, linkedView{ID: c.ID, Title: c.Title, Source: c.Source, State: c.State, Decision: c.Decision, Response: c.Response})
			}
			out = append(out, pv)
		}
		roles := labelSet{}
		for _, r := range []p.ProcessRole{p.ProcessClient, p.ProcessFamily, p.ProcessExpert, p.ProcessDeveloperClient, p.ProcessStaff, p.ProcessManagement} {
			roles[string(r)] = p.Labels{Fi: r.Label(p.Finnish), Sv: r.Label(p.Swedish), En: r.Label(p.English)}
		}
		return codevView{Processes: out, Phases: labelsOfPhases(), Roles: roles}, nil
	})
	method("codev.start", func(a *App, in struct{ Title string }) (*p.Process, error) {
		return a.store.StartProcess(a.ctx(), a.actor(p.ActionProcessStart), p.ProcessInput{Title: in.Title, Level: p.LevelDevelopment,
			Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	})
	method("codev.advance", func(a *App, in struct{ Process p.ID }) (Null, error) {
		return Null{}, a.store.AdvanceProcess(a.ctx(), a.actor(p.ActionProcessAdvance), in.Process)
	})
	method("codev.log", func(a *App, in struct {
		Process       p.ID
		Decision, Why string
	}) (Null, error) {
		return Null{}, a.store.LogDecision(a.ctx(), a.actor(p.ActionProcessLog), in.Process, in.Decision, in.Why)
	})
	method("codev.idea", func(a *App, in struct {
		Process p.ID
		Title   string
	}) (*p.Contribution, error) {
		return a.store.RaiseIdea(a.ctx(), a.actor(p.ActionProcessIdea), in.Process, in.Title)
	})
	method("codev.close", func(a *App, in struct {
		Process         p.ID
		Summary, Reason string
		Decision        p.Decision
	}) (Null, error) {
		return Null{}, a.store.CloseProcess(a.ctx(), a.actor(p.ActionProcessClose), in.Process, in.Summary, in.Decision, in.Reason)
	})

	// Goals: every goal in the state, the page's client's own first. The
	// page's client writes and rewords only their own (PART-4).
	method("goal.list", func(a *App, _ none) (goalsView, error) {
		gs, err := p.Collect[*p.Goal](a.store.View(), "goals", "id", nil)
		if err != nil {
			return goalsView{}, err
		}
		out := []goalView{}
		for _, g := range gs {
			if g.Client == a.client() {
				out = append(out, goalView{g, true})
			}
		}
		for _, g := range gs {
			// A caller the edge authenticated reads their own goals only.
			if g.Client != a.client() && a.caller.Role == "" {
				out = append(out, goalView{g, false})
			}
		}
		return goalsView{Goals: out, States: labelsOf([]p.GoalState{p.GoalActive, p.GoalReached})}, nil
	})
	method("goal.write", func(a *App, in struct{ Text, OwnRole string }) (*p.Goal, error) {
		return a.store.WriteGoal(a.ctx(), a.actor(p.ActionGoalWrite), in.Text, in.OwnRole)
	})
	method("goal.replan", func(a *App, in struct {
		Goal               p.ID
		Text, OwnRole, Why string
	}) (Null, error) {
		return Null{}, a.store.ReplanGoal(a.ctx(), a.actor(p.ActionGoalReplan), in.Goal, in.Text, in.OwnRole, in.Why)
	})
	method("goal.support", func(a *App, in struct {
		Goal    p.ID
		Support string
	}) (Null, error) {
		return Null{}, a.store.SupportGoal(a.ctx(), a.actor(p.ActionGoalSupport), in.Goal, in.Support)
	})
	method("goal.progress", func(a *App, in struct {
		Goal p.ID
		Note string
	}) (Null, error) {
		return Null{}, a.store.NoteProgress(a.ctx(), a.actor(p.ActionGoalProgress), in.Goal, in.Note)
	})
	method("goal.reach", func(a *App, in struct{ Goal p.ID }) (Null, error) {
		return Null{}, a.store.ReachGoal(a.ctx(), a.actor(p.ActionGoalReach), in.Goal)
	})

	// Family consent: the page's client consents to the page's family
	// member taking part in their service (PART-5).
	method("family.list", func(a *App, _ none) (familyView, error) {
		cs, err := p.Collect[*p.FamilyConsent](a.store.View(), "family_consents", "client", nil, a.client())
		if err != nil {
			return familyView{}, err
		}
		if cs == nil {
			cs = []*p.FamilyConsent{}
		}
		now := a.clock.Now()
		inForce := map[p.FamilyScope]bool{}
		if a.caller.Role == "" {
			for _, s := range p.FamilyScopes {
				_, err := p.FamilyConsentFor(a.store.View(), demoClient, demoFamily, s, now)
				inForce[s] = err == nil
			}
		}
		return familyView{Consents: cs, InForce: inForce, Scopes: labelsOf(p.FamilyScopes)}, nil
	})
	method("family.grant", func(a *App, in struct {
		Scopes []p.FamilyScope
		Days   *int
		// Family is the family member consented to; the demo's own
		// when absent.
		Family p.ID
	}) (*p.FamilyConsent, error) {
		n, err := days(in.Days, 365)
		if err != nil {
			return nil, err
		}
		if in.Family.IsZero() {
			if a.caller.Role != "" {
				return nil, p.Invalid("family", "is required: name the family member the consent is for")
			}
			in.Family = demoFamily
		}
		return a.store.GrantFamilyConsent(a.ctx(), a.actor(p.ActionFamilyGrant), p.FamilyConsentInput{Client: a.client(), Family: in.Family,
			Scopes: in.Scopes, GivenBy: p.GivenByClient, Expires: a.clock.Now().Add(time.Duration(n) * 24 * time.Hour)})
	})
	method("family.withdraw", func(a *App, in struct{ Consent p.ID }) (Null, error) {
		return Null{}, a.store.WithdrawFamilyConsent(a.ctx(), a.actor(p.ActionFamilyWithdraw), in.Consent)
	})
	method("family.takePart", func(a *App, in struct {
		Scope p.FamilyScope
		// Client is whose service the family member takes part in; the
		// demo's client when absent.
		Client p.ID
	}) (Null, error) {
		if in.Client.IsZero() {
			in.Client = demoClient
		}
		return Null{}, a.store.TakePart(a.ctx(), a.actor(p.ActionFamilyTakePart), in.Client, in.Scope)
	})

	// Minutes: the panel's secretary writes them, its chair approves them
	// (PANEL-6).
	method("panel.writeMinutes", func(a *App, in struct {
		Meeting p.ID
		Text    string
	}) (Null, error) {
		return Null{}, a.panels.WriteMinutes(a.ctx(), a.actor(panel.ActionWriteMinutes), in.Meeting, in.Text)
	})
	method("panel.approveMinutes", func(a *App, in struct{ Meeting p.ID }) (Null, error) {
		return Null{}, a.panels.ApproveMinutes(a.ctx(), a.actor(panel.ActionApproveMinutes), in.Meeting)
	})

	// The lot (PANEL-9): the demo's volunteers, from three services in
	// unequal numbers, drawn into a panel's seats by stratified lot; the
	// seed is recorded, so the draw can be audited and redone.
	method("panel.drawLot", func(a *App, in struct {
		Panel             p.ID
		Volunteers, Seats int
		Seed              uint64
	}) (*panel.Lot, error) {
		if in.Volunteers < 1 || in.Volunteers > 60 {
			return nil, p.Invalid("volunteers", "the demo draws from 1 to 60 volunteers, not %d", in.Volunteers)
		}
		// Checked first: a refused call must not use up person ids.
		if err := a.store.Policy().Authorize(a.actor(panel.ActionDrawLot), panel.ActionDrawLot); err != nil {
			return nil, err
		}
		services := []string{"aikuissosiaalityo", "aikuissosiaalityo", "aikuissosiaalityo", "paihdepalvelut", "paihdepalvelut", "asumispalvelut"}
		vols := make([]panel.LotVolunteer, in.Volunteers)
		for i := range vols {
			person, err := a.newPerson()
			if err != nil {
				return nil, err
			}
			vols[i] = panel.LotVolunteer{Volunteer: panel.Volunteer{Person: person, Service: services[i%len(services)], Type: panel.MemberClient},
				Name: fmt.Sprintf("Arvottu %d", i+1)}
		}
		return a.panels.DrawLot(a.ctx(), a.actor(panel.ActionDrawLot), panel.LotInput{Panel: in.Panel, Volunteers: vols, Seats: in.Seats, Seed: in.Seed})
	})
	method("panel.lots", func(a *App, _ none) ([]*panel.Lot, error) {
		ls, err := p.Collect[*panel.Lot](a.store.View(), "panel_lots", "id", nil)
		if ls == nil {
			ls = []*panel.Lot{}
		}
		return ls, err
	})

	// journal.verify replays the whole journal of the model and checks
	// its hash chain, and counts its events by type.
	method("journal.verify", func(a *App, _ none) (verifyView, error) {
		head, err := a.store.Verify(a.ctx())
		if err != nil {
			return verifyView{Error: p.ErrorMessage(err), Types: map[string]int{}}, nil
		}
		types := map[string]int{}
		if err := a.journal.Read(a.ctx(), 1, func(e p.Event) error { types[e.Type]++; return nil }); err != nil {
			return verifyView{}, err
		}
		return verifyView{Verified: true, Events: head.Seq, Head: head.Hash.String(), Types: types}, nil
	})
}
