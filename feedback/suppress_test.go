package feedback_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
)

func TestSuppression(t *testing.T) {
	t.Run("FB-5_SmallCellsSuppressedAndProtected", func(t *testing.T) {
		tab := feedback.NewTable([]string{"a", "b"}, []string{"x", "y", "z"}, [][]int{{3, 20, 30}, {12, 15, 40}}, 5)
		assert.True(t, tab.Cells[0][0].Suppressed)
		assert.Equal(t, 0, tab.Cells[0][0].Value, "a suppressed cell never shows its number")
		// Row a has one suppressed cell: a second one goes with it, the
		// smallest shown (20); column x likewise (12).
		assert.True(t, tab.Cells[0][1].Suppressed && tab.Cells[0][1].Secondary)
		assert.True(t, tab.Cells[1][0].Suppressed && tab.Cells[1][0].Secondary)
		assert.Equal(t, 0, feedback.Recoverable(&tab))
		assert.Equal(t, 120, tab.GrandTotal.Value)
	})
	t.Run("FB-5_ZeroIsNotSuppressed", func(t *testing.T) {
		tab := feedback.NewTable([]string{"a"}, []string{"x", "y"}, [][]int{{0, 9}}, 5)
		assert.False(t, tab.Cells[0][0].Suppressed)
		assert.Equal(t, 0, feedback.Recoverable(&tab))
	})
	t.Run("FB-5_AttackerCombinesEquations", func(t *testing.T) {
		// Every row and column below has two or more hidden entries, so
		// no single subtraction reveals anything; yet the equations
		// combined pin one entry down, and the attacker finds it.
		tab := feedback.NewTableUnsuppressed(make([]string, 3), make([]string, 3), [][]int{{6, 5, 5}, {8, 2, 7}, {1, 5, 2}})
		hidden := []string{
			".x.x", // three cells, then the row total
			"x.xx",
			".x.x",
			"x.x", // the column totals
		}
		for i, row := range hidden[:3] {
			for j, h := range row[:3] {
				tab.Cells[i][j].Suppressed = h == 'x'
			}
			tab.RowTotals[i].Suppressed = row[3] == 'x'
		}
		for j, h := range hidden[3] {
			tab.ColTotals[j].Suppressed = h == 'x'
		}
		assert.Equal(t, 1, feedback.Recoverable(&tab))
		// Suppress, given the same counts, leaves nothing to find.
		safe := feedback.NewTable(make([]string, 3), make([]string, 3), [][]int{{6, 5, 5}, {8, 2, 7}, {1, 5, 2}}, 6)
		assert.Equal(t, 0, feedback.Recoverable(&safe))
	})
	t.Run("FB-5_SmallTotalsSuppressed", func(t *testing.T) {
		tab := feedback.NewTable([]string{"a", "b", "c"}, []string{"x"}, [][]int{{2}, {30}, {40}}, 5)
		assert.True(t, tab.RowTotals[0].Suppressed)
		assert.Equal(t, 0, feedback.Recoverable(&tab))
	})
}

// TestSuppressionCannotBeUndone is FB-5's proof over many random tables:
// an attacker who solves every row, column and total equation with one
// unknown recovers nothing, and every small count is hidden.
func TestSuppressionCannotBeUndone(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 3000; round++ {
		rows, cols := 1+r.IntN(6), 1+r.IntN(6)
		counts := make([][]int, rows)
		for i := range counts {
			counts[i] = make([]int, cols)
			for j := range counts[i] {
				switch r.IntN(4) {
				case 0:
					counts[i][j] = r.IntN(5)
				case 1:
					counts[i][j] = 0
				default:
					counts[i][j] = r.IntN(80)
				}
			}
		}
		k := 2 + r.IntN(10)
		tab := feedback.NewTable(make([]string, rows), make([]string, cols), counts, k)
		require.Equal(t, 0, feedback.Recoverable(&tab), "FB-5: round %d counts %v k %d", round, counts, k)
		for i := range counts {
			for j, v := range counts[i] {
				if v > 0 && v < k {
					assert.True(t, tab.Cells[i][j].Suppressed, "FB-5: small cell shown")
				}
				if tab.Cells[i][j].Suppressed {
					assert.Equal(t, 0, tab.Cells[i][j].Value)
				} else {
					assert.Equal(t, v, tab.Cells[i][j].Value)
				}
			}
		}
	}
}

// Tables over the same rows publish the same row totals: suppressed
// together, no table's totals undo another's cells.
func TestLinkedSuppressionCannotBeUndone(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for round := 0; round < 2000; round++ {
		rows := 1 + r.IntN(5)
		a, b := make([][]int, rows), make([][]int, rows)
		for i := 0; i < rows; i++ {
			a[i] = make([]int, 4)
			for j := range a[i] {
				a[i][j] = r.IntN(12)
			}
			// The second table splits the same row totals another way.
			total := a[i][0] + a[i][1] + a[i][2] + a[i][3]
			x := r.IntN(total + 1)
			b[i] = []int{x, total - x}
		}
		ta := feedback.NewTableUnsuppressed(make([]string, rows), make([]string, 4), a)
		tb := feedback.NewTableUnsuppressed(make([]string, rows), make([]string, 2), b)
		feedback.SuppressLinked(5, &ta, &tb)
		require.Equal(t, 0, feedback.Recoverable(&ta, &tb), "FB-5: round %d: %v / %v", round, a, b)
		for i := range ta.RowTotals {
			assert.Equal(t, ta.RowTotals[i].Suppressed, tb.RowTotals[i].Suppressed)
		}
	}
}

// BenchmarkSuppress suppresses two linked tables of 50 services, most of
// their cells small: the exact check of SuppressLinked at its busiest.
func BenchmarkSuppress(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	a, c := make([][]int, 50), make([][]int, 50)
	for i := range a {
		a[i], c[i] = make([]int, 5), make([]int, 4)
		for j := range a[i] {
			a[i][j] = r.IntN(12)
		}
		total := a[i][0] + a[i][1] + a[i][2] + a[i][3] + a[i][4]
		for j := 0; j < 3; j++ {
			c[i][j] = r.IntN(total/4 + 1)
			total -= c[i][j]
		}
		c[i][3] = total
	}
	b.ReportAllocs()
	for b.Loop() {
		ta := feedback.NewTableUnsuppressed(make([]string, 50), make([]string, 5), a)
		tc := feedback.NewTableUnsuppressed(make([]string, 50), make([]string, 4), c)
		feedback.SuppressLinked(feedback.DefaultK, &ta, &tc)
		if feedback.Recoverable(&ta, &tc) != 0 {
			b.Fatal("recoverable")
		}
	}
}
