package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

func TestKioskDay(t *testing.T) {
	var out bytes.Buffer
	sum, err := simulate(context.Background(), nil, &out)
	require.NoError(t, err)
	assert.Greater(t, sum.Filtered, 0, "the simulated day has repeats")
	assert.Equal(t, sum.Counted+1, sum.Report.Total.Value, "every counted press and the e-form")
	assert.Equal(t, sum.Filtered, sum.Report.Filtered)
	assert.Equal(t, "Jonotin tunnin. Soittakaa minulle [puhelin] tai [sähköposti], hetu [hetu].", sum.Scrubbed)
	assert.NotContains(t, out.String(), "040 123 4567")
	assert.Contains(t, out.String(), "■", "suppression is visible")
	assert.Equal(t, 0, feedback.Recoverable(&sum.Report.Ratings, &sum.Report.Channels))
	_, err = feedback.NormalizeReceipt(sum.Receipt)
	assert.NoError(t, err)

	var again bytes.Buffer
	_, err = simulate(context.Background(), nil, &again)
	require.NoError(t, err)
	assert.Equal(t, stripReceipt(out.String()), stripReceipt(again.String()), "the same seed simulates the same day")

	assert.Equal(t, p.EINVALID, p.ErrorCode(run(context.Background(), []string{"-lang", "de"}, &out)))
}

func stripReceipt(s string) string {
	var b bytes.Buffer
	for _, line := range bytes.Split([]byte(s), []byte("\n")) {
		if !bytes.Contains(line, []byte("receipt code")) {
			b.Write(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}
