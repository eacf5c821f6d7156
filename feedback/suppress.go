package feedback

import "slices"

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
// shown, a total only when no inner cell is left —, and so does the
// equation of the row totals and of the column totals with the grand
// total; and while the equations taken together still pin a suppressed
// value down (see [Recoverable]), a cell next to it is suppressed too.
// Afterwards no suppressed value can be recovered from the shown ones by
// any linear reasoning. Suppressed values are set to 0.
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
	// cheapest is the cell to give up among the shown cells of eqs.
	cheapest := func(eqs ...[]*Cell) *Cell {
		var pick *Cell
		for _, eq := range eqs {
			for _, c := range eq {
				if !c.Suppressed && (pick == nil || less(c, pick)) {
					pick = c
				}
			}
		}
		return pick
	}
	// around returns the equations that hold a cell for which has is true.
	around := func(has func(c *Cell) bool) [][]*Cell {
		var out [][]*Cell
		for _, eq := range eqs {
			if slices.ContainsFunc(eq, has) {
				out = append(out, eq)
			}
		}
		return out
	}
	hide := func(c *Cell) { c.Suppressed, c.Secondary = true, true }
	for {
		// First the quick rule: no equation with a single unknown.
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
				if pick := cheapest(eq); pick != nil {
					hide(pick)
					changed = true
				}
			}
		}
		// Then the exact check: equations combined may still pin a
		// cell down. Give up one more cell next to it and start over;
		// every round hides a cell, so this ends.
		found := determined(eqs)
		if len(found) == 0 {
			break
		}
		x := found[0]
		pick := cheapest(around(func(c *Cell) bool { return c == x })...)
		if pick == nil {
			pick = cheapest(around(func(c *Cell) bool { return c.Suppressed })...)
		}
		if pick == nil {
			break
		}
		hide(pick)
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

// Recoverable plays the attacker on tables published together. It takes
// every linear relation a reader knows — each row, column and total
// equation, and the equality of linked totals — with the shown values as
// constants and the suppressed ones as unknowns, solves the system
// exactly, and reports how many suppressed entries it pins down to one
// value. This is more than repeatedly subtracting shown values from a
// total: it also finds cells that only a combination of equations
// reveals. SuppressLinked guarantees zero. Tests run it on every table
// the library produces; so can auditors.
func Recoverable(tables ...*Table) int {
	return len(determined(linkedEquations(tables)))
}

// determined returns the suppressed entries whose values follow from the
// shown ones through eqs, each equation reading "the first entry is the
// sum of the others". It brings the system's matrix over the suppressed
// entries to reduced row echelon form, in integers: an entry is
// determined exactly when its column has a pivot whose row has no other
// non-zero coefficient.
func determined(eqs [][]*Cell) []*Cell {
	col := map[*Cell]int{}
	var unknown []*Cell
	for _, eq := range eqs {
		for _, c := range eq {
			if _, ok := col[c]; c.Suppressed && !ok {
				col[c] = len(unknown)
				unknown = append(unknown, c)
			}
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	var rows [][]int64
	for _, eq := range eqs {
		var row []int64
		for i, c := range eq {
			if !c.Suppressed {
				continue
			}
			if row == nil {
				row = make([]int64, len(unknown))
			}
			if i == 0 {
				row[col[c]]++
			} else {
				row[col[c]]--
			}
		}
		if row != nil {
			rows = append(rows, row)
		}
	}
	pivotRow := make([]int, len(unknown))
	r := 0
	for j := range unknown {
		pivotRow[j] = -1
		p := -1
		for i := r; i < len(rows); i++ {
			if rows[i][j] != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		rows[r], rows[p] = rows[p], rows[r]
		for i := range rows {
			if i == r || rows[i][j] == 0 {
				continue
			}
			a, b := rows[r][j], rows[i][j]
			for k := range rows[i] {
				rows[i][k] = rows[i][k]*a - rows[r][k]*b
			}
			reduce(rows[i])
		}
		pivotRow[j] = r
		r++
	}
	var out []*Cell
	for j, c := range unknown {
		if pivotRow[j] < 0 {
			continue
		}
		alone := true
		for k, v := range rows[pivotRow[j]] {
			if k != j && v != 0 {
				alone = false
				break
			}
		}
		if alone {
			out = append(out, c)
		}
	}
	return out
}

// reduce divides a row by the greatest common divisor of its entries,
// which keeps the integers of the elimination small.
func reduce(row []int64) {
	var g int64
	for _, v := range row {
		if v < 0 {
			v = -v
		}
		for v != 0 {
			g, v = v, g%v
		}
	}
	if g > 1 {
		for k := range row {
			row[k] /= g
		}
	}
}
