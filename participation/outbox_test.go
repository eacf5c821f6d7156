//go:build !js

package participation_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// integration is the system actor that drains the outbox.
var integration = p.Actor{ID: p.MustParseID("0190a000-0000-7000-8000-0000000000e1"), Role: p.RoleSystem}

// outboxPerson returns the id of the n-th person of the outbox tests.
func outboxPerson(n int) p.ID {
	return p.MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012d", 8000+n))
}

// openOutboxStore opens a store over a file journal and a key directory
// beside it, with every module, at the clock.
func openOutboxStore(t *testing.T, path string, clock p.Clock) *p.Store {
	t.Helper()
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	keys, err := p.OpenDirKeyStore(path + ".keys")
	require.NoError(t, err)
	s, err := p.Open(context.Background(), &p.Config{Journal: j, Keys: keys, Clock: clock,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: -1}), expert.Module(nil)}})
	require.NoError(t, err)
	return s
}

// want is one message the oracle expects, or one the journal holds.
type want struct {
	Cause     p.ID
	Recipient p.ID
	Kind      p.MessageKind
}

// TestOutboxMessages runs a scenario with every change a participant
// should hear of — a contribution acknowledged, decided (explicitly and
// by passing over steps), implemented, reported back, a panel statement
// answered, a co-development process closed, an assignment offered — for
// people with contact preferences in Finnish, Swedish and English, one
// with none, one who cleared theirs, and anonymous feedback that is
// decided, replied to and reported back. Then it reads every event of
// the journal, command by command, and computes from the events alone
// which messages each command must write; the command must have written
// exactly those (LOOP-1).
func TestOutboxMessages(t *testing.T) {
	ctx := context.Background()
	clock := p.NewManualClock(t0)
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	s := openOutboxStore(t, path, clock)
	defer s.Close()
	panels, experts, fb := panel.New(s), expert.New(s), feedback.New(s)
	must := func(_ any, err error) { t.Helper(); require.NoError(t, err) }
	as := func(id p.ID, role p.Role) p.Actor { return p.Actor{ID: id, Role: role} }

	a, b, c, d, sx, x := outboxPerson(1), outboxPerson(2), outboxPerson(3), outboxPerson(4), outboxPerson(5), outboxPerson(6)
	langOf := map[p.ID]p.Lang{a: p.Finnish, b: p.Swedish, c: p.English, sx: p.English, x: p.Swedish}
	must(nil, s.SetContact(ctx, as(a, p.RoleClient), p.ContactInput{Channel: p.ChannelEmail, Address: "a@example.fi", Lang: p.Finnish}))
	must(nil, s.SetContact(ctx, staff, p.ContactInput{Person: b, Channel: p.ChannelLetter, Address: "Storgatan 1, 65100 Vasa", Lang: p.Swedish}))
	must(nil, s.SetContact(ctx, as(c, p.RoleClient), p.ContactInput{Channel: p.ChannelSMS, Address: "+358 40 123 4567", Lang: p.English}))
	must(nil, s.SetContact(ctx, as(sx, p.RoleStaff), p.ContactInput{Person: sx, Channel: p.ChannelPortal, Address: "sx", Lang: p.English}))
	must(nil, s.SetContact(ctx, as(x, p.RoleExpert), p.ContactInput{Channel: p.ChannelEmail, Address: "x@example.fi", Lang: p.Swedish}))

	// 1. A contribution of a, b and d, in a's words, through every step.
	in := input("Iltavastaanotto Hervantaan")
	in.Contributors = []p.ID{a, b, d}
	c1, err := s.Submit(ctx, staff, in)
	require.NoError(t, err)
	must(s.Acknowledge(ctx, staff, c1.ID, "Otettu käsittelyyn"))
	must(s.Consider(ctx, staff, c1.ID, "Selvitetään"))
	must(s.Decide(ctx, manager, c1.ID, p.PartlyAdopted, "Yksi yksikkö ensin"))
	must(s.Implement(ctx, staff, c1.ID, "Aloitettu"))
	must(s.ReportBack(ctx, staff, c1.ID, "Iltavastaanotto alkaa maaliskuussa."))

	// 2. c's own, decided at once (acknowledged and considered implicitly).
	in = input("Evening hours")
	in.Contributors = nil
	c2, err := s.Submit(ctx, as(c, p.RoleClient), in)
	require.NoError(t, err)
	must(s.Decide(ctx, manager, c2.ID, p.Adopted, ""))
	must(s.ReportBack(ctx, staff, c2.ID, "Done."))

	// 3. A panel statement adopted with a, b and d present, answered.
	pn, err := panels.Create(ctx, coordinator, panel.PanelInput{Name: "Asiakasraati", Kind: panel.KindClientPanel, Unit: "aikuissosiaalityo",
		Coordinator: coordinator.ID, AnsweringParty: "Palvelujohto"})
	require.NoError(t, err)
	var members []p.ID
	for i, person := range []p.ID{a, b, d, outboxPerson(20), outboxPerson(21), outboxPerson(22), outboxPerson(23), outboxPerson(24), outboxPerson(25), outboxPerson(26)} {
		m, err := panels.AddMember(ctx, coordinator, panel.MemberInput{Panel: pn.ID, Person: person, Type: panel.MemberClient,
			Service: []string{"kotihoito", "paihdepalvelut"}[i%2], Name: fmt.Sprintf("Jäsen %d", i)})
		require.NoError(t, err)
		members = append(members, m.ID)
	}
	must(nil, panels.Appoint(ctx, coordinator, pn.ID, panel.Chair, members[0]))
	must(nil, panels.Appoint(ctx, coordinator, pn.ID, panel.Secretary, members[1]))
	mt, err := panels.ScheduleMeeting(ctx, coordinator, pn.ID, clock.Now(), nil)
	require.NoError(t, err)
	must(panels.HoldMeeting(ctx, coordinator, mt.ID, members[:7]))
	st, err := panels.AdoptStatement(ctx, coordinator, panel.StatementInput{Meeting: mt.ID, Text: "Raati esittää takaisinsoittoa."})
	require.NoError(t, err)
	must(panels.AnswerStatement(ctx, manager, st.ID, p.PartlyAdopted, "Yksi yksikkö ensin", "Takaisinsoitto alkaa Hervannassa."))

	// 4. A process with a, c, d and a worker; c raises an idea, b's
	// contribution is linked; the close tells each of them once.
	px, err := s.StartProcess(ctx, staff, p.ProcessInput{Title: "Vastaanottomalli", Level: p.LevelDevelopment, Scope: p.ScopeServices, Unit: "aikuissosiaalityo"})
	require.NoError(t, err)
	for _, q := range []p.Participant{{Person: a, Role: p.ProcessClient}, {Person: c, Role: p.ProcessDeveloperClient}, {Person: d, Role: p.ProcessClient}, {Person: sx, Role: p.ProcessStaff}} {
		must(nil, s.JoinProcess(ctx, staff, px.ID, q))
	}
	must(s.RaiseIdea(ctx, as(c, p.RoleDeveloperClient), px.ID, "Evening slots"))
	in = input("Ajanvaraus verkossa")
	in.Contributors = nil
	cb, err := s.Submit(ctx, as(b, p.RoleClient), in)
	require.NoError(t, err)
	must(nil, s.LinkContribution(ctx, staff, px.ID, cb.ID))
	must(nil, s.AdvanceProcess(ctx, staff, px.ID))
	must(nil, s.AdvanceProcess(ctx, staff, px.ID))
	must(nil, s.CloseProcess(ctx, manager, px.ID, "Malli otetaan käyttöön.", p.Adopted, ""))

	// 5. An assignment offered to an expert.
	must(experts.Register(ctx, coordinator, expert.Registration{Person: x, Kind: expert.KindExpert, Languages: []string{"sv"},
		Profile: expert.Profile{Name: "Xenia", Backgrounds: []expert.Background{expert.ServiceUse}}, Consent: expert.Consent{Purpose: "Uppdrag"}}))
	asg, err := experts.RequestAssignment(ctx, staff, expert.Request{Type: expert.TrainingProfessionals, Unit: "aikuissosiaalityo", Date: clock.Now().Add(72 * time.Hour)})
	require.NoError(t, err)
	must(nil, experts.Offer(ctx, coordinator, asg.ID, x))

	// 6. Anonymous feedback: a receipt's contribution decided and
	// reported back, a reply sent; and feedback given in person.
	r1, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "neuvola", Text: "Toivon iltavastaanottoa", WantReceipt: true})
	require.NoError(t, err)
	endHour(t, s, clock) // anonymous feedback takes effect once its hour is over (PRIV-1)
	anon, err := p.ContributionFrom(s.View(), r1.Item)
	require.NoError(t, err)
	must(s.Acknowledge(ctx, staff, anon.ID, "Kirjattu"))
	must(s.Decide(ctx, manager, anon.ID, p.Adopted, ""))
	must(s.ReportBack(ctx, staff, anon.ID, "Iltavastaanotto alkaa."))
	r2, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "neuvola", Rating: 1, Reply: &feedback.ReplyRequest{Contact: "vastaa@example.fi"}})
	require.NoError(t, err)
	endHour(t, s, clock)
	must(nil, fb.Reply(ctx, staff, r2.Item, p.Adopted, "", "Kiitos, korjasimme."))
	_, err = fb.Submit(ctx, staff, feedback.Submission{Channel: feedback.InPerson, Service: "yhteisoneuvonta", Text: "Kirjastossa", WantReceipt: true})
	require.NoError(t, err)
	endHour(t, s, clock)

	// 7. b clears their preference: a decision then reaches a alone.
	must(nil, s.ClearContact(ctx, as(b, p.RoleClient), b))
	in = input("Pysäköinti")
	in.Contributors = []p.ID{b, a}
	c4, err := s.Submit(ctx, staff, in)
	require.NoError(t, err)
	must(s.Decide(ctx, manager, c4.ID, p.NotAdopted, "Ei tilaa"))

	// The oracle: the journal read from the start, command by command.
	type ref struct {
		Contribution p.ID `json:"contribution"`
		Statement    p.ID `json:"statement"`
		Process      p.ID `json:"process"`
		Expert       p.ID `json:"expert"`
		Person       p.ID `json:"person"`
		Subject      p.ID `json:"subject"`
		Implicit     bool `json:"implicit"`
		Participant  struct {
			Person p.ID `json:"person"`
		} `json:"participant"`
		Contributors []p.ID        `json:"contributors"`
		Message      p.ID          `json:"message"`
		Recipient    p.ID          `json:"recipient"`
		Kind         p.MessageKind `json:"kind"`
		Cause        p.ID          `json:"cause"`
	}
	hasContact := map[p.ID]bool{}
	contributors := map[p.ID][]p.ID{}
	statements := map[p.ID]p.ID{}
	participants := map[p.ID][]p.ID{}
	var queued []ref
	commands, triggers := 0, 0
	var command []p.Event
	check := func() {
		commands++
		var expected, actual []want
		add := func(cause p.ID, kind p.MessageKind, people []p.ID) {
			triggers++
			var seen []p.ID
			for _, person := range people {
				if hasContact[person] && !slices.Contains(seen, person) {
					seen = append(seen, person)
					expected = append(expected, want{cause, person, kind})
				}
			}
		}
		refs := make([]ref, len(command))
		for i, e := range command {
			require.NoError(t, json.Unmarshal(e.Data, &refs[i]), "event %d", e.Seq)
		}
		byType := func(typ string) int {
			return slices.IndexFunc(command, func(e p.Event) bool { return e.Type == typ })
		}
		switch {
		case byType("panel.statement_answered") >= 0:
			i := byType("panel.statement_answered")
			add(command[i].ID, p.MessageStatementAnswered, contributors[statements[refs[i].Statement]])
		case byType("codev.closed") >= 0:
			i := byType("codev.closed")
			people := slices.Clone(participants[refs[i].Process])
			for j, e := range command {
				if e.Type == "contribution.reported_back" {
					people = append(people, contributors[refs[j].Contribution]...)
				}
			}
			add(command[i].ID, p.MessageProcessClosed, people)
		default:
			for j, e := range command {
				switch {
				case e.Type == "contribution.acknowledged" && !refs[j].Implicit:
					add(e.ID, p.MessageAcknowledged, contributors[refs[j].Contribution])
				case e.Type == "contribution.decided":
					add(e.ID, p.MessageDecided, contributors[refs[j].Contribution])
				case e.Type == "contribution.reported_back":
					add(e.ID, p.MessageReportedBack, contributors[refs[j].Contribution])
				case e.Type == "expert.assignment_offered":
					add(e.ID, p.MessageAssignmentOffered, []p.ID{refs[j].Expert})
				}
			}
		}
		ids := map[p.ID]bool{}
		for j, e := range command {
			ids[e.ID] = true
			switch e.Type {
			case "contact.set":
				hasContact[refs[j].Person] = true
			case "contact.cleared":
				hasContact[refs[j].Person] = false
			case "subject.erased":
				hasContact[refs[j].Subject] = false
			case "contribution.received":
				contributors[refs[j].Contribution] = refs[j].Contributors
			case "panel.statement_adopted":
				statements[refs[j].Statement] = refs[j].Contribution
			case "codev.joined":
				participants[refs[j].Process] = append(participants[refs[j].Process], refs[j].Participant.Person)
			case "outbox.queued":
				actual = append(actual, want{refs[j].Cause, refs[j].Recipient, refs[j].Kind})
				queued = append(queued, refs[j])
				assert.True(t, ids[refs[j].Cause], "event %d: the message's cause is an earlier event of the same command", e.Seq)
				assert.NotEqual(t, p.RoleAnonymous, e.Actor.Role, "event %d: no message in an anonymous command", e.Seq)
				assert.NotEqual(t, p.RoleDevice, e.Actor.Role, "event %d: no message in a device's command", e.Seq)
			}
		}
		assert.ElementsMatch(t, expected, actual, "the command ending at event %d (%s) writes exactly one message per recipient with a contact, for each change", command[len(command)-1].Seq, command[0].Type)
		command = nil
	}
	sub := s.Subscribe(1)
	head, _ := s.Head()
	var all []p.Event
	for i := uint64(0); i < head; i++ {
		e, err := sub.Next(ctx)
		require.NoError(t, err)
		all = append(all, e)
		command = append(command, e)
		if e.End {
			check()
		}
	}
	require.Empty(t, command, "the journal ends at the end of a command")
	t.Logf("%d events in %d commands read; %d changes that tell someone; %d messages", head, commands, triggers, len(queued))

	t.Run("LOOP-1_every_change_writes_one_message_per_recipient_read_from_the_journal", func(t *testing.T) {
		// Every kind was written, to every language; the scenario did
		// each change.
		kinds := map[p.MessageKind]bool{}
		for _, q := range queued {
			kinds[q.Kind] = true
		}
		for _, k := range p.MessageKinds {
			assert.True(t, kinds[k], "the scenario writes a %s message", k)
		}
		// By hand: c1 to a and b at three steps (6), c2 to c at two (2),
		// the statement to a and b (2), the process to a, c, sx and b (4),
		// the offer to x (1), c4 to a (1); none to d, who has no contact,
		// none for anonymous senders, none to b after clearing.
		assert.Equal(t, 16, len(queued), "messages written")
	})

	t.Run("LOOP-1_each_message_is_in_its_recipients_language", func(t *testing.T) {
		v := s.View()
		langs := map[p.Lang]int{}
		for _, q := range queued {
			m, err := p.GetMessage(v, q.Message)
			if q.Recipient == b {
				// b cleared their preference: their pending messages went
				// with it.
				assert.Equal(t, p.ENOTFOUND, p.ErrorCode(err))
				continue
			}
			require.NoError(t, err)
			lang := langOf[q.Recipient]
			langs[lang]++
			assert.Equal(t, lang, m.Lang)
			assert.Equal(t, q.Kind.Label(lang), m.Title, "the title is the kind's label in %s", lang)
			for _, other := range p.Langs {
				if other != lang {
					assert.NotEqual(t, q.Kind.Label(other), m.Title)
				}
			}
		}
		assert.Equal(t, 3, len(langs), "messages in fi, sv and en: %v", langs)
	})

	t.Run("LOOP-1_a_title_is_quoted_only_to_its_writer_PRIV-2", func(t *testing.T) {
		v := s.View()
		ms, err := p.MessagesOf(v, a)
		require.NoError(t, err)
		require.NotEmpty(t, ms)
		assert.Contains(t, ms[0].Body, "Iltavastaanotto Hervantaan", "a's own words, to a")
		assert.Contains(t, ms[0].Body, "Otettu käsittelyyn", "the organisation's note")
		// b's messages of c1 (dropped from the state when b cleared the
		// preference) were sealed under b's key: read them from the
		// journal through the vault.
		found := 0
		for _, e := range all {
			if e.Type != "outbox.queued" {
				continue
			}
			var q struct {
				Recipient p.ID     `json:"recipient"`
				Ref       p.ID     `json:"ref"`
				Content   p.Sealed `json:"content"`
			}
			require.NoError(t, json.Unmarshal(e.Data, &q))
			if q.Recipient != b || q.Ref != c1.ID {
				continue
			}
			plain, err := s.Vault().Open(q.Content)
			require.NoError(t, err)
			found++
			assert.NotContains(t, string(plain), "Iltavastaanotto Hervantaan", "a's words are not copied under b's key")
			assert.Contains(t, string(plain), "Förslaget som du är med i")
		}
		assert.Equal(t, 3, found)
	})
}

// outboxScene is a store over a file journal with three people who left
// a contact preference and one contribution of theirs acknowledged, so
// that each has one pending message.
type outboxScene struct {
	t       *testing.T
	ctx     context.Context
	path    string
	clock   *p.ManualClock
	s       *p.Store
	people  []p.ID
	contrib p.ID
}

func newOutboxScene(t *testing.T) *outboxScene {
	e := &outboxScene{t: t, ctx: context.Background(), path: filepath.Join(t.TempDir(), "journal.jsonl"), clock: p.NewManualClock(t0)}
	e.s = openOutboxStore(t, e.path, e.clock)
	t.Cleanup(func() { e.s.Close() })
	addresses := []string{"eka@example.fi", "toka@example.fi", "kolmas@example.fi"}
	for i, address := range addresses {
		person := outboxPerson(40 + i)
		e.people = append(e.people, person)
		require.NoError(t, e.s.SetContact(e.ctx, p.Actor{ID: person, Role: p.RoleClient}, p.ContactInput{Channel: p.ChannelEmail, Address: address, Lang: p.Langs[i]}))
	}
	in := input("Yhteinen ehdotus")
	in.Contributors = e.people
	c, err := e.s.Submit(e.ctx, staff, in)
	require.NoError(t, err)
	e.contrib = c.ID
	_, err = e.s.Acknowledge(e.ctx, staff, c.ID, "Kirjattu")
	require.NoError(t, err)
	return e
}

// reopen closes the store and opens it again from its file journal.
func (e *outboxScene) reopen() {
	require.NoError(e.t, e.s.Close())
	e.s = openOutboxStore(e.t, e.path, e.clock)
}

func keysOf(ds []p.Delivery) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Key)
	}
	return out
}

// TestOutboxDelivery drains the outbox: at least once, acknowledged,
// across restarts of a file journal; failures retried with backoff from
// the store's clock and dead-lettered, each step an event (LOOP-1).
func TestOutboxDelivery(t *testing.T) {
	t.Run("LOOP-1_acked_is_not_delivered_again_after_restart_unacked_is", func(t *testing.T) {
		e := newOutboxScene(t)
		o, err := p.NewOutbox(e.s, nil)
		require.NoError(t, err)
		first, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		require.Len(t, first, 3)
		for _, d := range first {
			assert.Equal(t, d.Message.String(), d.Key, "the idempotency key is the message's id")
			assert.Equal(t, 1, d.Attempt)
			assert.Equal(t, p.ChannelEmail, d.Channel)
			assert.NotEmpty(t, d.Address)
			assert.Equal(t, p.MessageAcknowledged.Label(d.Lang), d.Title)
			assert.Equal(t, e.contrib, d.Ref)
		}
		again, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		assert.Empty(t, again, "leased messages are not handed out twice")

		require.NoError(t, o.Ack(e.ctx, integration, first[0].Message))
		require.NoError(t, o.Ack(e.ctx, integration, first[0].Message), "acknowledging twice is harmless")
		head, _ := e.s.Head()

		e.reopen()
		o, err = p.NewOutbox(e.s, nil)
		require.NoError(t, err)
		after, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		assert.Equal(t, keysOf(first[1:]), keysOf(after), "after a restart: the unacknowledged again, with the same keys; the acknowledged never")
		m, err := p.GetMessage(e.s.View(), first[0].Message)
		require.NoError(t, err)
		assert.Equal(t, p.MessageDelivered, m.State)
		again2, _ := e.s.Head()
		assert.Equal(t, head, again2, "Next writes nothing; the second Ack wrote nothing")

		// A lease runs out by the store's clock: an unacknowledged message
		// comes back in the same process too.
		e.clock.Advance(5 * time.Minute)
		back, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		assert.Equal(t, keysOf(first[1:]), keysOf(back))
	})

	t.Run("LOOP-1_failures_back_off_by_the_store_clock_and_dead_letter", func(t *testing.T) {
		e := newOutboxScene(t)
		o, err := p.NewOutbox(e.s, &p.OutboxConfig{MaxAttempts: 3, Backoff: time.Minute, MaxBackoff: 90 * time.Second})
		require.NoError(t, err)
		ds, err := o.Next(e.ctx, integration, 1)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		id := ds[0].Message
		waits := []time.Duration{time.Minute, 90 * time.Second} // doubled, then capped
		for attempt := 1; attempt <= 3; attempt++ {
			require.NoError(t, o.Fail(e.ctx, integration, id, fmt.Sprintf("421 try again (%d)", attempt)))
			m, err := p.GetMessage(e.s.View(), id)
			require.NoError(t, err)
			assert.Equal(t, attempt, m.Attempts)
			if attempt == 3 {
				assert.Equal(t, p.MessageDead, m.State)
				assert.True(t, m.DueAt.IsZero())
				break
			}
			assert.Equal(t, e.clock.Now().Add(waits[attempt-1]), m.DueAt, "due again after the backoff, counted from the store's clock")
			if attempt == 2 {
				e.reopen() // the retry time is in the journal
				o, err = p.NewOutbox(e.s, &p.OutboxConfig{MaxAttempts: 3, Backoff: time.Minute, MaxBackoff: 90 * time.Second})
				require.NoError(t, err)
			}
			e.clock.Advance(waits[attempt-1] - time.Nanosecond)
			early, err := o.Next(e.ctx, integration, 10)
			require.NoError(t, err)
			assert.NotContains(t, keysOf(early), id.String(), "not before the backoff")
			e.clock.Advance(time.Nanosecond)
			due, err := o.Next(e.ctx, integration, 10)
			require.NoError(t, err)
			require.Contains(t, keysOf(due), id.String(), "due once the backoff is over")
			for _, d := range due {
				if d.Message == id {
					assert.Equal(t, attempt+1, d.Attempt)
				}
			}
		}
		dead, err := p.DeadLetters(e.s.View())
		require.NoError(t, err)
		require.Len(t, dead, 1)
		assert.Equal(t, id, dead[0].ID)
		assert.Equal(t, "421 try again (3)", dead[0].LastError)
		e.clock.Advance(24 * time.Hour)
		later, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		assert.NotContains(t, keysOf(later), id.String(), "a dead letter is not handed out")
		assert.Equal(t, p.ECONFLICT, p.ErrorCode(o.Ack(e.ctx, integration, id)))
		assert.Equal(t, p.ECONFLICT, p.ErrorCode(o.Fail(e.ctx, integration, id, "")))

		// Every step is an event: three failures and the dead letter.
		var types []string
		sub := e.s.Subscribe(1)
		head, _ := e.s.Head()
		for i := uint64(0); i < head; i++ {
			ev, err := sub.Next(e.ctx)
			require.NoError(t, err)
			if strings.HasPrefix(ev.Type, "outbox.") && strings.Contains(string(ev.Data), id.String()) {
				types = append(types, ev.Type)
			}
		}
		assert.Equal(t, []string{"outbox.queued", "outbox.failed", "outbox.failed", "outbox.failed", "outbox.dead_lettered"}, types)
	})

	t.Run("LOOP-1_a_dead_letter_is_requeued_once_its_cause_is_mended", func(t *testing.T) {
		e := newOutboxScene(t)
		cfg := &p.OutboxConfig{MaxAttempts: 1}
		o, err := p.NewOutbox(e.s, cfg)
		require.NoError(t, err)
		ds, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		require.Len(t, ds, 3)
		dead, pending := ds[0], ds[1]
		require.NoError(t, o.Fail(e.ctx, integration, dead.Message, "550 no such mailbox"))

		before, _ := e.s.Head()
		assert.Equal(t, p.ECONFLICT, p.ErrorCode(o.Requeue(e.ctx, integration, pending.Message)), "only a dead letter is requeued")
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(o.Requeue(e.ctx, integration, outboxPerson(99))))
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(o.Requeue(e.ctx, staff, dead.Message)), "the integration requeues")
		after, _ := e.s.Head()
		assert.Equal(t, before, after, "a refused requeue writes nothing")

		require.NoError(t, o.Requeue(e.ctx, integration, dead.Message))
		m, err := p.GetMessage(e.s.View(), dead.Message)
		require.NoError(t, err)
		assert.Equal(t, p.MessagePending, m.State)
		assert.Zero(t, m.Attempts)
		assert.Empty(t, m.LastError)
		assert.Equal(t, e.clock.Now(), m.DueAt, "due at once")
		e.reopen() // the requeue is in the journal
		o, err = p.NewOutbox(e.s, cfg)
		require.NoError(t, err)
		again, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		i := slices.IndexFunc(again, func(d p.Delivery) bool { return d.Message == dead.Message })
		require.GreaterOrEqual(t, i, 0, "handed out again after a restart")
		assert.Equal(t, dead.Key, again[i].Key, "with the same idempotency key")
		assert.Equal(t, 1, again[i].Attempt, "its attempts count from zero again")
		left, err := p.DeadLetters(e.s.View())
		require.NoError(t, err)
		assert.Empty(t, left)

		// A dead letter whose recipient cleared their contact stays dead.
		require.NoError(t, o.Fail(e.ctx, integration, pending.Message, "550"))
		require.NoError(t, e.s.ClearContact(e.ctx, p.Actor{ID: pending.Recipient, Role: p.RoleClient}, pending.Recipient))
		gone, err := p.GetMessage(e.s.View(), pending.Message)
		require.NoError(t, err, "clearing a contact drops pending messages; a dead letter stays on record")
		assert.Equal(t, p.MessageDead, gone.State)
		assert.Equal(t, p.ECONFLICT, p.ErrorCode(o.Requeue(e.ctx, integration, pending.Message)), "no contact, no delivery")
	})

	t.Run("LOOP-1_bad_calls_are_refused_and_write_nothing", func(t *testing.T) {
		e := newOutboxScene(t)
		o, err := p.NewOutbox(e.s, nil)
		require.NoError(t, err)
		before, _ := e.s.Head()
		_, err = o.Next(e.ctx, integration, 0)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = o.Next(e.ctx, integration, p.MaxOutboxBatch+1)
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		_, err = o.Next(e.ctx, staff, 1)
		assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "only the integration reads addresses")
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(o.Ack(e.ctx, integration, outboxPerson(99))))
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(o.Fail(e.ctx, integration, outboxPerson(99), "x")))
		_, err = p.NewOutbox(e.s, &p.OutboxConfig{MaxAttempts: -1})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
		for _, in := range []p.ContactInput{
			{Channel: "pigeon", Address: "a@example.fi", Lang: p.Finnish},
			{Channel: p.ChannelEmail, Address: "a@example.fi", Lang: "de"},
			{Channel: p.ChannelEmail, Address: "not an address", Lang: p.Finnish},
			{Channel: p.ChannelEmail, Address: "", Lang: p.Finnish},
			{Channel: p.ChannelSMS, Address: "040 12", Lang: p.Finnish},
			{Channel: p.ChannelSMS, Address: "puhelin 040 1234567", Lang: p.Finnish},
		} {
			err := e.s.SetContact(e.ctx, client, in)
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), "%+v", in)
		}
		assert.Equal(t, p.EINVALID, p.ErrorCode(e.s.SetContact(e.ctx, staff, p.ContactInput{Channel: p.ChannelEmail, Address: "a@example.fi", Lang: p.Finnish})),
			"staff name the person")
		assert.Equal(t, p.ENOTFOUND, p.ErrorCode(e.s.ClearContact(e.ctx, client, client.ID)), "nothing to clear")
		after, _ := e.s.Head()
		assert.Equal(t, before, after)
	})

	t.Run("PRIV-3_staff_setting_a_contact_for_a_client_is_recorded", func(t *testing.T) {
		e := newOutboxScene(t)
		mine, ok, err := p.ContactOf(e.s.View(), e.people[0])
		require.NoError(t, err)
		require.True(t, ok)
		assert.Empty(t, mine.RecordedBy, "set by the person themselves")
		require.NoError(t, e.s.SetContact(e.ctx, staff, p.ContactInput{Person: e.people[0], Channel: p.ChannelLetter, Address: "Hämeenkatu 1, 33100 Tampere", Lang: p.Finnish}))
		theirs, ok, err := p.ContactOf(e.s.View(), e.people[0])
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, p.RoleStaff, theirs.RecordedBy)
		assert.Equal(t, p.ChannelLetter, theirs.Channel)
		assert.Equal(t, "Hämeenkatu 1, 33100 Tampere", theirs.Address)
		o, err := p.NewOutbox(e.s, nil)
		require.NoError(t, err)
		ds, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		require.Len(t, ds, 3)
		i := slices.IndexFunc(ds, func(d p.Delivery) bool { return d.Recipient == e.people[0] })
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, p.ChannelLetter, ds[i].Channel)
		assert.Equal(t, "Hämeenkatu 1, 33100 Tampere", ds[i].Address, "a pending message goes where the person now wants it")
	})

	t.Run("LOOP-1_clearing_a_contact_drops_pending_messages", func(t *testing.T) {
		e := newOutboxScene(t)
		require.NoError(t, e.s.ClearContact(e.ctx, p.Actor{ID: e.people[0], Role: p.RoleClient}, e.people[0]))
		ms, err := p.MessagesOf(e.s.View(), e.people[0])
		require.NoError(t, err)
		assert.Empty(t, ms)
		_, ok, err := p.ContactOf(e.s.View(), e.people[0])
		require.NoError(t, err)
		assert.False(t, ok)
		o, err := p.NewOutbox(e.s, nil)
		require.NoError(t, err)
		ds, err := o.Next(e.ctx, integration, 10)
		require.NoError(t, err)
		assert.Len(t, ds, 2, "the others' messages stay")
	})
}

// TestOutboxErasure erases a person with a contact preference, a
// delivered message, a failed one whose reason quotes their address and
// a pending one that quotes their own words, and searches the export,
// the change feed, the journal file and a store replayed from it (LOOP-1,
// PRIV-2).
func TestOutboxErasure(t *testing.T) {
	t.Run("LOOP-1_erasure_removes_pending_messages_and_contacts_from_state_export_and_feed", func(t *testing.T) {
		ctx := context.Background()
		clock := p.NewManualClock(t0)
		path := filepath.Join(t.TempDir(), "journal.jsonl")
		s := openOutboxStore(t, path, clock)
		me, other := outboxPerson(60), outboxPerson(61)
		const address, title, reason = "salainen.osoite@example.fi", "Salainen toive iltavastaanotosta", "550 <salainen.osoite@example.fi> unknown"
		require.NoError(t, s.SetContact(ctx, p.Actor{ID: me, Role: p.RoleClient}, p.ContactInput{Channel: p.ChannelEmail, Address: address, Lang: p.Finnish}))
		require.NoError(t, s.SetContact(ctx, p.Actor{ID: other, Role: p.RoleClient}, p.ContactInput{Channel: p.ChannelEmail, Address: "toinen@example.fi", Lang: p.Finnish}))
		in := input(title)
		in.Contributors = nil
		mine, err := s.Submit(ctx, p.Actor{ID: me, Role: p.RoleClient}, in)
		require.NoError(t, err)
		in = input("Toisen ehdotus")
		in.Contributors = []p.ID{other, me}
		theirs, err := s.Submit(ctx, staff, in)
		require.NoError(t, err)
		o, err := p.NewOutbox(s, nil)
		require.NoError(t, err)
		_, err = s.Acknowledge(ctx, staff, mine.ID, "Kirjattu")
		require.NoError(t, err)
		ds, err := o.Next(ctx, integration, 10)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		require.NoError(t, o.Ack(ctx, integration, ds[0].Message))
		_, err = s.Decide(ctx, manager, mine.ID, p.Adopted, "")
		require.NoError(t, err)
		ds, err = o.Next(ctx, integration, 10)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		require.NoError(t, o.Fail(ctx, integration, ds[0].Message, reason))
		_, err = s.Decide(ctx, manager, theirs.ID, p.Adopted, "")
		require.NoError(t, err)
		ms, err := p.MessagesOf(s.View(), me)
		require.NoError(t, err)
		require.Len(t, ms, 3, "delivered, failed and pending")
		assert.Contains(t, ms[1].Body, title, "my words in my message")

		require.NoError(t, s.EraseSubject(ctx, admin, me, "asked to be forgotten"))
		_, ok, err := p.ContactOf(s.View(), me)
		require.NoError(t, err)
		assert.False(t, ok, "no contact in the state")
		ms, err = p.MessagesOf(s.View(), me)
		require.NoError(t, err)
		assert.Empty(t, ms, "no message in the state")
		ds, err = o.Next(ctx, integration, 10)
		require.NoError(t, err)
		for _, d := range ds {
			assert.NotEqual(t, me, d.Recipient, "nothing is handed out for the erased")
		}
		assert.Len(t, ds, 1, "the other contributor's message stays")
		_, ok, err = p.ContactOf(s.View(), other)
		require.NoError(t, err)
		assert.True(t, ok)

		places := everywhere(t, s, path)
		noneOf(t, []string{address, title, reason, "salainen.osoite"}, places)
		assert.Equal(t, places["the export"], places["the state replayed from the file"], "the erasure hook leaves what a replay without the key builds")
		assert.Contains(t, places["the change feed"], `"type":"outbox.queued"`, "the feed was read")
		assert.Contains(t, places["the export"], "toinen@example.fi", "the export was read")
	})
}
