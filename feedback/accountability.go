package feedback

import (
	"io"
	"math"
	"sort"
	"strconv"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Public accountability data (LOOP-3): per service and period, what became
// of the contributions clients gave — by loop state, the share answered by
// the deadline, the median days to a response, the share adopted at least
// in part — with the latest checkpoint the county signed over its journal
// (LOOP-2), ready to publish as open data. It covers every contribution of
// the loop, not only feedback, and is suppressed by the social report's
// rules (FB-5). It lives here, beside the suppression it shares, because
// the kernel may not import a module.

// AccountabilityQuery selects public accountability data.
type AccountabilityQuery struct {
	// From and To are the period, by the UTC day a contribution was
	// received; To is exclusive. Both are needed.
	From, To time.Time
	// At is the moment states and deadlines are read at; zero means now.
	// States are always the current ones: At only decides which response
	// deadlines have passed.
	At time.Time
}

// Accountability is the public accountability data of a period (LOOP-3).
// [AccountabilityFields] documents every field, in JSON and CSV.
type Accountability struct {
	Period p.Period  `json:"period"`
	At     time.Time `json:"at"`
	K      int       `json:"k"`
	// Checkpoint is the latest checkpoint of the journal, signed by the
	// county (LOOP-2); empty when the store keeps no verifiable history.
	Checkpoint string              `json:"checkpoint,omitempty"`
	Services   []AccountabilityRow `json:"services"`
	Total      AccountabilityRow   `json:"total"`
}

// AccountabilityRow is one service, or every service together (Total).
type AccountabilityRow struct {
	Service            string `json:"service"`
	Contributions      Cell   `json:"contributions"`
	Received           Cell   `json:"received"`
	Acknowledged       Cell   `json:"acknowledged"`
	UnderConsideration Cell   `json:"underConsideration"`
	Decided            Cell   `json:"decided"`
	Implemented        Cell   `json:"implemented"`
	ReportedBack       Cell   `json:"reportedBack"`
	AnsweredInTime     Figure `json:"answeredInTime"`
	MedianDaysToAnswer Figure `json:"medianDaysToResponse"`
	Adopted            Figure `json:"adopted"`
}

// Figure is a share or a number of days in public data: its value, or
// that it is suppressed, or neither when there was nothing to compute it
// from.
type Figure struct {
	// Value is the share (0–1, two decimals) or the days; nil when
	// suppressed or when there was nothing to compute it from.
	Value *float64 `json:"value"`
	// Suppressed marks a figure computed from fewer than K contributions,
	// or one whose counts would reveal fewer than K.
	Suppressed bool `json:"suppressed,omitempty"`
}

// FieldDoc documents one field of the public accountability data.
type FieldDoc struct {
	// JSON is the field's path in the JSON form, "services[].received".
	JSON string `json:"json"`
	// CSV is the column of the CSV form, empty for JSON only.
	CSV string `json:"csv,omitempty"`
	// Doc says what the field holds, in fi, sv and en.
	Doc p.Labels `json:"doc"`
}

// countDoc is said of every count that suppression may hide.
var countDoc = p.Labels{
	Fi: " Alle K:n määrä on piilotettu (suppressed), samoin toinen rivin tai sarakkeen luku, jos piilotetun voisi laskea.",
	Sv: " Ett antal under K döljs (suppressed), liksom ett annat i raden eller kolumnen om det dolda annars kunde räknas ut.",
	En: " A count under K is suppressed, and so is a second one in its row or column where the first could be worked out.",
}

func stateDoc(fi, sv, en string) p.Labels {
	return p.Labels{Fi: fi + countDoc.Fi, Sv: sv + countDoc.Sv, En: en + countDoc.En}
}

// AccountabilityFields documents every field of [Accountability] in JSON
// and every column of [WriteAccountabilityCSV]. It is a function so that
// programs that never ask for it do not carry its text.
func AccountabilityFields() []FieldDoc {
	return []FieldDoc{
		{JSON: "period.from", Doc: p.Labels{Fi: "Jakson alku (UTC): mukana palaute ja ehdotukset, jotka saapuivat tästä päivästä alkaen.", Sv: "Periodens början (UTC): bidrag som kom in från och med denna dag.", En: "Start of the period (UTC): contributions received from this day on."}},
		{JSON: "period.to", Doc: p.Labels{Fi: "Jakson loppu (UTC), ei mukana.", Sv: "Periodens slut (UTC), inte medräknat.", En: "End of the period (UTC), exclusive."}},
		{JSON: "at", Doc: p.Labels{Fi: "Hetki, jona tiedot luettiin: tilat ovat tämän hetken tiloja, ja määräajat katsotaan tästä hetkestä.", Sv: "Tidpunkten då uppgifterna lästes: lägena är aktuella, och tidsfristerna räknas till denna tidpunkt.", En: "When the data was read: states are those at this moment, and deadlines are judged at it."}},
		{JSON: "k", Doc: p.Labels{Fi: "Pienin julkaistava määrä (K); pienemmät piilotetaan kuten sosiaaliraportissa.", Sv: "Det minsta antal som publiceras (K); mindre döljs som i den sociala rapporten.", En: "The smallest count published (K); smaller ones are suppressed as in the social report."}},
		{JSON: "checkpoint", CSV: "checkpoint", Doc: p.Labels{Fi: "Hyvinvointialueen allekirjoittama viimeisin tarkistuspiste tapahtumalokista (C2SP signed note: lähde, tapahtumien määrä, Merkle-puun juuri ja allekirjoitus); tyhjä, jos alue ei allekirjoita. CSV:ssä vain yhteensä-rivillä.", Sv: "Den senaste kontrollpunkten för händelseloggen, signerad av välfärdsområdet (C2SP signed note: ursprung, antal händelser, Merkleträdets rot och signatur); tom om området inte signerar. I CSV bara på totalraden.", En: "The latest checkpoint of the event journal, signed by the county (C2SP signed note: origin, number of events, Merkle tree root, signature); empty when the county signs none. In CSV on the total row only."}},
		{JSON: "services[].service", CSV: "service", Doc: p.Labels{Fi: "Palvelu; tyhjä, jos palautetta tai ehdotusta ei ole liitetty palveluun. CSV:n viimeinen rivi 'total' on kaikki palvelut yhdessä.", Sv: "Tjänsten; tom om bidraget inte hör till någon tjänst. Den sista raden 'total' i CSV är alla tjänster tillsammans.", En: "The service; empty for contributions tied to none. The CSV's last row, 'total', is every service together."}},
		{JSON: "services[].contributions", CSV: "contributions", Doc: stateDoc("Jaksolla saapuneet palautteet ja ehdotukset (kaikki tilat yhteensä).", "Bidrag som kom in under perioden (alla lägen tillsammans).", "Contributions received in the period (every state together).")},
		{JSON: "services[].received", CSV: "received", Doc: stateDoc("Niistä vastaanotettu, ei vielä kuitattu.", "Av dem mottagna, ännu inte kvitterade.", "Of them, received and not yet acknowledged.")},
		{JSON: "services[].acknowledged", CSV: "acknowledged", Doc: stateDoc("Niistä kuitattu, ei vielä käsittelyssä.", "Av dem kvitterade, ännu inte under behandling.", "Of them, acknowledged and not yet under consideration.")},
		{JSON: "services[].underConsideration", CSV: "under_consideration", Doc: stateDoc("Niistä käsittelyssä.", "Av dem under behandling.", "Of them, under consideration.")},
		{JSON: "services[].decided", CSV: "decided", Doc: stateDoc("Niistä päätetty, ei vielä toteutettu eikä vastattu.", "Av dem beslutade, ännu varken genomförda eller besvarade.", "Of them, decided, and neither implemented nor reported back yet.")},
		{JSON: "services[].implemented", CSV: "implemented", Doc: stateDoc("Niistä toteutettu, ei vielä vastattu osallistujille.", "Av dem genomförda, ännu inte återrapporterade.", "Of them, implemented and not yet reported back.")},
		{JSON: "services[].reportedBack", CSV: "reported_back", Doc: stateDoc("Niistä vastattu osallistujille: silmukka on suljettu.", "Av dem återrapporterade: slingan är sluten.", "Of them, reported back to their contributors: the loop is closed.")},
		{JSON: "services[].answeredInTime", CSV: "answered_in_time", Doc: p.Labels{Fi: "Osuus (0–1) niistä, joiden vastauksen määräaika on mennyt tai joihin on vastattu, joihin vastattiin määräajassa (oletuksena 90 päivää). Piilotettu, jos laskettu alle K:sta tai jos vastattujen tai vastaamattomien määrä olisi alle K; tyhjä, jos ei laskettavaa.", Sv: "Andelen (0–1) av bidragen vars svarsfrist har gått ut eller som har besvarats, som besvarades inom fristen (normalt 90 dagar). Döljs om den räknats av färre än K eller om antalet besvarade eller obesvarade vore under K; tom om inget att räkna.", En: "Share (0–1) of the contributions whose response deadline has passed or that were answered, answered by the deadline (90 days by default). Suppressed when computed from fewer than K, or when the answered or the unanswered would number fewer than K; empty when there is nothing to compute."}},
		{JSON: "services[].medianDaysToResponse", CSV: "median_days_to_response", Doc: p.Labels{Fi: "Mediaani kokonaisina päivinä saapumisesta vastaukseen, jaksolla saapuneista ja vastatuista. Piilotettu, jos vastauksia on alle K; tyhjä, jos ei yhtään.", Sv: "Median i hela dagar från ankomst till svar, för bidrag som kom in under perioden och besvarades. Döljs om svaren är färre än K; tom om inga.", En: "Median whole days from receipt to the response, over contributions received in the period and reported back. Suppressed with fewer than K responses; empty with none."}},
		{JSON: "services[].adopted", CSV: "adopted", Doc: p.Labels{Fi: "Osuus (0–1) päätetyistä, jotka otettiin käyttöön ainakin osittain. Piilotettu kuten määräajassa vastattujen osuus; tyhjä, jos päätöksiä ei ole.", Sv: "Andelen (0–1) av de beslutade som genomförs helt eller delvis. Döljs som andelen besvarade i tid; tom om inga beslut.", En: "Share (0–1) of the decided contributions adopted in full or in part. Suppressed like the share answered in time; empty with no decisions."}},
		{JSON: "total", Doc: p.Labels{Fi: "Kaikki palvelut yhdessä, samat kentät kuin palvelulla.", Sv: "Alla tjänster tillsammans, samma fält som för en tjänst.", En: "Every service together, with the same fields as a service."}},
		{JSON: "*.value", Doc: p.Labels{Fi: "Luku; 0, kun piilotettu (suppressed), osuudessa ja päivissä null.", Sv: "Talet; 0 när det döljs (suppressed), för andelar och dagar null.", En: "The number; 0 when suppressed, null for shares and days."}},
		{JSON: "*.suppressed", Doc: p.Labels{Fi: "Tosi, kun luku on piilotettu; CSV:ssä solussa lukee silloin 'suppressed'.", Sv: "Sant när talet döljs; i CSV står då 'suppressed' i cellen.", En: "True when the number is suppressed; the CSV cell then reads 'suppressed'."}},
		{JSON: "*.secondary", Doc: p.Labels{Fi: "Tosi, kun luku on piilotettu vain toisen piilotetun suojaksi.", Sv: "Sant när talet döljs bara för att skydda ett annat dolt tal.", En: "True when the count is suppressed only to protect another."}},
	}
}

// accountabilityColumns are the CSV columns, in order.
var accountabilityColumns = []string{"service", "contributions", "received", "acknowledged", "under_consideration", "decided", "implemented", "reported_back", "answered_in_time", "median_days_to_response", "adopted", "checkpoint"}

// Accountability computes the public accountability data of a period
// (LOOP-3): the kernel's contributions by current state, and its loop
// indicators per service, suppressed with the module's K.
func (f *Service) Accountability(q AccountabilityQuery) (*Accountability, error) {
	if err := f.ready(); err != nil {
		return nil, err
	}
	if q.From.IsZero() || q.To.IsZero() || !q.To.After(q.From) {
		return nil, p.Invalid("period", "public data needs a period that ends after it begins")
	}
	if q.To.Sub(q.From) > 3660*24*time.Hour {
		return nil, p.Invalid("period", "public data covers at most ten years")
	}
	at := q.At
	if at.IsZero() {
		at = f.s.Now()
	}
	period := p.Period{From: q.From.UTC(), To: q.To.UTC()}
	out := &Accountability{Period: period, At: at.UTC(), K: f.l.cfg.K}
	if f.s.Proving() {
		// Taken before the view, so every event the data is read from
		// is in a checkpoint no older than this one.
		cp, err := f.s.Checkpoint()
		if err != nil {
			return nil, err
		}
		out.Checkpoint = cp
	}
	v := f.s.View()
	cs, _, err := p.FindContributions(v, p.ContributionFilter{Period: period})
	if err != nil {
		return nil, err
	}
	byService := map[string][]int{}
	for _, c := range cs {
		row := byService[c.Service]
		if row == nil {
			row = make([]int, len(p.States))
			byService[c.Service] = row
		}
		for i, s := range p.States {
			if c.State == s {
				row[i]++
			}
		}
	}
	services := make([]string, 0, len(byService))
	for s := range byService {
		services = append(services, s)
	}
	sort.Strings(services)
	counts := make([][]int, len(services))
	cols := make([]string, len(p.States))
	for i, s := range p.States {
		cols[i] = string(s)
	}
	for i, s := range services {
		counts[i] = byService[s]
	}
	t := NewTable(services, cols, counts, out.K)
	figures := func(service *string) (AccountabilityRow, error) {
		ind, err := p.LoopIndicators(v, p.IndicatorFilter{Period: period, Service: service, At: at})
		if err != nil {
			return AccountabilityRow{}, err
		}
		var row AccountabilityRow
		for _, in := range ind {
			switch in.Key {
			case p.IndicatorRespondedInTime:
				row.AnsweredInTime = shareFigure(in, out.K)
			case p.IndicatorAdopted:
				row.Adopted = shareFigure(in, out.K)
			case p.IndicatorMedianResponse:
				row.MedianDaysToAnswer = daysFigure(in, out.K)
			}
		}
		return row, nil
	}
	setStates := func(row *AccountabilityRow, cells []Cell, total Cell) {
		row.Contributions = total
		row.Received, row.Acknowledged, row.UnderConsideration = cells[0], cells[1], cells[2]
		row.Decided, row.Implemented, row.ReportedBack = cells[3], cells[4], cells[5]
	}
	out.Services = make([]AccountabilityRow, 0, len(services))
	for i, s := range services {
		row, err := figures(&s)
		if err != nil {
			return nil, err
		}
		row.Service = s
		setStates(&row, t.Cells[i], t.RowTotals[i])
		out.Services = append(out.Services, row)
	}
	total, err := figures(nil)
	if err != nil {
		return nil, err
	}
	setStates(&total, t.ColTotals, t.GrandTotal)
	out.Total = total
	return out, nil
}

// shareFigure publishes a share: suppressed when its denominator, its
// numerator or their difference is from 1 to k-1, for any of them would
// count fewer than k contributions.
func shareFigure(in p.Indicator, k int) Figure {
	n, d := in.Numerator, in.Denominator
	if d == 0 || in.Value == nil {
		return Figure{}
	}
	small := func(x int) bool { return x > 0 && x < k }
	if small(d) || small(n) || small(d-n) {
		return Figure{Suppressed: true}
	}
	v := math.Round(*in.Value*100) / 100
	return Figure{Value: &v}
}

// daysFigure publishes a median of days over at least k responses.
func daysFigure(in p.Indicator, k int) Figure {
	if in.Numerator == 0 || in.Value == nil {
		return Figure{}
	}
	if in.Numerator < k {
		return Figure{Suppressed: true}
	}
	v := *in.Value
	return Figure{Value: &v}
}

// WriteAccountabilityCSV writes public accountability data as CSV: a
// header of the columns [AccountabilityFields] documents, one row per
// service and a last row "total" with the signed checkpoint. A suppressed
// number reads "suppressed"; a figure with nothing to compute from is
// empty. A cell that a spreadsheet would take for a formula is quoted
// (PRIV-4).
func WriteAccountabilityCSV(w io.Writer, a *Accountability) error {
	cw := p.NewCSVWriter(w)
	if err := cw.Write(accountabilityColumns); err != nil {
		return err
	}
	cell := func(c Cell) string {
		if c.Suppressed {
			return "suppressed"
		}
		return strconv.Itoa(c.Value)
	}
	figure := func(f Figure) string {
		switch {
		case f.Suppressed:
			return "suppressed"
		case f.Value == nil:
			return ""
		}
		return strconv.FormatFloat(*f.Value, 'f', -1, 64)
	}
	line := func(service string, r AccountabilityRow, checkpoint string) []string {
		return []string{service, cell(r.Contributions), cell(r.Received), cell(r.Acknowledged), cell(r.UnderConsideration),
			cell(r.Decided), cell(r.Implemented), cell(r.ReportedBack), figure(r.AnsweredInTime), figure(r.MedianDaysToAnswer),
			figure(r.Adopted), checkpoint}
	}
	for _, r := range a.Services {
		if err := cw.Write(line(r.Service, r, "")); err != nil {
			return err
		}
	}
	if err := cw.Write(line("total", a.Total, a.Checkpoint)); err != nil {
		return err
	}
	return cw.Flush()
}
