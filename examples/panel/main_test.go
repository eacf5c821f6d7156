package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

func TestSteps(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), nil, &out))
	text := out.String()
	for _, want := range []string{
		"10 members missing",
		"No chair",
		"sosiaalinen_kuntoutus  14 volunteers → 5 seats",
		"paihdepalvelut          9 volunteers → 4 seats",
		"omaishoito              2 volunteers → 1 seats",
		"refused (conflict)",
		"✔ 12 members from 4 services — constituted",
		"official false",
		"statement refused (not_official)",
		"official true",
		"Partly adopted",
		"loop: Reported back",
	} {
		assert.Contains(t, text, want)
	}
}

func TestFinnishAndJSON(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-lang", "fi"}, &out))
	assert.Contains(t, out.String(), "Asiakasraati")
	assert.Contains(t, out.String(), "Puheenjohtaja")

	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-json"}, &out))
	var f Final
	require.NoError(t, json.Unmarshal(out.Bytes(), &f))
	assert.True(t, f.Status.Composition.Constituted)
	assert.Len(t, f.Members, 12)
	assert.Equal(t, p.StateReportedBack, f.Statements[0].Loop.State)
	assert.False(t, strings.Contains(out.String(), "1. "), "JSON mode prints no steps")

	err := run(context.Background(), []string{"-lang", "de"}, &out)
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
