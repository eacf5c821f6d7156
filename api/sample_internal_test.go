package api

import (
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestSampleIsSeeded loads the sample county twice on one day, at
// different hours, into fresh apps and reads both journals whole: every
// event, id, time, name key and text is the same. Only the receipts'
// digests differ — each store keys them with its own secret — and with
// them the chain's hashes, so those are masked. (Across days the county
// shifts with the calendar: a theme becomes a contribution when its
// calendar month's count reaches the threshold.)
func TestSampleIsSeeded(t *testing.T) {
	digest := regexp.MustCompile(`"(receipt|prev|hash)":"[0-9a-f]{64}"`)
	journal := func(at time.Time) (string, string) {
		a, err := Open("", "")
		require.NoError(t, err)
		_, err = a.sampleAt(at, "sv")
		require.NoError(t, err)
		lines, keys := a.Pending()
		return digest.ReplaceAllString(lines, `"$1":"…"`), keys
	}
	lines, keys := journal(time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC))
	again, againKeys := journal(time.Date(2026, 3, 2, 16, 40, 0, 0, time.UTC))
	require.NotEmpty(t, lines)
	require.True(t, lines == again, "the sample is the same journal on every load of a day")
	require.Equal(t, keys, againKeys)
}
