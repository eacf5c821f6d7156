package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
)

func TestReceiptOffline(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var out bytes.Buffer
	require.NoError(t, run(ctx, []string{"-out", dir}, &out))
	rpath, kpath := filepath.Join(dir, "receipt.json"), filepath.Join(dir, "county.pub")

	t.Run("LOOP-2_saved_receipt_verifies_offline", func(t *testing.T) {
		out.Reset()
		require.NoError(t, run(ctx, []string{"-verify", rpath, "-key", kpath}, &out))
		assert.Contains(t, out.String(), "the decision was recorded")
		assert.Contains(t, out.String(), "the response was recorded")
		assert.Contains(t, out.String(), "verified")
	})

	raw, err := os.ReadFile(rpath)
	require.NoError(t, err)
	var v feedback.ReceiptView
	require.NoError(t, json.Unmarshal(raw, &v))
	require.Len(t, v.Proof.Events, 3)

	t.Run("LOOP-2_altered_receipt_fails", func(t *testing.T) {
		alter := func(change func(*feedback.ReceiptView)) string {
			var w feedback.ReceiptView
			require.NoError(t, json.Unmarshal(raw, &w))
			change(&w)
			b, err := json.Marshal(w)
			require.NoError(t, err)
			path := filepath.Join(t.TempDir(), "receipt.json")
			require.NoError(t, os.WriteFile(path, b, 0o644))
			return path
		}
		for name, change := range map[string]func(*feedback.ReceiptView){
			"leaf": func(w *feedback.ReceiptView) { w.Proof.Events[1].Leaf[3] ^= 0x10 },
			"path": func(w *feedback.ReceiptView) { w.Proof.Events[2].Path[0][0] ^= 0x01 },
			"seq":  func(w *feedback.ReceiptView) { w.Proof.Events[0].Seq++ },
			"size": func(w *feedback.ReceiptView) { w.Proof.Events[0].Size-- },
			"checkpoint": func(w *feedback.ReceiptView) {
				lines := strings.SplitN(w.Proof.Checkpoint, "\n", 3)
				lines[1] += "0" // a tree ten times the size
				w.Proof.Checkpoint = strings.Join(lines, "\n")
			},
		} {
			err := run(ctx, []string{"-verify", alter(change), "-key", kpath}, &out)
			require.Error(t, err, name)
			assert.Contains(t, []string{p.ECORRUPT, p.EINVALID}, p.ErrorCode(err), name)
		}
		// Another county's key.
		other := filepath.Join(t.TempDir(), "other.pub")
		_, public, err := merkle.GenerateKey(strings.NewReader(strings.Repeat("x", 64)), "county.example/osallisuus")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(other, []byte(public), 0o644))
		err = run(ctx, []string{"-verify", rpath, "-key", other}, &out)
		assert.Equal(t, p.ECORRUPT, p.ErrorCode(err))
	})

	t.Run("BadInput", func(t *testing.T) {
		assert.Equal(t, p.EINVALID, p.ErrorCode(run(ctx, []string{"-verify", rpath}, &out)))
		assert.Equal(t, p.EINVALID, p.ErrorCode(run(ctx, []string{"-verify", filepath.Join(dir, "none.json"), "-key", kpath}, &out)))
		assert.Equal(t, p.EINVALID, p.ErrorCode(run(ctx, []string{"-verify", kpath, "-key", kpath}, &out)))
	})
}
