package feedback_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

// seqRand is a fixed source of randomness for the test key.
type seqRand struct{ x byte }

func (r *seqRand) Read(b []byte) (int, error) {
	for i := range b {
		r.x = r.x*31 + 7
		b[i] = r.x
	}
	return len(b), nil
}

func TestReceiptProofs(t *testing.T) {
	ctx := context.Background()
	private, public, err := merkle.GenerateKey(&seqRand{}, "county.example/osallisuus")
	require.NoError(t, err)
	signer, err := merkle.NewSigner(private)
	require.NoError(t, err)
	j := p.NewMemoryJournal()
	clock := p.NewManualClock(t0)
	s, err := p.Open(ctx, &p.Config{Journal: j, Clock: clock, Modules: []p.Module{feedback.Module(nil)}, History: merkle.New(signer)})
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	fb := feedback.New(s)

	other := func() {
		_, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo", Rating: 4})
		require.NoError(t, err)
	}
	other()
	res, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo",
		Text: "Toivon iltavastaanottoa", WantReceipt: true})
	require.NoError(t, err)
	other()
	// The hour's anonymous feedback is journalled once the hour is over
	// (PRIV-1), and the tree covers it from then on.
	clock.Set(t0.Truncate(time.Hour).Add(time.Hour))
	require.NoError(t, s.Release(ctx))

	// events reads the whole journal: type and data by sequence number.
	events := func() map[uint64]p.Event {
		out := map[uint64]p.Event{}
		require.NoError(t, j.Read(ctx, 1, func(e p.Event) error { out[e.Seq] = e; return nil }))
		return out
	}
	// check verifies a saved receipt with the public key alone and
	// returns the types of the events it proves.
	check := func(v feedback.ReceiptView) ([]string, p.Checkpoint) {
		t.Helper()
		require.NotNil(t, v.Proof)
		b, err := json.Marshal(v)
		require.NoError(t, err)
		var saved feedback.ReceiptView
		require.NoError(t, json.Unmarshal(b, &saved))
		cp, err := merkle.VerifyProofs(saved.Proof, public)
		require.NoError(t, err)
		all := events()
		var types []string
		for _, pr := range saved.Proof.Events {
			e, ok := all[pr.Seq]
			require.True(t, ok)
			assert.Equal(t, e.Hash, pr.Leaf, "the proof's leaf is the hash the journal records for event %d", pr.Seq)
			var ref struct{ Contribution p.ID }
			require.NoError(t, json.Unmarshal(e.Data, &ref))
			assert.Equal(t, res.Contribution, ref.Contribution, "event %d (%s) is about the receipt's contribution", pr.Seq, e.Type)
			types = append(types, e.Type)
		}
		assert.NotContains(t, string(b), "Toivon", "the receipt never shows the feedback")
		// A wrong key fails.
		_, otherKey, err := merkle.GenerateKey(&seqRand{x: 9}, "county.example/osallisuus")
		require.NoError(t, err)
		_, err = merkle.VerifyProofs(saved.Proof, otherKey)
		assert.Equal(t, p.ECORRUPT, p.ErrorCode(err))
		return types, cp
	}

	t.Run("LOOP-2_receipt_proves_the_items_event", func(t *testing.T) {
		v, err := feedback.LookupReceipt(s.View(), res.Receipt)
		require.NoError(t, err)
		types, _ := check(v)
		assert.Equal(t, []string{"feedback.submitted"}, types)
	})

	t.Run("LOOP-2_receipt_proves_the_decision_and_the_response", func(t *testing.T) {
		v, err := feedback.LookupReceipt(s.View(), res.Receipt)
		require.NoError(t, err)
		_, first := check(v)

		_, err = s.Decide(ctx, manager, res.Contribution, p.PartlyAdopted, "Kokeillaan yhtenä iltana viikossa")
		require.NoError(t, err)
		other()
		v, err = feedback.LookupReceipt(s.View(), res.Receipt)
		require.NoError(t, err)
		types, _ := check(v)
		assert.Equal(t, []string{"feedback.submitted", "contribution.decided"}, types)

		_, err = s.ReportBack(ctx, manager, res.Contribution, "Kokeilemme iltavastaanottoa keväällä.")
		require.NoError(t, err)
		other()
		v, err = feedback.LookupReceipt(s.View(), res.Receipt)
		require.NoError(t, err)
		types, last := check(v)
		assert.Equal(t, []string{"feedback.submitted", "contribution.decided", "contribution.reported_back"}, types)
		assert.Equal(t, "Kokeilemme iltavastaanottoa keväällä.", v.Response)

		// The holder of the first receipt's checkpoint can see that the
		// later history extends it.
		pr, err := s.ProveConsistency(first.Size, last.Size)
		require.NoError(t, err)
		assert.NoError(t, merkle.VerifyConsistency(pr, first, last))
		assert.True(t, strings.HasPrefix(v.Proof.Checkpoint, "county.example/osallisuus\n"))
	})
}

// TestProofsKeepAnonymity: the sequence numbers that proofs need are kept
// on rows, but out of every row's JSON, for a sequence number orders an
// anonymous item within its hour (PRIV-1). Only the receipt's holder sees
// them, in the proof.
func TestProofsKeepAnonymity(t *testing.T) {
	t.Run("PRIV-1_rows_of_an_anonymous_item_carry_no_sequence_number", func(t *testing.T) {
		ctx := context.Background()
		private, _, err := merkle.GenerateKey(&seqRand{}, "county.example/osallisuus")
		require.NoError(t, err)
		signer, err := merkle.NewSigner(private)
		require.NoError(t, err)
		clock := p.NewManualClock(t0)
		s, err := p.Open(ctx, &p.Config{Clock: clock, Modules: []p.Module{feedback.Module(nil)}, History: merkle.New(signer)})
		require.NoError(t, err)
		defer s.Close()
		fb := feedback.New(s)
		res, err := fb.Submit(ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: "aikuissosiaalityo", Text: "Toivon iltavastaanottoa", WantReceipt: true})
		require.NoError(t, err)
		clock.Set(t0.Truncate(time.Hour).Add(time.Hour))
		require.NoError(t, s.Release(ctx))
		_, err = s.Acknowledge(ctx, manager, res.Contribution, "")
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, s.Export(&b))
		var export struct {
			Tables map[string][]map[string]any `json:"tables"`
		}
		require.NoError(t, json.Unmarshal(b.Bytes(), &export))
		rows := 0
		for table, list := range export.Tables {
			for _, row := range list {
				rows++
				assert.NotContains(t, row, "seq", "a row of %s", table)
				if hist, ok := row["history"].([]any); ok {
					for _, step := range hist {
						assert.NotContains(t, step.(map[string]any), "seq", "a step of a row of %s", table)
					}
				}
			}
		}
		require.NotZero(t, rows)
		c, err := p.GetContribution(s.View(), res.Contribution)
		require.NoError(t, err)
		b2, err := json.Marshal(c)
		require.NoError(t, err)
		assert.NotContains(t, string(b2), `"seq"`, "the contribution as readers get it")
	})
}
