//go:build !js

package participation_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestSubmitActsOnlyAsItself reproduces what a client could do through
// contribution.submit before the kernel checked identity (PRIV-3): put
// another client's id among the contributors, and forge
// organisation-origin panel topics that tip a panel into the
// organisation_led warning.
func TestSubmitActsOnlyAsItself(t *testing.T) {
	t.Run("PRIV-3_client_cannot_name_another_contributor", func(t *testing.T) {
		e := newFieldsEnv(t)
		other := e.person(70)
		in := input("Toisen nimissä")
		in.Contributors = []p.ID{other}
		before, _ := e.s.Head()
		_, err := e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "%v", err)
		after, _ := e.s.Head()
		assert.Equal(t, before, after, "nothing journalled")
		theirs, err := p.ContributionsOf(e.s.View(), other)
		require.NoError(t, err)
		assert.Empty(t, theirs, "nothing appears in the other client's own list")

		in.Contributors = []p.ID{client.ID, other}
		_, err = e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "with themselves and another: %v", err)
	})

	t.Run("PRIV-3_client_cannot_write_a_title_as_another", func(t *testing.T) {
		e := newFieldsEnv(t)
		in := input("Toisen sanoin")
		in.Writer = e.person(72)
		before, _ := e.s.Head()
		_, err := e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "a title sealed under another person's key: %v", err)
		after, _ := e.s.Head()
		assert.Equal(t, before, after, "nothing journalled")
		in.Writer = client.ID
		_, err = e.s.Submit(e.ctx, client, in)
		assert.NoError(t, err, "their own title")
	})

	t.Run("PRIV-3_client_cannot_forge_organisation_panel_topics", func(t *testing.T) {
		e := newFieldsEnv(t)
		_, err := e.panels.RaiseTopic(e.ctx, coordinator, panel.TopicInput{Panel: e.panel, Title: "Organisaation aihe"})
		require.NoError(t, err)
		share := func() (int, int) {
			ind, err := p.LoopIndicators(e.s.View(), p.IndicatorFilter{Group: &e.panel})
			require.NoError(t, err)
			for _, i := range ind {
				if i.Key == p.IndicatorMemberTopics {
					return i.Numerator, i.Denominator
				}
			}
			t.Fatal("no member topic share")
			return 0, 0
		}
		n, d := share()
		require.Equal(t, [2]int{1, 2}, [2]int{n, d}, "one topic from a member, one from the organisation")
		outsider := p.Actor{ID: e.person(71), Role: p.RoleClient}
		refused := 0
		for range 6 {
			_, err := e.s.Submit(e.ctx, outsider, p.ContributionInput{Source: p.Source{Module: "panel", Kind: "topic"}, Level: p.LevelDialogue,
				Origin: p.OriginOrganisation, Unit: "aikuissosiaalityo", Title: "Väärennetty aihe", Group: e.panel})
			if p.ErrorCode(err) == p.EFORBIDDEN {
				refused++
			}
		}
		assert.Equal(t, 6, refused, "every forged topic is refused")
		n, d = share()
		assert.Equal(t, [2]int{1, 2}, [2]int{n, d}, "the member topic share is as before")
	})

	t.Run("PRIV-3_client_submits_with_the_client_origin", func(t *testing.T) {
		e := newFieldsEnv(t)
		in := input("Organisaation nimissä")
		in.Origin = p.OriginOrganisation
		_, err := e.s.Submit(e.ctx, client, in)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "%v", err)
		in = input("Ilman nimiä")
		in.Contributors = nil
		c, err := e.s.Submit(e.ctx, client, in)
		require.NoError(t, err)
		assert.Equal(t, []p.ID{client.ID}, c.Contributors, "no contributors given means the client themselves")
		assert.Empty(t, c.RecordedBy, "the client submitted it themselves")
	})

	t.Run("PRIV-3_staff_submitting_for_a_client_is_recorded_as_such", func(t *testing.T) {
		e := newFieldsEnv(t)
		before, _ := e.s.Head()
		c, err := e.s.Submit(e.ctx, staff, input("Kirjattu asiakkaan puolesta"))
		require.NoError(t, err)
		assert.Equal(t, p.RoleStaff, c.RecordedBy)
		mine, err := p.ContributionsOf(e.s.View(), client.ID)
		require.NoError(t, err)
		assert.True(t, slices.ContainsFunc(mine, func(x *p.Contribution) bool { return x.ID == c.ID && x.RecordedBy == p.RoleStaff }),
			"the client sees in their own list that a worker entered it")
		ev, err := e.s.Subscribe(before + 1).Next(e.ctx)
		require.NoError(t, err)
		assert.Equal(t, "contribution.received", ev.Type)
		assert.Contains(t, string(ev.Data), `"recordedBy":"staff"`, "the journalled event says so")
	})
}

// identityCase acts as someone else with one action (other, run as an
// actor that is not the person the thing belongs to), and then as the
// rightful person (own), which must succeed: the refusal was about who
// acted, not about the arguments.
type identityCase struct {
	setup func(e *fieldsEnv) // before either call, journalled before the check
	other func(e *fieldsEnv, as p.Actor) error
	own   func(e *fieldsEnv) error
	code  string // the refusal's code; forbidden when empty
}

// personRoles are the roles whose actors are people (or a device) acting
// for themselves: every action open to one of them must check that the
// actor acts only as themselves.
var personRoles = []p.Role{p.RoleClient, p.RoleFamilyMember, p.RoleExpert, p.RoleDeveloperClient, p.RoleDevice}

// TestAuthorizationMatrixIdentity is the authorization matrix's identity
// half (PRIV-3, PART-7): for every action of the policy table that a
// client-side person or a device may run, with every such role allowed to
// run it, acting as someone else — on another client's goal, consent,
// process, membership, position, device or assignment, or naming another
// person — is refused with forbidden and journals nothing; the rightful
// person's same call then succeeds. The same holds with every person
// role allowed to run every such action (a county's Config.Roles), so
// no identity check leans on which roles the default policy lets in. A
// new action open to such a role without a case here fails the test.
func TestAuthorizationMatrixIdentity(t *testing.T) {
	cases := identityCases()
	policy := newFieldsEnv(t).s.Policy()
	checked := 0
	// The same cases once more with every person role allowed to run
	// every one of these actions (Config.Roles): an identity check must
	// not lean on the default policy's choice of roles.
	open := map[p.Action][]p.Role{}
	for a := range cases {
		open[a] = append(slices.Clone(personRoles), policy.Roles(a)...)
	}
	t.Run("every_person_role_allowed", func(t *testing.T) {
		for a, c := range cases {
			for _, role := range personRoles {
				e := newFieldsEnvWith(t, open)
				if c.setup != nil {
					c.setup(e)
				}
				before, _ := e.s.Head()
				err := c.other(e, p.Actor{ID: e.person(71), Role: role})
				code := c.code
				if code == "" {
					code = p.EFORBIDDEN
				}
				assert.Equal(t, code, p.ErrorCode(err), "PRIV-3: %s as a %s acting as someone else, with the role allowed: %v", a, role, err)
				after, _ := e.s.Head()
				assert.Equal(t, before, after, "%s as a %s: nothing journalled", a, role)
				checked++
			}
		}
	})
	for _, action := range policy.Actions() {
		var roles []p.Role
		for _, r := range policy.Roles(action) {
			if slices.Contains(personRoles, r) {
				roles = append(roles, r)
			}
		}
		if len(roles) == 0 {
			continue
		}
		c, ok := cases[action]
		if !assert.True(t, ok, "%s is open to %v but has no identity case", action, roles) {
			continue
		}
		t.Run("PRIV-3_"+string(action), func(t *testing.T) {
			for _, role := range roles {
				e := newFieldsEnv(t)
				if c.setup != nil {
					c.setup(e)
				}
				as := p.Actor{ID: e.person(71), Role: role}
				before, _ := e.s.Head()
				err := c.other(e, as)
				code := c.code
				if code == "" {
					code = p.EFORBIDDEN
				}
				assert.Equal(t, code, p.ErrorCode(err), "%s as a %s acting as someone else: %v", action, role, err)
				after, _ := e.s.Head()
				assert.Equal(t, before, after, "%s as a %s: nothing journalled", action, role)
				checked++
			}
			e := newFieldsEnv(t)
			if c.setup != nil {
				c.setup(e)
			}
			assert.NoError(t, c.own(e), "%s by the rightful person", action)
		})
	}
	for a := range cases {
		assert.True(t, slices.ContainsFunc(policy.Roles(a), func(r p.Role) bool { return slices.Contains(personRoles, r) }),
			"the case for %s is for an action open to a person", a)
	}
	t.Logf("%d identity cells over %d actions", checked, len(cases))
}

func identityCases() map[p.Action]identityCase {
	expertActor := func(e *fieldsEnv) p.Actor { return p.Actor{ID: e.expert, Role: p.RoleExpert} }
	offered := func(e *fieldsEnv) {
		e.must(nil, e.experts.Offer(e.ctx, coordinator, e.assignment, e.expert))
	}
	var consentID p.ID
	consent := func(e *fieldsEnv, family p.ID) *p.FamilyConsent {
		c, err := e.s.GrantFamilyConsent(e.ctx, client, p.FamilyConsentInput{Client: client.ID, Family: family,
			Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: e.clock.Now().AddDate(1, 0, 0)})
		e.must(c, err)
		consentID = c.ID
		return c
	}
	minutes := func(e *fieldsEnv) {
		e.must(nil, e.panels.WriteMinutes(e.ctx, e.memberActor(1), e.meeting, "Käsiteltiin odotusaikoja."))
	}
	return map[p.Action]identityCase{
		p.ActionSubmit: {
			other: func(e *fieldsEnv, as p.Actor) error {
				in := input("Toisen nimissä")
				in.Contributors = []p.ID{client.ID}
				_, err := e.s.Submit(e.ctx, as, in)
				return err
			},
			own: func(e *fieldsEnv) error { _, err := e.s.Submit(e.ctx, client, input("Oma")); return err },
		},
		p.ActionFamilyGrant: {
			other: func(e *fieldsEnv, as p.Actor) error {
				_, err := e.s.GrantFamilyConsent(e.ctx, as, p.FamilyConsentInput{Client: client.ID, Family: e.person(91),
					Scopes: []p.FamilyScope{p.FamilyPlanning}, GivenBy: p.GivenByClient, Expires: e.clock.Now().AddDate(1, 0, 0)})
				return err
			},
			own: func(e *fieldsEnv) error { consent(e, e.person(91)); return nil },
		},
		p.ActionFamilyWithdraw: {
			setup: func(e *fieldsEnv) { consent(e, e.person(91)) },
			other: func(e *fieldsEnv, as p.Actor) error { return e.s.WithdrawFamilyConsent(e.ctx, as, consentID) },
			own:   func(e *fieldsEnv) error { return e.s.WithdrawFamilyConsent(e.ctx, client, consentID) },
		},
		p.ActionFamilyTakePart: {
			// A family member takes part only under a consent given to
			// them: another's consent does not cover them.
			setup: func(e *fieldsEnv) { consent(e, e.person(92)) },
			other: func(e *fieldsEnv, as p.Actor) error { return e.s.TakePart(e.ctx, as, client.ID, p.FamilyPlanning) },
			own: func(e *fieldsEnv) error {
				return e.s.TakePart(e.ctx, p.Actor{ID: e.person(92), Role: p.RoleFamilyMember}, client.ID, p.FamilyPlanning)
			},
			code: p.ENOCONSENT,
		},
		p.ActionProcessLog: {
			other: func(e *fieldsEnv, as p.Actor) error {
				return e.s.LogDecision(e.ctx, as, e.process, "Kokeillaan", "Toisen nimissä")
			},
			own: func(e *fieldsEnv) error {
				return e.s.LogDecision(e.ctx, client, e.process, "Kokeillaan", "Osallistujana")
			},
		},
		p.ActionProcessIdea: {
			other: func(e *fieldsEnv, as p.Actor) error {
				_, err := e.s.RaiseIdea(e.ctx, as, e.process, "Ilta-aika")
				return err
			},
			own: func(e *fieldsEnv) error { _, err := e.s.RaiseIdea(e.ctx, client, e.process, "Ilta-aika"); return err },
		},
		p.ActionGoalWrite: {
			// A goal is written for the actor alone: there is no client
			// to name. Acting as someone else is rewording their goal.
			other: func(e *fieldsEnv, as p.Actor) error {
				return e.s.ReplanGoal(e.ctx, as, e.goal, "Toisen tavoite", "Toisen osuus", "Toisen nimissä")
			},
			own: func(e *fieldsEnv) error {
				g, err := e.s.WriteGoal(e.ctx, client, "Oma tavoite", "Oma osuus")
				if err == nil && g.Client != client.ID {
					err = fmt.Errorf("the goal is %s's, not the writer's", g.Client)
				}
				return err
			},
		},
		p.ActionGoalReplan: {
			other: func(e *fieldsEnv, as p.Actor) error {
				return e.s.ReplanGoal(e.ctx, as, e.goal, "Toisen tavoite", "Toisen osuus", "Toisen nimissä")
			},
			own: func(e *fieldsEnv) error { return e.s.ReplanGoal(e.ctx, client, e.goal, "Uusi", "Oma osuus", "Muuttui") },
		},
		p.ActionGoalProgress: {
			other: func(e *fieldsEnv, as p.Actor) error { return e.s.NoteProgress(e.ctx, as, e.goal, "Toisen nimissä") },
			own:   func(e *fieldsEnv) error { return e.s.NoteProgress(e.ctx, client, e.goal, "Edistyi") },
		},
		p.ActionGoalReach: {
			other: func(e *fieldsEnv, as p.Actor) error { return e.s.ReachGoal(e.ctx, as, e.goal) },
			own:   func(e *fieldsEnv) error { return e.s.ReachGoal(e.ctx, client, e.goal) },
		},
		p.ActionContactSet: {
			other: func(e *fieldsEnv, as p.Actor) error {
				return e.s.SetContact(e.ctx, as, p.ContactInput{Person: client.ID, Channel: p.ChannelEmail, Address: "toinen@example.fi", Lang: p.Finnish})
			},
			own: func(e *fieldsEnv) error {
				return e.s.SetContact(e.ctx, client, p.ContactInput{Channel: p.ChannelEmail, Address: "oma@example.fi", Lang: p.Finnish})
			},
		},
		p.ActionContactClear: {
			setup: func(e *fieldsEnv) {
				e.must(nil, e.s.SetContact(e.ctx, client, p.ContactInput{Channel: p.ChannelSMS, Address: "040 123 4567", Lang: p.Swedish}))
			},
			other: func(e *fieldsEnv, as p.Actor) error { return e.s.ClearContact(e.ctx, as, client.ID) },
			own:   func(e *fieldsEnv) error { return e.s.ClearContact(e.ctx, client, client.ID) },
		},
		panel.ActionEndMembership: {
			other: func(e *fieldsEnv, as p.Actor) error {
				as.ID = e.person(4) // a member, ending another's membership
				return e.panels.EndMembership(e.ctx, as, e.members[5], "Toisen puolesta")
			},
			own: func(e *fieldsEnv) error {
				return e.panels.EndMembership(e.ctx, e.memberActor(5), e.members[5], "Muutan pois")
			},
		},
		panel.ActionRaiseTopic: {
			other: func(e *fieldsEnv, as p.Actor) error {
				_, err := e.panels.RaiseTopic(e.ctx, as, panel.TopicInput{Panel: e.panel, Title: "Ulkopuolisen aihe"})
				return err
			},
			own: func(e *fieldsEnv) error {
				_, err := e.panels.RaiseTopic(e.ctx, e.memberActor(4), panel.TopicInput{Panel: e.panel, Title: "Jäsenen aihe"})
				return err
			},
		},
		panel.ActionHoldMeeting: {
			setup: func(e *fieldsEnv) {
				m, err := e.panels.ScheduleMeeting(e.ctx, coordinator, e.panel, e.clock.Now(), nil)
				e.must(m, err)
				e.meeting = m.ID
			},
			other: func(e *fieldsEnv, as p.Actor) error {
				as.ID = e.person(4) // a member, not the secretary
				_, err := e.panels.HoldMeeting(e.ctx, as, e.meeting, e.members[:7])
				return err
			},
			own: func(e *fieldsEnv) error {
				_, err := e.panels.HoldMeeting(e.ctx, e.memberActor(1), e.meeting, e.members[:7])
				return err
			},
		},
		panel.ActionWriteMinutes: {
			other: func(e *fieldsEnv, as p.Actor) error {
				as.ID = e.person(4)
				return e.panels.WriteMinutes(e.ctx, as, e.meeting, "Toisen pöytäkirja")
			},
			own: func(e *fieldsEnv) error { minutes(e); return nil },
		},
		panel.ActionApproveMinutes: {
			setup: minutes,
			other: func(e *fieldsEnv, as p.Actor) error {
				as.ID = e.person(1) // the secretary, not the chair
				return e.panels.ApproveMinutes(e.ctx, as, e.meeting)
			},
			own: func(e *fieldsEnv) error {
				minutes(e)
				return e.panels.ApproveMinutes(e.ctx, e.memberActor(0), e.meeting)
			},
		},
		panel.ActionAdoptStatement: {
			other: func(e *fieldsEnv, as p.Actor) error {
				as.ID = e.person(4)
				_, err := e.panels.AdoptStatement(e.ctx, as, panel.StatementInput{Meeting: e.meeting, Text: "Toisen kannanotto"})
				return err
			},
			own: func(e *fieldsEnv) error {
				_, err := e.panels.AdoptStatement(e.ctx, e.memberActor(0), panel.StatementInput{Meeting: e.meeting, Text: "Raadin kannanotto"})
				return err
			},
		},
		feedback.ActionPress: {
			other: func(e *fieldsEnv, as p.Actor) error {
				_, err := e.fb.Press(e.ctx, as, e.device, feedback.Press{Rating: feedback.Happy})
				return err
			},
			own: func(e *fieldsEnv) error {
				_, err := e.fb.Press(e.ctx, e.deviceActor(), e.device, feedback.Press{Rating: feedback.Happy})
				return err
			},
		},
		expert.ActionSetAvailability: {
			other: func(e *fieldsEnv, as p.Actor) error { return e.experts.SetAvailability(e.ctx, as, e.expert, false) },
			own:   func(e *fieldsEnv) error { return e.experts.SetAvailability(e.ctx, expertActor(e), e.expert, false) },
		},
		expert.ActionWithdrawConsent: {
			other: func(e *fieldsEnv, as p.Actor) error { return e.experts.WithdrawConsent(e.ctx, as, e.expert) },
			own:   func(e *fieldsEnv) error { return e.experts.WithdrawConsent(e.ctx, expertActor(e), e.expert) },
		},
		expert.ActionAccept: {
			setup: offered,
			other: func(e *fieldsEnv, as p.Actor) error { return e.experts.Accept(e.ctx, as, e.assignment) },
			own:   func(e *fieldsEnv) error { return e.experts.Accept(e.ctx, expertActor(e), e.assignment) },
		},
		expert.ActionCancel: {
			setup: offered,
			other: func(e *fieldsEnv, as p.Actor) error {
				return e.experts.Cancel(e.ctx, as, e.assignment, "Toisen puolesta")
			},
			own: func(e *fieldsEnv) error { return e.experts.Cancel(e.ctx, expertActor(e), e.assignment, "Estynyt") },
		},
	}
}
