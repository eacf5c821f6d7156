// Command panel forms a client panel from volunteers by stratified lot and
// takes it through its first meeting, printing each step:
//
//	go run ./examples/panel            # in English
//	go run ./examples/panel -lang fi   # suomeksi (sv: på svenska)
//	go run ./examples/panel -json      # the final state as JSON
//
// Thirty people from four services volunteer for twelve seats; the lot
// draws members in proportion to the services; the composition check
// explains what is missing as members and positions arrive; an official
// meeting adopts a statement; the service management's answer comes back.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "panel:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var (
	coordinator = p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	management  = p.Actor{ID: p.MustParseID("0190b000-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
)

func personID(n int) p.ID { return p.MustParseID(fmt.Sprintf("0190b000-0000-7000-8000-%012d", 1000+n)) }

// Final is what -json prints.
type Final struct {
	Status     panel.Status          `json:"status"`
	Members    []panel.MemberView    `json:"members"`
	Lot        *panel.Lot            `json:"lot"`
	Statements []panel.StatementView `json:"statements"`
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("panel", flag.ContinueOnError)
	lang := fs.String("lang", "en", "language of the printout: fi, sv or en")
	asJSON := fs.Bool("json", false, "print the final state as JSON instead of the steps")
	seed := fs.Uint64("seed", 20260202, "seed of the lot")
	if err := fs.Parse(args); err != nil {
		return p.Invalid("flags", "%v", err)
	}
	l := p.Lang(*lang)
	if l != p.Finnish && l != p.Swedish && l != p.English {
		return p.Invalid("lang", "use fi, sv or en")
	}
	say := func(format string, a ...any) {
		if !*asJSON {
			fmt.Fprintf(out, format+"\n", a...)
		}
	}
	clock := p.NewManualClock(time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC))
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{panel.Module()}})
	if err != nil {
		return err
	}
	defer store.Close()
	panels := panel.New(store)

	x, err := panels.Create(ctx, coordinator, panel.PanelInput{
		Name: "Aikuissosiaalityön asiakasraati", Kind: panel.KindClientPanel, Unit: "aikuissosiaalityo",
		Coordinator: coordinator.ID, AnsweringParty: "Aikuissosiaalityön palvelujohto",
	})
	if err != nil {
		return err
	}
	say("1. %s: %s", x.Kind.Label(l), x.Name)
	status := func() {
		st, _ := panel.GetStatus(store.View(), x.ID, clock.Now())
		c := st.Composition
		if c.Constituted {
			say("   ✔ %d members from %d services — constituted", c.Members, len(c.Services))
			return
		}
		for _, r := range c.Reasons {
			say("   ✘ %s", r.Text(l))
		}
	}
	status()

	// Thirty volunteers: 14 from social rehabilitation, 9 from substance
	// abuse services, 5 from housing services, 2 family members of clients.
	var vols []panel.LotVolunteer
	pools := []struct {
		service string
		n       int
		typ     panel.MemberType
	}{
		{"sosiaalinen_kuntoutus", 14, panel.MemberClient},
		{"paihdepalvelut", 9, panel.MemberClient},
		{"asumispalvelut", 5, panel.MemberExpert},
		{"omaishoito", 2, panel.MemberFamily},
	}
	for _, pool := range pools {
		for i := 0; i < pool.n; i++ {
			vols = append(vols, panel.LotVolunteer{
				Volunteer: panel.Volunteer{Person: personID(len(vols)), Service: pool.service, Type: pool.typ},
				Name:      fmt.Sprintf("Vapaaehtoinen %d", len(vols)+1),
			})
		}
	}
	lot, err := panels.DrawLot(ctx, coordinator, panel.LotInput{Panel: x.ID, Volunteers: vols, Seats: 12, Seed: *seed,
		End: clock.Now().AddDate(2, 0, 0)})
	if err != nil {
		return err
	}
	say("2. Lot (seed %d): 12 seats among %d volunteers", lot.Seed, len(lot.Volunteers))
	for _, pool := range pools {
		say("   %-22s %2d volunteers → %d seats", pool.service, pool.n, lot.Allocation[pool.service])
	}
	status()

	members, _ := panel.Members(store.View(), store.Vault(), x.ID, clock.Now())
	if err := panels.Appoint(ctx, coordinator, x.ID, panel.Chair, members[0].ID); err != nil {
		return err
	}
	say("3. %s: %s", panel.Chair.Label(l), members[0].DisplayName)
	status()
	if err := panels.Appoint(ctx, coordinator, x.ID, panel.Secretary, members[0].ID); err != nil {
		say("   refused (%s): %s", p.ErrorCode(err), p.ErrorMessage(err))
	}
	if err := panels.Appoint(ctx, coordinator, x.ID, panel.Secretary, members[1].ID); err != nil {
		return err
	}
	say("4. %s: %s", panel.Secretary.Label(l), members[1].DisplayName)
	status()

	topic, err := panels.RaiseTopic(ctx, p.Actor{ID: members[4].Person, Role: p.RoleClient}, panel.TopicInput{
		Panel: x.ID, Title: "Iltavastaanotto", Description: "Työssä käyvät asiakkaat eivät pääse päivällä sosiaalityöntekijän vastaanotolle.",
	})
	if err != nil {
		return err
	}
	say("5. Topic from a member: %q (%s)", topic.Title, topic.Source.Label(l))

	clock.Advance(14 * 24 * time.Hour)
	meeting, err := panels.ScheduleMeeting(ctx, coordinator, x.ID, clock.Now(), nil)
	if err != nil {
		return err
	}
	var present []p.ID
	for _, m := range members[:5] {
		present = append(present, m.ID)
	}
	meeting, err = panels.HoldMeeting(ctx, coordinator, meeting.ID, present)
	if err != nil {
		return err
	}
	say("6. Meeting with %d of %d present: official %v", len(present), len(members), meeting.Official)
	for _, r := range meeting.NotOfficial {
		say("   ✘ %s", r.Text(l))
	}
	_, err = panels.AdoptStatement(ctx, coordinator, panel.StatementInput{Meeting: meeting.ID, Text: "Iltavastaanotto kerran viikossa."})
	say("   statement refused (%s): %s", p.ErrorCode(err), p.ErrorMessage(err))

	clock.Advance(7 * 24 * time.Hour)
	meeting, err = panels.ScheduleMeeting(ctx, coordinator, x.ID, clock.Now(), nil)
	if err != nil {
		return err
	}
	present = present[:0]
	for _, m := range members[:9] {
		present = append(present, m.ID)
	}
	if meeting, err = panels.HoldMeeting(ctx, coordinator, meeting.ID, present); err != nil {
		return err
	}
	say("7. Meeting with %d of %d present: official %v", len(present), len(members), meeting.Official)
	st, err := panels.AdoptStatement(ctx, coordinator, panel.StatementInput{Meeting: meeting.ID, Topic: topic.ID,
		Text: "Raati esittää, että sosiaalityön vastaanotto on auki yhtenä iltana viikossa."})
	if err != nil {
		return err
	}
	say("   statement sent to %s", st.AnsweringParty)
	secretary := p.Actor{ID: members[1].Person, Role: p.RoleClient}
	chair := p.Actor{ID: members[0].Person, Role: p.RoleClient}
	if err := panels.WriteMinutes(ctx, secretary, meeting.ID, "Läsnä 9 jäsentä. Hyväksyttiin kannanotto iltavastaanotosta."); err != nil {
		return err
	}
	if err := panels.ApproveMinutes(ctx, chair, meeting.ID); err != nil {
		return err
	}
	say("   minutes written by the secretary and approved by the chair")

	clock.Advance(30 * 24 * time.Hour)
	st, err = panels.AnswerStatement(ctx, management, st.ID, p.PartlyAdopted, "Resurssit riittävät yhteen toimipisteeseen",
		"Iltavastaanottoa kokeillaan tiistaisin Hervannassa maaliskuusta alkaen.")
	if err != nil {
		return err
	}
	say("8. Answer after 30 days: %s — %s", st.Answer.Decision.Label(l), st.Answer.Response)
	statements, _ := panel.Statements(store.View(), x.ID)
	say("   loop: %s", statements[0].Loop.State.Label(l))

	if *asJSON {
		stat, _ := panel.GetStatus(store.View(), x.ID, clock.Now())
		members, _ = panel.Members(store.View(), store.Vault(), x.ID, clock.Now())
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(Final{Status: stat, Members: members, Lot: lot, Statements: statements})
	}
	return nil
}
