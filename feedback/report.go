package feedback

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// ReportQuery selects a social report (FB-9).
type ReportQuery struct {
	// From and To are the period, as dates in the module's Location; To
	// is exclusive. The previous period ends at From and is as many whole
	// months long when the period is whole months, else as many days.
	From, To time.Time
	// Services narrows the report; nil means every service.
	Services []string
}

// Report is a social report for a period: counts, distributions, change
// from the previous period, top themes and scrubbed excerpts per service,
// themes grouped under the three tasks of section 7 of the Social
// Welfare Act. Every count comes from a suppressed table (FB-5).
type Report struct {
	Period   p.Period `json:"period"`
	Previous p.Period `json:"previous"`
	K        int      `json:"k"`
	TextK    int      `json:"textK"`
	// Total counts items; Change compares with the previous period,
	// shown only when both counts are.
	Total         Cell         `json:"total"`
	PreviousTotal Cell         `json:"previousTotal"`
	Change        *int         `json:"change,omitempty"`
	HappyIndex    *float64     `json:"happyIndex,omitempty"`
	Filtered      int          `json:"filtered"`
	Services      []ServiceRow `json:"services"`
	Themes        []ThemeRow   `json:"themes"`
	Tasks         []TaskGroup  `json:"tasks"`
	// The tables the rows above are read from, suppressed together.
	Ratings  Table `json:"ratings"`  // services × smileys (and none)
	Channels Table `json:"channels"` // services × channels
	Mentions Table `json:"mentions"` // services × themes (and none): theme mentions
	Prior    Table `json:"prior"`    // services × channels, previous period
}

// ServiceRow is one service in a report.
type ServiceRow struct {
	Service  string `json:"service"`
	Count    Cell   `json:"count"`
	Previous Cell   `json:"previous"`
	Change   *int   `json:"change,omitempty"`
	// HappyIndex is the mean smiley (1–4), shown only when none of the
	// service's smiley counts is suppressed.
	HappyIndex *float64 `json:"happyIndex,omitempty"`
	// NPS is the recommendation index of survey answers, shown by the one
	// disclosure rule that survey results follow too.
	NPS       *float64 `json:"nps,omitempty"`
	TopThemes []string `json:"topThemes,omitempty"`
	// Excerpts are scrubbed free texts, shown only when the service has
	// at least TextK of them in the period.
	Excerpts []string `json:"excerpts,omitempty"`
}

// ThemeRow is one theme across the report's services.
type ThemeRow struct {
	Theme    string   `json:"theme"`
	Labels   p.Labels `json:"labels"`
	Task     Task     `json:"task"`
	Count    Cell     `json:"count"`
	Previous Cell     `json:"previous"`
	Change   *int     `json:"change,omitempty"`
}

// TaskGroup gathers the themes of one task of section 7.
type TaskGroup struct {
	Task   Task     `json:"task"`
	Labels p.Labels `json:"labels"`
	Themes []string `json:"themes"`
	// Count sums the task's theme mentions, shown only when every one of
	// them is.
	Count Cell `json:"count"`
}

// counts accumulates aggregates for one period.
type counts struct {
	services map[string]*agg
	channels map[string]*[4]uint32
	themes   map[string]map[string]uint32 // service → theme → mentions
	none     map[string]uint32            // service → items without a theme
}

// collect sums the aggregates of the local days [d0, d1), whole months
// from month buckets and the rest from day buckets. Call with l.mu held.
func (l *live) collect(d0, d1 uint32, keep func(string) bool) counts {
	c := counts{services: map[string]*agg{}, channels: map[string]*[4]uint32{}, themes: map[string]map[string]uint32{}, none: map[string]uint32{}}
	add := func(cells []*aggCell) {
		for _, cell := range cells {
			svc := l.services.names[cell.key.service]
			if !keep(svc) {
				continue
			}
			if cell.key.theme == noTheme {
				c.none[svc] += cell.agg.Count
				continue
			}
			if cell.key.theme != 0 {
				m := c.themes[svc]
				if m == nil {
					m = map[string]uint32{}
					c.themes[svc] = m
				}
				m[l.themes.names[cell.key.theme]] += cell.agg.Count
				continue
			}
			a := c.services[svc]
			if a == nil {
				a = &agg{}
				c.services[svc] = a
				c.channels[svc] = &[4]uint32{}
			}
			a.add(&cell.agg)
			c.channels[svc][cell.key.channel] += cell.agg.Count
		}
	}
	for d := d0; d < d1; {
		t := time.Unix(int64(d)*86400, 0).UTC()
		if t.Day() == 1 {
			next := civilDay(t.AddDate(0, 1, 0))
			if next <= d1 {
				add(l.buckets[bucketKey{civilMonth(t), byMonth}].all())
				d = next
				continue
			}
		}
		add(l.buckets[bucketKey{d, byDay}].all())
		d++
	}
	return c
}

// Report builds the social report for a period (FB-9), from aggregates
// only: it never scans items.
func (f *Service) Report(r p.Reader, q ReportQuery) (*Report, error) {
	if err := f.ready(); err != nil {
		return nil, err
	}
	if q.From.IsZero() || q.To.IsZero() || !q.To.After(q.From) {
		return nil, p.Invalid("period", "a report needs a period that ends after it begins")
	}
	loc := f.l.cfg.Location
	d0, d1 := civilDay(q.From.In(loc)), civilDay(q.To.In(loc))
	if d1 <= d0 {
		d1 = d0 + 1
	}
	if d1-d0 > 3660 {
		return nil, p.Invalid("period", "a report covers at most ten years")
	}
	themeDefs, err := Themes(r)
	if err != nil {
		return nil, err
	}
	keep := func(string) bool { return true }
	if q.Services != nil {
		keep = func(s string) bool { return slices.Contains(q.Services, s) }
	}
	// The previous period: as many whole months before, when the period
	// is whole months; otherwise as many days.
	p0 := d0 - (d1 - d0)
	f0, f1 := q.From.In(loc), q.To.In(loc)
	if f0.Day() == 1 && f1.Day() == 1 && civilDay(f0) == d0 && civilDay(f1) == d1 {
		months := (f1.Year()-f0.Year())*12 + int(f1.Month()) - int(f0.Month())
		p0 = civilDay(time.Date(f0.Year(), f0.Month()-time.Month(months), 1, 0, 0, 0, 0, time.UTC))
	}
	l := f.l
	l.mu.RLock()
	cur := l.collect(d0, d1, keep)
	prev := l.collect(p0, d0, keep)
	from, to := dayStart(d0, loc), dayStart(d1, loc)
	// Excerpts: the newest texts of each service in the period, from the
	// per-day samples (the newest of a period are among its days' newest).
	excerpts := map[string][]string{}
	for svc, a := range cur.services {
		if int(a.Texts) < l.cfg.TextK {
			continue
		}
		sid, _ := l.services.lookup(svc)
		var newest []uint32
		for d := d0; d < d1; d++ {
			newest = append(newest, l.excerpts[excerptKey{d, sid}]...)
		}
		sort.Slice(newest, func(i, j int) bool { return newest[i] < newest[j] })
		for i := len(newest) - 1; i >= 0 && len(excerpts[svc]) < excerptSample; i-- {
			excerpts[svc] = append(excerpts[svc], l.texts[newest[i]].Text)
		}
	}
	l.mu.RUnlock()

	rep := &Report{
		Period: p.Period{From: from, To: to}, Previous: p.Period{From: dayStart(p0, loc), To: from},
		K: l.cfg.K, TextK: l.cfg.TextK,
	}
	services := map[string]bool{}
	for s := range cur.services {
		services[s] = true
	}
	for s := range prev.services {
		services[s] = true
	}
	rows := sortedKeys(services)
	themeCodes := map[string]bool{}
	for _, m := range cur.themes {
		for th := range m {
			themeCodes[th] = true
		}
	}
	for _, m := range prev.themes {
		for th := range m {
			themeCodes[th] = true
		}
	}
	themeCols := sortedKeys(themeCodes)

	ratingCols := []string{"1", "2", "3", "4", "none"}
	channelCols := make([]string, len(Channels))
	for i, c := range Channels {
		channelCols[i] = string(c)
	}
	rc, cc, mc, pc := make([][]int, len(rows)), make([][]int, len(rows)), make([][]int, len(rows)), make([][]int, len(rows))
	for i, s := range rows {
		a := cur.services[s]
		if a == nil {
			a = &agg{}
		}
		rated := 0
		rc[i] = make([]int, 5)
		for k := 1; k <= 4; k++ {
			rc[i][k-1] = int(a.Ratings[k])
			rated += int(a.Ratings[k])
		}
		rc[i][4] = int(a.Count) - rated
		cc[i], pc[i] = make([]int, len(Channels)), make([]int, len(Channels))
		if ch := cur.channels[s]; ch != nil {
			for k := range Channels {
				cc[i][k] = int(ch[k])
			}
		}
		if ch := prev.channels[s]; ch != nil {
			for k := range Channels {
				pc[i][k] = int(ch[k])
			}
		}
		// Mentions: each theme an item carries, and items without one.
		mc[i] = make([]int, len(themeCols)+1)
		for k, th := range themeCols {
			mc[i][k] = int(cur.themes[s][th])
		}
		mc[i][len(themeCols)] = int(cur.none[s])
		rep.Filtered += int(a.Filtered)
	}
	rep.Ratings = newTable(rows, ratingCols, rc)
	rep.Channels = newTable(rows, channelCols, cc)
	rep.Prior = newTable(rows, channelCols, pc)
	rep.Mentions = newTable(rows, append(slices.Clone(themeCols), "none"), mc)
	SuppressLinked(rep.K, &rep.Ratings, &rep.Channels)
	Suppress(&rep.Prior, rep.K)
	Suppress(&rep.Mentions, rep.K)

	rep.Total, rep.PreviousTotal = rep.Channels.GrandTotal, rep.Prior.GrandTotal
	rep.Change = change(rep.Total, rep.PreviousTotal)
	rep.HappyIndex = happy(rep.Ratings.ColTotals[:4], rep.K)
	for i, s := range rows {
		row := ServiceRow{Service: s, Count: rep.Channels.RowTotals[i], Previous: rep.Prior.RowTotals[i]}
		row.Change = change(row.Count, row.Previous)
		row.HappyIndex = happy(rep.Ratings.Cells[i][:4], rep.K)
		if a := cur.services[s]; a != nil && a.Scored > 0 {
			// The recommendation answers as survey results show them:
			// one disclosure rule decides.
			scores := make([]int, len(a.Scores))
			cols := make([]string, len(a.Scores))
			for v, n := range a.Scores {
				scores[v], cols[v] = int(n), itoa(v)
			}
			dist := NewTable([]string{s}, cols, [][]int{scores}, rep.K)
			row.NPS = disclose(figureNPS, 0, scores, dist.Cells[0], rep.K)
		}
		type mention struct {
			theme string
			n     int
		}
		var ms []mention
		for k, th := range themeCols {
			if c := rep.Mentions.Cells[i][k]; !c.Suppressed && c.Value > 0 {
				ms = append(ms, mention{th, c.Value})
			}
		}
		sort.SliceStable(ms, func(a, b int) bool { return ms[a].n > ms[b].n })
		for _, m := range ms[:min(3, len(ms))] {
			row.TopThemes = append(row.TopThemes, m.theme)
		}
		row.Excerpts = excerpts[s]
		rep.Services = append(rep.Services, row)
	}
	// Themes across services, with the previous period's mentions.
	prevMentions := map[string]int{}
	for _, m := range prev.themes {
		for th, n := range m {
			prevMentions[th] += int(n)
		}
	}
	byCode := map[string]*Theme{}
	for _, t := range themeDefs {
		byCode[t.Code] = t
	}
	byTask := map[Task]*TaskGroup{}
	for _, task := range Tasks {
		byTask[task] = &TaskGroup{Task: task, Labels: taskLabels[task], Themes: []string{}}
	}
	for k, th := range themeCols {
		def := byCode[th]
		if def == nil {
			def = &Theme{Code: th, Task: TaskKnowledge}
		}
		row := ThemeRow{Theme: th, Labels: def.Labels, Task: def.Task, Count: rep.Mentions.ColTotals[k], Previous: shown(prevMentions[th], rep.K)}
		row.Change = change(row.Count, row.Previous)
		rep.Themes = append(rep.Themes, row)
		g := byTask[def.Task]
		g.Themes = append(g.Themes, th)
		if row.Count.Suppressed {
			g.Count.Suppressed = true
		}
		g.Count.Value += row.Count.Value
	}
	for _, task := range Tasks {
		g := byTask[task]
		if g.Count.Suppressed {
			g.Count.Value = 0
		}
		rep.Tasks = append(rep.Tasks, *g)
	}
	return rep, nil
}

func dayStart(day uint32, loc *time.Location) time.Time {
	t := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).UTC()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

func change(cur, prev Cell) *int {
	if cur.Suppressed || prev.Suppressed {
		return nil
	}
	d := cur.Value - prev.Value
	return &d
}

// happy is the mean smiley over cells 1–4, as the one disclosure rule
// shows it: only when none is suppressed and there is something to
// average.
func happy(cells []Cell, k int) *float64 {
	counts := make([]int, len(cells))
	for i, c := range cells {
		counts[i] = c.Value
	}
	return disclose(figureMean, 1, counts, cells, k)
}

// WriteCSV writes a report's tables as CSV: one line per cell with the
// table, row, column, value and status (shown, suppressed or secondary).
// A suppressed cell has an empty value, never a zero. A cell that a
// spreadsheet would take for a formula is quoted (PRIV-4).
func WriteCSV(w io.Writer, rep *Report) error {
	cw := p.NewCSVWriter(w)
	if err := cw.Write([]string{"table", "row", "column", "value", "status"}); err != nil {
		return err
	}
	for _, t := range []struct {
		name string
		tab  *Table
	}{{"ratings", &rep.Ratings}, {"channels", &rep.Channels}, {"mentions", &rep.Mentions}, {"previous", &rep.Prior}} {
		for i, row := range t.tab.Rows {
			for j, col := range t.tab.Cols {
				if err := cw.Write(csvCell(t.name, row, col, t.tab.Cells[i][j])); err != nil {
					return err
				}
			}
			if err := cw.Write(csvCell(t.name, row, "total", t.tab.RowTotals[i])); err != nil {
				return err
			}
		}
		for j, col := range t.tab.Cols {
			if err := cw.Write(csvCell(t.name, "total", col, t.tab.ColTotals[j])); err != nil {
				return err
			}
		}
		if err := cw.Write(csvCell(t.name, "total", "total", t.tab.GrandTotal)); err != nil {
			return err
		}
	}
	return cw.Flush()
}

func csvCell(table, row, col string, c Cell) []string {
	switch {
	case c.Secondary:
		return []string{table, row, col, "", "secondary"}
	case c.Suppressed:
		return []string{table, row, col, "", "suppressed"}
	}
	return []string{table, row, col, strconv.Itoa(c.Value), "shown"}
}

// String summarises a cell for people: its number, or "<k" when
// suppressed.
func (c Cell) String() string {
	if c.Suppressed {
		return "suppressed"
	}
	return fmt.Sprint(c.Value)
}
