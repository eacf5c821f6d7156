// Command experts runs experience-expert work for a month: people are
// registered under consent with their training, three requests are
// matched with the reasons for each rank, the work is done and paid, a
// payroll is printed, and one person withdraws consent — and is gone from
// matching and from the data:
//
//	go run ./examples/experts
//	go run ./examples/experts -lang fi
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/osallisuus/osallisuus/expert"
	p "github.com/osallisuus/osallisuus/participation"
)

func main() {
	if _, err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "experts:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var (
	coordinator = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	manager     = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	worker      = p.Actor{ID: p.MustParseID("0190f000-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
)

type person struct {
	n       int
	name    string
	kind    expert.Kind
	langs   []string
	bg      []expert.Background
	areas   []string
	trained bool
}

var people = []person{
	{1, "Sari", expert.KindExpert, []string{"fi", "en"}, []expert.Background{expert.Rehabilitation}, []string{"substance_use"}, true},
	{2, "Jussi", expert.KindExpert, []string{"fi"}, []expert.Background{expert.OwnCondition, expert.ServiceUse}, []string{"mental_health", "homelessness"}, true},
	{3, "Anneli", expert.KindLivedExperience, []string{"fi", "sv"}, []expert.Background{expert.FamilyMember}, []string{"elderly_care", "mental_health"}, false},
	{4, "Mikko", expert.KindDeveloperClient, []string{"fi"}, []expert.Background{expert.ServiceUse}, []string{"homelessness"}, false},
	{5, "Leena", expert.KindExpert, []string{"fi", "se"}, []expert.Background{expert.OwnCondition}, []string{"mental_health"}, true},
}

func id(n int) p.ID { return p.MustParseID(fmt.Sprintf("0190f000-0000-7000-8000-%012d", 100+n)) }

// Result is what a run did, for tests.
type Result struct {
	Store     *p.Store
	Withdrawn p.ID
	After     []expert.Candidate
}

func run(ctx context.Context, args []string, out io.Writer) (*Result, error) {
	fs := flag.NewFlagSet("experts", flag.ContinueOnError)
	lang := fs.String("lang", "en", "language of labels: fi, sv or en")
	if err := fs.Parse(args); err != nil {
		return nil, p.Invalid("flags", "%v", err)
	}
	l := p.Lang(*lang)
	if l != p.Finnish && l != p.Swedish && l != p.English {
		return nil, p.Invalid("lang", "use fi, sv or en")
	}
	start := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	clock := p.NewManualClock(start)
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{expert.Module(nil)}})
	if err != nil {
		return nil, err
	}
	ex := expert.New(store)
	names := map[p.ID]string{}

	fmt.Fprintln(out, "1. Registered under consent:")
	for _, pe := range people {
		x, err := ex.Register(ctx, coordinator, expert.Registration{Person: id(pe.n), Kind: pe.kind, Languages: pe.langs,
			Profile: expert.Profile{Name: pe.name, Backgrounds: pe.bg, Areas: pe.areas, Phone: fmt.Sprintf("040 555 00%02d", pe.n)},
			Consent: expert.Consent{Purpose: "Kokemusasiantuntijatoiminta aikuissosiaalityössä"}})
		if err != nil {
			return nil, err
		}
		names[x.ID] = pe.name
		trained := ""
		if pe.trained {
			if err := ex.AddCourse(ctx, coordinator, x.ID, expert.Course{Name: "Kokemusasiantuntijakoulutus", Provider: "Kokemusasiantuntijayhdistys",
				Completed: start.AddDate(0, -6, 0)}); err != nil {
				return nil, err
			}
			trained = ", trained"
		}
		fmt.Fprintf(out, "   %-7s %s%s\n", pe.name, pe.kind.Label(l), trained)
	}

	requests := []struct {
		typ  expert.AssignmentType
		days int
		need expert.Need
	}{
		{expert.TrainingProfessionals, 7, expert.Need{Background: expert.Rehabilitation, Area: "substance_use", RequireTrained: true}},
		{expert.GroupActivity, 9, expert.Need{Area: "mental_health", Language: "sv"}},
		{expert.Outreach, 14, expert.Need{Area: "homelessness"}},
	}
	fmt.Fprintln(out, "\n2. Three requests, matched:")
	var done []p.ID
	for _, rq := range requests {
		date := start.AddDate(0, 0, rq.days)
		found, err := ex.Match(rq.need, date, 3)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "   %s on %s:\n", rq.typ.Label(l), date.Format(time.DateOnly))
		for i, c := range found {
			fmt.Fprintf(out, "     %d. %-7s score %d —", i+1, names[c.Expert], c.Score)
			for _, r := range c.Reasons {
				fmt.Fprintf(out, " %s;", r.Labels.In(l))
			}
			fmt.Fprintln(out)
		}
		a, err := ex.RequestAssignment(ctx, worker, expert.Request{Type: rq.typ, Date: date, Need: rq.need, Unit: "aikuissosiaalityo"})
		if err != nil {
			return nil, err
		}
		pick := found[0].Expert
		if err := ex.Offer(ctx, coordinator, a.ID, pick); err != nil {
			return nil, err
		}
		if err := ex.Accept(ctx, p.Actor{ID: pick, Role: p.RoleExpert}, a.ID); err != nil {
			return nil, err
		}
		done = append(done, a.ID)
	}

	fmt.Fprintln(out, "\n3. Done and paid:")
	for i, a := range done {
		if err := ex.Complete(ctx, worker, a, float64(2+i), 1200); err != nil {
			return nil, err
		}
		if err := ex.Pay(ctx, manager, a); err != nil {
			return nil, err
		}
	}
	totals, err := expert.Totals(store.View(), store.Vault(), p.Period{From: start, To: start.AddDate(0, 1, 0)})
	if err != nil {
		return nil, err
	}
	var csv bytes.Buffer
	if err := expert.WritePayroll(&csv, totals); err != nil {
		return nil, err
	}
	fmt.Fprint(out, indent(csv.String()))

	leaving := id(2)
	fmt.Fprintf(out, "\n4. %s withdraws consent.\n", names[leaving])
	if err := ex.WithdrawConsent(ctx, p.Actor{ID: leaving, Role: p.RoleExpert}, leaving); err != nil {
		return nil, err
	}
	after, err := ex.Match(expert.Need{Area: "homelessness"}, start.AddDate(0, 0, 20), 5)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "   matching for homelessness now finds:")
	for _, c := range after {
		fmt.Fprintf(out, " %s", names[c.Expert])
	}
	x, _ := expert.Get(store.View(), leaving)
	_, err = expert.OpenProfile(store.Vault(), x)
	fmt.Fprintf(out, "\n   their profile: %s (%s)\n", p.ErrorCode(err), p.ErrorMessage(err))
	return &Result{Store: store, Withdrawn: leaving, After: after}, nil
}

func indent(s string) string {
	var b bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace([]byte(s)), []byte("\n")) {
		b.WriteString("   ")
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}
