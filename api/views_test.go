package api_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

// as switches the app's role.
func as(t *testing.T, a *api.App, role string) {
	t.Helper()
	call(t, a, "session.role", map[string]string{"role": role})
}

// refused calls a method that must fail, and returns its error.
func refused(t *testing.T, a *api.App, method string, arg any) *api.Error {
	t.Helper()
	b, _ := json.Marshal(arg)
	_, err := a.Call(method, b)
	require.NotNil(t, err, "%s should be refused", method)
	return err
}

// TestViews drives the JSON methods behind the page's views of
// co-development, clients' goals, family consent and the journal, each
// in the roles allowed and refused to the others.
func TestViews(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)

	t.Run("PART-3_closing_summary_answers_linked_inputs", func(t *testing.T) {
		as(t, a, "client")
		e := refused(t, a, "codev.start", map[string]string{"title": "Iltavastaanotto"})
		assert.Equal(t, "forbidden", e.Code)
		assert.Equal(t, "codev.start", e.Action, "the refusal names the action")
		as(t, a, "staff")
		proc := call(t, a, "codev.start", map[string]string{"title": "Iltavastaanotto"})
		id := proc["id"].(string)
		call(t, a, "codev.idea", map[string]string{"process": id, "title": "Tiistai-ilta"})
		call(t, a, "codev.log", map[string]string{"process": id, "decision": "Kokeillaan", "why": "Raati toivoi"})
		e = refused(t, a, "codev.close", map[string]string{"process": id, "summary": "Kokeiltiin"})
		assert.Equal(t, "forbidden", e.Code, "staff may not close a process")
		as(t, a, "coordinator")
		e = refused(t, a, "codev.close", map[string]string{"process": id, "summary": "Kokeiltiin"})
		assert.Equal(t, "conflict", e.Code, "a process closes only in evaluation")
		call(t, a, "codev.advance", map[string]string{"process": id})
		call(t, a, "codev.advance", map[string]string{"process": id})
		e = refused(t, a, "codev.close", map[string]string{"process": id})
		assert.Equal(t, "summary", e.Field, "a process closes only with a results summary")
		call(t, a, "codev.close", map[string]string{"process": id, "summary": "Iltavastaanotto jatkuu", "decision": "adopted"})
		list := call(t, a, "codev.list", nil)
		ps := list["processes"].([]any)
		require.Len(t, ps, 1)
		x := ps[0].(map[string]any)
		assert.Equal(t, "closed", x["phase"])
		assert.Equal(t, "Iltavastaanotto jatkuu", x["summary"])
		require.Len(t, x["log"], 1)
		linked := x["linked"].([]any)
		require.Len(t, linked, 1)
		l := linked[0].(map[string]any)
		assert.Equal(t, "reported_back", l["state"])
		assert.Equal(t, "Iltavastaanotto jatkuu", l["response"], "the summary answers the linked input")
	})

	t.Run("PART-4_goal_is_the_clients_own", func(t *testing.T) {
		as(t, a, "staff")
		e := refused(t, a, "goal.write", map[string]string{"text": "Oma asunto", "ownRole": "Haen"})
		assert.Equal(t, "forbidden", e.Code)
		as(t, a, "panel_member") // another client than the page's client: no panel, a stand-in
		other := call(t, a, "goal.write", map[string]string{"text": "Työkokeilu", "ownRole": "Käyn haastattelussa"})
		as(t, a, "client")
		e = refused(t, a, "goal.write", map[string]string{"text": "Oma asunto"})
		assert.Equal(t, "ownRole", e.Field, "the client's own role is asked for")
		g := call(t, a, "goal.write", map[string]string{"text": "Oma asunto", "ownRole": "Haen asuntoja"})
		id := g["id"].(string)
		e = refused(t, a, "goal.replan", map[string]string{"goal": other["id"].(string), "text": "Muu", "ownRole": "Muu", "why": "Muu"})
		assert.Equal(t, "forbidden", e.Code, "a client rewords only their own goal")
		assert.Equal(t, "goal.replan", e.Action)
		call(t, a, "goal.replan", map[string]string{"goal": id, "text": "Vuokra-asunto", "ownRole": "Haen kahta asuntoa viikossa", "why": "Tarkennus"})
		as(t, a, "staff")
		call(t, a, "goal.support", map[string]string{"goal": id, "support": "Autan hakemuksessa"})
		call(t, a, "goal.progress", map[string]string{"goal": id, "note": "Kaksi hakemusta"})
		call(t, a, "goal.reach", map[string]string{"goal": id})
		list := call(t, a, "goal.list", nil)
		gs := list["goals"].([]any)
		require.Len(t, gs, 2)
		mine := gs[0].(map[string]any)
		assert.Equal(t, true, mine["own"], "the page's client's goals come first")
		assert.Equal(t, "Vuokra-asunto", mine["text"])
		assert.Equal(t, "reached", mine["state"])
		require.Len(t, mine["plans"], 1, "the earlier wording is kept")
		assert.Equal(t, "Oma asunto", mine["plans"].([]any)[0].(map[string]any)["text"])
		assert.Equal(t, []any{"active", "reached"}, keys(list["states"].(map[string]any)), "no failed state")
	})

	t.Run("PART-5_family_takes_part_within_consent", func(t *testing.T) {
		as(t, a, "family_member")
		e := refused(t, a, "family.takePart", map[string]string{"scope": "planning"})
		assert.Equal(t, "no_consent", e.Code)
		e = refused(t, a, "family.grant", map[string]any{"scopes": []string{"planning"}})
		assert.Equal(t, "forbidden", e.Code, "the family member does not consent for the client")
		as(t, a, "client")
		c := call(t, a, "family.grant", map[string]any{"scopes": []string{"planning"}, "days": 30})
		as(t, a, "family_member")
		call(t, a, "family.takePart", map[string]string{"scope": "planning"})
		e = refused(t, a, "family.takePart", map[string]string{"scope": "meetings"})
		assert.Equal(t, "no_consent", e.Code, "only within the consent's scope")
		list := call(t, a, "family.list", nil)
		assert.Equal(t, map[string]any{"planning": true, "meetings": false, "information": false}, list["inForce"])
		as(t, a, "client")
		call(t, a, "family.withdraw", map[string]string{"consent": c["id"].(string)})
		as(t, a, "family_member")
		e = refused(t, a, "family.takePart", map[string]string{"scope": "planning"})
		assert.Equal(t, "no_consent", e.Code, "not after withdrawal")
		assert.Contains(t, e.Message, "withdrawn")
	})

	t.Run("PANEL-9_stratified_lot_with_its_seed", func(t *testing.T) {
		as(t, a, "coordinator")
		draw := func() map[string]any {
			pv := call(t, a, "panel.create", map[string]string{"name": "Arvottu raati", "unit": "aikuissosiaalityo"})
			id := pv["panel"].(map[string]any)["id"].(string)
			return call(t, a, "panel.drawLot", map[string]any{"panel": id, "volunteers": 12, "seats": 6, "seed": 2026})
		}
		lot := draw()
		require.Len(t, lot["chosen"], 6)
		assert.Equal(t, map[string]any{"aikuissosiaalityo": 3.0, "paihdepalvelut": 2.0, "asumispalvelut": 1.0}, lot["allocation"], "seats follow each service's share of the volunteers")
		again := draw()
		assert.Equal(t, lot["chosen"], again["chosen"], "the same seed draws the same")
		as(t, a, "staff")
		before := call(t, a, "state", nil)["events"]
		e := refused(t, a, "panel.drawLot", map[string]any{"panel": lot["panel"], "volunteers": 12, "seats": 6})
		assert.Equal(t, "forbidden", e.Code)
		assert.Equal(t, "panel.draw_lot", e.Action)
		assert.Equal(t, before, call(t, a, "state", nil)["events"], "a refused draw writes nothing")
		as(t, a, "coordinator")
		assert.Len(t, call(t, a, "panel.lots", nil)["list"], 2)
	})

	t.Run("journal_verified_and_counted", func(t *testing.T) {
		st := call(t, a, "state", nil)
		j := call(t, a, "journal.verify", nil)
		assert.Equal(t, true, j["verified"])
		assert.Equal(t, st["events"], j["events"])
		n := 0.0
		for _, c := range j["types"].(map[string]any) {
			n += c.(float64)
		}
		assert.Equal(t, st["events"], n, "every event counted by its type")
	})
}

func keys(m map[string]any) []any {
	out := []any{}
	for _, k := range []string{"active", "reached", "failed"} {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

// TestSurvey creates a survey in the national shape (FB-8) as the
// coordinator, refused to staff, answers it anonymously, and reads the
// results: a count under five is hidden (FB-5), and shown from five on.
func TestSurvey(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	t.Run("FB-8_national_shape_and_suppressed_results", func(t *testing.T) {
		as(t, a, "staff")
		e := refused(t, a, "survey.createNational", nil)
		assert.Equal(t, "forbidden", e.Code)
		as(t, a, "coordinator")
		s := call(t, a, "survey.createNational", nil)
		id := s["id"].(string)
		assert.Equal(t, true, s["national"])
		var keys []string
		for _, q := range s["questions"].([]any) {
			keys = append(keys, q.(map[string]any)["key"].(string))
		}
		assert.Equal(t, []string{"recommendation", "basic_access", "basic_met_and_part", "basic_safety", "basic_information", "basic_usefulness", "own_1", "open"}, keys)
		e = refused(t, a, "survey.answer", map[string]any{"survey": id, "answers": []any{map[string]any{"question": "recommendation", "value": 11}}})
		assert.Equal(t, "invalid", e.Code, "a recommendation is 0 to 10")
		results := func() map[string]any {
			l := call(t, a, "survey.list", nil)["surveys"].([]any)
			require.Len(t, l, 1)
			return l[0].(map[string]any)
		}
		for i := 0; i < 4; i++ {
			call(t, a, "survey.answer", map[string]any{"survey": id, "answers": []any{map[string]any{"question": "recommendation", "value": 9}, map[string]any{"question": "basic_access", "value": 4}}})
		}
		call(t, a, "clock.nextHour", nil)
		r := results()
		assert.Equal(t, true, r["responses"].(map[string]any)["suppressed"], "four responses are hidden")
		call(t, a, "survey.answer", map[string]any{"survey": id, "answers": []any{map[string]any{"question": "recommendation", "value": 10}}})
		call(t, a, "clock.nextHour", nil)
		r = results()
		assert.Equal(t, 5.0, r["responses"].(map[string]any)["value"], "five responses are shown")
	})
}

// TestAssignments: an assignment goes from request to payment, each step
// by the role the policy allows (EXP-4, EXP-7), and the payroll shows its
// hours and fee; a role that may not take a step is refused and nothing
// changes.
func TestAssignments(t *testing.T) {
	a, err := api.Open("", "")
	require.NoError(t, err)
	call(t, a, "sample", map[string]any{"lang": "fi"})
	step := func(role, method string, arg map[string]any) map[string]any {
		t.Helper()
		call(t, a, "session.role", map[string]any{"role": role})
		return call(t, a, method, arg)
	}
	res := step("staff", "expert.request", map[string]any{"type": "individual_meeting"})
	list := res["list"].([]any)
	require.NotEmpty(t, list)
	first := list[0].(map[string]any)
	id := first["id"].(string)
	assert.Equal(t, "requested", first["state"])

	call(t, a, "session.role", map[string]any{"role": "client"})
	_, cerr := a.Call("expert.offer", []byte(`{"assignment":"`+id+`"}`))
	require.NotNil(t, cerr)
	assert.Equal(t, "forbidden", cerr.Code, "EXP-4: a client does not offer assignments")

	res = step("coordinator", "expert.offer", map[string]any{"assignment": id})
	offered := res["list"].([]any)[0].(map[string]any)
	assert.Equal(t, "offered", offered["state"])
	assert.NotEmpty(t, offered["expertName"], "offered to a named expert")
	res = step("experience_expert", "expert.accept", map[string]any{"assignment": id})
	assert.Equal(t, "accepted", res["list"].([]any)[0].(map[string]any)["state"])
	res = step("staff", "expert.complete", map[string]any{"assignment": id, "hours": 2.5})
	assert.Equal(t, "completed", res["list"].([]any)[0].(map[string]any)["state"])
	res = step("manager", "expert.pay", map[string]any{"assignment": id})
	assert.Equal(t, "paid", res["list"].([]any)[0].(map[string]any)["state"])
	found := false
	for _, r := range res["payroll"].([]any) {
		row := r.(map[string]any)
		if row["name"] == offered["expertName"] {
			found = true
			assert.GreaterOrEqual(t, row["hours"].(float64), 2.5, "EXP-7: the hours are in the payroll")
			assert.Greater(t, row["fees"].(float64), 0.0)
		}
	}
	assert.True(t, found, "EXP-7: the expert is on the payroll")
}
