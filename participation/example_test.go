package participation_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/participation"
)

// A client's idea goes round the whole loop, and the client can see what
// became of it in their own list.
func Example() {
	ctx := context.Background()
	clock := participation.NewManualClock(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC))
	store, err := participation.Open(ctx, &participation.Config{Clock: clock})
	if err != nil {
		panic(err)
	}
	defer store.Close()

	aino := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000a"), Role: participation.RoleClient}
	lead := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000b"), Role: participation.RoleManager}

	idea, err := store.Submit(ctx, aino, participation.ContributionInput{
		Source:       participation.Source{Module: "portal", Kind: "idea"},
		Level:        participation.LevelDevelopment,
		Scope:        participation.ScopeServices,
		Origin:       participation.OriginClient,
		Service:      "aikuissosiaalityo",
		Title:        "Evening office hours once a week",
		Contributors: []participation.ID{aino.ID},
	})
	if err != nil {
		panic(err)
	}
	clock.Advance(10 * 24 * time.Hour)
	if _, err := store.Decide(ctx, lead, idea.ID, participation.PartlyAdopted, "Tuesdays only, as a trial"); err != nil {
		panic(err)
	}
	if _, err := store.ReportBack(ctx, lead, idea.ID, "From May, the office is open on Tuesday evenings."); err != nil {
		panic(err)
	}

	mine, _ := participation.ContributionsOf(store.View(), aino.ID)
	for _, c := range mine {
		fmt.Printf("%s: %s (%s)\n", c.Title, c.State.Label(participation.English), c.Decision.Label(participation.English))
		for _, s := range c.History {
			fmt.Printf("  %s %s implicit=%v\n", s.At.Format(time.DateOnly), s.State, s.Implicit)
		}
	}
	// Output:
	// Evening office hours once a week: Reported back (Partly adopted)
	//   2026-03-02 received implicit=false
	//   2026-03-12 acknowledged implicit=true
	//   2026-03-12 under_consideration implicit=true
	//   2026-03-12 decided implicit=false
	//   2026-03-12 reported_back implicit=false
}

// A step out of order is refused with a typed error, and nothing changes.
func ExampleErrorCode() {
	ctx := context.Background()
	store, _ := participation.Open(ctx, nil)
	worker := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000c"), Role: participation.RoleStaff}
	c, _ := store.Submit(ctx, worker, participation.ContributionInput{
		Source: participation.Source{Module: "kiosk", Kind: "comment"}, Level: participation.LevelFeedback,
		Origin: participation.OriginClient, Title: "Longer opening hours",
	})
	_, err := store.ReportBack(ctx, worker, c.ID, "Thank you!")
	fmt.Println(participation.ErrorCode(err))
	_, err = store.Decide(ctx, worker, c.ID, participation.Adopted, "")
	fmt.Println(participation.ErrorCode(err))
	lead := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000f"), Role: participation.RoleManager}
	_, err = store.Decide(ctx, lead, c.ID, participation.NotAdopted, "")
	fmt.Println(participation.ErrorCode(err))
	fmt.Println(participation.ErrorMessage(err))
	// Output:
	// conflict
	// forbidden
	// invalid
	// reason: a decision of not_adopted must give its reason
}

// The integrity indicators say what they were computed from, in plain
// language.
func ExampleLoopIndicators() {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := participation.NewManualClock(t0)
	store, _ := participation.Open(ctx, &participation.Config{Clock: clock})
	member := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000d"), Role: participation.RoleClient}
	lead := participation.Actor{ID: participation.MustParseID("0190a000-0000-7000-8000-00000000000e"), Role: participation.RoleManager}
	var ids []participation.ID
	for _, title := range []string{"Quieter waiting room", "Easier forms", "Peer group on Fridays"} {
		c, _ := store.Submit(ctx, member, participation.ContributionInput{
			Source: participation.Source{Module: "panel", Kind: "statement"}, Level: participation.LevelDialogue,
			Origin: participation.OriginClient, Title: title,
		})
		ids = append(ids, c.ID)
	}
	clock.Advance(30 * 24 * time.Hour)
	store.Decide(ctx, lead, ids[0], participation.Adopted, "")
	store.ReportBack(ctx, lead, ids[0], "Done in February.")

	period := participation.Period{From: t0, To: t0.AddDate(0, 3, 0)}
	ins, _ := participation.LoopIndicators(store.View(), participation.IndicatorFilter{Period: period, At: t0.AddDate(0, 4, 0)})
	for _, in := range ins {
		fmt.Println(in.Reading.En)
	}
	// Output:
	// 1 of 3 contributions received in 2026-01-05–2026-04-05 were answered
	// 1 of 3 contributions were answered by their deadline
	// The median response came in 30 days (1 responses)
	// 9 in 10 responses came within 30 days (1 responses)
	// The median acknowledgement came in 30 days (1 acknowledged)
	// 9 in 10 acknowledgements came within 30 days (1 acknowledged)
	// 1 of 1 decided contributions were adopted at least in part
	// 0 of 0 panel topics were raised by members
	// 0 of 0 senders who asked for a reply got one
	// 4 of 5 floors stand empty: Own service, Feedback, Development, Co-production
}

// A module checks a list of enum values and explains a refusal with the
// values it accepts.
func ExampleEnumLabels_CheckChoices() {
	type Channel string
	channels := participation.EnumLabels[Channel]{
		"phone": {Fi: "Puhelin", Sv: "Telefon", En: "Phone"},
		"chat":  {Fi: "Chat", Sv: "Chatt", En: "Chat"},
		"visit": {Fi: "Käynti", Sv: "Besök", En: "Visit"},
	}
	fmt.Println(channels.CheckChoices("channels", []Channel{"chat", "visit"}, "choose at least one"))
	for _, in := range [][]Channel{nil, {"chat", "chat"}, {"fax"}} {
		fmt.Println(participation.ErrorMessage(channels.CheckChoices("channels", in, "choose at least one")))
	}
	// Output:
	// <nil>
	// channels: choose at least one
	// channels: "chat" is chosen twice
	// channels: "fax" is not one of chat, phone or visit
}
