package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

func TestRun(t *testing.T) {
	var out bytes.Buffer
	res, err := run(context.Background(), nil, &out)
	require.NoError(t, err)
	defer res.Store.Close()
	for _, id := range res.Linked {
		c, err := p.GetContribution(res.Store.View(), id)
		require.NoError(t, err)
		assert.Equal(t, p.StateReportedBack, c.State, "closing reports back every linked contribution")
	}
	value := func(ins []p.Indicator, key string) float64 {
		for _, in := range ins {
			if in.Key == key && in.Value != nil {
				return *in.Value
			}
		}
		return -1
	}
	assert.Equal(t, 0.0, value(res.Before, p.IndicatorReportedBack))
	assert.Equal(t, 1.0, value(res.After, p.IndicatorReportedBack), "every contribution answered")
	assert.Equal(t, 1.0, value(res.After, p.IndicatorReplies), "both senders who asked got a reply")
	assert.NotContains(t, res.House.Empty, p.LevelDevelopment, "the process lives on the development floor")
	assert.Contains(t, out.String(), "Planning → Implementation → Evaluation → Closed")
	var fi bytes.Buffer
	res2, err := run(context.Background(), []string{"-lang", "fi"}, &fi)
	require.NoError(t, err)
	res2.Store.Close()
	assert.Contains(t, fi.String(), "Suunnittelu → Toteutus → Arviointi → Päättynyt")
}
