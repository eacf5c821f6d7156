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

// sampleWords is the sample's organisation text and feedback in one
// language; the county is drawn alike in each.
type sampleWords struct {
	texts                                  []string
	point, reportBack, panel, answering    string
	topics                                 []string
	orgTopic                               string
	statements                             []string
	answerReason, answerResponse           string
	council, councilAnswering, councilName string
	purpose, course, process               string
	goals                                  []string
	goalPart, progress                     string
}

var sampleLangs = map[string]sampleWords{
	"fi": {
		texts: []string{"Odotin vastausta hakemukseeni viisi viikkoa.", "Sosiaalityöntekijä kuunteli ja auttoi, kiitos.",
			"Soittakaa minulle 040 123 4567, en saa ketään kiinni.", "Asuntoa ei löydy, olen ollut kaverin sohvalla kaksi kuukautta.",
			"Ryhmä auttoi pääsemään arkeen kiinni.", "Kela ja sosiaalitoimi eivät puhu keskenään."},
		point: "Toimipiste %d", reportBack: "Kiitos palautteesta, asia on korjattu.",
		panel: "Aikuissosiaalityön asiakasraati", answering: "Aikuissosiaalityön palvelujohto",
		topics: []string{"Iltavastaanotto", "Selkokieliset päätökset", "Odotustilan viihtyvyys"}, orgTopic: "Uusi ajanvarausjärjestelmä",
		statements:   []string{"Raati esittää iltavastaanottoa kerran viikossa.", "Päätöskirjeet selkokielelle."},
		answerReason: "Yksi toimipiste ensin", answerResponse: "Iltavastaanotto alkaa tiistaisin Hervannassa.",
		council: "Vammaisneuvosto", councilAnswering: "Vammaispalvelujen johto", councilName: "Jäsen %d",
		purpose: "Kokemusasiantuntijatoiminta", course: "Kokemusasiantuntijakoulutus", process: "Iltavastaanoton yhteiskehittäminen",
		goals: []string{"Pääsen työkokeiluun", "Löydän oman asunnon", "Käyn ryhmässä viikoittain"}, goalPart: "Teen oman osuuteni", progress: "Ensimmäinen askel otettu",
	},
	"sv": {
		texts: []string{"Jag väntade fem veckor på svar på min ansökan.", "Socialarbetaren lyssnade och hjälpte, tack.",
			"Ring mig på 040 123 4567, jag når ingen.", "Jag hittar ingen bostad, jag har sovit på en väns soffa i två månader.",
			"Gruppen hjälpte mig att komma in i vardagen.", "FPA och socialen talar inte med varandra."},
		point: "Verksamhetsställe %d", reportBack: "Tack för responsen, saken är åtgärdad.",
		panel: "Klientrådet för socialt arbete för vuxna", answering: "Serviceledningen för socialt arbete för vuxna",
		topics: []string{"Kvällsmottagning", "Beslut på lättläst språk", "En trivsammare väntsal"}, orgTopic: "Nytt tidsbokningssystem",
		statements:   []string{"Rådet föreslår kvällsmottagning en gång i veckan.", "Beslutsbrev på lättläst språk."},
		answerReason: "Först på ett verksamhetsställe", answerResponse: "Kvällsmottagningen börjar på tisdagar i Hervanta.",
		council: "Rådet för personer med funktionsnedsättning", councilAnswering: "Ledningen för funktionshinderservicen", councilName: "Medlem %d",
		purpose: "Erfarenhetsexpertverksamhet", course: "Utbildning för erfarenhetsexperter", process: "Samutveckling av kvällsmottagningen",
		goals: []string{"Jag kommer i arbetsprövning", "Jag hittar en egen bostad", "Jag går i gruppen varje vecka"}, goalPart: "Jag gör min del", progress: "Första steget är taget",
	},
	"en": {
		texts: []string{"I waited five weeks for an answer to my application.", "The social worker listened and helped, thank you.",
			"Call me on 040 123 4567, I cannot reach anyone.", "I cannot find a flat; I have slept on a friend's sofa for two months.",
			"The group helped me get back to everyday life.", "Kela and social services do not talk to each other."},
		point: "Office %d", reportBack: "Thank you for the feedback; this has been fixed.",
		panel: "Adult social work client panel", answering: "Adult social work management",
		topics: []string{"Evening hours", "Decisions in plain language", "A more pleasant waiting room"}, orgTopic: "New booking system",
		statements:   []string{"The panel proposes evening hours once a week.", "Decision letters in plain language."},
		answerReason: "One office first", answerResponse: "Evening hours start on Tuesdays in Hervanta.",
		council: "Disability council", councilAnswering: "Disability services management", councilName: "Member %d",
		purpose: "Experience expert work", course: "Experience expert training", process: "Co-developing evening hours",
		goals: []string{"I get a work trial", "I find a flat of my own", "I go to the group every week"}, goalPart: "I do my part", progress: "The first step is taken",
	},
}

// sample fills the model with a generated county: devices pressed over
// sixty days, e-form feedback, two panels, experience experts with
// assignments, a co-development process and clients' goals. It is the
// same county on every load: a fixed seed draws it, over the sixty days
// before today (UTC).
// sampleView is how many events and feedback items the sample county
// has.
type sampleView struct {
	Events uint64 `json:"events"`
	Items  int    `json:"items"`
}

func (a *App) sample(lang string) (sampleView, error) { return a.sampleAt(time.Now(), lang) }

// sampleSeed draws the sample county; it never depends on the time.
const sampleSeed = 2026

func (a *App) sampleAt(today time.Time, lang string) (sampleView, error) {
	if lang == "" {
		lang = "fi"
	}
	w, ok := sampleLangs[lang]
	if !ok {
		return sampleView{}, p.Invalid("lang", "%q is not a language of the sample; use fi, sv or en", lang)
	}
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
				return sampleView{}, err
			}
		}
	}
	var devices []*feedback.DeviceInfo
	for i, svc := range sampleServices {
		d, err := a.fb.RegisterDevice(ctx, Coordinator, feedback.DeviceInput{Service: svc, Point: fmt.Sprintf(w.point, i+1), FollowUp: demoFollowUp()})
		if err != nil {
			return sampleView{}, err
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
				batch = append(batch, feedback.Press{Rating: rating, At: t, Answer: r.IntN(4)}) // 0: the follow-up skipped
				if r.IntN(6) == 0 {
					batch = append(batch, feedback.Press{Rating: rating, At: t.Add(2 * time.Second)}) // a repeat
				}
			}
			at(open.Add(16 * time.Hour))
			if _, err := a.fb.PressBatch(ctx, p.Actor{ID: d.ID, Role: p.RoleDevice}, d.ID, batch); err != nil {
				return sampleView{}, err
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
			s.Text, s.WantReceipt = w.texts[r.IntN(len(w.texts))], r.IntN(2) == 0
		}
		res, err := a.fb.Submit(ctx, p.Anonymous, s)
		if err != nil {
			return sampleView{}, err
		}
		if !res.Contribution.IsZero() && r.IntN(3) > 0 {
			at(a.clock.Now().Add(time.Duration(2+r.IntN(20)) * 24 * time.Hour))
			if a.clock.Now().Before(now) {
				if _, err := a.store.Acknowledge(ctx, Worker, res.Contribution, ""); err != nil {
					return sampleView{}, err
				}
				if r.IntN(2) == 0 {
					if _, err := a.store.Decide(ctx, Manager, res.Contribution, p.Adopted, ""); err != nil {
						return sampleView{}, err
					}
					if _, err := a.store.ReportBack(ctx, Worker, res.Contribution, w.reportBack); err != nil {
						return sampleView{}, err
					}
				}
			}
		}
	}
	// A constituted panel that has met twice, and a second one forming.
	at(start.Add(24 * time.Hour))
	x, err := a.panels.Create(ctx, Coordinator, panel.PanelInput{Name: w.panel, Kind: panel.KindClientPanel,
		Unit: "aikuissosiaalityo", Coordinator: Coordinator.ID, AnsweringParty: w.answering})
	if err != nil {
		return sampleView{}, err
	}
	var members []*panel.Member
	firstNames := []string{"Aino", "Eino", "Helmi", "Onni", "Sofia", "Väinö", "Ella", "Leo", "Iida", "Oliver", "Aada", "Elias"}
	for i, name := range firstNames {
		person, _ := a.newPerson()
		m, err := a.panels.AddMember(ctx, Coordinator, panel.MemberInput{Panel: x.ID, Person: person, Type: panel.MemberTypes[i%4],
			Service: sampleServices[i%len(sampleServices)], Name: name})
		if err != nil {
			return sampleView{}, err
		}
		members = append(members, m)
	}
	if err := a.panels.Appoint(ctx, Coordinator, x.ID, panel.Chair, members[0].ID); err != nil {
		return sampleView{}, err
	}
	if err := a.panels.Appoint(ctx, Coordinator, x.ID, panel.Secretary, members[1].ID); err != nil {
		return sampleView{}, err
	}
	for _, title := range w.topics {
		if _, err := a.panels.RaiseTopic(ctx, p.Actor{ID: members[2+r.IntN(8)].Person, Role: p.RoleClient}, panel.TopicInput{Panel: x.ID, Title: title}); err != nil {
			return sampleView{}, err
		}
	}
	if _, err := a.panels.RaiseTopic(ctx, Worker, panel.TopicInput{Panel: x.ID, Title: w.orgTopic}); err != nil {
		return sampleView{}, err
	}
	for k, text := range w.statements {
		at(start.AddDate(0, 0, 14+21*k))
		m, err := a.panels.ScheduleMeeting(ctx, Coordinator, x.ID, a.clock.Now(), nil)
		if err != nil {
			return sampleView{}, err
		}
		var present []p.ID
		for _, mb := range members[:9] {
			present = append(present, mb.ID)
		}
		if _, err := a.panels.HoldMeeting(ctx, Coordinator, m.ID, present); err != nil {
			return sampleView{}, err
		}
		st, err := a.panels.AdoptStatement(ctx, Coordinator, panel.StatementInput{Meeting: m.ID, Text: text})
		if err != nil {
			return sampleView{}, err
		}
		if k == 0 {
			at(a.clock.Now().AddDate(0, 0, 20))
			if _, err := a.panels.AnswerStatement(ctx, Manager, st.ID, p.PartlyAdopted, w.answerReason, w.answerResponse); err != nil {
				return sampleView{}, err
			}
		}
	}
	y, err := a.panels.Create(ctx, Coordinator, panel.PanelInput{Name: w.council, Kind: panel.KindDisabilityCouncil, Unit: "vammaispalvelut",
		Coordinator: Coordinator.ID, AnsweringParty: w.councilAnswering})
	if err != nil {
		return sampleView{}, err
	}
	for i := 0; i < 7; i++ {
		person, _ := a.newPerson()
		if _, err := a.panels.AddMember(ctx, Coordinator, panel.MemberInput{Panel: y.ID, Person: person, Type: panel.MemberClient,
			Service: "vammaispalvelut", Name: fmt.Sprintf(w.councilName, i+1)}); err != nil {
			return sampleView{}, err
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
			Consent: expert.Consent{Purpose: w.purpose}}); err != nil {
			return sampleView{}, err
		}
		if i%3 != 2 {
			if err := a.experts.AddCourse(ctx, Coordinator, id, expert.Course{Name: w.course, Provider: "Kokemus ry", Completed: start.AddDate(-1, 0, 0)}); err != nil {
				return sampleView{}, err
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
			return sampleView{}, err
		}
		if err := a.experts.Offer(ctx, Coordinator, as.ID, found[0].Expert); err != nil {
			return sampleView{}, err
		}
		if err := a.experts.Accept(ctx, p.Actor{ID: found[0].Expert, Role: p.RoleExpert}, as.ID); err != nil {
			return sampleView{}, err
		}
		at(date.Add(20 * time.Hour))
		if err := a.experts.Complete(ctx, Worker, as.ID, float64(2+k%4), 800); err != nil {
			return sampleView{}, err
		}
		if k%2 == 0 {
			if err := a.experts.Pay(ctx, Manager, as.ID); err != nil {
				return sampleView{}, err
			}
		}
	}
	// A co-development process and clients' goals.
	at(start.AddDate(0, 0, 30))
	proc, err := a.store.StartProcess(ctx, Worker, p.ProcessInput{Title: w.process, Level: p.LevelDevelopment,
		Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	if err != nil {
		return sampleView{}, err
	}
	if err := a.store.JoinProcess(ctx, Coordinator, proc.ID, p.Participant{Person: members[0].Person, Role: p.ProcessClient}); err != nil {
		return sampleView{}, err
	}
	if err := a.store.JoinProcess(ctx, Coordinator, proc.ID, p.Participant{Person: experts[0], Role: p.ProcessExpert}); err != nil {
		return sampleView{}, err
	}
	if err := a.store.AdvanceProcess(ctx, Worker, proc.ID); err != nil {
		return sampleView{}, err
	}
	for i := 0; i < 3; i++ {
		person, _ := a.newPerson()
		client := p.Actor{ID: person, Role: p.RoleClient}
		g, err := a.store.WriteGoal(ctx, client, w.goals[i], w.goalPart)
		if err != nil {
			return sampleView{}, err
		}
		if err := a.store.NoteProgress(ctx, client, g.ID, w.progress); err != nil {
			return sampleView{}, err
		}
	}
	// The sample's feedback is of hours that are over: released now, it
	// counts at once (PRIV-1).
	a.clock.set(time.Time{})
	if err := a.store.Release(ctx); err != nil {
		return sampleView{}, err
	}
	head, _ := a.store.Head()
	return sampleView{Events: head, Items: a.fb.Count()}, nil
}

func slicesContainsTheme(ts []*feedback.Theme, code string) bool {
	for _, t := range ts {
		if t.Code == code {
			return true
		}
	}
	return false
}
