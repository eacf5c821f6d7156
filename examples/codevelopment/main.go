// Command codevelopment runs a co-development process from planning to
// evaluation with clients and an experience expert. A client panel's
// statement and feedback that asked for a reply are linked into it; when
// the process closes, its results summary answers all of them at once.
// The house of participation and the integrity indicators are printed
// before and after:
//
//	go run ./examples/codevelopment
//	go run ./examples/codevelopment -lang fi
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

func main() {
	if _, err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "codevelopment:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var (
	coordinator = p.Actor{ID: p.MustParseID("0190d100-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190d100-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190d100-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
	expertActor = p.Actor{ID: p.MustParseID("0190d100-0000-7000-8000-0000000000e1"), Role: p.RoleExpert}
)

func client(n int) p.Actor {
	return p.Actor{ID: p.MustParseID(fmt.Sprintf("0190d100-0000-7000-8000-%012d", 1000+n)), Role: p.RoleClient}
}

// Result is what a run left behind, for tests.
type Result struct {
	Store   *p.Store
	Process p.ID
	Linked  []p.ID
	Before  []p.Indicator
	After   []p.Indicator
	House   p.House
}

func run(ctx context.Context, args []string, out io.Writer) (*Result, error) {
	fs := flag.NewFlagSet("codevelopment", flag.ContinueOnError)
	lang := fs.String("lang", "en", "language of the printout: fi, sv or en")
	if err := fs.Parse(args); err != nil {
		return nil, p.Invalid("flags", "%v", err)
	}
	l := p.Lang(*lang)
	if l != p.Finnish && l != p.Swedish && l != p.English {
		return nil, p.Invalid("lang", "use fi, sv or en")
	}
	start := time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC)
	clock := p.NewManualClock(start)
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1})}})
	if err != nil {
		return nil, err
	}
	panels, fb := panel.New(store), feedback.New(store)
	res := &Result{Store: store}

	// A constituted panel adopts a statement at an official meeting.
	x, err := panels.Create(ctx, coordinator, panel.PanelInput{Name: "Aikuissosiaalityön asiakasraati", Kind: panel.KindClientPanel,
		Unit: "aikuissosiaalityo", Coordinator: coordinator.ID, AnsweringParty: "Aikuissosiaalityön palvelujohto"})
	if err != nil {
		return nil, err
	}
	var members []*panel.Member
	for i := 0; i < 10; i++ {
		m, err := panels.AddMember(ctx, coordinator, panel.MemberInput{Panel: x.ID, Person: client(i).ID, Type: panel.MemberClient,
			Service: []string{"sosiaalinen_kuntoutus", "paihdepalvelut"}[i%2], Name: fmt.Sprintf("Raatilainen %d", i+1)})
		if err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	if err := panels.Appoint(ctx, coordinator, x.ID, panel.Chair, members[0].ID); err != nil {
		return nil, err
	}
	if err := panels.Appoint(ctx, coordinator, x.ID, panel.Secretary, members[1].ID); err != nil {
		return nil, err
	}
	meeting, err := panels.ScheduleMeeting(ctx, coordinator, x.ID, start, nil)
	if err != nil {
		return nil, err
	}
	var present []p.ID
	for _, m := range members[:7] {
		present = append(present, m.ID)
	}
	if _, err := panels.HoldMeeting(ctx, coordinator, meeting.ID, present); err != nil {
		return nil, err
	}
	st, err := panels.AdoptStatement(ctx, coordinator, panel.StatementInput{Meeting: meeting.ID, Text: "Vastaanotolle pääsy iltaisin"})
	if err != nil {
		return nil, err
	}
	// Two senders of feedback ask for a reply.
	var asked []p.ID
	for _, text := range []string{"Miksi ajan saa vasta kolmen viikon päähän?", "Toivon iltavastaanottoa, olen töissä päivät."} {
		r, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo", Rating: feedback.Unhappy,
			Text: text, Reply: &feedback.ReplyRequest{Contact: "vastaus@example.fi"}})
		if err != nil {
			return nil, err
		}
		asked = append(asked, r.Contribution)
	}
	// Anonymous feedback takes effect once its hour is over (PRIV-1); the
	// store releases it by itself, here as soon as the clock moves on.
	clock.Set(clock.Now().Truncate(time.Hour).Add(time.Hour))
	if err := store.Release(ctx); err != nil {
		return nil, err
	}
	period := p.Period{From: start.Truncate(24 * time.Hour), To: start.AddDate(0, 6, 0)}
	printState := func(title string, at time.Time) ([]p.Indicator, error) {
		h, err := p.HouseProfile(store.View(), p.HouseFilter{Period: period})
		if err != nil {
			return nil, err
		}
		res.House = h
		ins, err := p.LoopIndicators(store.View(), p.IndicatorFilter{Period: period, At: at})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "\n%s\n  The house of participation:\n", title)
		for i := len(h.Floors) - 1; i >= 0; i-- {
			f := h.Floors[i]
			bar := strings.Repeat("■", min(f.Events, 30))
			if f.Events == 0 {
				bar = "(empty)"
			}
			fmt.Fprintf(out, "  %-32s %3d events %2d people  %s\n", f.Level.Label(l), f.Events, f.People, bar)
		}
		fmt.Fprintf(out, "  Integrity indicators:\n")
		for _, in := range ins {
			fmt.Fprintf(out, "  - %s\n", in.Reading.In(l))
		}
		return ins, nil
	}
	if res.Before, err = printState("Before the process:", start.AddDate(0, 1, 0)); err != nil {
		return nil, err
	}

	// The process: clients, an experience expert, staff and management.
	proc, err := store.StartProcess(ctx, worker, p.ProcessInput{Title: "Iltavastaanoton yhteiskehittäminen", Level: p.LevelDevelopment,
		Scope: p.ScopeServices, Unit: "aikuissosiaalityo", Service: "aikuissosiaalityo"})
	if err != nil {
		return nil, err
	}
	res.Process = proc.ID
	for _, pt := range []p.Participant{{Person: client(0).ID, Role: p.ProcessClient}, {Person: client(3).ID, Role: p.ProcessClient},
		{Person: expertActor.ID, Role: p.ProcessExpert}, {Person: worker.ID, Role: p.ProcessStaff}, {Person: manager.ID, Role: p.ProcessManagement}} {
		if err := store.JoinProcess(ctx, coordinator, proc.ID, pt); err != nil {
			return nil, err
		}
	}
	statementContribution, err := p.ContributionFrom(store.View(), st.ID)
	if err != nil {
		return nil, err
	}
	res.Linked = append([]p.ID{statementContribution.ID}, asked...)
	for _, id := range res.Linked {
		if err := store.LinkContribution(ctx, worker, proc.ID, id); err != nil {
			return nil, err
		}
		if _, err := store.Acknowledge(ctx, worker, id, "Taken up in a co-development process"); err != nil {
			return nil, err
		}
	}
	idea, err := store.RaiseIdea(ctx, expertActor, proc.ID, "Vertaistukija illan vastaanotolle")
	if err != nil {
		return nil, err
	}
	res.Linked = append(res.Linked, idea.ID)
	if err := store.LogDecision(ctx, client(0), proc.ID, "Iltavastaanotto tiistaisin klo 16–19", "Työssäkäyvät eivät pääse päivällä"); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "\nProcess %q: %s", proc.Title, p.PhasePlanning.Label(l))
	for _, days := range []int{30, 90} {
		clock.Set(start.AddDate(0, 0, days))
		if err := store.AdvanceProcess(ctx, worker, proc.ID); err != nil {
			return nil, err
		}
		got, _ := p.GetProcess(store.View(), proc.ID)
		fmt.Fprintf(out, " → %s", got.Phase.Label(l))
	}
	clock.Set(start.AddDate(0, 0, 100))
	summary := "Iltavastaanotto jatkuu tiistaisin Hervannassa; vertaistukija on mukana. Kiitos kaikille!"
	if err := store.CloseProcess(ctx, manager, proc.ID, summary, p.PartlyAdopted, "Yksi toimipiste ensin, laajennus arvioidaan syksyllä"); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, " → %s\n  results to %d linked contributions: %q\n", p.PhaseClosed.Label(l), len(res.Linked), summary)
	if res.After, err = printState("After the process:", start.AddDate(0, 0, 101)); err != nil {
		return nil, err
	}
	return res, nil
}
