package expert_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/participation"
)

// An experience expert is registered under consent, matched to a
// request, paid for the work, and then withdraws consent: the profile is
// gone and so is the person from matching.
func Example() {
	ctx := context.Background()
	clock := participation.NewManualClock(time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC))
	store, _ := participation.Open(ctx, &participation.Config{Clock: clock, Modules: []participation.Module{expert.Module(nil)}})
	defer store.Close()
	experts := expert.New(store)
	coord := participation.Actor{ID: participation.MustParseID("0190f000-0000-7000-8000-0000000000c1"), Role: participation.RoleCoordinator}
	lead := participation.Actor{ID: participation.MustParseID("0190f000-0000-7000-8000-0000000000c2"), Role: participation.RoleManager}
	sari := participation.Actor{ID: participation.MustParseID("0190f000-0000-7000-8000-000000000101"), Role: participation.RoleExpert}

	experts.Register(ctx, coord, expert.Registration{
		Person: sari.ID, Kind: expert.KindExpert, Languages: []string{"fi", "en"},
		Profile: expert.Profile{Name: "Sari", Backgrounds: []expert.Background{expert.Rehabilitation}, Areas: []string{"substance_use"}},
		Consent: expert.Consent{Purpose: "Experience expert work in adult social work"},
	})
	experts.AddCourse(ctx, coord, sari.ID, expert.Course{Name: "Experience expert training", Provider: "Peer association", Completed: clock.Now().AddDate(-1, 0, 0)})

	need := expert.Need{Background: expert.Rehabilitation, Area: "substance_use", RequireTrained: true}
	date := clock.Now().AddDate(0, 0, 7)
	found, _ := experts.Match(need, date, 3)
	for _, c := range found {
		fmt.Print("match, score ", c.Score, ":")
		for _, r := range c.Reasons {
			fmt.Print(" ", r.Labels.En, ";")
		}
		fmt.Println()
	}
	a, _ := experts.RequestAssignment(ctx, coord, expert.Request{Type: expert.TrainingProfessionals, Date: date, Need: need})
	experts.Offer(ctx, coord, a.ID, sari.ID)
	experts.Accept(ctx, sari, a.ID)
	err := experts.Pay(ctx, lead, a.ID)
	fmt.Println("pay before done:", participation.ErrorCode(err))
	experts.Complete(ctx, coord, a.ID, 3, 850)
	experts.Pay(ctx, lead, a.ID)
	done, _ := expert.GetAssignment(store.View(), a.ID)
	fmt.Printf("%s, %.1f h, fee %.2f €, floor %s\n", done.State.Label(participation.English), done.Hours, float64(done.Fee)/100, done.Level.Label(participation.English))

	experts.WithdrawConsent(ctx, sari, sari.ID)
	found, _ = experts.Match(need, date.AddDate(0, 0, 1), 3)
	x, _ := expert.Get(store.View(), sari.ID)
	_, err = expert.OpenProfile(store.Vault(), x)
	fmt.Println("after withdrawal:", len(found), "matches; profile", participation.ErrorCode(err))
	// Output:
	// match, score 7: Background: Rehabilitation; Area: Substance use; Trained; 0 assignments around the date;
	// pay before done: conflict
	// Paid, 3.0 h, fee 90.00 €, floor Development
	// after withdrawal: 0 matches; profile erased
}
