package api

import (
	"time"

	"github.com/osallisuus/osallisuus/expert"
	p "github.com/osallisuus/osallisuus/participation"
)

// The methods of the experts' assignments (EXP-4) and payroll (EXP-7):
// a worker or coordinator requests an expert, the coordinator offers the
// assignment to the best match, the expert accepts, the work is recorded
// with its hours, and service management records the fee paid. Each step
// is taken as the page's role's actor, so the policy decides who may.

// assignmentStates are the assignment states in their order.
var assignmentStates = []expert.State{expert.Requested, expert.Offered, expert.Accepted, expert.Completed, expert.Paid, expert.Cancelled}

type assignmentView struct {
	*expert.Assignment
	ExpertName string `json:"expertName,omitempty"`
}

// assignmentsView is the assignments, newest first, with the payroll of
// the last 30 days.
type assignmentsView struct {
	AsOf    string           `json:"asOf"`
	List    []assignmentView `json:"list"`
	Payroll []expert.Total   `json:"payroll"`
	States  labelSet         `json:"states"`
}

func init() {
	method("expert.assignments", func(a *App, _ none) (assignmentsView, error) { return a.assignments() })
	method("expert.request", func(a *App, in struct{ Type expert.AssignmentType }) (assignmentsView, error) {
		if _, err := a.experts.RequestAssignment(a.ctx(), a.actor(expert.ActionRequest), expert.Request{
			Type: in.Type, Unit: "aikuissosiaalityo", Date: a.clock.Now().AddDate(0, 0, 7)}); err != nil {
			return assignmentsView{}, err
		}
		return a.assignments()
	})
	method("expert.offer", func(a *App, in struct{ Assignment p.ID }) (assignmentsView, error) {
		x, err := expert.GetAssignment(a.store.View(), in.Assignment)
		if err != nil {
			return assignmentsView{}, err
		}
		// The policy is asked first, so that a refused role is told so
		// rather than that nobody matches.
		actor := a.actor(expert.ActionOffer)
		if err := a.store.Policy().Authorize(actor, expert.ActionOffer); err != nil {
			return assignmentsView{}, err
		}
		cs, err := a.experts.Match(x.Need, x.Date, 1)
		if err != nil {
			return assignmentsView{}, err
		}
		if len(cs) == 0 {
			return assignmentsView{}, p.Errorf(p.ENOTFOUND, "no available expert matches the assignment")
		}
		if err := a.experts.Offer(a.ctx(), actor, in.Assignment, cs[0].Expert); err != nil {
			return assignmentsView{}, err
		}
		return a.assignments()
	})
	method("expert.accept", func(a *App, in struct{ Assignment p.ID }) (assignmentsView, error) {
		return a.afterStep(a.experts.Accept(a.ctx(), a.actor(expert.ActionAccept), in.Assignment))
	})
	method("expert.complete", func(a *App, in struct {
		Assignment p.ID
		Hours      float64
	}) (assignmentsView, error) {
		return a.afterStep(a.experts.Complete(a.ctx(), a.actor(expert.ActionComplete), in.Assignment, in.Hours, 0))
	})
	method("expert.pay", func(a *App, in struct{ Assignment p.ID }) (assignmentsView, error) {
		return a.afterStep(a.experts.Pay(a.ctx(), a.actor(expert.ActionPay), in.Assignment))
	})
}

// afterStep answers a step of an assignment: its error, or the list as it
// now stands.
func (a *App) afterStep(err error) (assignmentsView, error) {
	if err != nil {
		return assignmentsView{}, err
	}
	return a.assignments()
}

// assignments lists the assignments, newest first, with the payroll of
// the last 30 days.
func (a *App) assignments() (assignmentsView, error) {
	v := a.store.View()
	xs, err := p.Collect[*expert.Assignment](v, "expert_assignments", "id", nil)
	if err != nil {
		return assignmentsView{}, err
	}
	list := []assignmentView{}
	for i := len(xs) - 1; i >= 0; i-- {
		av := assignmentView{Assignment: xs[i]}
		if !xs[i].Expert.IsZero() {
			av.ExpertName = a.nameOf(xs[i].Expert)
		}
		list = append(list, av)
	}
	now := a.clock.Now()
	totals, err := expert.Totals(v, a.store.Vault(), p.Period{From: now.AddDate(0, 0, -30), To: now.AddDate(0, 0, 31)})
	if err != nil {
		return assignmentsView{}, err
	}
	if totals == nil {
		totals = []expert.Total{}
	}
	return assignmentsView{List: list, Payroll: totals, States: labelsOf(assignmentStates), AsOf: now.Format(time.DateOnly)}, nil
}
