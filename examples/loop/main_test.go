package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
)

// TestRunTwice runs the scenario twice over one data directory: the second
// run replays the first's journal, resumes the feed where it stopped and
// sees the first month's contribution go overdue.
func TestRunTwice(t *testing.T) {
	dir := t.TempDir()
	var first, second Report
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"-data", dir}, &out))
	require.NoError(t, json.Unmarshal(out.Bytes(), &first))
	out.Reset()
	require.NoError(t, run(context.Background(), []string{"-data", dir}, &out))
	require.NoError(t, json.Unmarshal(out.Bytes(), &second))

	assert.Equal(t, uint64(0), first.Replayed)
	assert.Len(t, first.Contributions, 3)
	assert.Equal(t, first.Head.Seq, first.FeedLastSeq)
	assert.Equal(t, int(first.Head.Seq), first.FeedCopied)

	assert.Equal(t, first.Head.Seq, second.Replayed, "the second run replays the first")
	assert.Len(t, second.Contributions, 6)
	assert.Equal(t, int(second.Head.Seq-first.Head.Seq), second.FeedCopied, "the feed resumes, copying only what is new")
	assert.Equal(t, second.Head.Seq, second.FeedLastSeq)

	states := map[p.State]int{}
	for _, c := range second.Contributions {
		states[c.State]++
	}
	assert.Equal(t, map[p.State]int{p.StateReportedBack: 2, p.StateAcknowledged: 2, p.StateReceived: 2}, states)
	assert.Len(t, first.Overdue, 1, "the expert's input nobody took up")
	require.Len(t, second.Overdue, 2)
	for _, o := range second.Overdue {
		assert.Equal(t, "acknowledge", o.Missed)
		assert.Equal(t, "Plain-language letters for decisions", o.Contribution.Title)
	}
	var reported p.Indicator
	for _, in := range second.Indicators {
		if in.Key == p.IndicatorReportedBack {
			reported = in
		}
	}
	assert.Equal(t, 2, reported.Numerator)
	assert.Equal(t, 6, reported.Denominator)
}

func TestBadFlags(t *testing.T) {
	err := run(context.Background(), []string{"-start", "yesterday"}, &bytes.Buffer{})
	assert.Equal(t, p.EINVALID, p.ErrorCode(err))
}
