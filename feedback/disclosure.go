package feedback

import "math"

// figure is the kind of summary figure computed from a distribution.
type figure int

const (
	// figureMean is the mean of a scale or of smileys.
	figureMean figure = iota
	// figureNPS is the recommendation index of 0–10 answers.
	figureNPS
)

// npsGroup is the group of a recommendation score: detractors (0–6),
// passives (7–8) or promoters (9–10).
func npsGroup(score int) int {
	switch {
	case score <= 6:
		return -1
	case score <= 8:
		return 0
	}
	return 1
}

// disclose is the one rule that decides whether a mean or an NPS is
// shown (FB-5), in survey results and in the social report alike. counts
// are the answers for each value from lo, and cells the same counts as
// suppressed for showing. The figure is shown when at least k answered
// and, put beside the counts shown and the total, it pins no hidden count
// down: for a mean, no count is hidden (a mean weighs each value apart,
// so two hidden counts and the total would be told apart); for an NPS,
// every hidden count falls in one group — detractors, passives or
// promoters — where the index says nothing the total does not. It returns
// the figure, rounded (a mean to two decimals, an NPS to one), or nil.
func disclose(kind figure, lo int, counts []int, cells []Cell, k int) *float64 {
	n := 0
	for _, c := range counts {
		n += c
	}
	if n == 0 || n < k {
		return nil
	}
	group, hidden := 0, false
	for i, c := range cells {
		if !c.Suppressed {
			continue
		}
		if kind == figureMean {
			return nil
		}
		g := npsGroup(lo + i)
		if hidden && g != group {
			return nil
		}
		group, hidden = g, true
	}
	sum, promoters, detractors := 0, 0, 0
	for i, c := range counts {
		v := lo + i
		sum += v * c
		switch npsGroup(v) {
		case 1:
			promoters += c
		case -1:
			detractors += c
		}
	}
	var v float64
	if kind == figureNPS {
		v = math.Round(float64(promoters-detractors)*1000/float64(n)) / 10
	} else {
		v = math.Round(float64(sum)*100/float64(n)) / 100
	}
	return &v
}
