package participation_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestFindContributionsOrder: contributions in several units (and none),
// some received at the same moment, are listed oldest first with ties by
// id, whether all units are read or one; a unit and a period read only
// that unit's rows of the period, and paging counts them all.
func TestFindContributionsOrder(t *testing.T) {
	ctx := context.Background()
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Clock: clock})
	require.NoError(t, err)
	defer s.Close()
	units := []string{"b", "", "a", "ab", "c"}
	for i := range 40 {
		clock.Set(t0.Add(time.Duration(i/3) * time.Hour)) // three at a time
		_, err := s.Submit(ctx, staff, p.ContributionInput{
			Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginOrganisation,
			Unit: units[(i*7)%len(units)], Title: fmt.Sprintf("idea %d", i),
		})
		require.NoError(t, err)
	}
	all, total, err := p.FindContributions(s.View(), p.ContributionFilter{})
	require.NoError(t, err)
	require.Len(t, all, 40)
	require.Equal(t, 40, total)
	want := slices.Clone(all)
	slices.SortFunc(want, func(a, b *p.Contribution) int {
		if c := a.ReceivedAt.Compare(b.ReceivedAt); c != 0 {
			return c
		}
		return bytes.Compare(a.ID[:], b.ID[:])
	})
	assert.Equal(t, want, all, "oldest first, ties by id")

	period := p.Period{From: t0.Add(2 * time.Hour), To: t0.Add(9 * time.Hour)}
	for _, unit := range units {
		var wantUnit []*p.Contribution
		for _, c := range all {
			if c.Unit == unit && period.Contains(c.ReceivedAt) && c.ReceivedAt.Before(period.To) {
				wantUnit = append(wantUnit, c)
			}
		}
		got, n, err := p.FindContributions(s.View(), p.ContributionFilter{Unit: &unit, Period: period})
		require.NoError(t, err)
		assert.Equal(t, wantUnit, got, "unit %q", unit)
		assert.Equal(t, len(wantUnit), n)
		page, n, err := p.FindContributions(s.View(), p.ContributionFilter{Unit: &unit, Period: period, Offset: 1, Limit: 2})
		require.NoError(t, err)
		assert.Equal(t, len(wantUnit), n, "the count is of every match, not the page")
		if len(wantUnit) > 1 {
			assert.Equal(t, wantUnit[1:min(3, len(wantUnit))], page)
		}
	}
	var inPeriod []*p.Contribution
	for _, c := range all {
		if !c.ReceivedAt.Before(period.From) && c.ReceivedAt.Before(period.To) {
			inPeriod = append(inPeriod, c)
		}
	}
	got, _, err := p.FindContributions(s.View(), p.ContributionFilter{Period: period})
	require.NoError(t, err)
	assert.Equal(t, inPeriod, got, "all units of a period, merged in order")
	missing := "none"
	got, n, err := p.FindContributions(s.View(), p.ContributionFilter{Unit: &missing})
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Zero(t, n)
}

// TestFindOverdueOrder: the overdue list holds exactly the contributions
// whose deadline has passed — once, as overdue to respond when both have
// — most overdue first, respond before acknowledge on equal deadlines,
// ties by id.
func TestFindOverdueOrder(t *testing.T) {
	ctx := context.Background()
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Clock: clock})
	require.NoError(t, err)
	defer s.Close()
	for i := range 30 {
		clock.Set(t0.Add(time.Duration(i/2) * 24 * time.Hour))
		c, err := s.Submit(ctx, staff, p.ContributionInput{
			Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue, Origin: p.OriginOrganisation,
			Unit: "u", Title: fmt.Sprintf("idea %d", i),
		})
		require.NoError(t, err)
		switch i % 3 {
		case 1:
			_, err = s.Acknowledge(ctx, staff, c.ID, "")
		case 2:
			if _, err = s.Decide(ctx, manager, c.ID, p.Adopted, ""); err == nil {
				_, err = s.ReportBack(ctx, staff, c.ID, "vastaus")
			}
		}
		require.NoError(t, err)
	}
	all, _, err := p.FindContributions(s.View(), p.ContributionFilter{})
	require.NoError(t, err)
	for _, days := range []int{0, 15, 20, 95, 100, 200} {
		at := t0.Add(time.Duration(days) * 24 * time.Hour)
		var want []p.Overdue
		for _, c := range all {
			switch c.OverdueAt(at) {
			case "respond":
				want = append(want, p.Overdue{Contribution: c, Missed: "respond", Due: c.RespondBy, DaysLate: int(at.Sub(c.RespondBy) / (24 * time.Hour))})
			case "acknowledge":
				want = append(want, p.Overdue{Contribution: c, Missed: "acknowledge", Due: c.AcknowledgeBy, DaysLate: int(at.Sub(c.AcknowledgeBy) / (24 * time.Hour))})
			}
		}
		slices.SortStableFunc(want, func(a, b p.Overdue) int {
			if c := a.Due.Compare(b.Due); c != 0 {
				return c
			}
			if a.Missed != b.Missed {
				if a.Missed == "respond" {
					return -1
				}
				return 1
			}
			return bytes.Compare(a.Contribution.ID[:], b.Contribution.ID[:])
		})
		got, err := p.FindOverdue(s.View(), at)
		require.NoError(t, err)
		assert.Equal(t, want, got, "at day %d", days)
	}
}
