package feedback

// Small-count suppression (FB-5). A report cell counting fewer than K
// items could point at a person, so it is shown as suppressed, never as
// its number and never as zero. Where a row or column total would let a
// reader recover a suppressed cell by subtraction, a second cell in that
// row or column is suppressed too.

// DefaultK is the smallest count a report shows; free-text excerpts need
// DefaultTextK items in their group.
const (
	DefaultK     = 5
	DefaultTextK = 10
)

// Cell is one number of a report table.
type Cell struct {
	// Value is the count; 0 when Suppressed, so that it cannot leak.
	Value int `json:"value"`
	// Suppressed marks a cell that must not be shown.
	Suppressed bool `json:"suppressed,omitempty"`
	// Secondary marks a cell suppressed only to protect another.
	Secondary bool `json:"secondary,omitempty"`
}

// Table is a two-way table of counts with row and column totals and a
// grand total, every one of them a [Cell].
type Table struct {
	Rows       []string `json:"rows"`
	Cols       []string `json:"cols"`
	Cells      [][]Cell `json:"cells"`
	RowTotals  []Cell   `json:"rowTotals"`
	ColTotals  []Cell   `json:"colTotals"`
	GrandTotal Cell     `json:"grandTotal"`
}

// NewTable builds a table from raw counts, totals included, and
// suppresses it with threshold k (DefaultK when k <= 0).
func NewTable(rows, cols []string, counts [][]int, k int) Table {
	t := newTable(rows, cols, counts)
	Suppress(&t, k)
	return t
}

// NewTableUnsuppressed builds a table with its totals and suppresses
// nothing yet: for tables to be suppressed together with SuppressLinked.
func NewTableUnsuppressed(rows, cols []string, counts [][]int) Table {
	return newTable(rows, cols, counts)
}

func newTable(rows, cols []string, counts [][]int) Table {
	t := Table{Rows: rows, Cols: cols, Cells: make([][]Cell, len(rows)), RowTotals: make([]Cell, len(rows)), ColTotals: make([]Cell, len(cols))}
	for i := range rows {
		t.Cells[i] = make([]Cell, len(cols))
		for j := range cols {
			v := counts[i][j]
			t.Cells[i][j].Value = v
			t.RowTotals[i].Value += v
			t.ColTotals[j].Value += v
			t.GrandTotal.Value += v
		}
	}
	return t
}

// Suppress applies small-count suppression to t in place: every cell and
// total from 1 to k-1 is suppressed; then, until nothing changes, every
// row and column equation (its cells and its total) with exactly one
// suppressed entry gets a second one — the smallest inner cell still
// shown, a total only when no inner cell is left —, and so does the equation of the row totals and of the column totals
// with the grand total. Afterwards no suppressed value can be recovered
// by subtracting shown values from a shown total. Suppressed values are
// set to 0.
func Suppress(t *Table, k int) { SuppressLinked(k, t) }

// SuppressLinked suppresses several tables over the same rows together:
// their row totals (and grand totals) are the same numbers, so a total
// hidden in one table is hidden in all, and no table's shown total can
// undo another's suppression.
func SuppressLinked(k int, tables ...*Table) {
	if k <= 0 {
		k = DefaultK
	}
	eqs := linkedEquations(tables)
	totals := map[*Cell]bool{}
	for _, t := range tables {
		t.each(func(c *Cell) {
			if c.Value > 0 && c.Value < k {
				c.Suppressed = true
			}
		})
		for i := range t.RowTotals {
			totals[&t.RowTotals[i]] = true
		}
		for j := range t.ColTotals {
			totals[&t.ColTotals[j]] = true
		}
		totals[&t.GrandTotal] = true
	}
	// The cell to give up: an inner cell before a total, a small count
	// before a large one, a non-zero count before a zero, which protects
	// less where zeros are known to be structural.
	rank := func(c *Cell) [3]int {
		total, zero := 0, 0
		if totals[c] {
			total = 1
		}
		if c.Value == 0 {
			zero = 1
		}
		return [3]int{total, zero, c.Value}
	}
	less := func(a, b *Cell) bool {
		ra, rb := rank(a), rank(b)
		for i := range ra {
			if ra[i] != rb[i] {
				return ra[i] < rb[i]
			}
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, eq := range eqs {
			n := 0
			for _, c := range eq {
				if c.Suppressed {
					n++
				}
			}
			if n != 1 {
				continue
			}
			var pick *Cell
			for _, c := range eq {
				if !c.Suppressed && (pick == nil || less(c, pick)) {
					pick = c
				}
			}
			if pick != nil {
				pick.Suppressed, pick.Secondary = true, true
				changed = true
			}
		}
	}
	for _, t := range tables {
		t.each(func(c *Cell) {
			if c.Suppressed {
				c.Value = 0
			}
		})
	}
}

func (t *Table) each(fn func(*Cell)) {
	for i := range t.Cells {
		for j := range t.Cells[i] {
			fn(&t.Cells[i][j])
		}
		fn(&t.RowTotals[i])
	}
	for j := range t.ColTotals {
		fn(&t.ColTotals[j])
	}
	fn(&t.GrandTotal)
}

// linkedEquations are the tables' own equations, and, between tables over
// the same rows, the equalities of their row totals and grand totals.
func linkedEquations(tables []*Table) [][]*Cell {
	var eqs [][]*Cell
	for _, t := range tables {
		eqs = append(eqs, t.equations()...)
	}
	for a := 0; a < len(tables); a++ {
		for b := a + 1; b < len(tables); b++ {
			ta, tb := tables[a], tables[b]
			if len(ta.RowTotals) != len(tb.RowTotals) {
				continue
			}
			for i := range ta.RowTotals {
				eqs = append(eqs, []*Cell{&ta.RowTotals[i], &tb.RowTotals[i]})
			}
			eqs = append(eqs, []*Cell{&ta.GrandTotal, &tb.GrandTotal})
		}
	}
	return eqs
}

// equations lists every linear relation a reader could use: each row's
// cells sum to its total, each column's cells to its total, and the row
// totals and the column totals each sum to the grand total.
func (t *Table) equations() [][]*Cell {
	var eqs [][]*Cell
	for i := range t.Cells {
		eq := []*Cell{&t.RowTotals[i]}
		for j := range t.Cells[i] {
			eq = append(eq, &t.Cells[i][j])
		}
		eqs = append(eqs, eq)
	}
	for j := range t.ColTotals {
		eq := []*Cell{&t.ColTotals[j]}
		for i := range t.Cells {
			eq = append(eq, &t.Cells[i][j])
		}
		eqs = append(eqs, eq)
	}
	rows := []*Cell{&t.GrandTotal}
	for i := range t.RowTotals {
		rows = append(rows, &t.RowTotals[i])
	}
	cols := []*Cell{&t.GrandTotal}
	for j := range t.ColTotals {
		cols = append(cols, &t.ColTotals[j])
	}
	return append(eqs, rows, cols)
}

// Recoverable plays the attacker on tables published together: it
// repeatedly takes an equation (a row, a column, the totals, or the
// equality of linked totals) with exactly one suppressed entry and solves
// it, and reports how many suppressed entries it recovered that way.
// SuppressLinked guarantees zero. Tests run it on every table the library
// produces; so can auditors.
func Recoverable(tables ...*Table) int {
	known := map[*Cell]bool{}
	eqs := linkedEquations(tables)
	recovered := 0
	for progress := true; progress; {
		progress = false
		for _, eq := range eqs {
			var unknown []*Cell
			for _, c := range eq {
				if c.Suppressed && !known[c] {
					unknown = append(unknown, c)
				}
			}
			if len(unknown) == 1 {
				known[unknown[0]] = true
				recovered++
				progress = true
			}
		}
	}
	return recovered
}
