package feedback_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// jsonPaths lists every JSON field of t, walking structs and slices:
// "services[].received". Fields of a Cell or a Figure are "*.value" and
// so on; the total row has the fields of a service row.
func jsonPaths(t reflect.Type, prefix string, out map[string]bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		path := prefix + name
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft == reflect.TypeOf(feedback.Cell{}) || ft == reflect.TypeOf(feedback.Figure{}):
			out[path] = true
			jsonPaths(ft, "*.", out)
		case ft == reflect.TypeOf(time.Time{}):
			out[path] = true
		case ft.Kind() == reflect.Struct && path == "total":
			out[path] = true // documented as a whole: the fields of a service row
		case ft.Kind() == reflect.Struct:
			jsonPaths(ft, path+".", out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			jsonPaths(ft.Elem(), path+"[].", out)
		default:
			out[path] = true
		}
	}
}

func TestAccountabilityFields(t *testing.T) {
	docs := map[string]feedback.FieldDoc{}
	for _, d := range feedback.AccountabilityFields() {
		docs[d.JSON] = d
	}
	t.Run("LOOP-3_every_json_field_is_documented", func(t *testing.T) {
		paths := map[string]bool{}
		jsonPaths(reflect.TypeOf(feedback.Accountability{}), "", paths)
		require.Greater(t, len(paths), 15)
		for path := range paths {
			d, ok := docs[path]
			if assert.True(t, ok, "the field %s has no documentation in AccountabilityFields", path) {
				for _, l := range p.Langs {
					assert.NotEmpty(t, d.Doc.In(l), "%s in %s", path, l)
				}
			}
		}
		for path := range docs {
			assert.True(t, paths[path], "AccountabilityFields documents %s, which is no field", path)
		}
	})
	t.Run("LOOP-3_every_csv_column_is_documented", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, feedback.WriteAccountabilityCSV(&b, &feedback.Accountability{}))
		header, err := csv.NewReader(&b).Read()
		require.NoError(t, err)
		columns := map[string]bool{}
		for _, col := range header {
			columns[col] = true
		}
		for _, col := range header {
			found := false
			for _, d := range feedback.AccountabilityFields() {
				found = found || d.CSV == col
			}
			assert.True(t, found, "the CSV column %s has no documentation", col)
		}
		for _, d := range feedback.AccountabilityFields() {
			if d.CSV != "" {
				assert.True(t, columns[d.CSV], "AccountabilityFields documents the column %s, which the CSV lacks", d.CSV)
			}
		}
	})
}

func TestAccountability(t *testing.T) {
	ctx := context.Background()
	private, public, err := merkle.GenerateKey(&seqRand{}, "county.example/osallisuus")
	require.NoError(t, err)
	signer, err := merkle.NewSigner(private)
	require.NoError(t, err)
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{feedback.Module(nil)}, History: merkle.New(signer)})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	fb := feedback.New(s)

	submit := func(service string, n int) []p.ID {
		var ids []p.ID
		for i := 0; i < n; i++ {
			c, err := s.Submit(ctx, worker, p.ContributionInput{Source: p.Source{Module: "test", Kind: "idea"}, Level: p.LevelDialogue,
				Origin: p.OriginOrganisation, Unit: "aikuissosiaalityo", Service: service, Title: "Aukioloajat iltaisin"})
			require.NoError(t, err)
			ids = append(ids, c.ID)
		}
		return ids
	}
	// A large service with every state, a small one, and one with none.
	big := submit("aikuissosiaalityo", 40)
	small := submit("paihdepalvelut", 3)
	submit("", 6)
	clock.Advance(10 * 24 * time.Hour)
	for _, id := range big[:30] {
		_, err := s.Acknowledge(ctx, worker, id, "")
		require.NoError(t, err)
	}
	for _, id := range big[:24] {
		_, err := s.Consider(ctx, worker, id, "")
		require.NoError(t, err)
	}
	for i, id := range big[:18] {
		d := p.Adopted
		if i >= 12 {
			d = p.NotAdopted
		}
		_, err := s.Decide(ctx, manager, id, d, "Resurssit")
		require.NoError(t, err)
	}
	for _, id := range big[:6] {
		_, err := s.Implement(ctx, worker, id, "")
		require.NoError(t, err)
	}
	clock.Advance(100 * 24 * time.Hour) // some answers come late
	for _, id := range append(big[6:12], big[:1]...) {
		_, err := s.ReportBack(ctx, manager, id, "Vastaus")
		require.NoError(t, err)
	}
	_, err = s.Decide(ctx, manager, small[0], p.Adopted, "")
	require.NoError(t, err)

	q := feedback.AccountabilityQuery{From: t0.Truncate(24 * time.Hour), To: t0.Truncate(24*time.Hour).AddDate(0, 0, 1)}
	a, err := fb.Accountability(q)
	require.NoError(t, err)

	t.Run("LOOP-3_counts_by_state_are_every_contribution_of_the_period", func(t *testing.T) {
		// Read every contribution and count by service and state.
		cs, _, err := p.FindContributions(s.View(), p.ContributionFilter{})
		require.NoError(t, err)
		want := map[string]map[p.State]int{}
		for _, c := range cs {
			if want[c.Service] == nil {
				want[c.Service] = map[p.State]int{}
			}
			want[c.Service][c.State]++
		}
		require.Len(t, a.Services, 3)
		get := func(r feedback.AccountabilityRow) map[p.State]feedback.Cell {
			return map[p.State]feedback.Cell{p.StateReceived: r.Received, p.StateAcknowledged: r.Acknowledged, p.StateUnderConsideration: r.UnderConsideration,
				p.StateDecided: r.Decided, p.StateImplemented: r.Implemented, p.StateReportedBack: r.ReportedBack}
		}
		for _, r := range a.Services {
			total := 0
			for state, c := range get(r) {
				total += want[r.Service][state]
				if !c.Suppressed {
					assert.Equal(t, want[r.Service][state], c.Value, "%q %s", r.Service, state)
				} else {
					assert.Zero(t, c.Value, "a suppressed count reads 0")
				}
			}
			if !r.Contributions.Suppressed {
				assert.Equal(t, total, r.Contributions.Value, "%q", r.Service)
			}
		}
		// The big service: 40 = 10 received + 6 acknowledged + 6 under
		// consideration + 6 decided + 5 implemented + 7 reported back.
		b := a.Services[1]
		require.Equal(t, "aikuissosiaalityo", b.Service)
		assert.Equal(t, 40, b.Contributions.Value)
		assert.Equal(t, 10, b.Received.Value)
		assert.Equal(t, 7, b.ReportedBack.Value)
		assert.True(t, b.Implemented.Suppressed || b.Implemented.Value == 5)
		assert.Equal(t, 49, a.Total.Contributions.Value)
	})

	t.Run("LOOP-3_small_counts_are_suppressed_like_the_social_report", func(t *testing.T) {
		sm := a.Services[2]
		require.Equal(t, "paihdepalvelut", sm.Service)
		assert.True(t, sm.Contributions.Suppressed, "3 contributions are fewer than K")
		assert.True(t, sm.Received.Suppressed)
		assert.True(t, sm.Decided.Suppressed)
		// No row or column, totals included, has exactly one suppressed
		// entry: it could be worked out by subtraction.
		rows := append([]feedback.AccountabilityRow{a.Total}, a.Services...)
		cells := func(r feedback.AccountabilityRow) []feedback.Cell {
			return []feedback.Cell{r.Contributions, r.Received, r.Acknowledged, r.UnderConsideration, r.Decided, r.Implemented, r.ReportedBack}
		}
		for _, r := range rows {
			n := 0
			for _, c := range cells(r) {
				if c.Suppressed {
					n++
				}
			}
			assert.NotEqual(t, 1, n, "row %q", r.Service)
		}
		for col := range cells(a.Total) {
			n := 0
			for _, r := range rows {
				if cells(r)[col].Suppressed {
					n++
				}
			}
			assert.NotEqual(t, 1, n, "column %d", col)
		}
		// The small service's figures: one decision, none answered.
		assert.True(t, sm.Adopted.Suppressed)
		assert.Nil(t, sm.Adopted.Value)
		assert.Equal(t, feedback.Figure{}, sm.MedianDaysToAnswer, "nothing to compute from")
	})

	t.Run("LOOP-3_figures_are_the_loop_indicators", func(t *testing.T) {
		svc := "aikuissosiaalityo"
		ind, err := p.LoopIndicators(s.View(), p.IndicatorFilter{Period: a.Period, Service: &svc, At: a.At})
		require.NoError(t, err)
		b := a.Services[1]
		for _, in := range ind {
			switch in.Key {
			case p.IndicatorAdopted:
				// 12 of 18 adopted: 12 and the 6 not adopted are
				// each at least K.
				require.NotNil(t, b.Adopted.Value)
				assert.InDelta(t, *in.Value, *b.Adopted.Value, 0.005)
				assert.InDelta(t, 12.0/18, *b.Adopted.Value, 0.005)
			case p.IndicatorRespondedInTime:
				// 7 answered, after the deadline: 0 in time, which is
				// not a small count but none.
				assert.Equal(t, 0, in.Numerator)
				require.NotNil(t, b.AnsweredInTime.Value)
				assert.Equal(t, 0.0, *b.AnsweredInTime.Value)
			case p.IndicatorMedianResponse:
				require.NotNil(t, b.MedianDaysToAnswer.Value)
				assert.Equal(t, *in.Value, *b.MedianDaysToAnswer.Value)
			}
		}
	})

	t.Run("LOOP-3_checkpoint_is_signed_and_covers_the_data", func(t *testing.T) {
		cp, err := merkle.OpenCheckpoint(a.Checkpoint, public)
		require.NoError(t, err)
		head, _ := s.Head()
		assert.Equal(t, head, cp.Size)
	})

	t.Run("LOOP-3_csv_is_the_json", func(t *testing.T) {
		var b bytes.Buffer
		require.NoError(t, feedback.WriteAccountabilityCSV(&b, a))
		rows, err := csv.NewReader(&b).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 1+len(a.Services)+1)
		cell := func(c feedback.Cell) string {
			if c.Suppressed {
				return "suppressed"
			}
			return strconv.Itoa(c.Value)
		}
		figure := func(f feedback.Figure) string {
			if f.Suppressed {
				return "suppressed"
			}
			if f.Value == nil {
				return ""
			}
			return strconv.FormatFloat(*f.Value, 'f', -1, 64)
		}
		for i, r := range append(append([]feedback.AccountabilityRow(nil), a.Services...), a.Total) {
			want := []string{r.Service, cell(r.Contributions), cell(r.Received), cell(r.Acknowledged), cell(r.UnderConsideration), cell(r.Decided),
				cell(r.Implemented), cell(r.ReportedBack), figure(r.AnsweredInTime), figure(r.MedianDaysToAnswer), figure(r.Adopted), ""}
			if i == len(a.Services) {
				want[0], want[11] = "total", a.Checkpoint
			}
			assert.Equal(t, want, rows[i+1])
		}
	})

	t.Run("BadPeriod", func(t *testing.T) {
		for _, q := range []feedback.AccountabilityQuery{{}, {From: t0}, {From: t0, To: t0}, {From: t0, To: t0.AddDate(11, 0, 0)}} {
			_, err := fb.Accountability(q)
			assert.Equal(t, p.EINVALID, p.ErrorCode(err), "%+v", q)
		}
	})
}
