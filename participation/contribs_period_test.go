package participation_test

import (
	"context"
	"testing"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestFindContributionsFarPeriod: a period that begins or ends far from
// now (year 1, year 9999: beyond what nanoseconds since 1970 can count)
// still selects by time: a far end takes every contribution before it,
// a far beginning every one after it.
func TestFindContributionsFarPeriod(t *testing.T) {
	ctx := context.Background()
	s, err := p.Open(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, u := range []string{"a", "b"} {
		if _, err := s.Submit(ctx, client, p.ContributionInput{
			Source: p.Source{Module: "direct", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginClient,
			Unit: u, Title: "idea", Contributors: []p.ID{client.ID},
		}); err != nil {
			t.Fatal(err)
		}
	}
	far := time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	early := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC)
	unit := "a"
	for _, c := range []struct {
		name string
		f    p.ContributionFilter
		want int
	}{
		{"to year 9999", p.ContributionFilter{Period: p.Period{To: far}}, 2},
		{"from year 1", p.ContributionFilter{Period: p.Period{From: early}}, 2},
		{"year 1 to year 9999", p.ContributionFilter{Period: p.Period{From: early, To: far}}, 2},
		{"one unit, year 1 to year 9999", p.ContributionFilter{Period: p.Period{From: early, To: far}, Unit: &unit}, 1},
		{"from year 9999", p.ContributionFilter{Period: p.Period{From: far}}, 0},
		{"to year 1", p.ContributionFilter{Period: p.Period{To: early}}, 0},
	} {
		_, n, err := p.FindContributions(s.View(), c.f)
		if err != nil || n != c.want {
			t.Errorf("%s: %d found (%v), %d received", c.name, n, err, c.want)
		}
	}
}
