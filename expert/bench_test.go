package expert_test

import (
	"context"
	"testing"
	"time"

	"github.com/osallisuus/osallisuus/expert"
	p "github.com/osallisuus/osallisuus/participation"
)

// BenchmarkMatch: ranking 10,000 experts for a request (EXP-5); target
// under 5 ms.
//
//	go test -run '^$' -bench Match -benchmem ./expert/
func BenchmarkMatch(b *testing.B) {
	ctx := context.Background()
	s, err := p.Open(ctx, &p.Config{Clock: p.NewManualClock(t0), Modules: []p.Module{expert.Module(nil)}})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ex := expert.New(s)
	areas := []string{"mental_health", "substance_use", "homelessness", "disability", "elderly_care", "child_welfare"}
	langs := [][]string{{"fi"}, {"fi", "sv"}, {"fi", "en"}, {"sv"}, {"fi", "se"}}
	for i := 0; i < 10_000; i++ {
		x, err := ex.Register(ctx, coordinator, expert.Registration{Person: person(i).ID, Kind: expert.Kinds[i%3], Languages: langs[i%len(langs)],
			Profile: expert.Profile{Name: "n", Backgrounds: []expert.Background{expert.Backgrounds[i%4]}, Areas: []string{areas[i%6], areas[(i/6)%6]}},
			Consent: expert.Consent{Purpose: "benchmark"}})
		if err != nil {
			b.Fatal(err)
		}
		if i%3 == 0 {
			if err := ex.AddCourse(ctx, coordinator, x.ID, expert.Course{Name: "k", Provider: "p", Completed: t0.AddDate(-1, 0, 0)}); err != nil {
				b.Fatal(err)
			}
		}
	}
	need := expert.Need{Background: expert.Rehabilitation, Area: "homelessness", Language: "sv", RequireTrained: true}
	date := t0.Add(7 * 24 * time.Hour)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := ex.Match(need, date, 10)
		if err != nil || len(got) != 10 {
			b.Fatal(err, len(got))
		}
	}
}
