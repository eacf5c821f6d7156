package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
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

	_, err = run(context.Background(), []string{"-month", "March"}, &out)
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
