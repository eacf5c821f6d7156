package api

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// The sample county is sized for the browser: its journal must fit in
// localStorage (about 5 MB), so the thousands of device presses travel
// in daily batches — one event per device and day — and the whole sample
// is under a thousand events, about 400 KB of journal.

var sampleServices = []string{"aikuissosiaalityo", "sosiaalinen_kuntoutus", "paihdepalvelut", "asumispalvelut"}

var sampleThemes = []feedback.Theme{
	{Code: "jonotus", Labels: p.Labels{Fi: "Jonotus ja saatavuus", Sv: "Köer och tillgång", En: "Waiting and access"}, Task: feedback.TaskKnowledge},
	{Code: "kohtaaminen", Labels: p.Labels{Fi: "Kohtaaminen", Sv: "Bemötande", En: "Being met"}, Task: feedback.TaskKnowledge},
	{Code: "asunnottomuus", Labels: p.Labels{Fi: "Asunnottomuus", Sv: "Bostadslöshet", En: "Homelessness"}, Task: feedback.TaskMeasures},
	{Code: "yhteistyo", Labels: p.Labels{Fi: "Yhteistyö", Sv: "Samarbete", En: "Cooperation"}, Task: feedback.TaskPlanning},
}

var sampleTexts = []string{
	"Odotin vastausta hakemukseeni viisi viikkoa.",
	"Sosiaalityöntekijä kuunteli ja auttoi, kiitos.",
	"Soittakaa minulle 040 123 4567, en saa ketään kiinni.",
	"Asuntoa ei löydy, olen ollut kaverin sohvalla kaksi kuukautta.",
	"Ryhmä auttoi pääsemään arkeen kiinni.",
	"Kela ja sosiaalitoimi eivät puhu keskenään.",
}

// sample fills the model with a generated county: devices pressed over
// sixty days, e-form feedback, two panels, experience experts with
// assignments, a co-development process and clients' goals. It is the
// same county on every load: a fixed seed draws it, over the sixty days
// before today (UTC).
func (a *App) sample() (any, error) { return a.sampleAt(time.Now()) }

// sampleSeed draws the sample county; it never depends on the time.
const sampleSeed = 2026

func (a *App) sampleAt(today time.Time) (any, error) {
	ctx := a.ctx()
	now := today.UTC().Truncate(24 * time.Hour)
	start := now.AddDate(0, 0, -60)
	r := rand.New(rand.NewPCG(sampleSeed, 16))
	a.rand.seed(rand.NewChaCha8([32]byte{sampleSeed % 256, sampleSeed / 256}))
	defer a.rand.seed(nil)
	defer a.clock.set(time.Time{})
	at := func(t time.Time) { a.clock.set(t) }
	at(start)
	existing, _ := feedback.Themes(a.store.View())
	for _, th := range sampleThemes {
		if !slicesContainsTheme(existing, th.Code) {
			if err := a.fb.DefineTheme(ctx, Coordinator, th); err != nil {
				return nil, err
			}
		}
	}
	var devices []*feedback.DeviceInfo
	for i, svc := range sampleServices {
		d, err := a.fb.RegisterDevice(ctx, Coordinator, feedback.DeviceInput{Service: svc, Point: fmt.Sprintf("Toimipiste %d", i+1)})
		if err != nil {
			return nil, err
		}
		devices = append(devices, d)
	}
	// Devices: a day's presses synced in the evening.
	for day := 0; day < 60; day++ {
		for i, d := range devices {
			open := start.AddDate(0, 0, day).Add(8 * time.Hour)
			var batch []feedback.Press
			t := open
			for k := 0; k < 12+r.IntN(14); k++ {
				t = t.Add(time.Duration(5+r.IntN(25)) * time.Minute)
				rating := feedback.Rating(1 + r.IntN(4))
				if i == 0 {
					rating = feedback.Rating(2 + r.IntN(3))
				}
				batch = append(batch, feedback.Press{Rating: rating, At: t})
				if r.IntN(6) == 0 {
					batch = append(batch, feedback.Press{Rating: rating, At: t.Add(2 * time.Second)}) // a repeat
				}
			}
			at(open.Add(16 * time.Hour))
			if _, err := a.fb.PressBatch(ctx, p.Actor{ID: d.ID, Role: p.RoleDevice}, d.ID, batch); err != nil {
				return nil, err
			}
		}
	}
	// E-forms, some with text and receipts; some answered.
	for i := 0; i < 150; i++ {
		at(start.Add(time.Duration(r.IntN(60*24)) * time.Hour))
		s := feedback.Submission{Channel: feedback.EForm, Service: sampleServices[r.IntN(len(sampleServices))], Rating: feedback.Rating(1 + r.IntN(4))}
		if k := r.IntN(len(sampleThemes) + 1); k < len(sampleThemes) {
			s.Themes = []string{sampleThemes[k].Code}
		}
		if r.IntN(4) == 0 {
			s.Text, s.WantReceipt = sampleTexts[r.IntN(len(sampleTexts))], r.IntN(2) == 0
		}
		res, err := a.fb.Submit(ctx, p.Anonymous, s)
		if err != nil {
			return nil, err
		}
		if !res.Contribution.IsZero() && r.IntN(3) > 0 {
			at(a.clock.Now().Add(time.Duration(2+r.IntN(20)) * 24 * time.Hour))
			if a.clock.Now().Before(now) {
				if _, err := a.store.Acknowledge(ctx, Worker, res.Contribution, ""); err != nil {
					return nil, err
				}
				if r.IntN(2) == 0 {
					if _, err := a.store.Decide(ctx, Manager, res.Contribution, p.Adopted, ""); err != nil {
						return nil, err
					}
					if _, err := a.store.ReportBack(ctx, Worker, res.Contribution, "Kiitos palautteesta, asia on korjattu."); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	// A constituted panel that has met twice, and a second one forming.
	at(start.Add(24 * time.Hour))
	x, err := a.panels.Create(ctx, Coordinator, panel.PanelInput{Name: "Aikuissosiaalityön asiakasraati", Kind: panel.KindClientPanel,
		Unit: "aikuissosiaalityo", Coordinator: Coordinator.ID, AnsweringParty: "Aikuissosiaalityön palvelujohto"})
	if err != nil {
		return nil, err
	}
	var members []*panel.Member
	firstNames := []string{"Aino", "Eino", "Helmi", "Onni", "Sofia", "Väinö", "Ella", "Leo", "Iida", "Oliver", "Aada", "Elias"}
	for i, name := range firstNames {
		person, _ := a.newPerson()
		m, err := a.panels.AddMember(ctx, Coordinator, panel.MemberInput{Panel: x.ID, Person: person, Type: panel.MemberTypes[i%4],
			Service: sampleServices[i%len(sampleServices)], Name: name})
		if err != nil {
			return nil, err
		}
		members = append(members, m)
	}
	if err := a.panels.Appoint(ctx, Coordinator, x.ID, panel.Chair, members[0].ID); err != nil {
		return nil, err
	}
	if err := a.panels.Appoint(ctx, Coordinator, x.ID, panel.Secretary, members[1].ID); err != nil {
		return nil, err
	}
	for _, title := range []string{"Iltavastaanotto", "Selkokieliset päätökset", "Odotustilan viihtyvyys"} {
		if _, err := a.panels.RaiseTopic(ctx, p.Actor{ID: members[2+r.IntN(8)].Person, Role: p.RoleClient}, panel.TopicInput{Panel: x.ID, Title: title}); err != nil {
			return nil, err
		}
	}
	if _, err := a.panels.RaiseTopic(ctx, Worker, panel.TopicInput{Panel: x.ID, Title: "Uusi ajanvarausjärjestelmä"}); err != nil {
		return nil, err
	}
	for k, text := range []string{"Raati esittää iltavastaanottoa kerran viikossa.", "Päätöskirjeet selkokielelle."} {
		at(start.AddDate(0, 0, 14+21*k))
		m, err := a.panels.ScheduleMeeting(ctx, Coordinator, x.ID, a.clock.Now(), nil)
		if err != nil {
			return nil, err
		}
		var present []p.ID
		for _, mb := range members[:9] {
			present = append(present, mb.ID)
		}
		if _, err := a.panels.HoldMeeting(ctx, Coordinator, m.ID, present); err != nil {
			return nil, err
		}
		st, err := a.panels.AdoptStatement(ctx, Coordinator, panel.StatementInput{Meeting: m.ID, Text: text})
		if err != nil {
			return nil, err
		}
		if k == 0 {
			at(a.clock.Now().AddDate(0, 0, 20))
			if _, err := a.panels.AnswerStatement(ctx, Manager, st.ID, p.PartlyAdopted, "Yksi toimipiste ensin", "Iltavastaanotto alkaa tiistaisin Hervannassa."); err != nil {
				return nil, err
			}
		}
	}
	y, err := a.panels.Create(ctx, Coordinator, panel.PanelInput{Name: "Vammaisneuvosto", Kind: panel.KindDisabilityCouncil, Unit: "vammaispalvelut",
		Coordinator: Coordinator.ID, AnsweringParty: "Vammaispalvelujen johto"})
	if err != nil {
		return nil, err
	}
	for i := 0; i < 7; i++ {
		person, _ := a.newPerson()
		if _, err := a.panels.AddMember(ctx, Coordinator, panel.MemberInput{Panel: y.ID, Person: person, Type: panel.MemberClient,
			Service: "vammaispalvelut", Name: fmt.Sprintf("Jäsen %d", i+1)}); err != nil {
			return nil, err
		}
	}
	// Experience experts with assignments.
	at(start.Add(48 * time.Hour))
	areas := []string{"mental_health", "substance_use", "homelessness", "disability", "elderly_care", "child_welfare"}
	names := []string{"Sari", "Jussi", "Anneli", "Mikko", "Leena", "Timo", "Marja", "Pekka", "Tuula", "Kari", "Riitta", "Janne", "Hanna", "Ville", "Paula", "Antti", "Satu", "Jari"}
	var experts []p.ID
	for i, name := range names {
		id, _ := a.newPerson()
		if _, err := a.experts.Register(ctx, Coordinator, expert.Registration{Person: id, Kind: expert.Kinds[i%3], Languages: [][]string{{"fi"}, {"fi", "sv"}, {"fi", "en"}}[i%3],
			Profile: expert.Profile{Name: name, Backgrounds: []expert.Background{expert.Backgrounds[i%4]}, Areas: []string{areas[i%6], areas[(i+2)%6]}},
			Consent: expert.Consent{Purpose: "Kokemusasiantuntijatoiminta"}}); err != nil {
			return nil, err
		}
		if i%3 != 2 {
			if err := a.experts.AddCourse(ctx, Coordinator, id, expert.Course{Name: "Kokemusasiantuntijakoulutus", Provider: "Kokemus ry", Completed: start.AddDate(-1, 0, 0)}); err != nil {
				return nil, err
			}
		}
		experts = append(experts, id)
	}
	for k := 0; k < 14; k++ {
		date := start.AddDate(0, 0, 5+3*k)
		need := expert.Need{Area: areas[k%6]}
		found, err := a.experts.Match(need, date, 1)
		if err != nil || len(found) == 0 {
			continue
		}
		as, err := a.experts.RequestAssignment(ctx, Worker, expert.Request{Type: expert.AssignmentTypes[k%len(expert.AssignmentTypes)], Date: date, Need: need, Unit: "aikuissosiaalityo"})
		if err != nil {
			return nil, err
		}
		if err := a.experts.Offer(ctx, Coordinator, as.ID, found[0].Expert); err != nil {
			return nil, err
		}
		if err := a.experts.Accept(ctx, p.Actor{ID: found[0].Expert, Role: p.RoleExpert}, as.ID); err != nil {
			return nil, err
		}
		at(date.Add(20 * time.Hour))
		if err := a.experts.Complete(ctx, Worker, as.ID, float64(2+k%4), 800); err != nil {
			return nil, err
		}
		if k%2 == 0 {
			if err := a.experts.Pay(ctx, Manager, as.ID); err != nil {
				return nil, err
			}
		}
	}
	// A co-development process and clients' goals.
	at(start.AddDate(0, 0, 30))
	proc, err := a.store.StartProcess(ctx, Worker, p.ProcessInput{Title: "Iltavastaanoton yhteiskehittäminen", Level: p.LevelDevelopment,
		Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	if err != nil {
		return nil, err
	}
	if err := a.store.JoinProcess(ctx, Coordinator, proc.ID, p.Participant{Person: members[0].Person, Role: p.ProcessClient}); err != nil {
		return nil, err
	}
	if err := a.store.JoinProcess(ctx, Coordinator, proc.ID, p.Participant{Person: experts[0], Role: p.ProcessExpert}); err != nil {
		return nil, err
	}
	if err := a.store.AdvanceProcess(ctx, Worker, proc.ID); err != nil {
		return nil, err
	}
	for i := 0; i < 3; i++ {
		person, _ := a.newPerson()
		client := p.Actor{ID: person, Role: p.RoleClient}
		g, err := a.store.WriteGoal(ctx, client, []string{"Pääsen työkokeiluun", "Löydän oman asunnon", "Käyn ryhmässä viikoittain"}[i], "Teen oman osuuteni")
		if err != nil {
			return nil, err
		}
		if err := a.store.NoteProgress(ctx, client, g.ID, "Ensimmäinen askel otettu"); err != nil {
			return nil, err
		}
	}
	head, _ := a.store.Head()
	return map[string]any{"events": head, "items": a.fb.Count()}, nil
}

func slicesContainsTheme(ts []*feedback.Theme, code string) bool {
	for _, t := range ts {
		if t.Code == code {
			return true
		}
	}
	return false
}
