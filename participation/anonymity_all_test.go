//go:build !js

package participation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

// anonVariant is one way of running a command that an anonymous or
// device actor may run (PRIV-1).
type anonVariant struct {
	name   string
	action p.Action
	// roles run the variant; nil means every role the policy allows.
	roles []p.Role
	// wants are event types the command must write, so that the variant
	// is known to do what its name says.
	wants []string
	// prepare does the named set-up of run n and returns the command,
	// which returns what its caller gets back.
	prepare func(t *testing.T, n int) func(actor p.Actor) (any, error)
}

// TestAnonymityEverywhere is PRIV-1 read from every output. Every action
// that the role policy lets an anonymous or a device actor run is run in
// every variant (receipt, reply, theme crossing its threshold, in person
// by a worker, device batch, survey answer), by every role allowed to run
// it, three times, at a clock with minutes, seconds and nanoseconds. Then
// every journal line the command wrote (the file's raw bytes), every
// change-feed event, every export row it added or changed, the social
// report in JSON and CSV, the survey results, the contributions it
// started and what the caller got back are searched for a time finer than
// the hour (RFC 3339 or unix milliseconds), a new UUIDv7 id whose
// timestamp is finer than the hour, and the id of whoever ran it; and
// the anonymous ids of successive commands must not count up. An action
// open to anonymous or device actors with no variant here fails the test.
func TestAnonymityEverywhere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "journal.jsonl")
	j, err := p.OpenFile(path, nil)
	require.NoError(t, err)
	start := time.Date(2026, 3, 2, 10, 7, 12, 345678901, time.UTC)
	clock := p.NewManualClock(start)
	s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock,
		Modules: []p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: 3}), expert.Module(nil)}})
	require.NoError(t, err)
	defer s.Close()
	fb := feedback.New(s)

	// Named set-up: a device and a survey.
	device, err := fb.RegisterDevice(ctx, coordinator, feedback.DeviceInput{Service: "laite_palvelu", Point: "aula"})
	require.NoError(t, err)
	survey, err := fb.CreateSurvey(ctx, coordinator, feedback.SurveyInput{
		Title: feedback.Text{"fi": "Kysely"}, Service: "kysely_palvelu",
		Questions: []feedback.Question{
			{Key: "suositus", Type: feedback.NPS, Text: feedback.Text{"fi": "Suosittelisitko?"}},
			{Key: "terveiset", Type: feedback.FreeText, Text: feedback.Text{"fi": "Terveiset"}},
		},
		Opens: start.Truncate(time.Hour), // shown in its results; the organisation's, not the sender's
	})
	require.NoError(t, err)
	actorFor := func(role p.Role) p.Actor {
		switch role {
		case p.RoleAnonymous:
			return p.Anonymous
		case p.RoleDevice:
			return p.Actor{ID: device.ID, Role: p.RoleDevice}
		}
		return p.Actor{ID: p.MustParseID(fmt.Sprintf("0190a000-0000-7000-8000-%012x", 0x5000+len(role))), Role: role}
	}
	submit := func(sub feedback.Submission) func(t *testing.T, n int) func(p.Actor) (any, error) {
		return func(t *testing.T, n int) func(p.Actor) (any, error) {
			return func(a p.Actor) (any, error) { return fb.Submit(ctx, a, sub) }
		}
	}
	seven := 7
	themes := 0
	variants := []anonVariant{
		{name: "rating", action: feedback.ActionSubmit, wants: []string{"feedback.submitted"},
			prepare: submit(feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Rating: 2})},
		{name: "text", action: feedback.ActionSubmit, wants: []string{"feedback.submitted"},
			prepare: submit(feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Text: "Jonotin pitkään"})},
		{name: "receipt", action: feedback.ActionSubmit, wants: []string{"contribution.received", "feedback.submitted"},
			prepare: submit(feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Text: "Toivon iltavastaanottoa", WantReceipt: true})},
		{name: "reply", action: feedback.ActionSubmit, wants: []string{"contribution.received", "feedback.submitted", "feedback.reply_requested"},
			prepare: submit(feedback.Submission{Channel: feedback.EForm, Service: "palvelu", Rating: 1, Reply: &feedback.ReplyRequest{Contact: "vastaa@example.fi"}})},
		{name: "in_person_with_receipt_and_reply", action: feedback.ActionSubmit, roles: []p.Role{p.RoleStaff, p.RoleCoordinator},
			wants: []string{"contribution.received", "feedback.submitted", "feedback.reply_requested"},
			prepare: submit(feedback.Submission{Channel: feedback.InPerson, Service: "yhteisoneuvonta", Text: "Kirjastossa neuvottu",
				WantReceipt: true, Reply: &feedback.ReplyRequest{Contact: "040 765 4321"}})},
		{name: "theme_crossing_threshold", action: feedback.ActionSubmit, wants: []string{"contribution.received", "feedback.submitted"},
			prepare: func(t *testing.T, n int) func(p.Actor) (any, error) {
				themes++
				code := fmt.Sprintf("teema_%d", themes)
				require.NoError(t, fb.DefineTheme(ctx, coordinator, feedback.Theme{Code: code, Labels: p.Labels{Fi: "Teema", Sv: "Tema", En: "Theme"}}))
				sub := feedback.Submission{Channel: feedback.EForm, Service: "teemat", Rating: 3, Themes: []string{code}}
				for range 2 {
					_, err := fb.Submit(ctx, p.Anonymous, sub)
					require.NoError(t, err)
				}
				return func(a p.Actor) (any, error) { return fb.Submit(ctx, a, sub) }
			}},
		{name: "press", action: feedback.ActionPress, wants: []string{"feedback.pressed"},
			prepare: func(t *testing.T, n int) func(p.Actor) (any, error) {
				return func(a p.Actor) (any, error) {
					return fb.Press(ctx, a, device.ID, feedback.Press{Rating: 4})
				}
			}},
		{name: "offline_batch", action: feedback.ActionPress, wants: []string{"feedback.pressed"},
			prepare: func(t *testing.T, n int) func(p.Actor) (any, error) {
				return func(a p.Actor) (any, error) {
					now := clock.Now()
					return fb.PressBatch(ctx, a, device.ID, []feedback.Press{
						{Rating: 1, At: now.Add(-3*time.Minute - 7*time.Second - 11*time.Millisecond)},
						{Rating: 2, At: now.Add(-3*time.Minute - 5*time.Second)},
						{Rating: 3, At: now.Add(-time.Minute - 1)},
					})
				}
			}},
		{name: "survey_answer", action: feedback.ActionAnswerSurvey, wants: []string{"feedback.survey_answered"},
			prepare: func(t *testing.T, n int) func(p.Actor) (any, error) {
				return func(a p.Actor) (any, error) {
					return nil, fb.AnswerSurvey(ctx, a, survey.ID, []feedback.Answer{{Question: "suositus", Value: &seven}, {Question: "terveiset", Text: "Kiitos"}})
				}
			}},
	}

	covered := map[p.Action]bool{}
	var runs [][]p.ID // the new ids of each anonymous command, in order
	for _, v := range variants {
		roles := v.roles
		if roles == nil {
			roles = s.Policy().Roles(v.action)
		}
		for _, role := range roles {
			if !s.Policy().Allowed(role, v.action) {
				continue
			}
			covered[v.action] = true
			actor := actorFor(role)
			t.Run(fmt.Sprintf("PRIV-1_%s_%s_by_%s", v.action, v.name, role), func(t *testing.T) {
				// Three commands in one hour, after their named set-up;
				// each is checked while its hour is open, and the hour's
				// release afterwards.
				var cmds []func(p.Actor) (any, error)
				for n := range 3 {
					cmds = append(cmds, v.prepare(t, n))
				}
				before := anonSnapshot(t, s, fb, path)
				var gots []any
				for _, cmd := range cmds {
					clock.Advance(7*time.Second + 13*time.Millisecond + 17)
					mid := anonSnapshot(t, s, fb, path)
					got, err := cmd(actor)
					require.NoError(t, err)
					gots = append(gots, got)
					now := anonSnapshot(t, s, fb, path)
					runs = append(runs, checkHeld(t, mid, now, actor))
				}
				endHour(t, s, clock)
				after := anonSnapshot(t, s, fb, path)
				checkAnonymous(t, s, before, after, actor, v.wants, gots)
			})
		}
	}
	t.Run("PRIV-1_every_anonymous_command_is_covered", func(t *testing.T) {
		n := 0
		for _, a := range s.Policy().Actions() {
			if s.Policy().Allowed(p.RoleAnonymous, a) || s.Policy().Allowed(p.RoleDevice, a) || s.Policy().Anonymous(a) {
				n++
				assert.True(t, covered[a], "%s is anonymous or may be run by an anonymous or device actor, but no variant of TestAnonymityEverywhere runs it: add one", a)
			}
		}
		assert.NotZero(t, n, "the policy lets anonymous and device actors run something")
	})
	t.Run("PRIV-1_anonymous_ids_do_not_count_up", func(t *testing.T) {
		// Within one hour, ids that carry no order are as likely to fall
		// below the previous command's as above it. Counting up shows as
		// every command's ids lying above the one before, or as steps of
		// one to three in the 12 bits after the timestamp.
		pairs, rising, steps := 0, 0, 0
		for i := 1; i < len(runs); i++ {
			a, b := runs[i-1], runs[i]
			if len(a) == 0 || len(b) == 0 || !bytes.Equal(a[0][:6], b[0][:6]) {
				continue
			}
			pairs++
			if hi, lo := maxID(a), minID(b); bytes.Compare(hi[:], lo[:]) < 0 {
				rising++
			}
			if stepsUp(a, b) {
				steps++
			}
		}
		require.GreaterOrEqual(t, pairs, 20, "enough commands in one hour to tell")
		assert.Less(t, rising, pairs, "the ids of all %d successive anonymous commands in an hour count up", pairs+1)
		assert.LessOrEqual(t, steps, pairs/2, "%d of %d successive anonymous commands got the next id of a counter", steps, pairs)
	})
}

// counter is the 12 bits after a UUIDv7's timestamp, where a generator
// counts up ids made in the same millisecond.
func counter(id p.ID) int { return int(id[6]&0x0f)<<8 | int(id[7]) }

// stepsUp reports whether an id of b is one to three counts above an id
// of a made in the same millisecond.
func stepsUp(a, b []p.ID) bool {
	for _, x := range a {
		for _, y := range b {
			if d := counter(y) - counter(x); d >= 1 && d <= 3 && bytes.Equal(x[:6], y[:6]) {
				return true
			}
		}
	}
	return false
}

func maxID(ids []p.ID) p.ID {
	m := ids[0]
	for _, id := range ids {
		if bytes.Compare(id[:], m[:]) > 0 {
			m = id
		}
	}
	return m
}

func minID(ids []p.ID) p.ID {
	m := ids[0]
	for _, id := range ids {
		if bytes.Compare(id[:], m[:]) < 0 {
			m = id
		}
	}
	return m
}

// anonSnap is everything readable from outside the store at one moment.
type anonSnap struct {
	file    []byte
	inbox   []byte
	seq     uint64
	rows    map[string]bool
	reports []string
}

func anonSnapshot(t *testing.T, s *p.Store, fb *feedback.Service, path string) anonSnap {
	t.Helper()
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	inbox, err := os.ReadFile(path + ".inbox")
	if !os.IsNotExist(err) {
		require.NoError(t, err)
	}
	seq, _ := s.Head()
	var b bytes.Buffer
	require.NoError(t, s.Export(&b))
	var dump struct {
		Tables  map[string][]json.RawMessage          `json:"tables"`
		Modules map[string]map[string]json.RawMessage `json:"modules"`
	}
	require.NoError(t, json.Unmarshal(b.Bytes(), &dump))
	rows := map[string]bool{}
	for table, rs := range dump.Tables {
		for _, r := range rs {
			rows["table "+table+": "+string(r)] = true
		}
	}
	for module, parts := range dump.Modules {
		for part, v := range parts {
			var list []json.RawMessage
			if json.Unmarshal(v, &list) != nil {
				rows["module "+module+"."+part+": "+string(v)] = true
				continue
			}
			for _, r := range list {
				rows["module "+module+"."+part+": "+string(r)] = true
			}
		}
	}
	var reports []string
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	rep, err := fb.Report(s.View(), feedback.ReportQuery{From: day, To: day.AddDate(0, 0, 1)})
	require.NoError(t, err)
	js, err := json.Marshal(rep)
	require.NoError(t, err)
	var csv bytes.Buffer
	require.NoError(t, feedback.WriteCSV(&csv, rep))
	reports = append(reports, "the social report: "+string(js), "the social report's CSV: "+csv.String())
	surveys, err := p.Collect[*feedback.SurveyInfo](s.View(), "feedback_surveys", "id", nil)
	require.NoError(t, err)
	for _, sv := range surveys {
		res, err := fb.Results(sv.ID)
		require.NoError(t, err)
		js, err := json.Marshal(res)
		require.NoError(t, err)
		reports = append(reports, "the survey's results: "+string(js))
	}
	return anonSnap{file: raw, inbox: inbox, seq: seq, rows: rows, reports: reports}
}

var (
	rfc3339Time = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	unixMillis  = regexp.MustCompile(`\b1[6-9]\d{11}\b`)
	uuidText    = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
)

// checkHeld checks an anonymous command while its hour is open: nothing
// readable changed (journal, feed, export, reports, survey results), and
// the inbox line that holds it has no time finer than the hour and no
// actor id. It returns the new ids in that line, in order.
func checkHeld(t *testing.T, mid, now anonSnap, actor p.Actor) []p.ID {
	t.Helper()
	assert.Equal(t, mid.seq, now.seq, "PRIV-1: the command reached the journal before the end of its hour")
	assert.True(t, bytes.Equal(mid.file, now.file), "PRIV-1: the journal file changed before the end of the hour")
	assert.Equal(t, mid.rows, now.rows, "PRIV-1: the export changed before the end of the hour")
	assert.Equal(t, mid.reports, now.reports, "PRIV-1: a report or a survey's results changed before the end of the hour")
	require.True(t, bytes.HasPrefix(now.inbox, mid.inbox), "the inbox is only appended to within the hour")
	line := now.inbox[len(mid.inbox):]
	require.NotEmpty(t, line, "the command is held in the inbox")
	if !actor.ID.IsZero() && actor.Role != p.RoleDevice && bytes.Contains(line, []byte(actor.ID.String())) {
		t.Errorf("PRIV-1: the inbox holds the id of the %s who ran the command", actor.Role)
	}
	for _, m := range rfc3339Time.FindAll(line, -1) {
		tm, err := time.Parse(time.RFC3339Nano, string(m))
		if err == nil && !tm.Equal(tm.Truncate(time.Hour)) {
			t.Errorf("PRIV-1: the inbox holds the time %s, finer than the hour", m)
		}
	}
	var ids []p.ID
	for _, m := range uuidText.FindAll(line, -1) {
		id := p.MustParseID(string(m))
		if !bytes.Contains(mid.inbox, m) && !bytes.Contains(mid.file, m) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

// checkAnonymous reads everything an hour's anonymous commands changed
// once the hour is over.
func checkAnonymous(t *testing.T, s *p.Store, before, after anonSnap, actor p.Actor, wants []string, gots []any) {
	t.Helper()
	known := map[p.ID]bool{}
	for _, m := range uuidText.FindAll(before.file, -1) {
		known[p.MustParseID(string(m))] = true
	}
	fresh := map[p.ID]bool{}
	var made []p.ID
	scan := func(where, text string) {
		t.Helper()
		if !actor.ID.IsZero() && actor.Role != p.RoleDevice && strings.Contains(text, actor.ID.String()) {
			t.Errorf("PRIV-1: %s holds the id of the %s who ran the command: %s", where, actor.Role, clip(text))
		}
		for _, m := range rfc3339Time.FindAllString(text, -1) {
			tm, err := time.Parse(time.RFC3339Nano, m)
			if err == nil && !tm.Equal(tm.Truncate(time.Hour)) {
				t.Errorf("PRIV-1: %s holds the time %s, finer than the hour: %s", where, m, clip(text))
			}
		}
		for _, m := range unixMillis.FindAllString(text, -1) {
			if ms, _ := strconv.ParseInt(m, 10, 64); ms%3_600_000 != 0 {
				t.Errorf("PRIV-1: %s holds %s, a time in unix milliseconds finer than the hour: %s", where, m, clip(text))
			}
		}
		for _, m := range uuidText.FindAllString(text, -1) {
			id := p.MustParseID(m)
			if known[id] {
				continue
			}
			if !fresh[id] {
				fresh[id] = true
				made = append(made, id)
			}
			if id[6]>>4 == 7 {
				ms := int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
				if ms%3_600_000 != 0 {
					t.Errorf("PRIV-1: %s holds the new UUIDv7 %s, whose timestamp %s is finer than the hour", where, m, time.UnixMilli(ms).UTC().Format(time.RFC3339Nano))
				}
			}
		}
	}

	require.True(t, bytes.HasPrefix(after.file, before.file), "the journal file is only appended to")
	lines := strings.Split(strings.TrimSuffix(string(after.file[len(before.file):]), "\n"), "\n")
	require.Equal(t, int(after.seq-before.seq), len(lines), "one journal line per event")
	types := map[string]bool{}
	var contributions []p.ID
	for _, line := range lines {
		e, err := p.ParseEvent([]byte(line))
		require.NoError(t, err)
		types[e.Type] = true
		where := fmt.Sprintf("journal line %d (%s)", e.Seq, e.Type)
		scan(where, line)
		if !e.Actor.ID.IsZero() {
			t.Errorf("PRIV-1: %s records the actor id %s", where, e.Actor.ID)
		}
		if e.Type == "contribution.received" {
			var d p.ContributionReceived
			require.NoError(t, json.Unmarshal(e.Data, &d))
			contributions = append(contributions, d.Contribution)
		}
	}
	for _, w := range wants {
		assert.True(t, types[w], "the command wrote %s", w)
	}

	sub := s.Subscribe(before.seq + 1)
	for seq := before.seq + 1; seq <= after.seq; seq++ {
		e, err := sub.Next(context.Background())
		require.NoError(t, err)
		b, err := json.Marshal(e)
		require.NoError(t, err)
		scan(fmt.Sprintf("change-feed event %d (%s)", e.Seq, e.Type), string(b))
	}
	for row := range after.rows {
		if !before.rows[row] {
			scan("the export row", row)
		}
	}
	for _, r := range after.reports {
		where, text, _ := strings.Cut(r, ": ")
		scan(where, text)
	}
	for _, id := range contributions {
		c, err := p.GetContribution(s.View(), id)
		require.NoError(t, err)
		assert.True(t, c.ReceivedAt.Equal(c.ReceivedAt.Truncate(time.Hour)), "PRIV-1: GetContribution(%s).ReceivedAt is %s, finer than the hour", id, c.ReceivedAt)
		loop := s.View().Loop()
		assert.Equal(t, c.ReceivedAt.Add(loop.AcknowledgeWithin), c.AcknowledgeBy, "PRIV-1: deadlines count from the hour")
		assert.Equal(t, c.ReceivedAt.Add(loop.RespondWithin), c.RespondBy, "PRIV-1: deadlines count from the hour")
		b, err := json.Marshal(c)
		require.NoError(t, err)
		scan("the contribution as read back", string(b))
	}
	for _, got := range gots {
		if got != nil {
			b, err := json.Marshal(got)
			require.NoError(t, err)
			scan("what the caller got back", string(b))
		}
	}
	_ = made
}

func clip(s string) string {
	if len(s) > 400 {
		return s[:400] + "…"
	}
	return s
}
