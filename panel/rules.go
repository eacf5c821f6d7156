package panel

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Rule limits of panels.
const (
	// MinMembers is the least number of active members a panel needs to be
	// constituted (PANEL-1). Policy may raise it, never lower it.
	MinMembers = 10
	// MinServices is the least number of different services a
	// constituted panel's members come from (PANEL-3).
	MinServices = 2
	// MaxMembers bounds the memberships in force on one panel,
	// facilitators included, so that a panel's checks stay cheap.
	MaxMembers = 200
)

// ReasonCode names why a panel is not constituted or a meeting not
// official.
type ReasonCode string

// The reasons.
const (
	// ReasonTooFewMembers: fewer active members than the minimum (PANEL-1).
	ReasonTooFewMembers ReasonCode = "too_few_members"
	// ReasonNoChair: the chair is vacant (PANEL-1, PANEL-2).
	ReasonNoChair ReasonCode = "no_chair"
	// ReasonNoSecretary: the secretary is vacant (PANEL-1, PANEL-2).
	ReasonNoSecretary ReasonCode = "no_secretary"
	// ReasonTooFewServices: members come from too few services (PANEL-3).
	ReasonTooFewServices ReasonCode = "too_few_services"
	// ReasonTwoPositions: one person holds two positions (PANEL-2).
	ReasonTwoPositions ReasonCode = "two_positions"
	// ReasonHolderInactive: a position is held by someone whose term has
	// ended (PANEL-8).
	ReasonHolderInactive ReasonCode = "holder_inactive"
	// ReasonNotConstituted: the meeting's panel was not constituted.
	ReasonNotConstituted ReasonCode = "not_constituted"
	// ReasonNoQuorum: half of the members or fewer were present (PANEL-6).
	ReasonNoQuorum ReasonCode = "no_quorum"
	// ReasonNoChairPresent: neither the chair nor the vice chair was
	// present (PANEL-6).
	ReasonNoChairPresent ReasonCode = "no_chair_present"
)

// Reason is one reason, with the numbers that make it concrete.
type Reason struct {
	Code ReasonCode `json:"code"`
	// Have and Need are the counts behind the reason, where it has them
	// (members, services, members present).
	Have int `json:"have,omitempty"`
	Need int `json:"need,omitempty"`
	// Position is the position concerned, where there is one.
	Position Position `json:"position,omitempty"`
}

// Text says the reason in plain language in lang.
func (r Reason) Text(lang p.Lang) string {
	say := func(fi, sv, en string) string { return p.Labels{Fi: fi, Sv: sv, En: en}.In(lang) }
	pos := r.Position.Label(lang)
	switch r.Code {
	case ReasonTooFewMembers:
		missing := r.Need - r.Have
		return fmt.Sprintf(say("%d jäsen(tä) puuttuu: jäseniä on %d, vähintään %d tarvitaan",
			"%d medlem(mar) saknas: rådet har %d, minst %d behövs",
			"%d member"+plural(missing)+" missing: the panel has %d and needs at least %d"), missing, r.Have, r.Need)
	case ReasonNoChair:
		return say("Puheenjohtaja puuttuu", "Ordförande saknas", "No chair")
	case ReasonNoSecretary:
		return say("Sihteeri puuttuu", "Sekreterare saknas", "No secretary")
	case ReasonTooFewServices:
		return fmt.Sprintf(say("Jäsenet edustavat %d palvelua, vähintään %d tarvitaan",
			"Medlemmarna representerar %d tjänst(er), minst %d behövs",
			"Members come from %d service"+plural(r.Have)+"; at least %d are needed"), r.Have, r.Need)
	case ReasonTwoPositions:
		return say("Sama henkilö on kahdessa tehtävässä ("+pos+")", "Samma person har två uppdrag ("+pos+")", "One person holds two positions ("+pos+")")
	case ReasonHolderInactive:
		return say("Tehtävän haltijan ("+pos+") jäsenkausi on päättynyt", "Mandatperioden för "+pos+" har gått ut", "The term of the "+pos+" has ended")
	case ReasonNotConstituted:
		return say("Raadin kokoonpano ei täyttänyt vaatimuksia", "Rådets sammansättning uppfyllde inte kraven", "The panel's composition did not meet the requirements")
	case ReasonNoQuorum:
		return fmt.Sprintf(say("Paikalla %d jäsentä, yli puolet eli vähintään %d tarvitaan",
			"%d medlemmar närvarande, minst %d (över hälften) behövs",
			"%d members present; more than half, at least %d, are needed"), r.Have, r.Need)
	case ReasonNoChairPresent:
		return say("Puheenjohtaja tai varapuheenjohtaja ei ollut paikalla", "Varken ordförande eller vice ordförande var närvarande", "Neither the chair nor the vice chair was present")
	}
	return string(r.Code)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Composition is the answer of the composition check: whether the panel is
// constituted and, if not, every reason why.
type Composition struct {
	Constituted bool `json:"constituted"`
	// Members counts active members who count (not facilitators).
	Members    int `json:"members"`
	MinMembers int `json:"minMembers"`
	// Missing is how many members are lacking, 0 when enough.
	Missing      int      `json:"missing"`
	Facilitators int      `json:"facilitators"`
	Services     []string `json:"services"`
	MinServices  int      `json:"minServices"`
	Reasons      []Reason `json:"reasons"`
}

// Check is the composition check (PANEL-1, PANEL-2, PANEL-3): given a
// panel and its memberships, is the panel constituted at time at, and if
// not, why. It reads only the memberships it is given.
func Check(x *Panel, members []*Member, at time.Time) Composition {
	c := Composition{MinMembers: x.MinMembers, MinServices: x.MinServices, Reasons: []Reason{}}
	active := map[p.ID]*Member{}
	services := map[string]bool{}
	for _, m := range members {
		if !m.ActiveAt(at) {
			continue
		}
		active[m.ID] = m
		if !m.Type.Counts() {
			c.Facilitators++
			continue
		}
		c.Members++
		services[m.Service] = true
	}
	for s := range services {
		c.Services = append(c.Services, s)
	}
	sort.Slice(c.Services, func(i, j int) bool { return c.Services[i] < c.Services[j] })
	if c.Members < x.MinMembers {
		c.Missing = x.MinMembers - c.Members
		c.Reasons = append(c.Reasons, Reason{Code: ReasonTooFewMembers, Have: c.Members, Need: x.MinMembers})
	}
	holders := map[p.ID]Position{}
	for _, pos := range Positions {
		id, ok := x.Offices[pos]
		if !ok {
			switch pos {
			case Chair:
				c.Reasons = append(c.Reasons, Reason{Code: ReasonNoChair, Position: pos})
			case Secretary:
				c.Reasons = append(c.Reasons, Reason{Code: ReasonNoSecretary, Position: pos})
			}
			continue
		}
		m, ok := active[id]
		if !ok {
			c.Reasons = append(c.Reasons, Reason{Code: ReasonHolderInactive, Position: pos})
			continue
		}
		if _, dup := holders[m.Person]; dup {
			c.Reasons = append(c.Reasons, Reason{Code: ReasonTwoPositions, Position: pos})
		}
		holders[m.Person] = pos
	}
	if len(c.Services) < x.MinServices {
		c.Reasons = append(c.Reasons, Reason{Code: ReasonTooFewServices, Have: len(c.Services), Need: x.MinServices})
	}
	c.Constituted = len(c.Reasons) == 0
	return c
}

// CheckMeeting is the official-meeting rule (PANEL-6): the panel is
// constituted, more than half of its counting members are present, and
// the chair or the vice chair among them. present are membership ids.
func CheckMeeting(x *Panel, members []*Member, present []p.ID, at time.Time) (bool, []Reason) {
	var reasons []Reason
	if !Check(x, members, at).Constituted {
		reasons = append(reasons, Reason{Code: ReasonNotConstituted})
	}
	counting, here := 0, 0
	for _, m := range members {
		if m.ActiveAt(at) && m.Type.Counts() {
			counting++
			if slices.Contains(present, m.ID) {
				here++
			}
		}
	}
	if need := counting/2 + 1; here < need {
		reasons = append(reasons, Reason{Code: ReasonNoQuorum, Have: here, Need: need})
	}
	chair, hasChair := x.Offices[Chair]
	vice, hasVice := x.Offices[ViceChair]
	if !(hasChair && slices.Contains(present, chair) || hasVice && slices.Contains(present, vice)) {
		reasons = append(reasons, Reason{Code: ReasonNoChairPresent})
	}
	return len(reasons) == 0, reasons
}

// Volunteer is a person offering to sit on a panel, for the lot.
type Volunteer struct {
	Person  p.ID       `json:"person"`
	Service string     `json:"service"`
	Type    MemberType `json:"type"`
}

// Draw is the stratified lot (PANEL-9): from the volunteers it picks seats
// people so that each service's share of the seats follows its share of
// the volunteers (largest remainders, so each gets its quota rounded down
// or up), a service left without a seat takes one from a service that was
// rounded up, and within a service chance decides. The draw depends only on the set of volunteers, the
// number of seats and the seed: the same input gives the same draw in any
// order. It returns the indexes of the chosen volunteers in volunteers and
// the seats each service got.
func Draw(volunteers []Volunteer, seats int, seed uint64) ([]int, map[string]int) {
	order := make([]int, len(volunteers))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool {
		va, vb := volunteers[order[a]], volunteers[order[b]]
		if va.Service != vb.Service {
			return va.Service < vb.Service
		}
		return bytes.Compare(va.Person[:], vb.Person[:]) < 0
	})
	strata := map[string][]int{}
	var services []string
	for _, i := range order {
		s := volunteers[i].Service
		if _, ok := strata[s]; !ok {
			services = append(services, s)
		}
		strata[s] = append(strata[s], i)
	}
	alloc := map[string]int{}
	if seats >= len(volunteers) {
		for _, s := range services {
			alloc[s] = len(strata[s])
		}
		sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
		return order, alloc
	}
	rng := rand.New(rand.NewPCG(seed, 0x6f73616c6c697375))
	// Services in a seeded random order break ties between equal
	// remainders fairly.
	rng.Shuffle(len(services), func(i, j int) { services[i], services[j] = services[j], services[i] })
	n := float64(len(volunteers))
	quota := map[string]float64{}
	given := 0
	for _, s := range services {
		quota[s] = float64(seats) * float64(len(strata[s])) / n
		alloc[s] = int(quota[s])
		given += alloc[s]
	}
	byRemainder := slices.Clone(services)
	sort.SliceStable(byRemainder, func(a, b int) bool {
		sa, sb := byRemainder[a], byRemainder[b]
		return quota[sa]-float64(alloc[sa]) > quota[sb]-float64(alloc[sb])
	})
	for i := 0; given < seats; i++ {
		alloc[byRemainder[i%len(byRemainder)]]++
		given++
	}
	// A service left without a seat takes one from the service most above
	// its quota, where that service keeps at least the whole part of its
	// quota: every allocation stays within one seat of its quota.
	for _, s := range byRemainder {
		if alloc[s] > 0 {
			continue
		}
		var from string
		for _, d := range services {
			if alloc[d] > int(quota[d]) && alloc[d] >= 2 && (from == "" || float64(alloc[d])-quota[d] > float64(alloc[from])-quota[from]) {
				from = d
			}
		}
		if from == "" {
			break
		}
		alloc[from]--
		alloc[s]++
	}
	var chosen []int
	for _, s := range services {
		pool := slices.Clone(strata[s])
		rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		chosen = append(chosen, pool[:alloc[s]]...)
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i] < chosen[j] })
	for s, k := range alloc {
		if k == 0 {
			delete(alloc, s)
		}
	}
	return chosen, alloc
}
