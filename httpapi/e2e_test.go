package httpapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// journalLines reads the journal in dir line by line.
func journalLines(t *testing.T, dir string) [][]byte {
	t.Helper()
	f, err := os.Open(journalPath(dir))
	require.NoError(t, err)
	defer f.Close()
	var out [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		out = append(out, bytes.Clone(sc.Bytes()))
	}
	return out
}

// checkHeldBlocks checks every event of a feed: the events of anonymous
// commands (an actor without an id: anonymous, or a device) come in
// blocks, each closed by one inbox.released event that lists as many
// commands as the block holds, and no named event comes between.
func checkHeldBlocks(t *testing.T, got []sseEvent) {
	t.Helper()
	var events int
	blocks := 0
	for _, e := range got {
		ev, err := p.ParseEvent(e.Data)
		require.NoError(t, err)
		switch {
		case ev.Type == (p.InboxReleased{}).EventType():
			var d p.InboxReleased
			require.NoError(t, json.Unmarshal(ev.Data, &d))
			require.NotZero(t, events, "a release closes a block of held events")
			assert.NotEmpty(t, d.Keys, "the release lists the commands of its block")
			assert.LessOrEqual(t, len(d.Keys), events, "each command it lists made an event of the block")
			assert.True(t, ev.End, "the release ends the block: one command in the journal")
			events = 0
			blocks++
		case ev.Actor.ID.IsZero() && (ev.Actor.Role == p.RoleAnonymous || ev.Actor.Role == p.RoleDevice):
			events++
			assert.False(t, ev.End, "a held event does not end a command: its release does")
		default:
			require.Zero(t, events, "event %d (%s) comes between held events and their release", ev.Seq, ev.Type)
		}
	}
	assert.Zero(t, events, "every held event is followed by its release")
	assert.NotZero(t, blocks)
}

type panelView struct {
	Panel struct {
		ID p.ID `json:"id"`
	} `json:"panel"`
	Composition struct {
		Constituted bool `json:"constituted"`
	} `json:"composition"`
	Members []struct {
		ID     p.ID `json:"id"`
		Person p.ID `json:"person"`
	} `json:"members"`
}

// TestEndToEnd is the acceptance over real HTTP on loopback,
// with people signed in at a real OpenID provider: a coordinator forms a
// constituted panel, its chair adopts a statement at an official
// meeting, a manager answers it; a device posts presses and a retried
// batch; an anonymous e-form with a receipt is looked up; a client reads
// their own contributions and is refused another's; the feed delivers
// every event in order, and resumes after a disconnect.
func TestEndToEnd(t *testing.T) {
	issuer := startProvider(t, map[string]person{
		"maija": {secret: "s", role: "coordinator"}, "johto": {secret: "s", role: "manager"},
		"chair": {secret: "s", role: "client"}, "secretary": {secret: "s", role: "client"},
		"aino": {secret: "s", role: "client"}, "bob": {secret: "s", role: "client"},
	})
	auth, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: audience})
	require.NoError(t, err)
	dir := t.TempDir()
	s := start(t, options{auth: auth, dir: dir})
	tok := func(who string) string { return signIn(t, issuer, who, "s") }
	coord, mgr, chair, aino, bob := tok("maija"), tok("johto"), tok("chair"), tok("aino"), tok("bob")

	t.Run("FeedIsForStaff", func(t *testing.T) {
		_, a := s.events("", "", "")
		assert.Equal(t, http.StatusUnauthorized, a.Status)
		_, a = s.events(aino, "", "")
		assert.Equal(t, http.StatusForbidden, a.Status)
	})
	live, _ := s.events(coord, "", "")

	// A constituted panel with a chair and a secretary.
	var pv panelView
	s.ok(coord, "panel.create", map[string]any{"name": "Aikuissosiaalityön asiakasraati", "unit": "aikuissosiaalityo"}).into(t, &pv)
	panelID := pv.Panel.ID
	persons := map[string]p.ID{"chair": httpapi.PersonID(issuer, "chair"), "secretary": httpapi.PersonID(issuer, "secretary")}
	for i := range 10 {
		arg := map[string]any{"panel": panelID, "name": "Jäsen " + strconv.Itoa(i+1), "service": []string{"aikuissosiaalityo", "paihdepalvelut"}[i%2]}
		switch i {
		case 0:
			arg["person"] = persons["chair"]
		case 1:
			arg["person"] = persons["secretary"]
		}
		s.ok(coord, "panel.addMember", arg).into(t, &pv)
	}
	member := map[p.ID]p.ID{}
	var present []p.ID
	for _, m := range pv.Members {
		member[m.Person] = m.ID
		present = append(present, m.ID)
	}
	s.ok(coord, "panel.appoint", map[string]any{"panel": panelID, "member": member[persons["chair"]], "position": "chair"})
	s.ok(coord, "panel.appoint", map[string]any{"panel": panelID, "member": member[persons["secretary"]], "position": "secretary"}).into(t, &pv)
	require.True(t, pv.Composition.Constituted, "ten members from two services form a constituted panel")

	// An official meeting; the chair adopts a statement; a manager
	// answers it.
	var meeting struct {
		ID       p.ID `json:"id"`
		Official bool `json:"official"`
	}
	s.ok(coord, "panel.meet", map[string]any{"panel": panelID, "present": present}).into(t, &meeting)
	require.True(t, meeting.Official)
	var st struct {
		ID p.ID `json:"id"`
	}
	s.ok(chair, "panel.adopt", map[string]any{"meeting": meeting.ID, "text": "Raati esittää iltavastaanottoja kahtena päivänä viikossa."}).into(t, &st)
	a := s.call(aino, "panel.adopt", map[string]any{"meeting": meeting.ID, "text": "Ei jäsen."})
	assert.Equal(t, http.StatusForbidden, a.Status, "a client who is not the chair adopts nothing")
	s.ok(mgr, "panel.answer", map[string]any{"statement": st.ID, "decision": "adopted", "reason": "Resurssit löytyvät.", "response": "Iltavastaanotot alkavat maaliskuussa."})

	// A device's presses, and a retried batch counted once.
	dev := decode[httpapi.DeviceToken](t, s.raw(coord, "/devices/register", []byte(`{"service":"aikuissosiaalityo","point":"Hervanta"}`)))
	s.ok(dev.Token, "feedback.press", map[string]any{"rating": 4})
	first := decode[httpapi.BatchResult](t, s.batch(dev.Token, "e2e-1", fourPresses))
	again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "e2e-1", fourPresses))
	assert.True(t, again.Replayed)
	assert.Equal(t, first.PressResult, again.PressResult)
	c, f := presses(t, dir, dev.Device)
	assert.Zero(t, c+f, "PRIV-1: a device's presses wait for the end of their hour")

	// Read half the feed live, then drop the connection.
	head := len(journalLines(t, dir))
	var got []sseEvent
	for range head / 2 {
		got = append(got, live.next())
	}
	live.close()

	// An anonymous e-form with a receipt, looked up.
	var sub struct {
		Receipt string `json:"receipt"`
	}
	s.ok("", "feedback.submit", map[string]any{"service": "aikuissosiaalityo", "rating": 3, "text": "Jonotus kesti kauan.", "receipt": true}).into(t, &sub)
	require.NotEmpty(t, sub.Receipt, "the e-form's answer carries its receipt code at once")
	a = s.call("", "feedback.receipt", map[string]any{"code": sub.Receipt})
	require.Equal(t, http.StatusNotFound, a.Status, "PRIV-1: the look-up answers not_found until the hour is over: %s", a.Body)
	assert.Equal(t, p.ENOTFOUND, a.Problem.Code)
	s.nextHour()
	s.ok("", "feedback.receipt", map[string]any{"code": sub.Receipt})
	c, f = presses(t, dir, dev.Device)
	assert.Equal(t, 5, c+f, "one press and one batch of four, once the hour is over")

	// A client's own contributions.
	var mine p.Contribution
	s.ok(aino, "loop.submit", map[string]any{"title": "Aukioloajat", "unit": "aikuissosiaalityo"}).into(t, &mine)
	list := decode[[]p.Contribution](t, s.ok(aino, "mine", nil))
	require.Len(t, list, 1)
	assert.Equal(t, mine.ID, list[0].ID)
	s.ok(aino, "mine.contribution", map[string]any{"id": mine.ID})
	a = s.call(bob, "mine.contribution", map[string]any{"id": mine.ID})
	assert.Equal(t, http.StatusForbidden, a.Status, "a client is refused another's contribution")
	assert.Empty(t, decode[[]p.Contribution](t, s.ok(bob, "mine", nil)))

	// Resume after the last event received, and read to the end.
	lines := journalLines(t, dir)
	resumed, _ := s.events(coord, got[len(got)-1].ID, "")
	for len(got) < len(lines) {
		got = append(got, resumed.next())
	}
	types := map[string]bool{}
	for i, e := range got {
		assert.Equal(t, strconv.Itoa(i+1), e.ID, "in order, none missed, none twice")
		assert.Equal(t, string(lines[i]), string(e.Data), "event %d is its journal line", i+1)
		types[e.Type] = true
	}
	for _, want := range []string{"panel.created", "panel.member_added", "panel.position_filled", "panel.meeting_held", "panel.statement_adopted",
		"panel.statement_answered", "feedback.device_registered", "feedback.pressed", "httpapi.batch_recorded", "feedback.submitted", "contribution.received",
		"inbox.released"} {
		assert.True(t, types[want], "the feed delivered %s", want)
	}
	t.Run("PRIV-1_anonymous_events_arrive_in_one_block_after_their_hour", func(t *testing.T) {
		checkHeldBlocks(t, got)
	})

	t.Run("FilteredByType", func(t *testing.T) {
		var want []string
		for _, e := range got {
			if e.Type == "panel.statement_adopted" || strings.HasPrefix(e.Type, "feedback.") {
				want = append(want, e.ID)
			}
		}
		require.Greater(t, len(want), 3)
		only, _ := s.events(coord, "", "?types=panel.statement_adopted,feedback.*")
		var ids []string
		for range want {
			ids = append(ids, only.next().ID)
		}
		assert.Equal(t, want, ids, "exactly the events of the types asked for, in order")
	})
}
