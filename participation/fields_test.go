//go:build !js

package participation_test

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestEveryFieldIsLimited is the systematic input-limits check. It reads
// every command of every module from the source (an exported function
// that takes an Actor) and calls each one with valid arguments, then once
// for every text, list and map among those arguments — fields of input
// structs, of their nested structs and list elements included — with
// that one value over-long, and once with it not UTF-8; every name, code,
// service and contact detail also once with each control and bidi
// character of controlRunes in it (PRIV-4). Every such call
// must be refused with an invalid error whose field names the value,
// whose message states the limit and stays short, and which journals
// nothing; the valid call must then succeed, which proves the refusals
// were about the value. A command the table below lacks fails the test,
// unless all it takes are ids, numbers, booleans and times.
func TestEveryFieldIsLimited(t *testing.T) {
	commands := readCommands(t)
	calls := fieldCalls()
	checked, values, numbers, names := 0, 0, 0, 0
	for _, c := range commands {
		build, ok := calls[c.name]
		if !ok {
			assert.True(t, c.plain, "%s takes text or lists (%v) but is not in the table of TestEveryFieldIsLimited", c.name, c.types)
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			e := newFieldsEnv(t)
			call := build(e)
			fn := reflect.ValueOf(call.fn)
			require.Equal(t, len(c.params), len(call.args), "%s: arguments after the actor", c.name)
			var targets []mutation
			for i, a := range call.args {
				v := reflect.New(reflect.TypeOf(a)).Elem()
				v.Set(reflect.ValueOf(a))
				walkValues(v, []string{c.params[i]}, func(path []string, x reflect.Value) {
					for _, kind := range spoilings(x.Kind()) {
						targets = append(targets, mutation{arg: i, path: slices.Clone(path), kind: kind})
					}
					if x.Kind() == reflect.String && isNameField(path) {
						for _, r := range controlRunes {
							targets = append(targets, mutation{arg: i, path: slices.Clone(path), kind: fmt.Sprintf("control U+%04X", r)})
						}
					}
				})
			}
			for _, m := range targets {
				if !isTextSpoiling(m.kind) {
					continue // numbers: below, each in a store of its own
				}
				args := spoilt(e, call, c.params, m)
				before, _ := e.s.Head()
				err := callErr(fn.Call(args))
				after, _ := e.s.Head()
				where := strings.Join(m.path, ".") + " " + m.kind
				values++
				require.Equal(t, p.EINVALID, p.ErrorCode(err), "%s: %s: %v", c.name, where, err)
				var pe *p.Error
				require.True(t, errors.As(err, &pe))
				assert.True(t, namesField(pe.Field, m.path), "%s: %s: the error's field %q does not name it", c.name, where, pe.Field)
				msg := p.ErrorMessage(err)
				if strings.HasPrefix(m.kind, "control") {
					names++
				}
				if m.kind == "long" {
					assert.True(t, saysWhatToFix(msg), "%s: %s: the message %q states the limit, the values allowed, or that nothing by that name is defined", c.name, where, msg)
				}
				assert.LessOrEqual(t, utf8.RuneCountInString(msg), 300, "%s: %s: the message stays short: %.120q…", c.name, where, msg)
				assert.Equal(t, before, after, "%s: %s: nothing was journalled", c.name, where)
			}
			args := []reflect.Value{reflect.ValueOf(e.ctx), reflect.ValueOf(call.actor)}
			for _, a := range call.args {
				args = append(args, reflect.ValueOf(a))
			}
			require.NoError(t, callErr(fn.Call(args)), "%s with its valid arguments", c.name)
			checked++

			// Numbers out of any sensible range: a number may be
			// accepted (a seed is any number), but never panics, and a
			// refusal is an invalid error that names it.
			for _, m := range targets {
				if isTextSpoiling(m.kind) {
					continue
				}
				e := newFieldsEnv(t)
				call := build(e)
				args := spoilt(e, call, c.params, m)
				where := strings.Join(m.path, ".") + " " + m.kind
				before, _ := e.s.Head()
				err := callErr(reflect.ValueOf(call.fn).Call(args))
				numbers++
				if err == nil {
					t.Logf("%s: %s: accepted", c.name, where)
					continue
				}
				after, _ := e.s.Head()
				require.Equal(t, p.EINVALID, p.ErrorCode(err), "%s: %s: %v", c.name, where, err)
				var pe *p.Error
				require.True(t, errors.As(err, &pe))
				assert.True(t, namesField(pe.Field, m.path), "%s: %s: the error's field %q does not name it", c.name, where, pe.Field)
				assert.Equal(t, before, after, "%s: %s: nothing was journalled", c.name, where)
			}
		})
	}
	assert.Greater(t, names, 0, "PRIV-4: names and codes were tried with control and bidi characters")
	t.Logf("%d commands, %d over-long or malformed values refused (%d control or bidi characters in names and codes), %d out-of-range numbers tried", checked, values, names, numbers)
}

// fieldCall is one command ready to be called: the method value, the
// actor allowed to call it, and valid arguments after the actor.
type fieldCall struct {
	fn    any
	actor p.Actor
	args  []any
}

// fieldCalls builds valid calls of every command that takes text or lists.
func fieldCalls() map[string]func(e *fieldsEnv) fieldCall {
	return map[string]func(e *fieldsEnv) fieldCall{
		// The kernel: contributions, co-development, goals, family.
		"participation.Submit": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.Submit, client, []any{input("Iltavastaanotto")}}
		},
		"participation.Acknowledge": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.Acknowledge, staff, []any{e.contribution, "Kirjattu"}}
		},
		"participation.Consider": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.Consider, staff, []any{e.contribution, "Käsittelyssä"}}
		},
		"participation.Decide": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.Decide, manager, []any{e.contribution, p.Adopted, ""}}
		},
		"participation.Implement": func(e *fieldsEnv) fieldCall {
			e.must(e.s.Decide(e.ctx, manager, e.contribution, p.Adopted, ""))
			return fieldCall{e.s.Implement, staff, []any{e.contribution, "Toteutettu"}}
		},
		"participation.ReportBack": func(e *fieldsEnv) fieldCall {
			e.must(e.s.Decide(e.ctx, manager, e.contribution, p.Adopted, ""))
			return fieldCall{e.s.ReportBack, staff, []any{e.contribution, "Iltavastaanotto alkaa maaliskuussa."}}
		},
		"participation.EraseSubject": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.EraseSubject, admin, []any{e.person(90), "Pyyntö"}}
		},
		"participation.StartProcess": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.StartProcess, staff, []any{p.ProcessInput{Title: "Vastaanottomalli", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "aikuissosiaalityo", Service: "vastaanotto"}}}
		},
		"participation.JoinProcess": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.JoinProcess, staff, []any{e.process, p.Participant{Person: e.person(89), Role: p.ProcessDeveloperClient}}}
		},
		"participation.LogDecision": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.LogDecision, staff, []any{e.process, "Kokeillaan", "Asiakkaat toivoivat"}}
		},
		"participation.RaiseIdea": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.RaiseIdea, client, []any{e.process, "Ilta-aika"}}
		},
		"participation.CloseProcess": func(e *fieldsEnv) fieldCall {
			e.must(nil, e.s.AdvanceProcess(e.ctx, staff, e.process))
			e.must(nil, e.s.AdvanceProcess(e.ctx, staff, e.process))
			return fieldCall{e.s.CloseProcess, manager, []any{e.process, "Malli valmis", p.Adopted, ""}}
		},
		"participation.WriteGoal": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.WriteGoal, client, []any{"Löydän työpaikan", "Haen kolmea paikkaa viikossa"}}
		},
		"participation.ReplanGoal": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.ReplanGoal, client, []any{e.goal, "Löydän harjoittelupaikan", "Haen kahta", "Työpaikkoja ei ollut"}}
		},
		"participation.SupportGoal": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.SupportGoal, staff, []any{e.goal, "Autan hakemuksissa"}}
		},
		"participation.NoteProgress": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.NoteProgress, client, []any{e.goal, "Kaksi hakemusta"}}
		},
		"participation.GrantFamilyConsent": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.GrantFamilyConsent, client, []any{p.FamilyConsentInput{Client: client.ID, Family: e.person(91),
				Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: e.clock.Now().AddDate(1, 0, 0)}}}
		},
		"participation.SetContact": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.s.SetContact, staff, []any{p.ContactInput{Person: client.ID, Channel: p.ChannelEmail, Address: "asiakas@example.fi", Lang: p.Swedish}}}
		},
		"participation.Fail": func(e *fieldsEnv) fieldCall {
			e.must(nil, e.s.SetContact(e.ctx, client, p.ContactInput{Channel: p.ChannelEmail, Address: "asiakas@example.fi", Lang: p.Finnish}))
			e.must(e.s.Acknowledge(e.ctx, staff, e.contribution, "Kirjattu"))
			ms, err := p.MessagesOf(e.s.View(), client.ID)
			e.must(ms, err)
			require.Len(e.t, ms, 1)
			o, err := p.NewOutbox(e.s, nil)
			e.must(o, err)
			return fieldCall{o.Fail, integration, []any{ms[0].ID, "550 mailbox unavailable"}}
		},
		"participation.TakePart": func(e *fieldsEnv) fieldCall {
			family := p.Actor{ID: e.person(92), Role: p.RoleFamilyMember}
			e.must(e.s.GrantFamilyConsent(e.ctx, client, p.FamilyConsentInput{Client: client.ID, Family: family.ID,
				Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: e.clock.Now().AddDate(1, 0, 0)}))
			return fieldCall{e.s.TakePart, family, []any{client.ID, p.FamilyPlanning}}
		},

		// Panels.
		"panel.Create": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.Create, coordinator, []any{panel.PanelInput{Name: "Vammaisneuvosto", Kind: panel.KindClientPanel,
				Unit: "vammaispalvelut", Coordinator: coordinator.ID, AnsweringParty: "Palvelujohto"}}}
		},
		"panel.AddMember": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.AddMember, coordinator, []any{panel.MemberInput{Panel: e.panel, Person: e.person(93),
				Type: panel.MemberClient, Service: "kotihoito", Name: "Uusi jäsen"}}}
		},
		"panel.EndMembership": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.EndMembership, coordinator, []any{e.members[9], "Muutti pois"}}
		},
		"panel.Appoint": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.Appoint, coordinator, []any{e.panel, panel.ViceChair, e.members[3]}}
		},
		"panel.Vacate": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.Vacate, coordinator, []any{e.panel, panel.Secretary, "Sairasloma"}}
		},
		"panel.RaiseTopic": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.RaiseTopic, e.memberActor(4), []any{panel.TopicInput{Panel: e.panel, Title: "Odotusajat", Description: "Puhelimessa jonotetaan"}}}
		},
		"panel.ScheduleMeeting": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.ScheduleMeeting, coordinator, []any{e.panel, e.clock.Now().Add(7 * 24 * time.Hour), []p.ID{e.topic}}}
		},
		"panel.HoldMeeting": func(e *fieldsEnv) fieldCall {
			m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, e.panel, e.clock.Now(), nil)
			e.must(m, err)
			return fieldCall{e.panels.HoldMeeting, coordinator, []any{m.ID, e.members[:7]}}
		},
		"panel.WriteMinutes": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.WriteMinutes, e.memberActor(1), []any{e.meeting, "Käsiteltiin odotusaikoja."}}
		},
		"panel.AdoptStatement": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.panels.AdoptStatement, coordinator, []any{panel.StatementInput{Meeting: e.meeting, Topic: e.topic, Text: "Raati esittää takaisinsoittoa."}}}
		},
		"panel.AnswerStatement": func(e *fieldsEnv) fieldCall {
			st, err := e.panels.AdoptStatement(e.ctx, coordinator, panel.StatementInput{Meeting: e.meeting, Text: "Raati esittää takaisinsoittoa."})
			e.must(st, err)
			return fieldCall{e.panels.AnswerStatement, manager, []any{st.ID, p.PartlyAdopted, "Yksi yksikkö ensin", "Takaisinsoitto alkaa Hervannassa."}}
		},
		"panel.DrawLot": func(e *fieldsEnv) fieldCall {
			var vs []panel.LotVolunteer
			for i := 0; i < 4; i++ {
				vs = append(vs, panel.LotVolunteer{Volunteer: panel.Volunteer{Person: e.person(94 + i), Service: []string{"kotihoito", "omaishoito"}[i%2], Type: panel.MemberClient}, Name: fmt.Sprintf("Vapaaehtoinen %d", i)})
			}
			return fieldCall{e.panels.DrawLot, coordinator, []any{panel.LotInput{Panel: e.panel, Volunteers: vs, Seats: 2, Seed: 7}}}
		},

		// Feedback.
		"feedback.DefineTheme": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.DefineTheme, coordinator, []any{feedback.Theme{Code: "pysakointi", Labels: p.Labels{Fi: "Pysäköinti", Sv: "Parkering", En: "Parking"}, Task: feedback.TaskKnowledge}}}
		},
		"feedback.RegisterDevice": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.RegisterDevice, coordinator, []any{feedback.DeviceInput{Service: "neuvola", Point: "aula",
				FollowUp: &feedback.FollowUp{Question: feedback.Text{"fi": "Mikä vaikutti?"}, Options: []feedback.Text{{"fi": "Odotus"}, {"fi": "Kohtelu"}}}}}}
		},
		"feedback.Press": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.Press, e.deviceActor(), []any{e.device, feedback.Press{Rating: feedback.Happy}}}
		},
		"feedback.PressBatch": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.PressBatch, e.deviceActor(), []any{e.device, []feedback.Press{{Rating: feedback.Happy, At: e.clock.Now().Add(-time.Hour)}, {Rating: feedback.Unhappy}}}}
		},
		"feedback.Submit": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.Submit, p.Anonymous, []any{feedback.Submission{Channel: feedback.EForm, Service: "neuvola", Themes: []string{"odotus"},
				Rating: feedback.Happy, Text: "Hyvä palvelu", WantReceipt: true, Reply: &feedback.ReplyRequest{Contact: "asiakas@example.fi"}}}}
		},
		"feedback.Reply": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.Reply, staff, []any{e.item, p.Adopted, "", "Kiitos, korjasimme opasteen."}}
		},
		"feedback.CreateSurvey": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.fb.CreateSurvey, coordinator, []any{e.surveyInput()}}
		},
		"feedback.AnswerSurvey": func(e *fieldsEnv) fieldCall {
			v := 9
			return fieldCall{e.fb.AnswerSurvey, p.Anonymous, []any{e.survey, []feedback.Answer{{Question: "suositus", Value: &v}, {Question: "terveiset", Text: "Kiitos"}}}}
		},

		// Experience experts.
		"expert.Register": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.experts.Register, coordinator, []any{expert.Registration{Person: e.person(98), Kind: expert.KindExpert, Languages: []string{"fi", "sv"},
				Profile: expert.Profile{Name: "Asiantuntija", Backgrounds: []expert.Background{expert.ServiceUse}, Areas: []string{"paihdepalvelut"}, Phone: "040 1234567", Email: "a@example.fi"},
				Consent: expert.Consent{Purpose: "Tehtävien tarjoaminen"}}}}
		},
		"expert.AddCourse": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.experts.AddCourse, coordinator, []any{e.expert, expert.Course{Name: "Kokemusasiantuntijakoulutus", Provider: "Järjestö", Completed: e.clock.Now().Add(-24 * time.Hour)}}}
		},
		"expert.RecordPathway": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.experts.RecordPathway, coordinator, []any{e.expert, expert.StepDeveloperClient, e.clock.Now()}}
		},
		"expert.RequestAssignment": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.experts.RequestAssignment, staff, []any{expert.Request{Type: expert.TrainingProfessionals, Unit: "aikuissosiaalityo", Date: e.clock.Now().Add(7 * 24 * time.Hour),
				Need: expert.Need{Background: expert.ServiceUse, Area: "paihdepalvelut", Language: "fi"}, Level: p.LevelDevelopment, Scope: p.ScopeServices}}}
		},
		"expert.Complete": func(e *fieldsEnv) fieldCall {
			e.must(nil, e.experts.Offer(e.ctx, coordinator, e.assignment, e.expert))
			e.must(nil, e.experts.Accept(e.ctx, p.Actor{ID: e.expert, Role: p.RoleExpert}, e.assignment))
			return fieldCall{e.experts.Complete, staff, []any{e.assignment, 2.5, 1200}}
		},
		"expert.Cancel": func(e *fieldsEnv) fieldCall {
			return fieldCall{e.experts.Cancel, staff, []any{e.assignment, "Koulutus siirtyi"}}
		},
	}
}

// mutation is one value to spoil: argument arg, at path, made over-long
// ("long") or not UTF-8 ("utf8").
type mutation struct {
	arg  int
	path []string
	kind string
}

// walkValues calls visit for every text, list and map in v, depth first,
// with its path of parameter and field names. It goes into exported
// struct fields, non-nil pointers and the first element of lists.
func walkValues(v reflect.Value, path []string, visit func(path []string, v reflect.Value)) {
	switch v.Kind() {
	case reflect.String, reflect.Int, reflect.Int64, reflect.Uint64, reflect.Float64:
		visit(path, v)
	case reflect.Slice:
		visit(path, v)
		if v.Len() > 0 {
			walkValues(v.Index(0), append(path, "0"), visit)
		}
	case reflect.Map:
		visit(path, v)
		for _, k := range sortedKeys(v) {
			visit(append(path, k.String()), v.MapIndex(k))
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkValues(v.Elem(), path, visit)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			return
		}
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name := f.Name
			if f.Anonymous {
				walkValues(v.Field(i), path, visit)
				continue
			}
			walkValues(v.Field(i), append(path, name), visit)
		}
	}
}

func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	return keys
}

// spoilt returns the arguments of call, after the context and the actor,
// with the one value that m names spoilt.
func spoilt(e *fieldsEnv, call fieldCall, params []string, m mutation) []reflect.Value {
	e.t.Helper()
	args := []reflect.Value{reflect.ValueOf(e.ctx), reflect.ValueOf(call.actor)}
	for i, a := range call.args {
		v := reflect.New(reflect.TypeOf(a)).Elem()
		v.Set(deepCopy(reflect.ValueOf(a)))
		if i == m.arg {
			require.True(e.t, mutate(v, []string{params[i]}, m), "%v: spoil %s", m.path, m.kind)
		}
		args = append(args, v)
	}
	return args
}

// spoilings are the ways a value of kind k is spoilt.
func spoilings(k reflect.Kind) []string {
	switch k {
	case reflect.String:
		return []string{"long", "utf8"}
	case reflect.Slice, reflect.Map:
		return []string{"long"}
	case reflect.Int, reflect.Int64:
		return []string{"negative", "huge"}
	case reflect.Uint64:
		return []string{"huge"}
	case reflect.Float64:
		return []string{"negative", "huge", "nan", "infinite"}
	}
	return nil
}

// mutate spoils the value of v at m.path (v is at path) and reports
// whether it found it and the spoiling applies to its kind.
func mutate(v reflect.Value, path []string, m mutation) bool {
	applied := false
	walkValues(v, path, func(at []string, x reflect.Value) {
		if applied || !slices.Equal(at, m.path) {
			return
		}
		switch x.Kind() {
		case reflect.Int, reflect.Int64:
			if !x.CanSet() {
				return
			}
			x.SetInt(map[string]int64{"negative": -1, "huge": math.MaxInt64}[m.kind])
			applied = true
		case reflect.Uint64:
			if x.CanSet() {
				x.SetUint(math.MaxUint64)
				applied = true
			}
		case reflect.Float64:
			if x.CanSet() {
				x.SetFloat(map[string]float64{"negative": -1, "huge": math.MaxFloat64, "nan": math.NaN(), "infinite": math.Inf(1)}[m.kind])
				applied = true
			}
		case reflect.String:
			if !x.CanSet() {
				// A map value: replace it through its map, found by the
				// path's last key.
				setMapValue(v, path, m, spoilString(x.String(), m.kind))
				applied = true
				return
			}
			x.SetString(spoilString(x.String(), m.kind))
			applied = true
		case reflect.Slice:
			if m.kind != "long" {
				return
			}
			n := x.Len()
			grown := reflect.MakeSlice(x.Type(), 0, longList)
			grown = reflect.AppendSlice(grown, x)
			for i := n; i < longList; i++ {
				if n > 0 {
					grown = reflect.Append(grown, x.Index(i%n))
				} else {
					grown = reflect.Append(grown, reflect.Zero(x.Type().Elem()))
				}
			}
			x.Set(grown)
			applied = true
		case reflect.Map:
			if m.kind != "long" || x.Type().Key().Kind() != reflect.String || x.Type().Elem().Kind() != reflect.String {
				return
			}
			grown := reflect.MakeMap(x.Type())
			for _, k := range x.MapKeys() {
				grown.SetMapIndex(k, x.MapIndex(k))
			}
			for i := 0; i < 100; i++ {
				tag := string([]byte{'a' + byte(i/26%26), 'a' + byte(i%26), 'q'})
				grown.SetMapIndex(reflect.ValueOf(tag).Convert(x.Type().Key()), reflect.ValueOf("teksti").Convert(x.Type().Elem()))
			}
			x.Set(grown)
			applied = true
		}
	})
	return applied
}

// setMapValue sets the map entry at m.path (its last element the key).
func setMapValue(v reflect.Value, path []string, m mutation, s string) {
	parent := m.path[:len(m.path)-1]
	key := m.path[len(m.path)-1]
	walkValues(v, path, func(at []string, x reflect.Value) {
		if x.Kind() == reflect.Map && slices.Equal(at, parent) {
			x.SetMapIndex(reflect.ValueOf(key).Convert(x.Type().Key()), reflect.ValueOf(s).Convert(x.Type().Elem()))
		}
	})
}

// controlRunes are characters that names and codes refuse (PRIV-4): C0
// controls, DEL, a C1 control, and bidirectional overrides, isolates and
// marks, which make a name read differently from what it is.
var controlRunes = []rune{0x00, 0x07, 0x09, 0x1b, 0x7f, 0x85, 0x9b, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069}

// nameFields are the last path elements of names, codes, services and
// contact details: the fields that refuse control and bidi characters.
var nameFields = []string{"name", "unit", "service", "code", "point", "themes", "key", "question", "languages", "language",
	"areas", "area", "module", "kind", "answeringparty", "provider", "phone", "email", "contact", "labels", "address"}

// isNameField reports whether the value at path is a name or a code: its
// own name, or for a list element its list's, is one of nameFields; a
// label in one language is a name too.
func isNameField(path []string) bool {
	last := len(path) - 1
	if last > 0 && path[last] == "0" {
		last-- // a list element: its list's name
	}
	name := strings.ToLower(path[last])
	if len(name) <= 3 && last > 0 {
		// A language key: a label's name in that language is a name; a
		// question's or an option's text is free text.
		return strings.ToLower(path[last-1]) == "labels"
	}
	return slices.Contains(nameFields, name)
}

// isTextSpoiling reports whether a spoiling is of text (refused in the
// one store), not a number.
func isTextSpoiling(kind string) bool {
	return kind == "long" || kind == "utf8" || strings.HasPrefix(kind, "control")
}

// longList is the length of an over-long list: above every limit of the
// library, the largest being a device's batch of presses.
const longList = 10_000

func spoilString(s, kind string) string {
	if kind == "utf8" {
		return s + "\xff\xfe"
	}
	var r rune
	if _, err := fmt.Sscanf(kind, "control U+%X", &r); err == nil {
		return s[:len(s)/2] + string(r) + s[len(s)/2:]
	}
	return s + strings.Repeat("a", 70_000)
}

// deepCopy copies v with its lists, maps and pointers, so that spoiling
// the copy leaves the valid arguments as they were.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(deepCopy(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMap(v.Type())
		for _, k := range v.MapKeys() {
			out.SetMapIndex(k, deepCopy(v.MapIndex(k)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(deepCopy(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v)
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				out.Field(i).Set(deepCopy(v.Field(i)))
			}
		}
		return out
	}
	return v
}

// saysWhatToFix reports whether a refusal of an over-long value tells
// what would be accepted: a limit (a number), a choice of values, or
// that the value names nothing defined.
func saysWhatToFix(msg string) bool {
	return regexp.MustCompile(`\d`).MatchString(msg) || strings.Contains(msg, " or ") || strings.Contains(msg, "; use ") || strings.Contains(msg, " takes ") ||
		strings.Contains(msg, "not defined") || strings.Contains(msg, "has no ")
}

func callErr(out []reflect.Value) error {
	last := out[len(out)-1]
	if last.IsNil() {
		return nil
	}
	return last.Interface().(error)
}

// namesField reports whether an error's field names the value at path:
// its own name, or, for a list element or a map entry, its list's or
// map's name.
func namesField(field string, path []string) bool {
	f := strings.ToLower(field)
	for i := len(path) - 1; i >= 0; i-- {
		name := strings.ToLower(path[i])
		if name == "0" || len(name) <= 3 && i == len(path)-1 && i > 0 {
			continue // a list index or a language key
		}
		return strings.Contains(f, name)
	}
	return false
}

// command is one command read from the source.
type command struct {
	name   string
	params []string // names of the parameters after the actor
	types  []string
	plain  bool // only ids, numbers, booleans and times
}

// readCommands lists every exported function or method of the library's
// modules that takes an Actor, with its parameters after the actor.
func readCommands(t *testing.T) []command {
	var out []command
	for _, dir := range []string{"participation", "panel", "feedback", "expert"} {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, filepath.Join("..", dir), func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		require.NoError(t, err)
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					fn, ok := d.(*ast.FuncDecl)
					if !ok || !fn.Name.IsExported() || fn.Name.Name == "Exec" || fn.Name.Name == "Authorize" {
						continue
					}
					c, ok := commandOf(dir, fn)
					if ok {
						out = append(out, c)
					}
				}
			}
		}
	}
	require.Greater(t, len(out), 50)
	return out
}

func commandOf(dir string, fn *ast.FuncDecl) (command, bool) {
	c := command{name: dir + "." + fn.Name.Name, plain: true}
	seenActor := false
	for _, field := range fn.Type.Params.List {
		typ := types(field.Type)
		if !seenActor {
			if typ == "Actor" || typ == "p.Actor" {
				seenActor = true
			}
			continue
		}
		names := field.Names
		for _, n := range names {
			c.params = append(c.params, n.Name)
			c.types = append(c.types, typ)
			switch typ {
			case "ID", "p.ID", "bool", "int", "float64", "uint64", "time.Time":
			default:
				c.plain = false
			}
		}
	}
	return c, seenActor
}

func types(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return types(x.X) + "." + x.Sel.Name
	case *ast.ArrayType:
		return "[]" + types(x.Elt)
	case *ast.StarExpr:
		return "*" + types(x.X)
	}
	return fmt.Sprintf("%T", e)
}

// fieldsEnv is a store with one of everything a command may need.
type fieldsEnv struct {
	t       *testing.T
	ctx     context.Context
	s       *p.Store
	clock   *p.ManualClock
	panels  *panel.Panels
	fb      *feedback.Service
	experts *expert.Service

	contribution, process, goal              p.ID
	panel, topic, meeting                    p.ID
	members                                  []p.ID
	device, item, survey, expert, assignment p.ID
	deviceKey                                p.ID
	persons                                  map[int]p.ID
}

func newFieldsEnv(t *testing.T) *fieldsEnv { return newFieldsEnvWith(t, nil) }

// newFieldsEnvWith is newFieldsEnv with the policy's roles overridden.
func newFieldsEnvWith(t *testing.T, roles map[p.Action][]p.Role) *fieldsEnv {
	clock := p.NewManualClock(t0)
	s, err := p.Open(context.Background(), &p.Config{Clock: clock, Roles: roles,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	e := &fieldsEnv{t: t, ctx: context.Background(), s: s, clock: clock, panels: panel.New(s), fb: feedback.New(s), experts: expert.New(s), persons: map[int]p.ID{}}

	c, err := s.Submit(e.ctx, client, input("Iltavastaanotto"))
	e.must(c, err)
	e.contribution = c.ID
	x, err := s.StartProcess(e.ctx, staff, p.ProcessInput{Title: "Vastaanottomalli", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	e.must(x, err)
	e.process = x.ID
	e.must(nil, s.JoinProcess(e.ctx, staff, x.ID, p.Participant{Person: client.ID, Role: p.ProcessDeveloperClient}))
	g, err := s.WriteGoal(e.ctx, client, "Löydän työpaikan", "Haen kolmea paikkaa viikossa")
	e.must(g, err)
	e.goal = g.ID

	// A constituted panel: ten members, chair, secretary; a topic and an
	// official meeting.
	pn, err := e.panels.Create(e.ctx, coordinator, panel.PanelInput{Name: "Aikuissosiaalityön asiakasraati", Kind: panel.KindClientPanel,
		Unit: "aikuissosiaalityo", Coordinator: coordinator.ID, AnsweringParty: "Palvelujohto"})
	e.must(pn, err)
	e.panel = pn.ID
	for i := 0; i < 10; i++ {
		m, err := e.panels.AddMember(e.ctx, coordinator, panel.MemberInput{Panel: pn.ID, Person: e.person(i), Type: panel.MemberClient,
			Service: []string{"sosiaalinen_kuntoutus", "paihdepalvelut"}[i%2], Name: fmt.Sprintf("Jäsen %d", i)})
		e.must(m, err)
		e.members = append(e.members, m.ID)
	}
	e.must(nil, e.panels.Appoint(e.ctx, coordinator, pn.ID, panel.Chair, e.members[0]))
	e.must(nil, e.panels.Appoint(e.ctx, coordinator, pn.ID, panel.Secretary, e.members[1]))
	tp, err := e.panels.RaiseTopic(e.ctx, e.memberActor(2), panel.TopicInput{Panel: pn.ID, Title: "Odotusajat"})
	e.must(tp, err)
	e.topic = tp.ID
	m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, pn.ID, clock.Now(), []p.ID{tp.ID})
	e.must(m, err)
	m, err = e.panels.HoldMeeting(e.ctx, coordinator, m.ID, e.members[:7])
	e.must(m, err)
	e.meeting = m.ID

	// Feedback: a theme, a device, an item that asked for a reply, a survey.
	e.must(nil, e.fb.DefineTheme(e.ctx, coordinator, feedback.Theme{Code: "odotus", Labels: p.Labels{Fi: "Odotus", Sv: "Väntan", En: "Waiting"}, Task: feedback.TaskKnowledge}))
	dev, err := e.fb.RegisterDevice(e.ctx, coordinator, feedback.DeviceInput{Service: "neuvola", Point: "aula"})
	e.must(dev, err)
	e.device = dev.ID
	res, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "neuvola", Rating: feedback.Unhappy,
		Text: "Opasteet puuttuvat", Reply: &feedback.ReplyRequest{Contact: "asiakas@example.fi"}})
	e.must(res, err)
	e.item = res.Item
	endHour(t, s, clock)
	sv, err := e.fb.CreateSurvey(e.ctx, coordinator, e.surveyInput())
	e.must(sv, err)
	e.survey = sv.ID

	// An expert with an assignment offered.
	ex, err := e.experts.Register(e.ctx, coordinator, expert.Registration{Person: e.person(50), Kind: expert.KindExpert, Languages: []string{"fi"},
		Profile: expert.Profile{Name: "Asiantuntija", Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "Tehtävät"}})
	e.must(ex, err)
	e.expert = ex.ID
	a, err := e.experts.RequestAssignment(e.ctx, staff, expert.Request{Type: expert.TrainingProfessionals, Unit: "aikuissosiaalityo", Date: clock.Now().Add(48 * time.Hour)})
	e.must(a, err)
	e.assignment = a.ID
	return e
}

func (e *fieldsEnv) must(_ any, err error) {
	e.t.Helper()
	require.NoError(e.t, err)
}

// person returns the id of the n-th person of the environment.
func (e *fieldsEnv) person(n int) p.ID {
	return p.MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012d", 5000+n))
}

// memberActor is the i-th panel member acting as a client.
func (e *fieldsEnv) memberActor(i int) p.Actor { return p.Actor{ID: e.person(i), Role: p.RoleClient} }

func (e *fieldsEnv) deviceActor() p.Actor { return p.Actor{ID: e.device, Role: p.RoleDevice} }

func (e *fieldsEnv) surveyInput() feedback.SurveyInput {
	return feedback.SurveyInput{Title: feedback.Text{"fi": "Palautekysely"}, Service: "neuvola", Themes: []string{"odotus"},
		Questions: []feedback.Question{
			{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}},
			{Key: "valinta", Type: feedback.SingleChoice, Text: feedback.Text{"fi": "Mikä auttoi?"}, Options: []feedback.Text{{"fi": "Neuvonta"}, {"fi": "Aika"}}},
			{Key: "terveiset", Type: feedback.FreeText, Text: feedback.Text{"fi": "Terveiset"}},
		},
		Closes: e.clock.Now().Add(30 * 24 * time.Hour)}
}
