package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

func TestWritesReport(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	o, err := run(context.Background(), []string{"-out", dir}, &out)
	require.NoError(t, err)

	b, err := os.ReadFile(o.JSON)
	require.NoError(t, err)
	var rep feedback.Report
	require.NoError(t, json.Unmarshal(b, &rep))
	assert.Equal(t, 1063, rep.Total.Value, "420+260+180+140+60+3 items")
	require.Len(t, rep.Services, 6)
	small := rep.Services[2] // maahanmuuttajapalvelut, sorted
	assert.Equal(t, "maahanmuuttajapalvelut", small.Service)
	assert.True(t, small.Count.Suppressed, "FB-5: three items are suppressed")
	require.NotNil(t, rep.Services[0].Change)
	assert.Len(t, rep.Tasks, 3)
	assert.Equal(t, 0, feedback.Recoverable(&rep.Ratings, &rep.Channels))

	f, err := os.Open(o.CSV)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	suppressed := 0
	for _, r := range recs[1:] {
		if r[4] != "shown" {
			suppressed++
			assert.Empty(t, r[3], "a suppressed cell has no value in the CSV")
		}
	}
	assert.Greater(t, suppressed, 0)
	assert.Contains(t, out.String(), "Knowledge of social welfare and problems")

	t.Run("LOOP-3_the_accountability_data_is_written_documented_and_signed", func(t *testing.T) {
		var a feedback.Accountability
		b, err := os.ReadFile(o.AccountabilityJSON)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &a))
		require.Len(t, a.Services, 5, "every service with proposals; the smallest had none")
		sum := 0
		suppressed := 0
		for _, r := range append(a.Services, a.Total) {
			for _, c := range []feedback.Cell{r.Contributions, r.Received, r.Acknowledged, r.UnderConsideration, r.Decided, r.Implemented, r.ReportedBack} {
				if c.Suppressed {
					suppressed++
					assert.Zero(t, c.Value, "a suppressed count shows no value")
				} else {
					assert.True(t, c.Value == 0 || c.Value >= a.K, "a shown count is 0 or at least K")
				}
			}
			if r.Service != "" && !r.Contributions.Suppressed {
				sum += r.Contributions.Value
			}
		}
		assert.Greater(t, suppressed, 0, "the small services are suppressed")
		assert.Greater(t, a.Total.ReportedBack.Value, 0, "some proposals were answered")
		assert.LessOrEqual(t, sum, a.Total.Contributions.Value)

		// The checkpoint is signed by the key written beside it.
		pub, err := os.ReadFile(o.PublicKey)
		require.NoError(t, err)
		cp, err := merkle.OpenCheckpoint(a.Checkpoint, strings.TrimSpace(string(pub)))
		require.NoError(t, err)
		assert.Equal(t, o.Head, cp.Size, "the checkpoint covers the whole journal")
		assert.Equal(t, "hyvinvointialue.example/osallisuus", cp.Origin)

		// The CSV has the JSON's rows, and every column is documented.
		f, err := os.Open(o.AccountabilityCSV)
		require.NoError(t, err)
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		require.Len(t, recs, len(a.Services)+2, "a header, a row per service and the total")
		var fields []feedback.FieldDoc
		b, err = os.ReadFile(o.FieldsJSON)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(b, &fields))
		documented := map[string]bool{}
		for _, fd := range fields {
			documented[fd.CSV] = fd.Doc.Fi != "" && fd.Doc.Sv != "" && fd.Doc.En != ""
		}
		for _, col := range recs[0] {
			assert.True(t, documented[col], "column %s is documented in fi, sv and en", col)
		}
	})

	_, err = run(context.Background(), []string{"-month", "March"}, &out)
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
