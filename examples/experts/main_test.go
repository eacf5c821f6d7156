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
	text := out.String()
	assert.Contains(t, text, "1. Sari    score 7", "the trained expert with the background and area ranks first")
	assert.Contains(t, text, "Training of professionals")
	assert.Contains(t, text, "expert,name,assignments,hours,fees_eur,travel_eur,total_eur")
	assert.Contains(t, text, "their profile: erased")
	for _, c := range res.After {
		assert.NotEqual(t, res.Withdrawn, c.Expert, "the withdrawn person is never matched")
	}
	var export bytes.Buffer
	require.NoError(t, res.Store.Export(&export))
	assert.NotContains(t, export.String(), "040 555 0002", "the contact details are gone from the data")
	assert.NotContains(t, export.String(), "Jussi")
	var fi bytes.Buffer
	res2, err := run(context.Background(), []string{"-lang", "fi"}, &fi)
	require.NoError(t, err)
	res2.Store.Close()
	assert.Contains(t, fi.String(), "Ammattilaisten koulutus")
	_, err = run(context.Background(), []string{"-lang", "de"}, &fi)
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
