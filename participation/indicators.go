package participation

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Keys of the integrity indicators. Together they expose
// pseudo-participation: inputs asked for and then left without answer or
// effect.
const (
	IndicatorReportedBack    = "reported_back_share"
	IndicatorRespondedInTime = "responded_in_time_share"
	IndicatorMedianResponse  = "median_days_to_response"
	IndicatorP90Response     = "p90_days_to_response"
	IndicatorMedianAck       = "median_days_to_acknowledgement"
	IndicatorP90Ack          = "p90_days_to_acknowledgement"
	IndicatorAdopted         = "adopted_share"
	IndicatorMemberTopics    = "member_topic_share"
	IndicatorReplies         = "reply_share"
	IndicatorEmptyFloors     = "empty_floors"
)

// SourceFeedbackReply is the source key of feedback whose sender asked
// for a reply, which the reply indicator counts.
const SourceFeedbackReply = "feedback/reply"

// Indicator is one integrity indicator, with what it was computed from.
type Indicator struct {
	Key string `json:"key"`
	// Value is the share (0–1), the number of days or the count the key
	// names; nil when there was nothing to compute it from.
	Value *float64 `json:"value"`
	// Numerator and Denominator are the counts behind a share. For days
	// they are both the number of contributions measured.
	Numerator   int    `json:"numerator"`
	Denominator int    `json:"denominator"`
	Period      Period `json:"period"`
	// Basis says in English what the indicator was computed from.
	Basis string `json:"basis"`
	// Reading says it in plain language, in fi, sv and en.
	Reading Labels `json:"reading"`
	// Floors lists the empty floors, for IndicatorEmptyFloors.
	Floors []Level `json:"floors,omitempty"`
}

// IndicatorFilter selects what the indicators are computed over.
type IndicatorFilter struct {
	// Period selects contributions by the day they were received (UTC
	// days) and activity by the day it happened.
	Period Period
	// Unit, Service and Group narrow to one organisation unit, service,
	// or panel or process.
	Unit    *string
	Service *string
	Group   *ID
	// At is the moment of evaluation, for deadlines that have passed;
	// zero means the end of the period, or now when it has none.
	At time.Time
}

// Floors are the five floors of the house, below the strategy roof.
var Floors = Levels[:5]

func storeOf(r Reader) (*Store, error) {
	switch v := r.(type) {
	case *Tx:
		return v.s, nil
	case *View:
		return v.s, nil
	}
	return nil, Errorf(EINTERNAL, "indicators read a store's Tx or View, not %T", r)
}

// LoopIndicators computes the integrity indicators over the contributions
// received in the filter's period. It reads the kernel's aggregates, a
// few hundred cells however many contributions there are.
func LoopIndicators(r Reader, f IndicatorFilter) ([]Indicator, error) {
	if err := f.Period.Validate(); err != nil {
		return nil, err
	}
	s, err := storeOf(r)
	if err != nil {
		return nil, err
	}
	at := f.At
	if at.IsZero() {
		if at = f.Period.To; at.IsZero() {
			at = s.Now()
		}
	}
	a := s.State("participation").(*aggregates)
	af := aggFilter{Period: f.Period, Unit: f.Unit, Service: f.Service, Group: f.Group}
	a.mu.RLock()
	var all, topics, replies loopAgg // in one pass over the cells
	a.eachLoop(af, func(c *loopCell) {
		all.addCell(c)
		switch c.key.source {
		case SourcePanelTopic:
			topics.addCell(c)
		case SourceFeedbackReply:
			replies.addCell(c)
		}
	})
	// Due: received on or before the last day whose response deadline has
	// passed at `at`, and, after it, those already answered.
	cutoff := at.Add(-s.loop.RespondWithin).UTC().Truncate(24 * time.Hour)
	early, late := af, af
	if early.Period.To.IsZero() || cutoff.Before(early.Period.To) {
		early.Period.To = cutoff
	}
	if late.Period.From.IsZero() || late.Period.From.Before(cutoff) {
		late.Period.From = cutoff
	}
	var due int
	if early.Period.From.IsZero() || early.Period.To.After(early.Period.From) {
		a.eachLoop(early, func(c *loopCell) { due += int(c.Received) })
	}
	if late.Period.To.IsZero() || late.Period.To.After(late.Period.From) {
		a.eachLoop(late, func(c *loopCell) { due += int(c.Reported) })
	}
	empty := a.emptyFloors(af)
	a.mu.RUnlock()

	p := f.Period.String()
	out := []Indicator{
		share(IndicatorReportedBack, all.Reported, all.Received, f.Period,
			"contributions received in the period that were reported back to their contributors",
			reading("%d/%d kaudella %s saapuneeseen palautteeseen tai ehdotukseen on vastattu",
				"%d av %d bidrag som kom in under %s har fått svar",
				"%d of %d contributions received in %s were answered", all.Reported, all.Received, p)),
		share(IndicatorRespondedInTime, all.ReportedInTime, due, f.Period,
			"contributions whose response deadline has passed or that were answered: answered by the deadline",
			reading("%d/%d palautteeseen tai ehdotukseen vastattiin määräajassa",
				"%d av %d bidrag besvarades inom tidsfristen",
				"%d of %d contributions were answered by their deadline", all.ReportedInTime, due)),
		days(IndicatorMedianResponse, all.RespDays, 0.5, f.Period, "median days from receipt to the response, over contributions received in the period and reported back",
			"Vastaus tuli mediaanina %d päivässä (%d vastausta)", "Svaret kom i median efter %d dagar (%d svar)", "The median response came in %d days (%d responses)"),
		days(IndicatorP90Response, all.RespDays, 0.9, f.Period, "90th percentile of days from receipt to the response",
			"9/10 vastauksista tuli %d päivässä (%d vastausta)", "9 av 10 svar kom inom %d dagar (%d svar)", "9 in 10 responses came within %d days (%d responses)"),
		days(IndicatorMedianAck, all.AckDays, 0.5, f.Period, "median days from receipt to acknowledgement",
			"Palaute tai ehdotus kuitattiin vastaanotetuksi mediaanina %d päivässä (%d kuittausta)", "Bidraget kvitterades i median efter %d dagar (%d kvitteringar)", "The median acknowledgement came in %d days (%d acknowledged)"),
		days(IndicatorP90Ack, all.AckDays, 0.9, f.Period, "90th percentile of days from receipt to acknowledgement",
			"9/10 palautteesta ja ehdotuksesta kuitattiin %d päivässä (%d kuittausta)", "9 av 10 bidrag kvitterades inom %d dagar (%d kvitteringar)", "9 in 10 acknowledgements came within %d days (%d acknowledged)"),
		share(IndicatorAdopted, all.Adopted, all.Decided, f.Period,
			"decided contributions adopted in full or in part",
			reading("%d/%d päätetystä ehdotuksesta otettiin käyttöön ainakin osittain",
				"%d av %d beslutade bidrag genomfördes helt eller delvis",
				"%d of %d decided contributions were adopted at least in part", all.Adopted, all.Decided)),
		share(IndicatorMemberTopics, topics.ClientOrigin, topics.Received, f.Period,
			"panel topics raised by members rather than the organisation",
			reading("%d/%d raadin aiheesta tuli jäseniltä",
				"%d av %d ämnen i panelen kom från medlemmarna",
				"%d of %d panel topics were raised by members", topics.ClientOrigin, topics.Received)),
		share(IndicatorReplies, replies.Reported, replies.Received, f.Period,
			"feedback whose sender asked for a reply, and got one",
			reading("%d/%d vastausta pyytäneestä palautteesta sai vastauksen",
				"%d av %d som bad om svar på sin respons fick svar",
				"%d of %d senders who asked for a reply got one", replies.Reported, replies.Received)),
	}
	var names [3][]string
	for _, l := range empty {
		for i, lang := range Langs {
			names[i] = append(names[i], l.Label(lang))
		}
	}
	v := float64(len(empty))
	out = append(out, Indicator{
		Key: IndicatorEmptyFloors, Value: &v, Numerator: len(empty), Denominator: len(Floors), Period: f.Period,
		Basis:  "floors of the house of participation with no activity in the period",
		Floors: empty,
		Reading: Labels{
			Fi: fmt.Sprintf("%d/%d kerroksesta tyhjillään: %s", len(empty), len(Floors), listOrNone(names[0], "ei yhtään")),
			Sv: fmt.Sprintf("%d av %d våningar står tomma: %s", len(empty), len(Floors), listOrNone(names[1], "inga")),
			En: fmt.Sprintf("%d of %d floors stand empty: %s", len(empty), len(Floors), listOrNone(names[2], "none")),
		},
	})
	return out, nil
}

func share(key string, num, den int, p Period, basis string, reading Labels) Indicator {
	in := Indicator{Key: key, Numerator: num, Denominator: den, Period: p, Basis: basis, Reading: reading}
	if den > 0 {
		v := float64(num) / float64(den)
		in.Value = &v
	}
	return in
}

func days(key string, h []uint32, q float64, p Period, basis, fi, sv, en string) Indicator {
	none := Labels{Fi: "Ei vielä vastauksia", Sv: "Inga svar ännu", En: "No responses yet"}
	if strings.Contains(key, "acknowledgement") {
		none = Labels{Fi: "Ei vielä kuittauksia", Sv: "Inga kvitteringar ännu", En: "No acknowledgements yet"}
	}
	n := 0
	for _, v := range h {
		n += int(v)
	}
	in := Indicator{Key: key, Numerator: n, Denominator: n, Period: p, Basis: basis}
	d, ok := quantile(h, q)
	if !ok {
		in.Reading = none
		return in
	}
	v := float64(d)
	in.Value = &v
	in.Reading = reading(fi, sv, en, d, n)
	return in
}

// reading formats a reading in the three languages, each with the same
// arguments.
func reading(fi, sv, en string, args ...any) Labels {
	return Labels{Fi: fmt.Sprintf(fi, args...), Sv: fmt.Sprintf(sv, args...), En: fmt.Sprintf(en, args...)}
}

func listOrNone(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	return strings.Join(names, ", ")
}

// FloorActivity is one floor of the house in a period (PART-6).
type FloorActivity struct {
	Level  Level  `json:"level"`
	Labels Labels `json:"labels"`
	// Events counts activities: contributions, meetings, items,
	// assignments, process steps, goals.
	Events int `json:"events"`
	// People counts the named people involved, over the calendar months
	// the period touches; anonymous activity adds none.
	People        int  `json:"people"`
	Contributions int  `json:"contributions"`
	Empty         bool `json:"empty"`
}

// House is the house of participation for a unit or service and a period:
// which floors are lived in and how much (PART-6).
type House struct {
	Period Period          `json:"period"`
	Floors []FloorActivity `json:"floors"` // the five floors, foundation first, and the roof
	Empty  []Level         `json:"empty"`
}

// HouseFilter selects a house profile.
type HouseFilter struct {
	Period  Period
	Unit    *string
	Service *string
}

// HouseProfile returns the house of participation for the filter, from
// the kernel's activity aggregates.
func HouseProfile(r Reader, f HouseFilter) (House, error) {
	if err := f.Period.Validate(); err != nil {
		return House{}, err
	}
	s, err := storeOf(r)
	if err != nil {
		return House{}, err
	}
	a := s.State("participation").(*aggregates)
	af := aggFilter{Period: f.Period, Unit: f.Unit, Service: f.Service}
	a.mu.RLock()
	defer a.mu.RUnlock()
	perLevel := a.sumHouse(af)
	h := House{Period: f.Period, Empty: floorsWithout(perLevel)}
	people := a.peopleByLevel(af)
	for _, l := range Levels {
		fa := perLevel[l]
		h.Floors = append(h.Floors, FloorActivity{Level: l, Labels: levelLabels[l], Events: fa.Events, Contributions: fa.Contributions,
			People: people[l], Empty: fa.Events == 0})
	}
	return h, nil
}

// sumHouse adds up activity per level. Call with a.mu held.
func (a *aggregates) sumHouse(f aggFilter) map[Level]houseAgg {
	out := map[Level]houseAgg{}
	if !a.haveRange {
		return out
	}
	for _, b := range buckets(f.Period.From, f.Period.To, a.first, a.last) {
		for _, c := range a.houseBy[b].all() {
			k := c.key
			if !f.keepHouse(k) {
				continue
			}
			cur := out[k.level]
			cur.Events += c.Events
			cur.Contributions += c.Contributions
			out[k.level] = cur
		}
	}
	return out
}

// peopleByLevel counts distinct people per level over the months the
// period touches: a union of one set per month and level. Call with a.mu
// held.
func (a *aggregates) peopleByLevel(f aggFilter) map[Level]int {
	out := map[Level]int{}
	if !a.haveRange || f.Group != nil {
		return out
	}
	m0, m1 := monthNumber(time.Unix(int64(a.first)*86400, 0)), monthNumber(time.Unix(int64(a.last)*86400, 0))
	if !f.Period.From.IsZero() {
		m0 = max(m0, monthNumber(f.Period.From))
	}
	if !f.Period.To.IsZero() {
		m1 = min(m1, monthNumber(f.Period.To.Add(-time.Nanosecond)))
	}
	family := a.people[peopleFamily(f.Unit, f.Service)]
	k := peopleKey{}
	if f.Unit != nil {
		k.unit = *f.Unit
	}
	if f.Service != nil {
		k.service = *f.Service
	}
	var union []uint64
	for _, l := range Levels {
		clear(union)
		k.level = l
		for m := m0; m <= m1 && m1 >= m0; m++ {
			k.month = m
			if set := family[m].set(k); set != nil {
				union = set.orInto(union)
			}
		}
		if n := popcount(union); n > 0 {
			out[l] = n
		}
	}
	return out
}

// emptyFloors lists the floors with no activity. Call with a.mu held.
func (a *aggregates) emptyFloors(f aggFilter) []Level {
	f.Group = nil
	return floorsWithout(a.sumHouse(f))
}

// floorsWithout lists the floors with no events in per.
func floorsWithout(per map[Level]houseAgg) []Level {
	var out []Level
	for _, l := range Floors {
		if per[l].Events == 0 {
			out = append(out, l)
		}
	}
	return out
}

// Warning flags a unit or a group (a panel, a process) whose inputs mostly
// go unanswered or without effect: pseudo-participation. Rules lists the
// rules it broke, each with the indicator that is the evidence.
type Warning struct {
	Unit  string      `json:"unit,omitempty"`
	Group ID          `json:"group,omitzero"`
	Rules []RuleBreak `json:"rules"`
}

// RuleBreak is one broken rule with its evidence.
type RuleBreak struct {
	Rule     string    `json:"rule"`
	Labels   Labels    `json:"labels"`
	Evidence Indicator `json:"evidence"`
}

// The pseudo-participation rules, over a period, for each unit and each
// group with at least MinInputs contributions received:
const (
	// RuleUnanswered: fewer than half of the inputs were reported back.
	RuleUnanswered = "unanswered"
	// RuleLate: the median response took longer than the response
	// deadline.
	RuleLate = "late"
	// RuleNoEffect: of at least MinInputs decided inputs, fewer than one
	// in ten was adopted even in part.
	RuleNoEffect = "no_effect"
	// RuleOrganisationLed: of at least MinInputs panel topics, fewer than
	// a quarter came from members.
	RuleOrganisationLed = "organisation_led"
)

// WarningFilter selects the period and the threshold.
type WarningFilter struct {
	Period Period
	At     time.Time
	// MinInputs is the least number of inputs a rule needs to speak;
	// zero means 5.
	MinInputs int
}

// PseudoParticipation applies the rules to every unit and every group
// with inputs in the period, and returns those that break any, with the
// evidence.
func PseudoParticipation(r Reader, f WarningFilter) ([]Warning, error) {
	s, err := storeOf(r)
	if err != nil {
		return nil, err
	}
	if f.MinInputs <= 0 {
		f.MinInputs = 5
	}
	a := s.State("participation").(*aggregates)
	units, groups := map[string]bool{}, map[ID]bool{}
	a.mu.RLock()
	if a.haveRange {
		for _, b := range buckets(f.Period.From, f.Period.To, a.first, a.last) {
			for _, c := range a.loopBy[b].all() {
				units[c.key.unit] = true
				if !c.key.group.IsZero() {
					groups[c.key.group] = true
				}
			}
		}
	}
	a.mu.RUnlock()
	var out []Warning
	check := func(w Warning, in IndicatorFilter) error {
		ins, err := LoopIndicators(r, in)
		if err != nil {
			return err
		}
		by := map[string]Indicator{}
		for _, x := range ins {
			by[x.Key] = x
		}
		rb := by[IndicatorReportedBack]
		if rb.Denominator >= f.MinInputs && *rb.Value < 0.5 {
			w.Rules = append(w.Rules, RuleBreak{RuleUnanswered, Labels{Fi: "Suurin osa palautteesta ja ehdotuksista jää vaille vastausta", Sv: "De flesta bidrag förblir obesvarade", En: "Most inputs go unanswered"}, rb})
		}
		md := by[IndicatorMedianResponse]
		if md.Value != nil && md.Denominator >= f.MinInputs && *md.Value > s.loop.RespondWithin.Hours()/24 {
			w.Rules = append(w.Rules, RuleBreak{RuleLate, Labels{Fi: "Vastaukset tulevat myöhässä", Sv: "Svaren kommer för sent", En: "Answers come late"}, md})
		}
		ad := by[IndicatorAdopted]
		if ad.Denominator >= f.MinInputs && *ad.Value < 0.1 {
			w.Rules = append(w.Rules, RuleBreak{RuleNoEffect, Labels{Fi: "Palautteella ja ehdotuksilla ei ole vaikutusta", Sv: "Bidragen har ingen verkan", En: "Inputs have no effect"}, ad})
		}
		mt := by[IndicatorMemberTopics]
		if mt.Denominator >= f.MinInputs && *mt.Value < 0.25 {
			w.Rules = append(w.Rules, RuleBreak{RuleOrganisationLed, Labels{Fi: "Aiheet tulevat organisaatiolta, eivät jäseniltä", Sv: "Ämnena kommer från organisationen, inte medlemmarna", En: "Topics come from the organisation, not members"}, mt})
		}
		if len(w.Rules) > 0 {
			out = append(out, w)
		}
		return nil
	}
	for _, u := range sortedStrings(units) {
		u := u
		if err := check(Warning{Unit: u}, IndicatorFilter{Period: f.Period, Unit: &u, At: f.At}); err != nil {
			return nil, err
		}
	}
	gs := make([]ID, 0, len(groups))
	for g := range groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].String() < gs[j].String() })
	for _, g := range gs {
		g := g
		if err := check(Warning{Group: g}, IndicatorFilter{Period: f.Period, Group: &g, At: f.At}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func sortedStrings(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
