// Command social-report writes a month's social report (sosiaalinen
// raportointi) as JSON and CSV, from a generated month of feedback in
// six services with the month before it for comparison, and the loop's
// public accountability data for the two months (what became of
// clients' proposals, under a checkpoint signed by the county), ready to
// publish as open data:
//
//	go run ./examples/social-report                 # files in a new temporary directory
//	go run ./examples/social-report -out ./reports  # or where you say
//
// The report groups themes under the three tasks of section 7 of the
// Social Welfare Act; every count under 5 is suppressed, with a second
// cell where a total would give it away. The accountability data is
// suppressed by the same rule; accountability-fields.json documents every
// field, and county.pub is the key that checks its checkpoint.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
	_ "time/tzdata"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

func main() {
	if _, err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "social-report:", p.ErrorMessage(err))
		os.Exit(1)
	}
}

var coordinator = p.Actor{ID: p.MustParseID("0190e000-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}

// services and how much feedback each gets in a month; the last is small
// on purpose, to show suppression.
var services = []struct {
	code  string
	items int
}{
	{"aikuissosiaalityo", 420}, {"sosiaalinen_kuntoutus", 260}, {"paihdepalvelut", 180},
	{"asumispalvelut", 140}, {"yhteisoneuvonta", 60}, {"maahanmuuttajapalvelut", 3},
}

var themes = []feedback.Theme{
	{Code: "jonotus", Labels: p.Labels{Fi: "Jonotus ja saatavuus", Sv: "Köer och tillgång", En: "Waiting and access"}, Task: feedback.TaskKnowledge},
	{Code: "toimeentulo", Labels: p.Labels{Fi: "Toimeentulo", Sv: "Utkomst", En: "Income"}, Task: feedback.TaskKnowledge},
	{Code: "asunnottomuus", Labels: p.Labels{Fi: "Asunnottomuus", Sv: "Bostadslöshet", En: "Homelessness"}, Task: feedback.TaskMeasures},
	{Code: "paihteet", Labels: p.Labels{Fi: "Päihteet", Sv: "Missbruk", En: "Substance use"}, Task: feedback.TaskMeasures},
	{Code: "yhteistyo", Labels: p.Labels{Fi: "Yhteistyö muiden toimijoiden kanssa", Sv: "Samarbete med andra aktörer", En: "Cooperation with others"}, Task: feedback.TaskPlanning},
}

var texts = []string{
	"Odotin vastausta hakemukseeni viisi viikkoa.",
	"Sosiaalityöntekijä kuunteli ja auttoi, kiitos.",
	"Asuntoa ei löydy, olen ollut kaverin sohvalla kaksi kuukautta.",
	"Ryhmä auttoi pääsemään arkeen kiinni.",
	"Kela ja sosiaalitoimi eivät puhu keskenään, minä juoksen välissä.",
}

// Output is what a run wrote.
type Output struct {
	Dir    string
	JSON   string
	CSV    string
	Report *feedback.Report
	// The public accountability data (LOOP-3) and where it was written:
	// JSON, CSV, the documentation of its fields, and the county's
	// public key.
	Accountability     *feedback.Accountability
	AccountabilityJSON string
	AccountabilityCSV  string
	FieldsJSON         string
	PublicKey          string
	// Head is the journal's last sequence number when the data was read.
	Head uint64
}

func run(ctx context.Context, args []string, out io.Writer) (*Output, error) {
	fs := flag.NewFlagSet("social-report", flag.ContinueOnError)
	dir := fs.String("out", "", "directory for report.json and report.csv (default: a new temporary one)")
	month := fs.String("month", "2026-03", "the month to report, as YYYY-MM")
	seed := fs.Uint64("seed", 1, "seed of the generated feedback")
	if err := fs.Parse(args); err != nil {
		return nil, p.Invalid("flags", "%v", err)
	}
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		return nil, p.Internal(err, "loading the time zone")
	}
	m, err := time.ParseInLocation("2006-01", *month, helsinki)
	if err != nil {
		return nil, p.Invalid("month", "give the month as 2026-03")
	}
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "osallisuus-report-"); err != nil {
			return nil, p.Internal(err, "making the output directory")
		}
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return nil, p.Internal(err, "making the output directory")
	}
	// The county signs its journal's checkpoints; the example's key is
	// drawn from the seed, so a run can be repeated.
	var keySeed [32]byte
	keySeed[0] = byte(*seed)
	private, public, err := merkle.GenerateKey(rand.NewChaCha8(keySeed), "hyvinvointialue.example/osallisuus")
	if err != nil {
		return nil, p.Internal(err, "making the county's key")
	}
	signer, err := merkle.NewSigner(private)
	if err != nil {
		return nil, err
	}
	clock := p.NewManualClock(m)
	store, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{feedback.Module(&feedback.Config{Location: helsinki})}, History: merkle.New(signer)})
	if err != nil {
		return nil, err
	}
	defer store.Close()
	fb := feedback.New(store)
	for _, th := range themes {
		if err := fb.DefineTheme(ctx, coordinator, th); err != nil {
			return nil, err
		}
	}
	r := rand.New(rand.NewPCG(*seed, 7))
	for _, period := range []struct {
		start time.Time
		scale float64
	}{{m.AddDate(0, -1, 0), 0.8}, {m, 1}} {
		days := int(period.start.AddDate(0, 1, 0).Sub(period.start).Hours() / 24)
		for si, svc := range services {
			n := int(float64(svc.items) * period.scale)
			for i := 0; i < n; i++ {
				clock.Set(period.start.Add(time.Duration(r.IntN(days*24)) * time.Hour))
				s := feedback.Submission{Channel: feedback.EForm, Service: svc.code, Rating: feedback.Rating(1 + r.IntN(4))}
				if k := r.IntN(len(themes) + 2); k < len(themes) {
					s.Themes = []string{themes[(k+si)%len(themes)].Code}
				}
				if r.IntN(5) == 0 {
					s.Text = texts[r.IntN(len(texts))]
				}
				if _, err := fb.Submit(ctx, p.Anonymous, s); err != nil {
					return nil, err
				}
			}
		}
	}
	if err := writeProposals(ctx, store, clock, r, m.AddDate(0, -1, 0), m.AddDate(0, 1, 0)); err != nil {
		return nil, err
	}
	// Anonymous feedback takes effect once its hour is over (PRIV-1): the
	// report is made after the month, when every hour of it is over.
	clock.Set(m.AddDate(0, 1, 0))
	if err := store.Release(ctx); err != nil {
		return nil, err
	}
	rep, err := fb.Report(store.View(), feedback.ReportQuery{From: m, To: m.AddDate(0, 1, 0)})
	if err != nil {
		return nil, err
	}
	o := &Output{Dir: *dir, JSON: filepath.Join(*dir, "report.json"), CSV: filepath.Join(*dir, "report.csv"), Report: rep}
	if err := writeJSON(o.JSON, rep); err != nil {
		return nil, err
	}
	cf, err := os.Create(o.CSV)
	if err != nil {
		return nil, p.Internal(err, "writing the CSV report")
	}
	if err := feedback.WriteCSV(cf, rep); err != nil {
		cf.Close()
		return nil, err
	}
	if err := cf.Close(); err != nil {
		return nil, p.Internal(err, "writing the CSV report")
	}
	if err := writeAccountability(fb, o, m.AddDate(0, -1, 0), m.AddDate(0, 1, 0), public); err != nil {
		return nil, err
	}
	o.Head, _ = store.Head()

	fmt.Fprintf(out, "Social report %s (compared with %s)\n\n", m.Format("1/2006"), m.AddDate(0, -1, 0).Format("1/2006"))
	fmt.Fprintf(out, "  %-24s %7s %9s %7s  %s\n", "service", "items", "change", "happy", "top themes")
	for _, s := range rep.Services {
		ch, hi := "–", "–"
		if s.Change != nil {
			ch = fmt.Sprintf("%+d", *s.Change)
		}
		if s.HappyIndex != nil {
			hi = fmt.Sprintf("%.2f", *s.HappyIndex)
		}
		fmt.Fprintf(out, "  %-24s %7s %9s %7s  %v\n", s.Service, s.Count, ch, hi, s.TopThemes)
	}
	fmt.Fprintf(out, "\n  Under the tasks of section 7 of the Social Welfare Act:\n")
	for _, g := range rep.Tasks {
		fmt.Fprintf(out, "  - %s: %s mentions %v\n", g.Labels.En, g.Count, g.Themes)
	}
	fmt.Fprintf(out, "\nWhat became of the proposals of %s and %s (public accountability data)\n\n", m.AddDate(0, -1, 0).Format("1/2006"), m.Format("1/2006"))
	fmt.Fprintf(out, "  %-24s %13s %14s %15s %8s\n", "service", "contributions", "reported back", "answered in time", "adopted")
	for _, row := range append(o.Accountability.Services, o.Accountability.Total) {
		name := row.Service
		if name == "" {
			name = "total"
		}
		fmt.Fprintf(out, "  %-24s %13s %14s %15s %8s\n", name, row.Contributions, row.ReportedBack, share(row.AnsweredInTime), share(row.Adopted))
	}
	fmt.Fprintf(out, "\n  written: %s\n           %s\n           %s\n           %s\n           %s\n           %s (checks the checkpoint)\n",
		o.JSON, o.CSV, o.AccountabilityJSON, o.AccountabilityCSV, o.FieldsJSON, o.PublicKey)
	return o, nil
}

// share writes a share of public data as a percentage.
func share(f feedback.Figure) string {
	switch {
	case f.Suppressed:
		return "suppressed"
	case f.Value == nil:
		return "–"
	}
	return fmt.Sprintf("%.0f %%", *f.Value*100)
}
