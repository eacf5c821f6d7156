package feedback_test

import (
	"context"
	"fmt"
	"time"

	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/participation"
)

// Anonymous feedback from a device and an e-form: repeats are filtered,
// free text is scrubbed, a receipt shows what became of it, and the
// report hides small counts.
func Example() {
	ctx := context.Background()
	clock := participation.NewManualClock(time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC))
	store, _ := participation.Open(ctx, &participation.Config{Clock: clock, Modules: []participation.Module{feedback.Module(nil)}})
	defer store.Close()
	fb := feedback.New(store)
	coord := participation.Actor{ID: participation.MustParseID("0190e000-0000-7000-8000-0000000000c1"), Role: participation.RoleCoordinator}

	kiosk, _ := fb.RegisterDevice(ctx, coord, feedback.DeviceInput{Service: "adult-social-work", Point: "Hervanta office"})
	device := participation.Actor{ID: kiosk.ID, Role: participation.RoleDevice}
	for i, at := range []int{0, 2, 40, 41, 90, 200, 300} { // seconds
		res, _ := fb.Press(ctx, device, kiosk.ID, feedback.Press{Rating: feedback.Rating(1 + i%4), At: clock.Now().Add(time.Duration(at) * time.Second)})
		if res.Filtered > 0 {
			fmt.Printf("press at %ds filtered as a repeat\n", at)
		}
	}

	res, _ := fb.Submit(ctx, participation.Anonymous, feedback.Submission{
		Channel: feedback.EForm, Service: "adult-social-work", Rating: feedback.Unhappy,
		Text: "Call me on 040 123 4567, my id is 131052-308T", WantReceipt: true,
	})
	fmt.Println("stored:", res.Text)
	_, err := feedback.LookupReceipt(store.View(), res.Receipt)
	fmt.Println("before the hour is over:", participation.ErrorCode(err))

	// Anonymous feedback takes effect once its hour is over (PRIV-1): the
	// store releases it by itself then; here the clock is moved on.
	clock.Set(time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC))
	store.Release(ctx)

	lead := participation.Actor{ID: participation.MustParseID("0190e000-0000-7000-8000-0000000000c2"), Role: participation.RoleManager}
	store.Decide(ctx, lead, res.Contribution, participation.Adopted, "")
	store.ReportBack(ctx, lead, res.Contribution, "We now answer the phone until 18.")
	view, _ := feedback.LookupReceipt(store.View(), res.Receipt)
	fmt.Println("receipt:", view.State, "—", view.Response)

	rep, _ := fb.Report(store.View(), feedback.ReportQuery{From: clock.Now().Truncate(24 * time.Hour), To: clock.Now().Truncate(24*time.Hour).AddDate(0, 0, 1)})
	fmt.Println("items:", rep.Total, "| smiley 1:", rep.Ratings.Cells[0][0], "| filtered:", rep.Filtered)
	// Output:
	// press at 2s filtered as a repeat
	// press at 41s filtered as a repeat
	// stored: Call me on [puhelin], my id is [hetu]
	// before the hour is over: not_found
	// receipt: reported_back — We now answer the phone until 18.
	// items: 6 | smiley 1: suppressed | filtered: 2
}

// Free text is scrubbed of personal data before storage; ordinary
// numbers pass.
func ExampleScrub() {
	text, n := feedback.Scrub("Waited 45 min on 12.3.2026 at 14.30; reach me at maija@example.fi or FI21 1234 5600 0007 85")
	fmt.Println(text)
	fmt.Println(n, "removed")
	// Output:
	// Waited 45 min on 12.3.2026 at 14.30; reach me at [sähköposti] or [tilinumero]
	// 2 removed
}

// A table with a small cell: the cell is hidden, and so is a second one
// wherever a total would give the first away.
func ExampleNewTable() {
	t := feedback.NewTable([]string{"north", "south"}, []string{"happy", "unhappy", "no answer"}, [][]int{{40, 3, 12}, {25, 30, 8}}, 5)
	for i, row := range t.Rows {
		fmt.Println(row, t.Cells[i], "total", t.RowTotals[i])
	}
	fmt.Println("totals", t.ColTotals, t.GrandTotal)
	fmt.Println("recoverable:", feedback.Recoverable(&t))
	// Output:
	// north [40 suppressed suppressed] total 55
	// south [25 suppressed suppressed] total 63
	// totals [65 33 20] 118
	// recoverable: 0
}
