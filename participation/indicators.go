package participation

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Keys of the integrity indicators of the contribution loop. Together they
// expose pseudo-participation: inputs asked for and then left without
// answer or effect.
const (
	IndicatorReportedBack    = "reported_back_share"
	IndicatorRespondedInTime = "responded_in_time_share"
	IndicatorMedianResponse  = "median_days_to_response"
	IndicatorAdopted         = "adopted_share"
	IndicatorMemberTopics    = "member_topic_share"
	IndicatorEmptyFloors     = "empty_floors"
)

// Indicator is one integrity indicator, with what it was computed from.
type Indicator struct {
	Key string `json:"key"`
	// Value is the share (0–1), the number of days or the count the key
	// names; nil when there was nothing to compute it from.
	Value *float64 `json:"value"`
	// Numerator and Denominator are the counts behind a share. For the
	// median they are both the number of responses measured.
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
	// Period selects contributions by the time they were received.
	Period Period
	// Unit and Service narrow to one organisation unit or service.
	Unit    *string
	Service *string
	// At is the moment of evaluation, for deadlines that have passed;
	// zero means the end of the period, or now when it has none.
	At time.Time
}

// Floors are the five floors of the house, below the strategy roof.
var Floors = Levels[:5]

// LoopIndicators computes the integrity indicators of the contribution
// loop over the contributions received in the filter's period.
func LoopIndicators(r Reader, f IndicatorFilter) ([]Indicator, error) {
	if err := f.Period.Validate(); err != nil {
		return nil, err
	}
	at := f.At
	if at.IsZero() {
		at = f.Period.To
		if at.IsZero() {
			at = time.Now()
		}
	}
	var (
		received, reported, due, inTime, decided, adopted, topics, memberTopics int
		days                                                                    []float64
		perLevel                                                                = map[Level]int{}
	)
	filter := ContributionFilter{Unit: f.Unit, Service: f.Service}
	err := eachReceived(r, f.Period, func(c *Contribution) {
		if !filter.match(c) {
			return
		}
		received++
		perLevel[c.Level]++
		if c.State == StateReportedBack {
			reported++
			days = append(days, c.ReportedAt.Sub(c.ReceivedAt).Hours()/24)
		}
		if c.State == StateReportedBack || at.After(c.RespondBy) {
			due++
			if c.State == StateReportedBack && !c.ReportedAt.After(c.RespondBy) {
				inTime++
			}
		}
		if c.Reached(StateDecided) {
			decided++
			if c.Decision == Adopted || c.Decision == PartlyAdopted {
				adopted++
			}
		}
		if c.Source.Key() == SourcePanelTopic {
			topics++
			if c.Origin == OriginClient {
				memberTopics++
			}
		}
	})
	if err != nil {
		return nil, err
	}
	p := f.Period.String()
	out := []Indicator{
		share(IndicatorReportedBack, reported, received, f.Period,
			"contributions received in the period that were reported back to their contributors",
			Labels{
				Fi: fmt.Sprintf("%d/%d kaudella %s saapuneesta panoksesta on saanut vastauksen", reported, received, p),
				Sv: fmt.Sprintf("%d av %d bidrag som kom in under %s har fått svar", reported, received, p),
				En: fmt.Sprintf("%d of %d contributions received in %s were answered", reported, received, p),
			}),
		share(IndicatorRespondedInTime, inTime, due, f.Period,
			"contributions whose response deadline has passed or that were answered: answered by the deadline",
			Labels{
				Fi: fmt.Sprintf("%d/%d panokseen vastattiin määräajassa", inTime, due),
				Sv: fmt.Sprintf("%d av %d bidrag besvarades inom tidsfristen", inTime, due),
				En: fmt.Sprintf("%d of %d contributions were answered by their deadline", inTime, due),
			}),
		median(days, f.Period),
		share(IndicatorAdopted, adopted, decided, f.Period,
			"decided contributions adopted in full or in part",
			Labels{
				Fi: fmt.Sprintf("%d/%d päätetystä panoksesta otettiin käyttöön ainakin osittain", adopted, decided),
				Sv: fmt.Sprintf("%d av %d beslutade bidrag genomfördes helt eller delvis", adopted, decided),
				En: fmt.Sprintf("%d of %d decided contributions were adopted at least in part", adopted, decided),
			}),
		share(IndicatorMemberTopics, memberTopics, topics, f.Period,
			"panel topics raised by members rather than the organisation",
			Labels{
				Fi: fmt.Sprintf("%d/%d raadin aiheesta tuli jäseniltä", memberTopics, topics),
				Sv: fmt.Sprintf("%d av %d ämnen i panelen kom från medlemmarna", memberTopics, topics),
				En: fmt.Sprintf("%d of %d panel topics were raised by members", memberTopics, topics),
			}),
	}
	var empty []Level
	var names [3][]string
	for _, l := range Floors {
		if perLevel[l] == 0 {
			empty = append(empty, l)
			for i, lang := range Langs {
				names[i] = append(names[i], l.Label(lang))
			}
		}
	}
	v := float64(len(empty))
	out = append(out, Indicator{
		Key: IndicatorEmptyFloors, Value: &v, Numerator: len(empty), Denominator: len(Floors), Period: f.Period,
		Basis:  "floors of the house of participation with no contribution received in the period",
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

func median(days []float64, p Period) Indicator {
	in := Indicator{Key: IndicatorMedianResponse, Numerator: len(days), Denominator: len(days), Period: p,
		Basis: "days from receipt to the response, over contributions received in the period and reported back"}
	if len(days) == 0 {
		in.Reading = Labels{Fi: "Yhteenkään panokseen ei ole vielä vastattu", Sv: "Inget bidrag har ännu besvarats", En: "No contribution has been answered yet"}
		return in
	}
	slices.Sort(days)
	m := days[len(days)/2]
	if len(days)%2 == 0 {
		m = (days[len(days)/2-1] + days[len(days)/2]) / 2
	}
	m = math.Round(m*10) / 10
	in.Value = &m
	in.Reading = Labels{
		Fi: fmt.Sprintf("Vastaus tuli keskimäärin (mediaani) %.1f päivässä (%d vastausta)", m, len(days)),
		Sv: fmt.Sprintf("Svaret kom i median efter %.1f dagar (%d svar)", m, len(days)),
		En: fmt.Sprintf("The median response came in %.1f days (%d responses)", m, len(days)),
	}
	return in
}

func listOrNone(names []string, none string) string {
	if len(names) == 0 {
		return none
	}
	return strings.Join(names, ", ")
}
