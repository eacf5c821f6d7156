// Command kiosk simulates a day of feedback devices in three service
// points, with the repeated presses that a queue of impatient fingers
// makes, and an e-form whose free text is scrubbed before it is stored.
// It prints what each device counted and filtered, and the day's report
// with suppressed cells marked:
//
//	go run ./examples/kiosk
//	go run ./examples/kiosk -seed 7 -lang fi
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"time"
	_ "time/tzdata" // Europe/Helsinki on machines without a zone database

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kiosk:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var coordinator = p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}

// Summary is what a run found, for tests.
type Summary struct {
	Counted, Filtered int
	Scrubbed          string
	Receipt           string
	Report            *feedback.Report
}

func run(ctx context.Context, args []string, out io.Writer) error {
	_, err := simulate(ctx, args, out)
	return err
}

func simulate(ctx context.Context, args []string, out io.Writer) (*Summary, error) {
	fs := flag.NewFlagSet("kiosk", flag.ContinueOnError)
	seed := fs.Uint64("seed", 1, "seed of the simulated day")
	lang := fs.String("lang", "en", "language of labels: fi, sv or en")
	if err := fs.Parse(args); err != nil {
		return nil, p.Invalid("flags", "%v", err)
	}
	l := p.Lang(*lang)
	if l != p.Finnish && l != p.Swedish && l != p.English {
		return nil, p.Invalid("lang", "use fi, sv or en")
	}
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, p.Internal(err, "loading the time zone")
	}
	day := time.Date(2026, 3, 10, 8, 0, 0, 0, helsinki)
	clock := p.NewManualClock(day)
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{feedback.Module(&feedback.Config{Location: helsinki})}})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	fb := feedback.New(store)
	for _, th := range []feedback.Theme{
		{Code: "jonotus", Labels: p.Labels{Fi: "Jonotus", Sv: "Köer", En: "Queueing"}},
		{Code: "kohtaaminen", Labels: p.Labels{Fi: "Kohtaaminen", Sv: "Bemötande", En: "Being met"}},
	} {
		if err := fb.DefineTheme(ctx, coordinator, th); err != nil {
			return nil, err
		}
	}
	points := []struct{ service, point string }{
		{"aikuissosiaalityo", "Hervannan sosiaalitoimisto"},
		{"paihdepalvelut", "A-klinikka, Pyynikintori"},
		{"asumispalvelut", "Asumisneuvonta, Keskusta"},
	}
	var devices []*feedback.DeviceInfo
	for _, pt := range points {
		d, err := fb.RegisterDevice(ctx, coordinator, feedback.DeviceInput{Service: pt.service, Point: pt.point})
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}

	r := rand.New(rand.NewPCG(*seed, 2026))
	sum := &Summary{}
	fmt.Fprintf(out, "A day at three feedback devices, %s\n\n", day.Format("2.1.2006"))
	for i, d := range devices {
		// Each device is pressed through the day; now and then a finger
		// presses again within a second or two.
		at := day
		counted, filtered := 0, 0
		presses := 20 + i*25 + r.IntN(10)
		for k := 0; k < presses; k++ {
			at = at.Add(time.Duration(2+r.IntN(6)) * time.Minute) // open 8–16
			clock.Set(at)
			rating := feedback.Rating(1 + r.IntN(4))
			if i == 0 {
				rating = feedback.Rating(3 + r.IntN(2)) // a happy office
			}
			res, err := fb.Press(ctx, p.Actor{ID: d.ID, Role: p.RoleDevice}, d.ID, feedback.Press{Rating: rating, At: at})
			if err != nil {
				return nil, err
			}
			counted += res.Counted
			if r.IntN(4) == 0 {
				again := at.Add(time.Duration(1+r.IntN(3)) * time.Second)
				clock.Set(again)
				res, err := fb.Press(ctx, p.Actor{ID: d.ID, Role: p.RoleDevice}, d.ID, feedback.Press{Rating: rating, At: again})
				if err != nil {
					return nil, err
				}
				filtered += res.Filtered
			}
		}
		sum.Counted += counted
		sum.Filtered += filtered
		fmt.Fprintf(out, "  %-28s %3d counted, %2d repeats filtered\n", points[i].point, counted, filtered)
	}

	clock.Set(day.Add(6 * time.Hour))
	res, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{
		Channel: feedback.EForm, Service: "aikuissosiaalityo", Rating: feedback.Unhappy, Themes: []string{"jonotus"},
		Text:        "Jonotin tunnin. Soittakaa minulle 040 123 4567 tai maija@example.fi, hetu 131052-308T.",
		WantReceipt: true,
	})
	if err != nil {
		return nil, err
	}
	sum.Scrubbed, sum.Receipt = res.Text, res.Receipt
	fmt.Fprintf(out, "\nE-form, as stored (%d redactions):\n  %s\n  receipt code, shown once: %s\n", res.Redactions, res.Text, res.Receipt)

	// Anonymous feedback takes effect once its hour is over (PRIV-1): the
	// day's report is read the next morning, when every hour of it is over.
	clock.Set(day.AddDate(0, 0, 1))
	if err := store.Release(ctx); err != nil {
		return nil, err
	}
	rep, err := fb.Report(store.View(), feedback.ReportQuery{From: day, To: day.AddDate(0, 0, 1)})
	if err != nil {
		return nil, err
	}
	sum.Report = rep
	fmt.Fprintf(out, "\nThe day's report (cells under %d suppressed: ■ hidden, □ hidden to protect another)\n\n", rep.K)
	printTable(out, feedback.Device.Label(l)+" + "+feedback.EForm.Label(l), rep.Ratings, []string{"1", "2", "3", "4", "–"})
	fmt.Fprintf(out, "\n  happy index (1–4): ")
	for _, s := range rep.Services {
		if s.HappyIndex != nil {
			fmt.Fprintf(out, "%s %.2f  ", s.Service, *s.HappyIndex)
		} else {
			fmt.Fprintf(out, "%s ■  ", s.Service)
		}
	}
	fmt.Fprintf(out, "\n  repeats filtered: %d\n", rep.Filtered)
	return sum, nil
}

func printTable(out io.Writer, title string, t feedback.Table, cols []string) {
	fmt.Fprintf(out, "  %s\n  %-20s", title, "")
	for _, c := range cols {
		fmt.Fprintf(out, "%7s", c)
	}
	fmt.Fprintf(out, "%8s\n", "total")
	for i, row := range t.Rows {
		fmt.Fprintf(out, "  %-20s", row)
		for _, c := range t.Cells[i] {
			fmt.Fprintf(out, "%7s", cell(c))
		}
		fmt.Fprintf(out, "%8s\n", cell(t.RowTotals[i]))
	}
	fmt.Fprintf(out, "  %-20s", "total")
	for _, c := range t.ColTotals {
		fmt.Fprintf(out, "%7s", cell(c))
	}
	fmt.Fprintf(out, "%8s\n", cell(t.GrandTotal))
}

func cell(c feedback.Cell) string {
	switch {
	case c.Secondary:
		return "□"
	case c.Suppressed:
		return "■"
	}
	return fmt.Sprint(c.Value)
}
