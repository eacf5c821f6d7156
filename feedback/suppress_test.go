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
