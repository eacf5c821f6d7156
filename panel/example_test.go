package panel_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/panel"
	"github.com/osallisuus/osallisuus/participation"
)

// A panel forms, the composition check explains what is missing, an
// official meeting adopts a statement and the answer comes back.
func Example() {
	ctx := context.Background()
	clock := participation.NewManualClock(time.Date(2026, 2, 2, 9, 0, 0, 0, time.UTC))
	store, _ := participation.Open(ctx, &participation.Config{Clock: clock, Modules: []participation.Module{panel.Module()}})
	defer store.Close()
	panels := panel.New(store)

	coord := participation.Actor{ID: participation.MustParseID("0190b000-0000-7000-8000-0000000000c1"), Role: participation.RoleCoordinator}
	lead := participation.Actor{ID: participation.MustParseID("0190b000-0000-7000-8000-0000000000c2"), Role: participation.RoleManager}
	x, _ := panels.Create(ctx, coord, panel.PanelInput{
		Name: "Client panel of adult social work", Kind: panel.KindClientPanel, Unit: "adult-social-work",
		Coordinator: coord.ID, AnsweringParty: "Adult social work management",
	})
	show := func() {
		st, _ := panel.GetStatus(store.View(), x.ID, clock.Now())
		if st.Composition.Constituted {
			fmt.Println("constituted")
			return
		}
		for _, r := range st.Composition.Reasons {
			fmt.Println("-", r.Text(participation.English))
		}
	}
	var members []*panel.Member
	services := []string{"social-rehabilitation", "substance-abuse-services"}
	for i := 0; i < 9; i++ {
		m, _ := panels.AddMember(ctx, coord, panel.MemberInput{
			Panel: x.ID, Person: participation.MustParseID(fmt.Sprintf("0190b000-0000-7000-8000-%012d", i+1)),
			Type: panel.MemberClient, Service: services[i%2], Name: fmt.Sprintf("Member %d", i+1),
		})
		members = append(members, m)
	}
	show()
	m, _ := panels.AddMember(ctx, coord, panel.MemberInput{
		Panel: x.ID, Person: participation.MustParseID("0190b000-0000-7000-8000-000000000010"),
		Type: panel.MemberExpert, Service: "social-rehabilitation", Name: "Member 10",
	})
	members = append(members, m)
	panels.Appoint(ctx, coord, x.ID, panel.Chair, members[0].ID)
	err := panels.Appoint(ctx, coord, x.ID, panel.Secretary, members[0].ID)
	fmt.Println(participation.ErrorCode(err), "-", participation.ErrorMessage(err))
	show()
	panels.Appoint(ctx, coord, x.ID, panel.Secretary, members[1].ID)
	show()

	meeting, _ := panels.ScheduleMeeting(ctx, coord, x.ID, clock.Now(), nil)
	var present []participation.ID
	for _, m := range members[:7] {
		present = append(present, m.ID)
	}
	meeting, _ = panels.HoldMeeting(ctx, coord, meeting.ID, present)
	fmt.Println("official meeting:", meeting.Official)
	st, _ := panels.AdoptStatement(ctx, coord, panel.StatementInput{Meeting: meeting.ID, Text: "Open the office one evening a week."})
	clock.Advance(21 * 24 * time.Hour)
	st, _ = panels.AnswerStatement(ctx, lead, st.ID, participation.PartlyAdopted, "Budget for one unit", "Tuesday evenings in one unit from March.")
	fmt.Println(st.Answer.Decision.Label(participation.English)+":", st.Answer.Response)
	// Output:
	// - 1 member missing: the panel has 9 and needs at least 10
	// - No chair
	// - No secretary
	// conflict - the member is already chair; nobody holds two positions (PANEL-2)
	// - No secretary
	// constituted
	// official meeting: true
	// Partly adopted: Tuesday evenings in one unit from March.
}

// The stratified lot can be redone by anyone from the recorded event.
func ExampleDraw() {
	var vols []panel.Volunteer
	for i, s := range []string{"a", "a", "a", "a", "a", "a", "b", "b", "b", "c"} {
		vols = append(vols, panel.Volunteer{Person: participation.MustParseID(fmt.Sprintf("0190b000-0000-7000-8000-%012d", i+1)), Service: s})
	}
	_, alloc := panel.Draw(vols, 5, 2026)
	fmt.Println(alloc["a"], alloc["b"], alloc["c"])
	// Output: 3 1 1
}
