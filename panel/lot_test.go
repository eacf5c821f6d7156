package panel_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// pool makes volunteers: counts[s] from service s.
func pool(counts map[string]int) []panel.Volunteer {
	var out []panel.Volunteer
	n := 0
	for _, s := range []string{"a", "b", "c", "d", "e", "f"} {
		for i := 0; i < counts[s]; i++ {
			out = append(out, panel.Volunteer{Person: person(2000 + n).ID, Service: s, Type: panel.MemberClient})
			n++
		}
	}
	return out
}

func TestLot(t *testing.T) {
	t.Run("PANEL-9_Reproducible", func(t *testing.T) {
		vols := pool(map[string]int{"a": 40, "b": 25, "c": 9, "d": 3})
		first, alloc := panel.Draw(vols, 15, 20260202)
		again, alloc2 := panel.Draw(vols, 15, 20260202)
		assert.Equal(t, first, again, "same seed, same draw")
		assert.Equal(t, alloc, alloc2)

		// The same volunteers in another order draw the same people.
		shuffled := append([]panel.Volunteer(nil), vols...)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		persons := func(vs []panel.Volunteer, idx []int) map[p.ID]bool {
			out := map[p.ID]bool{}
			for _, i := range idx {
				out[vs[i].Person] = true
			}
			return out
		}
		reordered, _ := panel.Draw(shuffled, 15, 20260202)
		assert.Equal(t, persons(vols, first), persons(shuffled, reordered))

		other, _ := panel.Draw(vols, 15, 99)
		assert.NotEqual(t, persons(vols, first), persons(vols, other), "another seed draws other people")
	})
	t.Run("PANEL-9_ProportionalWithSkewedPools", func(t *testing.T) {
		cases := []struct {
			counts map[string]int
			seats  int
			want   map[string]int
		}{
			{map[string]int{"a": 60, "b": 30, "c": 10}, 10, map[string]int{"a": 6, "b": 3, "c": 1}},
			{map[string]int{"a": 99, "b": 1}, 10, map[string]int{"a": 9, "b": 1}},
			{map[string]int{"a": 50, "b": 50}, 12, map[string]int{"a": 6, "b": 6}},
			{map[string]int{"a": 7, "b": 2, "c": 1}, 20, map[string]int{"a": 7, "b": 2, "c": 1}},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprint(tc.counts), func(t *testing.T) {
				vols := pool(tc.counts)
				chosen, alloc := panel.Draw(vols, tc.seats, 1)
				assert.Equal(t, tc.want, alloc)
				got := map[string]int{}
				for _, i := range chosen {
					got[vols[i].Service]++
				}
				assert.Equal(t, tc.want, got, "the chosen follow the allocation")
			})
		}
	})
	t.Run("PANEL-9_WithinOneSeatOfQuota", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		for round := 0; round < 300; round++ {
			counts := map[string]int{}
			total := 0
			for _, s := range []string{"a", "b", "c", "d", "e", "f"} {
				counts[s] = rng.IntN(60)
				total += counts[s]
			}
			if total == 0 {
				continue
			}
			seats := 1 + rng.IntN(30)
			vols := pool(counts)
			chosen, alloc := panel.Draw(vols, seats, rng.Uint64())
			require.Len(t, chosen, min(seats, total))
			if seats >= total {
				continue
			}
			empty, roundedUp := false, false
			for s, n := range counts {
				if n == 0 {
					continue
				}
				quota := float64(seats) * float64(n) / float64(total)
				assert.LessOrEqual(t, math.Abs(float64(alloc[s])-quota), 1.0, "counts %v seats %d service %s", counts, seats, s)
				empty = empty || alloc[s] == 0
				roundedUp = roundedUp || alloc[s] >= 2 && alloc[s] > int(quota)
			}
			assert.False(t, empty && roundedUp, "a service was left out while another had a seat to spare: %v %v", counts, alloc)
		}
	})
	t.Run("PANEL-9_DrawIsAnAuditableEvent", func(t *testing.T) {
		e := newEnv(t)
		x := e.create(panel.PanelInput{})
		var vols []panel.LotVolunteer
		for i, v := range pool(map[string]int{"a": 12, "b": 6, "c": 2}) {
			vols = append(vols, panel.LotVolunteer{Volunteer: v, Name: fmt.Sprintf("Vapaaehtoinen %d", i)})
		}
		lot, err := e.panels.DrawLot(e.ctx, coordinator, panel.LotInput{Panel: x.ID, Volunteers: vols, Seats: 10, Seed: 424242})
		require.NoError(t, err)
		assert.Equal(t, map[string]int{"a": 6, "b": 3, "c": 1}, lot.Allocation)
		redo, _ := panel.Draw(lot.Volunteers, lot.Seats, lot.Seed)
		assert.Equal(t, lot.Chosen, redo, "anyone can redo the draw from the event")
		c := e.status(x)
		assert.Equal(t, 10, c.Members)
		assert.Equal(t, []string{"a", "b", "c"}, c.Services)
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.DrawLot(e.ctx, coordinator, panel.LotInput{Panel: x.ID, Volunteers: vols, Seats: 0, Seed: 1})
			return err
		})
		e.refused(p.EINVALID, func() error {
			_, err := e.panels.DrawLot(e.ctx, coordinator, panel.LotInput{Panel: x.ID, Volunteers: append(vols, vols[0]), Seats: 3, Seed: 1})
			return err
		})
	})
}
