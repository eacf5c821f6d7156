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

// TestHouseProfilePeople: the house counts each named person once per
// floor over the months a period touches, for the whole house, a unit, a
// service or both — checked against the people the commands named, with
// enough of them that the sets turn from lists into bitmaps.
func TestHouseProfilePeople(t *testing.T) {
	ctx := context.Background()
	clock := p.NewManualClock(time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))
	s, err := p.Open(ctx, &p.Config{Clock: clock})
	require.NoError(t, err)
	defer s.Close()
	type act struct {
		month         time.Month
		level         p.Level
		unit, service string
		person        p.ID
	}
	var acts []act
	levels := []p.Level{p.LevelOwnService, p.LevelFeedback, p.LevelDialogue}
	for i := range 600 {
		a := act{month: time.Month(1 + i%2), level: levels[i/2%3], unit: []string{"u1", "u2"}[i/7%2], service: []string{"s1", "s2", "s3"}[i/5%3]}
		a.person = p.MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012d", (i*37)%250+1))
		clock.Set(time.Date(2026, a.month, 5+i%20, 10, 0, 0, 0, time.UTC))
		_, err := s.Submit(ctx, staff, p.ContributionInput{
			Source: p.Source{Module: "test", Kind: "idea"}, Level: a.level, Origin: p.OriginOrganisation,
			Unit: a.unit, Service: a.service, Title: "idea", Contributors: []p.ID{a.person},
		})
		require.NoError(t, err)
		acts = append(acts, a)
	}
	u1, s2 := "u1", "s2"
	for _, f := range []p.HouseFilter{
		{Period: p.Period{From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{Period: p.Period{From: time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)}},
		{Unit: &u1},
		{Service: &s2, Period: p.Period{From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}},
		{Unit: &u1, Service: &s2},
	} {
		want := map[p.Level]map[p.ID]bool{}
		for _, a := range acts {
			m := time.Date(2026, a.month, 1, 0, 0, 0, 0, time.UTC)
			if (f.Unit != nil && *f.Unit != a.unit) || (f.Service != nil && *f.Service != a.service) ||
				(!f.Period.To.IsZero() && !m.Before(f.Period.To)) || (!f.Period.From.IsZero() && !m.AddDate(0, 1, 0).After(f.Period.From)) {
				continue
			}
			if want[a.level] == nil {
				want[a.level] = map[p.ID]bool{}
			}
			want[a.level][a.person] = true
		}
		h, err := p.HouseProfile(s.View(), f)
		require.NoError(t, err)
		t.Run("PART-6_distinct_people_by_floor_unit_and_service", func(t *testing.T) {
			for _, fl := range h.Floors {
				assert.Equal(t, len(want[fl.Level]), fl.People, "%s, filter %+v", fl.Level, f)
			}
		})
	}
}
