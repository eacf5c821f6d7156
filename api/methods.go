package api

import (
	"fmt"
	"slices"
	"time"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// Labels of every enum the page shows, from the library itself.
type labelSet map[string]p.Labels

func labelsOf[T interface {
	~string | ~int
	Label(p.Lang) string
}](values []T) labelSet {
	out := labelSet{}
	for _, v := range values {
		out[fmt.Sprint(v)] = p.Labels{Fi: v.Label(p.Finnish), Sv: v.Label(p.Swedish), En: v.Label(p.English)}
	}
	return out
}

func init() {
	method("labels", func(a *App, _ none) (map[string]labelSet, error) {
		return map[string]labelSet{
			"levels": labelsOf(p.Levels), "states": labelsOf(p.States), "decisions": labelsOf(p.Decisions),
			"positions": labelsOf(panel.Positions), "memberTypes": labelsOf(panel.MemberTypes), "panelKinds": labelsOf(panel.Kinds),
			"channels": labelsOf(feedback.Channels), "ratings": labelsOf(feedback.Ratings), "tasks": labelsOf(feedback.Tasks),
			"expertKinds": labelsOf(expert.Kinds), "backgrounds": labelsOf(expert.Backgrounds), "assignmentTypes": labelsOf(expert.AssignmentTypes),
			"roles": labelsOf(p.Roles), "messageKinds": labelsOf(p.MessageKinds), "messageStates": labelsOf(p.MessageStates),
			"contactChannels": labelsOf(p.Channels),
		}, nil
	})
	method("state", func(a *App, _ none) (stateView, error) {
		head, hash := a.store.Head()
		_, total, err := p.FindContributions(a.store.View(), p.ContributionFilter{Limit: 1}) // only the total
		return stateView{Events: head, Head: hash.String(), Verify: a.Verify, Contributions: total,
			FeedbackItems: a.fb.Count(), Held: a.store.Held(), Now: a.clock.Now().UTC()}, err
	})
	// Anonymous feedback takes effect once its hour is over (PRIV-1): the
	// demo lets the evaluator move its clock on instead of waiting.
	method("clock.nextHour", func(a *App, _ none) (nextHourView, error) {
		held := a.store.Held()
		a.clock.nextHour()
		if err := a.store.Release(a.ctx()); err != nil {
			return nextHourView{}, err
		}
		return nextHourView{Released: held, Now: a.clock.Now().UTC()}, nil
	})

	// Panels.
	method("panel.status", func(a *App, in struct{ Panel p.ID }) (panelView, error) { return a.panelStatus(in.Panel) })
	method("panel.create", func(a *App, in struct{ Name, Unit string }) (panelView, error) {
		if in.Name == "" {
			in.Name, in.Unit = "Aikuissosiaalityön asiakasraati", "aikuissosiaalityo"
		}
		actor, coordinator := a.actor(panel.ActionCreate), Coordinator.ID
		if a.caller.Role == p.RoleCoordinator {
			coordinator = a.caller.ID
		}
		x, err := a.panels.Create(a.ctx(), actor, panel.PanelInput{Name: in.Name, Kind: panel.KindClientPanel, Unit: in.Unit,
			Coordinator: coordinator, AnsweringParty: "Palvelujohto"})
		if err != nil {
			return panelView{}, err
		}
		return a.panelStatus(x.ID)
	})
	method("panel.addMember", func(a *App, in struct {
		Panel         p.ID
		Name, Service string
		Type          panel.MemberType
		// Person is the member's person id in the county's register; a
		// new one when absent.
		Person p.ID
	}) (panelView, error) {
		if in.Type == "" {
			in.Type = panel.MemberClient
		}
		person := in.Person
		if person.IsZero() {
			var err error
			if person, err = a.newPerson(); err != nil {
				return panelView{}, err
			}
		}
		if _, err := a.panels.AddMember(a.ctx(), a.actor(panel.ActionAddMember), panel.MemberInput{Panel: in.Panel, Person: person, Type: in.Type, Service: in.Service, Name: in.Name}); err != nil {
			return panelView{}, err
		}
		return a.panelStatus(in.Panel)
	})
	method("panel.appoint", func(a *App, in struct {
		Panel, Member p.ID
		Position      panel.Position
	}) (panelView, error) {
		if err := a.panels.Appoint(a.ctx(), a.actor(panel.ActionAppoint), in.Panel, in.Position, in.Member); err != nil {
			return panelView{}, err
		}
		return a.panelStatus(in.Panel)
	})
	method("panel.leave", func(a *App, in struct {
		Panel, Member p.ID
		Reason        string
	}) (panelView, error) {
		// Checked first: a refused call must not have ended the membership.
		if err := a.activeMembers(in.Panel, "member", in.Member); err != nil {
			return panelView{}, err
		}
		if err := a.panels.EndMembership(a.ctx(), a.actor(panel.ActionEndMembership), in.Member, in.Reason); err != nil {
			return panelView{}, err
		}
		return a.panelStatus(in.Panel)
	})
	method("panel.meet", func(a *App, in struct {
		Panel   p.ID
		Present []p.ID
	}) (*panel.Meeting, error) {
		// Checked first: a refused call must not leave a meeting scheduled.
		if err := a.activeMembers(in.Panel, "present", in.Present...); err != nil {
			return nil, err
		}
		// The role must be allowed both steps, or neither is taken.
		if err := a.store.Policy().Authorize(a.actor(panel.ActionHoldMeeting), panel.ActionHoldMeeting); err != nil {
			return nil, err
		}
		m, err := a.panels.ScheduleMeeting(a.ctx(), a.actor(panel.ActionScheduleMeeting), in.Panel, a.clock.Now(), nil)
		if err != nil {
			return nil, err
		}
		return a.panels.HoldMeeting(a.ctx(), a.actor(panel.ActionHoldMeeting), m.ID, in.Present)
	})
	method("panel.adopt", func(a *App, in struct {
		Meeting p.ID
		Text    string
	}) (*panel.Statement, error) {
		return a.panels.AdoptStatement(a.ctx(), a.actor(panel.ActionAdoptStatement), panel.StatementInput{Meeting: in.Meeting, Text: in.Text})
	})
	method("panel.answer", func(a *App, in struct {
		Statement        p.ID
		Decision         p.Decision
		Reason, Response string
	}) (*panel.Statement, error) {
		return a.panels.AnswerStatement(a.ctx(), a.actor(panel.ActionAnswerStatement), in.Statement, in.Decision, in.Reason, in.Response)
	})

	// Feedback.
	// Listing the devices writes nothing; a coordinator registers the
	// demo's two devices, each with a follow-up question.
	method("feedback.devices", func(a *App, _ none) ([]*feedback.DeviceInfo, error) {
		ds, err := feedback.Devices(a.store.View())
		if ds == nil {
			ds = []*feedback.DeviceInfo{}
		}
		return ds, err
	})
	method("feedback.registerDevices", func(a *App, _ none) ([]*feedback.DeviceInfo, error) {
		for _, pt := range []struct{ s, point string }{{"aikuissosiaalityo", "Hervannan sosiaalitoimisto"}, {"paihdepalvelut", "A-klinikka"}} {
			if _, err := a.fb.RegisterDevice(a.ctx(), a.actor(feedback.ActionRegisterDevice), feedback.DeviceInput{Service: pt.s, Point: pt.point,
				FollowUp: demoFollowUp()}); err != nil {
				return nil, err
			}
		}
		return feedback.Devices(a.store.View())
	})
	method("feedback.press", func(a *App, in struct {
		Device p.ID
		Rating feedback.Rating
		Answer int
	}) (feedback.PressResult, error) {
		actor := p.Actor{ID: in.Device, Role: p.RoleDevice}
		if a.caller.Role != "" {
			// A terminal presses as itself.
			actor = a.actor(feedback.ActionPress)
			if in.Device.IsZero() {
				in.Device = actor.ID
			}
		}
		return a.fb.Press(a.ctx(), actor, in.Device, feedback.Press{Rating: in.Rating, Answer: in.Answer})
	})
	method("feedback.preview", func(a *App, in struct{ Text string }) (previewView, error) {
		text, err := p.CheckText("text", in.Text, p.MaxTextLen, false)
		if err != nil {
			return previewView{}, err
		}
		text, n := feedback.Scrub(text)
		return previewView{Text: text, Redactions: n}, nil
	})
	method("feedback.submit", func(a *App, in struct {
		Service, Text string
		Rating        feedback.Rating
		Themes        []string
		Receipt       bool
	}) (feedback.SubmitResult, error) {
		return a.fb.Submit(a.ctx(), p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: in.Service, Rating: in.Rating,
			Themes: in.Themes, Text: in.Text, WantReceipt: in.Receipt})
	})
	method("feedback.receipt", func(a *App, in struct{ Code string }) (feedback.ReceiptView, error) {
		return feedback.LookupReceipt(a.store.View(), in.Code)
	})
	method("feedback.report", func(a *App, in struct{ Days *int }) (*feedback.Report, error) {
		n, err := days(in.Days, 90)
		if err != nil {
			return nil, err
		}
		today := a.clock.Now().UTC().Truncate(24 * time.Hour)
		return a.fb.Report(a.store.View(), feedback.ReportQuery{From: today.AddDate(0, 0, -n), To: today.AddDate(0, 0, 1)})
	})

	// Experts.
	method("expert.list", func(a *App, _ none) ([]expertRow, error) { return a.expertList() })
	method("expert.register", func(a *App, in struct {
		Name       string
		Kind       expert.Kind
		Background expert.Background
		Areas      []string
		Languages  []string
		Trained    bool
	}) ([]expertRow, error) {
		id, err := a.newPerson()
		if err != nil {
			return nil, err
		}
		if _, err := a.experts.Register(a.ctx(), a.actor(expert.ActionRegister), expert.Registration{Person: id, Kind: in.Kind, Languages: in.Languages,
			Profile: expert.Profile{Name: in.Name, Backgrounds: []expert.Background{in.Background}, Areas: in.Areas},
			Consent: expert.Consent{Purpose: "Kokemusasiantuntijatoiminta"}}); err != nil {
			return nil, err
		}
		if in.Trained {
			if err := a.experts.AddCourse(a.ctx(), a.actor(expert.ActionAddCourse), id, expert.Course{Name: "Kokemusasiantuntijakoulutus", Provider: "Kokemus ry", Completed: a.clock.Now()}); err != nil {
				return nil, err
			}
		}
		return a.expertList()
	})
	method("expert.match", func(a *App, in expert.Need) ([]namedCandidate, error) {
		cs, err := a.experts.Match(in, a.clock.Now().AddDate(0, 0, 7), 5)
		if err != nil {
			return nil, err
		}
		out := []namedCandidate{}
		for _, c := range cs {
			out = append(out, namedCandidate{c, a.nameOf(c.Expert)})
		}
		return out, nil
	})
	method("expert.withdraw", func(a *App, in struct{ Expert p.ID }) ([]expertRow, error) {
		if err := a.experts.WithdrawConsent(a.ctx(), a.actor(expert.ActionWithdrawConsent), in.Expert); err != nil {
			return nil, err
		}
		return a.expertList()
	})

	// The loop, the house and the indicators.
	method("loop.board", func(a *App, _ none) ([]boardColumn, error) {
		now := a.clock.Now()
		cs, _, err := p.FindContributions(a.store.View(), p.ContributionFilter{})
		if err != nil {
			return nil, err
		}
		board := make([]boardColumn, len(p.States))
		at := map[p.State]int{}
		for i, s := range p.States {
			board[i], at[s] = boardColumn{State: s, Cards: []boardCard{}}, i
		}
		for i := len(cs) - 1; i >= 0; i-- {
			c := cs[i]
			col := &board[at[c.State]]
			col.Count++
			od := c.OverdueAt(now)
			if od != "" {
				col.Overdue++
			}
			if len(col.Cards) < 50 {
				col.Cards = append(col.Cards, boardCard{c, od})
			}
		}
		return board, nil
	})
	method("loop.advance", func(a *App, in struct {
		ID       p.ID
		To       p.State
		Decision p.Decision
		Text     string
	}) (*p.Contribution, error) {
		var out *p.Contribution
		action := map[p.State]p.Action{p.StateAcknowledged: p.ActionAcknowledge, p.StateUnderConsideration: p.ActionConsider,
			p.StateDecided: p.ActionDecide, p.StateImplemented: p.ActionImplement, p.StateReportedBack: p.ActionReportBack}[in.To]
		if action == "" {
			return nil, p.Invalid("to", "%q is not a step a contribution can be moved to", in.To)
		}
		err := a.store.Exec(a.ctx(), a.actor(action), action, func(tx *p.Tx) (err error) {
			out, err = p.AdvanceContribution(tx, in.ID, in.To, in.Decision, in.Text)
			return err
		})
		return out, err
	})
	method("house", func(a *App, in struct{ Days *int }) (houseView, error) {
		n, err := days(in.Days, 365)
		if err != nil {
			return houseView{}, err
		}
		now := a.clock.Now()
		today := now.UTC().Truncate(24 * time.Hour)
		period := p.Period{From: today.AddDate(0, 0, -n), To: today.AddDate(0, 0, 1)}
		h, err := p.HouseProfile(a.store.View(), p.HouseFilter{Period: period})
		if err != nil {
			return houseView{}, err
		}
		ins, err := p.LoopIndicators(a.store.View(), p.IndicatorFilter{Period: period, At: now.Truncate(time.Hour)})
		if err != nil {
			return houseView{}, err
		}
		ws, err := p.PseudoParticipation(a.store.View(), p.WarningFilter{Period: period, At: now.Truncate(time.Hour)})
		if err != nil {
			return houseView{}, err
		}
		// A warning names its panel or process, not only its id.
		groups := map[p.ID]string{}
		for _, w := range ws {
			if w.Group.IsZero() {
				continue
			}
			if st, err := panel.GetStatus(a.store.View(), w.Group, now); err == nil {
				groups[w.Group] = st.Panel.Name
			} else if pr, err := p.GetProcess(a.store.View(), w.Group); err == nil {
				groups[w.Group] = pr.Title
			}
		}
		return houseView{House: h, Indicators: ins, Warnings: ws, Groups: groups}, nil
	})
	// sample draws the sample county with its texts in lang (fi, sv or
	// en; fi when empty).
	method("sample", func(a *App, in struct{ Lang string }) (sampleView, error) { return a.sample(in.Lang) })
}

// demoFollowUp is the follow-up question the demo's devices ask after a
// smiley.
func demoFollowUp() *feedback.FollowUp {
	return &feedback.FollowUp{Question: feedback.Text{"fi": "Mikä vaikutti eniten?", "sv": "Vad påverkade mest?", "en": "What mattered most?"},
		Options: []feedback.Text{{"fi": "Odotusaika", "sv": "Väntetiden", "en": "Waiting time"}, {"fi": "Kohtaaminen", "sv": "Bemötandet", "en": "How I was met"}, {"fi": "Tilat", "sv": "Lokalerna", "en": "The premises"}}}
}

// newPerson makes a fresh person id, as a county's person register would.
func (a *App) newPerson() (p.ID, error) {
	return a.ids.New(a.clock.Now())
}

// activeMembers checks that the panel exists and that each id is one of
// its active memberships, before a method runs more than one command.
func (a *App) activeMembers(panelID p.ID, field string, ids ...p.ID) error {
	ms, err := panel.Members(a.store.View(), a.store.Vault(), panelID, a.clock.Now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.ContainsFunc(ms, func(m panel.MemberView) bool { return m.Active && m.ID == id }) {
			return p.Invalid(field, "%s is not an active member of the panel", id)
		}
	}
	return nil
}

func (a *App) nameOf(id p.ID) string {
	x, err := expert.Get(a.store.View(), id)
	if err != nil {
		return ""
	}
	prof, err := expert.OpenProfile(a.store.Vault(), x)
	if err != nil {
		return ""
	}
	return prof.Name
}

func (a *App) expertList() ([]expertRow, error) {
	xs, err := p.Collect[*expert.Expert](a.store.View(), "experts", "id", nil)
	if err != nil {
		return nil, err
	}
	out := []expertRow{}
	for _, x := range xs {
		r := expertRow{ID: x.ID, Kind: x.Kind, Trained: x.Trained(), Withdrawn: !x.Withdrawn.IsZero()}
		if prof, err := expert.OpenProfile(a.store.Vault(), x); err == nil {
			r.Name, r.Profile = prof.Name, &prof
		}
		out = append(out, r)
	}
	return out, nil
}

// panelView is a panel as the page shows it.
type panelView struct {
	Panel       *panel.Panel          `json:"panel"`
	Composition panel.Composition     `json:"composition"`
	Reasons     []p.Labels            `json:"reasons"`
	Members     []panel.MemberView    `json:"members"`
	Meetings    []*panel.Meeting      `json:"meetings"`
	Statements  []panel.StatementView `json:"statements"`
	Panels      []*panel.Panel        `json:"panels"`
}

func (a *App) panelStatus(id p.ID) (panelView, error) {
	v := a.store.View()
	all, err := p.Collect[*panel.Panel](v, "panels", "id", nil)
	if err != nil {
		return panelView{}, err
	}
	if id.IsZero() {
		if len(all) == 0 {
			return panelView{Panels: all}, nil
		}
		id = all[0].ID
	}
	st, err := panel.GetStatus(v, id, a.clock.Now())
	if err != nil {
		return panelView{}, err
	}
	out := panelView{Panel: st.Panel, Composition: st.Composition, Panels: all, Statements: []panel.StatementView{}}
	for _, r := range st.Composition.Reasons {
		out.Reasons = append(out.Reasons, p.Labels{Fi: r.Text(p.Finnish), Sv: r.Text(p.Swedish), En: r.Text(p.English)})
	}
	if out.Members, err = panel.Members(v, a.store.Vault(), id, a.clock.Now()); err != nil {
		return panelView{}, err
	}
	out.Members = slices.DeleteFunc(out.Members, func(m panel.MemberView) bool { return !m.Active })
	if out.Meetings, err = panel.Meetings(v, id); err != nil {
		return panelView{}, err
	}
	if out.Statements, err = panel.Statements(v, id); err != nil {
		return panelView{}, err
	}
	// The page reads lists, never nulls.
	if out.Members == nil {
		out.Members = []panel.MemberView{}
	}
	if out.Meetings == nil {
		out.Meetings = []*panel.Meeting{}
	}
	if out.Reasons == nil {
		out.Reasons = []p.Labels{}
	}
	return out, nil
}

// The answers of the methods above, as the page and an edge's contract
// read them. Their fields are in the order of their JSON names, so that
// they read as the maps they replaced did.

// stateView is the model's state: the journal's head and counts.
type stateView struct {
	Contributions int        `json:"contributions"`
	Events        uint64     `json:"events"`
	FeedbackItems int        `json:"feedbackItems"`
	Head          string     `json:"head"`
	Held          int        `json:"held"`
	Now           time.Time  `json:"now"`
	Verify        OpenResult `json:"verify"`
}

// nextHourView is how many held anonymous commands the move to the next
// hour released, and the time now.
type nextHourView struct {
	Now      time.Time `json:"now"`
	Released int       `json:"released"`
}

// previewView is a free text as it would be kept: scrubbed of what looks
// like personal data, with the number of redactions.
type previewView struct {
	Redactions int    `json:"redactions"`
	Text       string `json:"text"`
}

// namedCandidate is an expert who matches a need, with their name.
type namedCandidate struct {
	expert.Candidate
	Name string `json:"name"`
}

// boardCard is a contribution on the loop's board, with what it is
// overdue for.
type boardCard struct {
	*p.Contribution
	Overdue string `json:"overdue,omitempty"`
}

// boardColumn is a column of the loop's board: columns in the loop's
// order, newest first in each; a column shows 50 cards and counts all of
// them.
type boardColumn struct {
	State   p.State     `json:"state"`
	Count   int         `json:"count"`
	Overdue int         `json:"overdue"`
	Cards   []boardCard `json:"cards"`
}

// houseView is the house of participation over a period, with the
// loop's indicators and the warnings of pseudo-participation, whose
// panels and processes are named in groups.
type houseView struct {
	Groups     map[p.ID]string `json:"groups"`
	House      p.House         `json:"house"`
	Indicators []p.Indicator   `json:"indicators"`
	Warnings   []p.Warning     `json:"warnings"`
}

// expertRow is an experience expert as the page lists them.
type expertRow struct {
	ID        p.ID            `json:"id"`
	Name      string          `json:"name"`
	Kind      expert.Kind     `json:"kind"`
	Trained   bool            `json:"trained"`
	Withdrawn bool            `json:"withdrawn"`
	Profile   *expert.Profile `json:"profile,omitempty"`
}
